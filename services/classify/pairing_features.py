"""Features of candidate pairings, as the pairing model reads them.

Each feature is a number, most of them 0 or 1, named and described in
``data/pairing_features.json``: which rule linked the pair, how far apart its mentions
are, which classes of cue words (cooperation, route, border, event, multilateral body,
trade statistics, negation, central government) lie in its sentences or between its
mentions, what kind of name stands for each side (a city, a demonym, a foreign region, a
province opening a company's name or a dateline), lists, the document's counts of
provinces and countries, the title, and the language. Cue-word classes are found by one
automaton pass over the document, so a candidate costs a few lookups.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

import ahocorasick_rs

from services.classify.actors import ActorLinker
from services.classify.gazetteer import COOPERATION, COUNTRY, PROVINCE, RELEVANCE
from services.classify.matcher import Mention
from services.classify.pairing_candidates import Candidate
from services.classify.pairings import _dateline_end
from services.classify.phrases import PhraseSet

_CJK_START = "\u2e80"
_CYRILLIC = ("\u0400", "\u04ff")
_DASHES = frozenset("-\u2013\u2014")
_LOOK_BEHIND = 40


def language(folded: str) -> str:
    """ "zh", "ru" or "en", from the script most of the letters are in."""
    if folded.isascii():
        return "en"
    cjk = cyrillic = 0
    for char in folded:
        if char >= _CJK_START:
            cjk += 1
        elif _CYRILLIC[0] <= char <= _CYRILLIC[1]:
            cyrillic += 1
    if cjk >= cyrillic and cjk > 0:
        return "zh"
    return "ru" if cyrillic else "en"


class Document:
    """What every candidate of one document shares: cue positions, counts, the title."""

    __slots__ = (
        "classes",
        "cooperation",
        "countries",
        "folded",
        "foreign",
        "lang",
        "place_starts",
        "places",
        "provinces",
        "relevance",
        "text",
        "title_countries",
        "title_end",
        "title_provinces",
    )

    def __init__(
        self,
        text: str,
        folded: str,
        places: list[Mention],
        foreign: set[int],
        cues: list[Mention],
        classes: dict[str, list[int]],
        title_end: int,
    ) -> None:
        self.text = text
        self.foreign = foreign
        self.folded = folded
        self.places = places
        self.place_starts = [m.start for m in places]
        self.cooperation = [c.start for c in cues if c.kind == COOPERATION]
        self.relevance = [c.start for c in cues if c.kind == RELEVANCE]
        self.classes = classes
        self.title_end = title_end
        self.lang = language(folded)
        self.provinces = {m.value for m in places if m.kind == PROVINCE}
        self.countries = {m.value for m in places if m.kind == COUNTRY}
        in_title = places[: bisect_left(self.place_starts, title_end)]
        self.title_provinces = {m.value for m in in_title if m.kind == PROVINCE}
        self.title_countries = {m.value for m in in_title if m.kind == COUNTRY}


def _count(starts: list[int], low: int, high: int) -> int:
    return bisect_left(starts, high) - bisect_left(starts, low)


class PairingFeatures:
    def __init__(self, spec: dict[str, Any], grammar: dict[str, Any], actors: ActorLinker) -> None:
        self.names: list[str] = list(spec["features"])
        self.window = int(spec["window"])
        words: list[str] = []
        self._word_class: list[str] = []
        for name, phrases in spec["cue_classes"].items():
            for phrase in phrases:
                words.append(phrase)
                self._word_class.append(name)
        self.class_names = list(spec["cue_classes"])
        self._automaton = ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.Standard)
        self.company_words = frozenset(spec["company_words"])
        self.venue_previous = PhraseSet(grammar["venue_previous"])
        self.non_link_previous = PhraseSet(grammar["non_link_previous"])
        self.actors = actors

    def document(
        self,
        text: str,
        folded: str,
        places: list[Mention],
        foreign: set[int],
        cues: list[Mention],
        title_end: int,
    ) -> Document:
        """``places``: province and country mentions in text order; ``foreign``: the ids of
        those that are foreign regions or cities standing for their country."""
        classes: dict[str, list[int]] = {name: [] for name in self.class_names}
        for index, start, _end in self._automaton.find_matches_as_indexes(folded, overlapping=True):
            classes[self._word_class[index]].append(start)
        for starts in classes.values():
            starts.sort()
        return Document(text, folded, places, foreign, cues, classes, title_end)

    def features(self, doc: Document, candidate: Candidate) -> dict[str, float]:
        """The candidate's non-zero features."""
        f: dict[str, float] = {}
        links = candidate.links
        if not links:
            f["rule_none"] = 1.0
        for rule in links:
            f["rule_" + rule if "rule_" + rule in _RULES else "rule_other"] = 1.0
        p, c = candidate.province_mention, candidate.country_mention
        low = min(candidate.province_sentence[0], candidate.country_sentence[0])
        high = max(candidate.province_sentence[1], candidate.country_sentence[1])
        classes = doc.classes
        if links and classes["border"] and _count(classes["border"], low, high):
            f["rule_border"] = 1.0
        foreign = c is not None and id(c) in doc.foreign
        if links and foreign:
            f["rule_foreign_place"] = 1.0
        gap = candidate.gap
        f[("same_sentence", "sentence_gap_1", "sentence_gap_2")[min(gap, 2)]] = 1.0
        f["char_distance"] = min(candidate.distance, 300) / 100
        if p is not None and c is not None:
            between = (p.end, c.start) if p.start <= c.start else (c.end, p.start)
            if p.start <= c.start:
                f["province_first"] = 1.0
        else:
            between = (low, high)
        cooperation = doc.cooperation
        if _count(cooperation, between[0], between[1]):
            f["cooperation_between"] = 1.0
        count = _count(cooperation, low, high)
        if count:
            f["cooperation_window"] = 1.0
            f["cooperation_count"] = min(count, 3) / 3
        if _count(doc.relevance, low, high):
            f["relevance_window"] = 1.0
        for name in self.class_names:
            starts = classes[name]
            if starts and _count(starts, low, high):
                f[name + "_window"] = 1.0
        if classes["multilateral"]:
            f["multilateral_document"] = 1.0
        gap_text = doc.folded[between[0] : between[1]]
        if _count(classes["route"], between[0], between[1]) or (
            len(gap_text) <= 3 and any(char in _DASHES for char in gap_text)
        ):
            f["route_between"] = 1.0
        if p is not None:
            self._province(doc, candidate, p, f)
        if c is not None:
            role = c.entry.role
            if foreign:
                f["country_subnational"] = 1.0
            elif role == "demonyms":
                f["country_demonym"] = 1.0
            elif role == "cities":
                f["country_city"] = 1.0
            before = doc.folded[max(0, c.start - _LOOK_BEHIND) : c.start]
            if self.non_link_previous.longest_suffix(before):
                f["non_link_before"] = 1.0
            sentence = candidate.country_sentence
            countries = self._in_sentence(doc, sentence, COUNTRY)
            if countries >= 3:
                f["country_list"] = 1.0
            f["countries_in_sentence"] = min(countries, 5) / 5
        f["mention_pairs"] = min(candidate.mention_pairs, 3) / 3
        f["document_provinces"] = min(len(doc.provinces), 5) / 5
        f["document_countries"] = min(len(doc.countries), 5) / 5
        if len(doc.provinces) == 1 and len(doc.countries) == 1:
            f["single_pair_document"] = 1.0
        in_title_p = candidate.province in doc.title_provinces
        in_title_c = candidate.country in doc.title_countries
        if in_title_p:
            f["province_in_title"] = 1.0
        if in_title_c:
            f["country_in_title"] = 1.0
        if in_title_p and in_title_c:
            f["pair_in_title"] = 1.0
        if doc.lang != "en":
            f["lang_" + doc.lang] = 1.0
        return f

    def _province(self, doc: Document, candidate: Candidate, p: Mention, f: dict[str, float]) -> None:
        folded = doc.folded
        sentence = candidate.province_sentence
        before = folded[max(sentence[0], p.start - _LOOK_BEHIND) : p.start]
        if self.venue_previous.longest_suffix(before):
            f["province_venue"] = 1.0
        if self.non_link_previous.longest_suffix(before):
            f["non_link_before"] = 1.0
        if self.actors._ties_actor(folded, sentence, p):
            f["province_actor_tie"] = 1.0
        following = doc.text[p.end : p.end + 30].split(maxsplit=1)
        if following and following[0].rstrip(",.") in self.company_words:
            f["province_company_name"] = 1.0
        if p.start == sentence[0] and _dateline_end(doc.text, folded, sentence, [p]) > 0:
            f["province_dateline"] = 1.0
        if p.entry.role == "cities":
            f["province_city"] = 1.0
        if candidate.province == "Beijing":
            f["province_beijing"] = 1.0
        if self._in_sentence(doc, sentence, PROVINCE) >= 3:
            f["province_list"] = 1.0

    @staticmethod
    def _in_sentence(doc: Document, sentence: tuple[int, int], kind: str) -> int:
        low = bisect_left(doc.place_starts, sentence[0])
        high = bisect_left(doc.place_starts, sentence[1], low)
        return len({m.value for m in doc.places[low:high] if m.kind == kind})


_RULES = frozenset({"rule_clause", "rule_actor"})
