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

import re
from bisect import bisect_left
from typing import Any

import ahocorasick_rs

from services.classify.actors import ActorLinker
from services.classify.automata import Automaton
from services.classify.gazetteer import COOPERATION, COUNTRY, PROVINCE, RELEVANCE
from services.classify.matcher import Mention
from services.classify.pairing_candidates import Candidate
from services.classify.pairings import _dateline_end
from services.classify.phrases import PhraseSet

_CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_DASHES = frozenset("-\u2013\u2014")
_LOOK_BEHIND = 40
# How far after a mention a comparison phrase ("'s example") is looked for.
_LOOK_AHEAD = 16


def language(folded: str) -> str:
    """ "zh", "ru" or "en", from the script most of the letters are in."""
    if folded.isascii():
        return "en"
    # Counted by the regex engine: an English article with one curly quote is not ASCII.
    cjk = len(_CJK.findall(folded))
    cyrillic = len(_CYRILLIC.findall(folded))
    if cjk and cjk >= cyrillic:
        return "zh"
    return "ru" if cyrillic else "en"


class Document:
    """What every candidate of one document shares: cue positions, counts, the title."""

    __slots__ = (
        "classes",
        "constant",
        "cooperation",
        "countries",
        "folded",
        "foreign",
        "lang",
        "place_starts",
        "places",
        "provinces",
        "relevance",
        "sides",
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
        place_starts: list[int],
        foreign: set[int],
        cues: list[Mention],
        title_end: int,
    ) -> None:
        """``places``: province and country mentions in text order, ``place_starts`` their
        starts; ``foreign``: the ids of those that are foreign regions or cities standing
        for their country."""
        self.text = text
        self.foreign = foreign
        self.folded = folded
        self.places = places
        self.place_starts = place_starts
        self.cooperation = [c.start for c in cues if c.kind == COOPERATION]
        self.relevance = [c.start for c in cues if c.kind == RELEVANCE]
        self.classes: dict[tuple[int, int], dict[str, list[int]]] = {}
        self.sides: dict[tuple[int, tuple[int, int]], dict[str, float]] = {}
        self.title_end = title_end
        self.lang = language(folded)
        self.provinces = {m.value for m in places if m.kind == PROVINCE}
        self.countries = {m.value for m in places if m.kind == COUNTRY}
        in_title = places[: bisect_left(place_starts, title_end)] if title_end else []
        self.title_provinces = {m.value for m in in_title if m.kind == PROVINCE}
        self.title_countries = {m.value for m in in_title if m.kind == COUNTRY}
        # Features every candidate of the document shares.
        self.constant = {
            "document_provinces": min(len(self.provinces), 5) / 5,
            "document_countries": min(len(self.countries), 5) / 5,
        }
        if self.lang != "en":
            self.constant["lang_" + self.lang] = 1.0


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
        self._automaton = Automaton(words, ahocorasick_rs.MatchKind.Standard)
        self.company_words = frozenset(spec["company_words"])
        self.venue_previous = PhraseSet(grammar["venue_previous"])
        self.non_link_previous = PhraseSet(grammar["non_link_previous"])
        self.non_link_next = PhraseSet(grammar["non_link_next"])
        self.actors = actors

    def _classes(self, doc: Document, low: int, high: int) -> dict[str, list[int]]:
        """Where each cue-word class is found in ``folded[low:high]``; candidates of one
        document often share their sentences, so each span is read once."""
        found = doc.classes.get((low, high))
        if found is None:
            found = {}
            word_class = self._word_class
            for index, start, _end in self._automaton.find(doc.folded[low:high], overlapping=True):
                found.setdefault(word_class[index], []).append(low + start)
            for starts in found.values():
                starts.sort()
            doc.classes[(low, high)] = found
        return found

    def features(self, doc: Document, candidate: Candidate, sides: bool = True) -> dict[str, float]:
        """The candidate's non-zero features; without ``sides``, all but SIDE_FEATURES,
        which cost the most to read (``add_sides`` adds them)."""
        f = dict(doc.constant)
        links = candidate.links
        if not links:
            f["rule_none"] = 1.0
        for rule in links:
            f["rule_" + rule if "rule_" + rule in _RULES else "rule_other"] = 1.0
        p, c = candidate.province_mention, candidate.country_mention
        province_sentence, country_sentence = candidate.province_sentence, candidate.country_sentence
        low = min(province_sentence[0], country_sentence[0])
        high = max(province_sentence[1], country_sentence[1])
        classes = self._classes(doc, low, high)
        foreign = c is not None and id(c) in doc.foreign
        if links:
            if "border" in classes:
                f["rule_border"] = 1.0
            if foreign:
                f["rule_foreign_place"] = 1.0
        f[_GAPS[min(candidate.gap, 2)]] = 1.0
        f["char_distance"] = min(candidate.distance, 300) / 100
        if p is not None and c is not None:
            if p.start <= c.start:
                between = (p.end, c.start)
                f["province_first"] = 1.0
            else:
                between = (c.end, p.start)
        else:
            between = (low, high)
        cooperation = doc.cooperation
        if cooperation:
            if _count(cooperation, between[0], between[1]):
                f["cooperation_between"] = 1.0
            count = _count(cooperation, low, high)
            if count:
                f["cooperation_window"] = 1.0
                f["cooperation_count"] = min(count, 3) / 3
        if doc.relevance and _count(doc.relevance, low, high):
            f["relevance_window"] = 1.0
        for name in classes:
            f[name + "_window"] = 1.0
        route = classes.get("route")
        # "the Hefei-Tashkent train": a dash joining the two is a route too.
        if (route and _count(route, between[0], between[1])) or (
            between[1] - between[0] <= 3
            and any(char in _DASHES for char in doc.folded[between[0] : between[1]])
        ):
            f["route_between"] = 1.0
        if sides:
            self.add_sides(doc, candidate, f)
        f["mention_pairs"] = min(candidate.mention_pairs, 3) / 3
        in_title_p = candidate.province in doc.title_provinces
        in_title_c = candidate.country in doc.title_countries
        if in_title_p:
            f["province_in_title"] = 1.0
        if in_title_c:
            f["country_in_title"] = 1.0
            if in_title_p:
                f["pair_in_title"] = 1.0
        return f

    def add_sides(self, doc: Document, candidate: Candidate, f: dict[str, float]) -> None:
        """Adds the SIDE_FEATURES of the candidate to its other features ``f``."""
        p, c = candidate.province_mention, candidate.country_mention
        if p is not None:
            f.update(self._province_side(doc, p, candidate.province_sentence))
        if c is not None:
            f.update(self._country_side(doc, c, candidate.country_sentence, id(c) in doc.foreign))
        if "country_list" in f:
            # A list joined to the province by a cue is a list of links; one in a summit's
            # sentences is its members.
            if "cooperation_between" in f:
                f["list_with_cooperation_between"] = 1.0
            low = min(candidate.province_sentence[0], candidate.country_sentence[0])
            high = max(candidate.province_sentence[1], candidate.country_sentence[1])
            if "multilateral" in self._classes(doc, low, high):
                f["list_multilateral"] = 1.0

    def _province_side(self, doc: Document, p: Mention, sentence: tuple[int, int]) -> dict[str, float]:
        """Features of the province's mention in its sentence (shared by its candidates)."""
        key = (id(p), sentence)
        f = doc.sides.get(key)
        if f is not None:
            return f
        f = {}
        folded = doc.folded
        before = folded[max(sentence[0], p.start - _LOOK_BEHIND) : p.start]
        if self.venue_previous.longest_suffix(before):
            f["province_venue"] = 1.0
        if self.non_link_previous.longest_suffix(before):
            f["non_link_before"] = 1.0
        if self.non_link_next.longest_prefix(folded[p.end : p.end + _LOOK_AHEAD]):
            f["non_link_after"] = 1.0
        if self.actors._ties_actor(folded, sentence, p):
            f["province_actor_tie"] = 1.0
        following = doc.text[p.end : p.end + 30].split(maxsplit=1)
        if following and following[0].rstrip(",.") in self.company_words:
            f["province_company_name"] = 1.0
        if p.start == sentence[0] and _dateline_end(doc.text, folded, sentence, [p]) > 0:
            f["province_dateline"] = 1.0
        if p.entry.role == "cities":
            f["province_city"] = 1.0
        if p.value == "Beijing":
            f["province_beijing"] = 1.0
        if self._in_sentence(doc, sentence, PROVINCE) >= 3:
            f["province_list"] = 1.0
        doc.sides[key] = f
        return f

    def _country_side(
        self, doc: Document, c: Mention, sentence: tuple[int, int], foreign: bool
    ) -> dict[str, float]:
        key = (id(c), sentence)
        f = doc.sides.get(key)
        if f is not None:
            return f
        f = {}
        role = c.entry.role
        if foreign:
            f["country_subnational"] = 1.0
        elif role == "demonyms":
            f["country_demonym"] = 1.0
        elif role == "cities":
            f["country_city"] = 1.0
        if c.start == sentence[0] and _dateline_end(doc.text, doc.folded, sentence, [c]) > 0:
            f["country_dateline"] = 1.0
        before = doc.folded[max(0, c.start - _LOOK_BEHIND) : c.start]
        if self.non_link_previous.longest_suffix(before):
            f["non_link_before"] = 1.0
        if self.non_link_next.longest_prefix(doc.folded[c.end : c.end + _LOOK_AHEAD]):
            f["non_link_after"] = 1.0
        countries = self._in_sentence(doc, sentence, COUNTRY)
        if countries >= 3:
            f["country_list"] = 1.0
        f["countries_in_sentence"] = min(countries, 5) / 5
        doc.sides[key] = f
        return f

    @staticmethod
    def _in_sentence(doc: Document, sentence: tuple[int, int], kind: str) -> int:
        low = bisect_left(doc.place_starts, sentence[0])
        high = bisect_left(doc.place_starts, sentence[1], low)
        return len({m.value for m in doc.places[low:high] if m.kind == kind})


_GAPS = ("same_sentence", "sentence_gap_1", "sentence_gap_2")
# What the mentions' own words and sentences tell (``add_sides``), every one between 0 and 1.
SIDE_FEATURES = frozenset(
    {
        "province_venue",
        "non_link_before",
        "non_link_after",
        "province_actor_tie",
        "province_company_name",
        "province_dateline",
        "province_city",
        "province_beijing",
        "province_list",
        "country_subnational",
        "country_demonym",
        "country_city",
        "country_list",
        "countries_in_sentence",
        "list_with_cooperation_between",
        "list_multilateral",
    }
)
# The most a feature can be, where it is not 1 (what bounds a score before it is read).
FEATURE_MAXIMUM = {"char_distance": 3.0}
# The features only a candidate some rule linked has; one no rule linked has "rule_none".
LINKED_FEATURES = frozenset(
    {"rule_clause", "rule_actor", "rule_other", "rule_border", "rule_foreign_place"}
)
_NONE: list[int] = []
_RULES = frozenset({"rule_clause", "rule_actor"})
