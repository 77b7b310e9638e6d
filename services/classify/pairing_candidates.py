"""Candidate pairings of a document: every (province, country) the pairing model may accept.

A candidate is a province and a country named close together, in one sentence or up to
``window`` sentences apart within one paragraph (a paragraph break ends a report's
thread) that holds a cooperation cue, plus every pair a rule links, wherever its evidence
lies: the rules' links are always candidates. Only the paragraphs the rules already split
into sentences are read, which keeps the candidates nearly free. One candidate per
(province, country): the closest pair of mentions stands for it, and the rules that
linked it are kept with their links, whose evidence and sectors a chosen candidate keeps.
A place named only as a dateline ("TASHKENT (Xinhua) -- A Gansu company ...") is where the
report was filed, no party, so it makes no candidate from proximity alone.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from services.classify.gazetteer import COUNTRY, PROVINCE
from services.classify.matcher import Mention
from services.classify.pairings import Link, _dateline_end

_SENTENCE_STOP = re.compile(r"[.!?]\s|[\u3002\uff01\uff1f]")


@dataclass(slots=True)
class Candidate:
    """A (province, country) pair, its closest mentions and the rule links naming it.

    ``province_sentence`` and ``country_sentence`` are the spans of the sentences holding
    the two mentions (for a pair only a rule found, the rule link's span); ``gap`` is how
    many sentences apart they are.
    """

    province: str
    country: str
    province_mention: Mention | None = None
    country_mention: Mention | None = None
    province_sentence: tuple[int, int] = (0, 0)
    country_sentence: tuple[int, int] = (0, 0)
    gap: int = 0
    distance: int = 0
    mention_pairs: int = 0
    links: dict[str, list[Link]] = field(default_factory=dict)

    @property
    def start(self) -> int:
        """Start of the evidence: the first rule link's, else the first sentence's."""
        first = self._first_link()
        if first is not None:
            return first.start
        return min(self.province_sentence[0], self.country_sentence[0])

    @property
    def end(self) -> int:
        first = self._first_link()
        if first is not None:
            return first.end
        return max(self.province_sentence[1], self.country_sentence[1])

    def _first_link(self) -> Link | None:
        return min(
            (link for links in self.links.values() for link in links),
            key=lambda link: link.start, default=None,
        )


def generate(
    document: str,
    folded: str,
    places: list[Mention],
    starts: list[int],
    lines: dict[int, list[tuple[int, int]]],
    rule_links: dict[str, list[Link]],
    window: int,
    keys: set[tuple[str, str]] | None = None,
) -> list[Candidate]:
    """Candidates from the province and country mentions ``places`` (text order, starting
    at ``starts``) in the
    ``lines`` already split into sentences (by line start: the lines the rules read, those
    with a cooperation cue), and from the links each rule found (by rule name); only
    those of the (province, country) ``keys``, if given."""
    candidates: dict[tuple[str, str], Candidate] = {}
    # The places of the pairs asked for: no other mention can make one of them.
    values = None if keys is None else {value for key in keys for value in key}
    for spans in lines.values():
        if not spans:
            continue
        low = bisect_left(starts, spans[0][0])
        mentions = places[low : bisect_left(starts, spans[-1][1], low)]
        if values is not None:
            mentions = [m for m in mentions if m.value in values]
        kinds = {m.kind for m in mentions}
        if PROVINCE in kinds and COUNTRY in kinds:
            _pair_in_line(document, folded, spans, mentions, window, candidates, keys)
    for rule, links in rule_links.items():
        for link in links:
            key = (link.province, link.country)
            candidate = candidates.get(key)
            if candidate is None:
                candidate = candidates[key] = _from_link(document, link, places)
            candidate.links.setdefault(rule, []).append(link)
    return list(candidates.values())


def _pair_in_line(
    document: str,
    folded: str,
    spans: list[tuple[int, int]],
    mentions: list[Mention],
    window: int,
    candidates: dict[tuple[str, str], Candidate],
    keys: set[tuple[str, str]] | None,
) -> None:
    # The first mention of each place per sentence stands for the others there: long
    # articles name one country many times, and pairing every mention costs more than
    # the rules do.
    provinces: dict[int, dict[str, Mention]] = {}
    countries: dict[int, dict[str, Mention]] = {}
    index = 0
    last = len(spans) - 1
    for mention in mentions:
        while index < last and mention.start >= spans[index + 1][0]:
            index += 1
        span = spans[index]
        if mention.start == span[0] and _dateline_end(document, folded, span, [mention]) > 0:
            continue
        side = provinces if mention.kind == PROVINCE else countries
        named = side.get(index)  # no new dict per mention, as setdefault(index, {}) makes
        if named is None:
            named = side[index] = {}
        named.setdefault(mention.value, mention)
    for p_index, named in provinces.items():
        for c_index in range(p_index - window, p_index + window + 1):
            other = countries.get(c_index)
            if other is None:
                continue
            gap = abs(p_index - c_index)
            for p in named.values():
                p_start, p_end, province = p.start, p.end, p.value
                for c in other.values():
                    c_start = c.start
                    distance = c_start - p_end if p_start <= c_start else p_start - c.end
                    if distance < 0:
                        distance = 0
                    key = (province, c.value)
                    if keys is not None and key not in keys:
                        continue
                    candidate = candidates.get(key)
                    if candidate is None:
                        candidate = candidates[key] = Candidate(province, c.value)
                    candidate.mention_pairs += 1
                    # Nearest first: fewer sentences apart, then fewer characters.
                    if candidate.province_mention is None or gap < candidate.gap or (
                        gap == candidate.gap and distance < candidate.distance
                    ):
                        candidate.province_mention, candidate.country_mention = p, c
                        candidate.province_sentence = spans[p_index]
                        candidate.country_sentence = spans[c_index]
                        candidate.gap, candidate.distance = gap, distance


def _from_link(document: str, link: Link, places: list[Mention]) -> Candidate:
    """A candidate only a rule found: its mentions are looked for in the link's evidence."""
    candidate = Candidate(link.province, link.country)
    span = (link.start, link.end)
    candidate.province_sentence = candidate.country_sentence = span
    for mention in places:
        if mention.start >= link.end:
            break
        if mention.start < link.start:
            continue
        if mention.kind == PROVINCE and mention.value == link.province and candidate.province_mention is None:
            candidate.province_mention = mention
        elif mention.kind == COUNTRY and mention.value == link.country and candidate.country_mention is None:
            candidate.country_mention = mention
    p, c = candidate.province_mention, candidate.country_mention
    if p is None or c is None:
        candidate.distance = link.end - link.start
        candidate.gap = 1
        return candidate
    low, high = (p.end, c.start) if p.start <= c.start else (c.end, p.start)
    candidate.distance = max(0, high - low)
    candidate.mention_pairs = 1
    # Evidence over two sentences (the actor rule's) puts the mentions one apart.
    candidate.gap = int(_SENTENCE_STOP.search(document, low, max(low, high)) is not None)
    return candidate
