"""Candidate pairings of a document: every (province, country) the pairing model may accept.

A candidate is a province and a country named close together, in one sentence or up to
``window`` sentences apart within one paragraph (a paragraph break ends a report's
thread), plus every pair a rule links, wherever its evidence lies: the rules' links are
always candidates. One candidate per (province, country): the closest pair of mentions
stands for it, and the rules that linked it are kept with their links, whose evidence and
sectors a chosen candidate keeps.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from services.classify.gazetteer import COUNTRY, PROVINCE
from services.classify.matcher import Mention
from services.classify.pairings import Link
from services.classify.sentences import line_around, split_line

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
        if self.links:
            return min(link.start for links in self.links.values() for link in links)
        return min(self.province_sentence[0], self.country_sentence[0])

    @property
    def end(self) -> int:
        if self.links:
            first = min(
                (link for links in self.links.values() for link in links), key=lambda link: link.start
            )
            return first.end
        return max(self.province_sentence[1], self.country_sentence[1])


class _Located:
    __slots__ = ("index", "mention", "span")

    def __init__(self, mention: Mention, index: int, span: tuple[int, int]) -> None:
        self.mention = mention
        self.index = index
        self.span = span


def generate(
    document: str,
    places: list[Mention],
    rule_links: dict[str, list[Link]],
    window: int,
) -> list[Candidate]:
    """Candidates from the province and country mentions ``places`` (text order) and the
    links each rule found (by rule name)."""
    candidates: dict[tuple[str, str], Candidate] = {}
    line_stop = -1
    line: list[Mention] = []
    lines: list[list[Mention]] = []
    for mention in places:
        if mention.start >= line_stop:
            _start, line_stop = line_around(document, mention.start)
            line = []
            lines.append(line)
        line.append(mention)
    for mentions in lines:
        kinds = {m.kind for m in mentions}
        if PROVINCE in kinds and COUNTRY in kinds:
            _pair_in_line(document, mentions, window, candidates)
    for rule, links in rule_links.items():
        for link in links:
            key = (link.province, link.country)
            candidate = candidates.get(key)
            if candidate is None:
                candidate = candidates[key] = _from_link(document, link, places)
            candidate.links.setdefault(rule, []).append(link)
    return list(candidates.values())


def _pair_in_line(
    document: str, mentions: list[Mention], window: int, candidates: dict[tuple[str, str], Candidate]
) -> None:
    line_start, line_stop = line_around(document, mentions[0].start)
    spans = split_line(document, line_start, line_stop)
    starts = [span[0] for span in spans]
    provinces: list[_Located] = []
    countries: list[_Located] = []
    for mention in mentions:
        index = max(0, bisect_right(starts, mention.start) - 1)
        located = _Located(mention, index, spans[index])
        (provinces if mention.kind == PROVINCE else countries).append(located)
    for province in provinces:
        for country in countries:
            gap = abs(province.index - country.index)
            if gap > window:
                continue
            p, c = province.mention, country.mention
            distance = c.start - p.end if p.start <= c.start else p.start - c.end
            key = (p.value, c.value)
            candidate = candidates.get(key)
            if candidate is None:
                candidate = candidates[key] = Candidate(p.value, c.value)
            candidate.mention_pairs += 1
            if candidate.province_mention is None or (gap, distance) < (candidate.gap, candidate.distance):
                candidate.province_mention, candidate.country_mention = p, c
                candidate.province_sentence, candidate.country_sentence = province.span, country.span
                candidate.gap, candidate.distance = gap, max(0, distance)


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
