"""The classifier: provinces, countries, sectors, pairings and relevance of one article.

``classify`` builds the matcher on first use and reuses it for every later call in the
process (building it takes far longer than classifying an article).
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from itertools import pairwise
from operator import attrgetter

from services.classify import relevance
from services.classify.actors import ActorLinker
from services.classify.disambiguation import Disambiguator
from services.classify.foreign_places import ForeignPlaces
from services.classify.gazetteer import (
    CHINA,
    COOPERATION,
    COUNTRY,
    PROVINCE,
    SECTOR,
    Entry,
    all_terms,
    load_json,
)
from services.classify.matcher import Matcher, Mention
from services.classify.pairing_candidates import Candidate
from services.classify.pairing_features import Document
from services.classify.pairing_model import PairingCandidates, PairingModel
from services.classify.pairings import CueSentence, Link, PairingExtractor, _dateline_end
from services.classify.phrases import PhraseSet
from services.classify.sector_context import SectorContext
from services.classify.sectors import SectorScorer
from services.classify.sentences import line_around, split_line
from services.classify.textnorm import fold
from services.common.contracts import Labels, Pairing
from services.common.settings import get_settings

CLASSIFIER_VERSION = "1.6.0"

# Joins title and text so that the title is its own sentence.
_TITLE_SEPARATOR = "\n"
_START = attrgetter("start")
# The cue a route's name ("the Xiamen-Budapest train") stands for.
_ROUTE_CUE = Entry(kind=COOPERATION, value="cooperation", alias="route name")


Scored = list[tuple[Candidate, dict[str, float]]]


class Classifier:
    def __init__(self, pairing_model: bool | None = None) -> None:
        """``pairing_model``: decide pairings with the trained model (default: settings)."""
        context = load_json("context.json")
        self.matcher = Matcher(all_terms())
        self.disambiguator = Disambiguator(context)
        self.foreign_places = ForeignPlaces(context["pairing"])
        self.pairings = PairingExtractor(context["pairing"])
        self.actors = ActorLinker(context["pairing"], self.pairings)
        self.sectors = SectorScorer(load_json("sectors.json"), context["pairing"])
        self.sector_context = SectorContext(load_json("sectors.json")["context"])
        self.route_compound_nouns = PhraseSet(context["pairing"]["route_compound_nouns"])
        cues = load_json("cues.json")
        self.links_outside_bri = frozenset(cues["links_outside_bri"]["provinces"])
        self.trade_figures = relevance.TradeFigures(cues["trade_figures"])
        self.candidates = PairingCandidates(context["pairing"], self.actors)
        if pairing_model is None:
            pairing_model = get_settings().pairing_model
        self.pairing_model = PairingModel.load() if pairing_model else None

    def classify(self, text: str, title: str = "", scored: Scored | None = None) -> Labels:
        """Labels of one article; ``scored``, if given, receives its candidate pairings
        with their features (what the pairing model is trained on)."""
        prefix = title + _TITLE_SEPARATOR if title else ""
        document = prefix + text
        folded = fold(document)
        matches = self.matcher.scan(document, folded)
        entities = self.disambiguator.apply(document, folded, matches.entities)
        cooperation = [c for c in matches.cues if c.kind == COOPERATION]
        provinces, countries, sector_mentions, names_china = _tally(entities)
        aside, routes = self.sector_context.aside(document, folded, sector_mentions, len(prefix))
        if aside:
            # Cargo, history and company names make no sector, for the article or a link.
            sector_mentions = _without(sector_mentions, aside)
            entities = _without(entities, aside)
        if routes:
            # A railway named as a freight train's route is logistics, not railway building;
            # a port named by its name is the port itself.
            sector_mentions = [routes.get(id(m), m) for m in sector_mentions]
            entities = [routes.get(id(m), m) for m in entities]
        # The capital named bare is where national things happen, no party to a link.
        entities = self._parties(document, folded, entities)
        routes_named = self._route_compounds(folded, entities)
        if routes_named:
            cooperation = sorted(cooperation + routes_named, key=_START)
        rule_links: dict[str, list[Link]] = {}
        sentences: list[CueSentence] = []
        lines: dict[int, list[tuple[int, int]]] = {}
        if cooperation and (countries or provinces) and (provinces or names_china):
            # Only then can a sentence state a link; most articles skip splitting. A
            # foreign region or city counts only in a line that may state one.
            foreign = self.foreign_places if provinces else None
            sentences = _cue_sentences(document, folded, entities, cooperation, lines, foreign)
            if provinces:
                rule_links["clause"] = self.pairings.extract(document, folded, sentences)
                rule_links["actor"] = self.actors.extract(document, folded, entities, sentences, lines)
                rule_links = self.pairings.follow_on_sectors(folded, rule_links, sentences)
        links = [link for found in rule_links.values() for link in found]
        model = self.pairing_model
        # Where the model accepts no candidate no rule linked, only the linked ones are
        # read, and none where no rule linked any (training reads them all).
        linked_only = scored is None and model is not None and not model.accepts_unlinked
        if provinces and (countries or links) and (model is not None or scored is not None) and (
            links or not linked_only
        ):
            read = self._candidates(document, folded, entities, sentences, lines,
                                    matches.cues, rule_links, len(prefix), linked_only)
            if read is not None:  # without candidates there are no rule links either
                doc, candidates = read
                features = self.candidates.features
                if scored is not None:
                    scored.extend((c, features.features(doc, c)) for c in candidates)
                if model is not None:
                    links = model.links(features, doc, candidates, sector_mentions)
        pairings = _merge(links, document, len(prefix))
        # A country named only by a region or city of it counts once a link names it.
        countries.update(pairing.country for pairing in pairings)
        sectors = self.sectors.article_sectors(
            document, folded, sector_mentions, len(prefix), [c.start for c in cooperation], lines)
        for pairing in pairings:
            sectors.update(pairing.sectors)
        if (pairings and sectors and len({p.province for p in pairings}) == 1
                and not any(p.sectors for p in pairings)):
            # The links of an article's one province are what the article is about ("Sany
            # has manufacturing bases in India, the United States and Brazil"): when their
            # own sentences name no sector, the article's sectors are theirs.
            pairings = [p.model_copy(update={"sectors": sorted(sectors)}) for p in pairings]
        # Counted once the article's sectors are known: in an article about no sector, a
        # Chinese actor's dealings abroad are no evidence of capacity cooperation.
        china_abroad = _china_abroad_sentences(
            document, folded, sentences, sectors, self.links_outside_bri, bool(countries),
            _names_chinese_actor(document, folded, entities, self.links_outside_bri))
        score = relevance.score(
            self.trade_figures.outside(document, folded, matches.cues, lines),
            has_pairings=any(p.province not in self.links_outside_bri for p in pairings),
            china_abroad_sentences=china_abroad,
        )
        return Labels(
            relevant=relevance.is_relevant(score),
            relevance=score,
            provinces=sorted(provinces),
            countries=sorted(countries),
            sectors=sorted(sectors),
            pairings=pairings,
            classifier_version=CLASSIFIER_VERSION,
        )

    def _route_compounds(self, folded: str, entities: list[Mention]) -> list[Mention]:
        """A cue for each route named by its two ends, a province's city and a foreign one
        ("the Xiamen-Budapest train", "the Kunming-Vientiane railway"): the name states
        the link by itself, whatever verb the sentence has."""
        places = [m for m in entities if m.kind == PROVINCE or m.kind == COUNTRY]
        found: list[Mention] = []
        for first, second in pairwise(places):
            if first.kind == second.kind or folded[first.end : second.start].strip() != "-":
                continue
            length = self.route_compound_nouns.longest_prefix(folded[second.end : second.end + 32])
            if length:
                found.append(Mention(second.end, second.end + length, _ROUTE_CUE, COOPERATION,
                                     _ROUTE_CUE.value))
        return found

    def _parties(self, document: str, folded: str, entities: list[Mention]) -> list[Mention]:
        """``entities`` less the capital's mentions that name no party: the city counts
        when the words next to it make it the city, or tie an actor to it ("a Beijing
        company", "firms based in Beijing")."""
        capitals = self.disambiguator.metonym_names
        dropped = [
            m for m in entities
            if m.value in capitals and self.disambiguator.capital_not_party(folded, m)
            and not self.actors.ties_actor_near(folded, m)
        ]
        return _without(entities, dropped) if dropped else entities

    def _candidates(
        self, document: str, folded: str, entities: list[Mention], sentences: list[CueSentence],
        lines: dict[int, list[tuple[int, int]]], cues: list[Mention],
        rule_links: dict[str, list[Link]], title_end: int, linked_only: bool,
    ) -> tuple[Document, list[Candidate]] | None:
        places = [m for m in entities if m.kind == PROVINCE or m.kind == COUNTRY]
        # Foreign regions and cities are found only inside cue sentences (ForeignPlaces).
        made = self.foreign_places.made
        foreign = [m for s in sentences for m in s.mentions if m.kind == COUNTRY and made(m)]
        if foreign:
            places = sorted(places + foreign, key=_START)
        return self.candidates.read(
            document, folded, places, {id(m) for m in foreign}, lines, cues, rule_links, title_end,
            linked_only,
        )


def _tally(entities: list[Mention]) -> tuple[set[str], set[str], list[Mention], bool]:
    """Provinces and countries named, the sector mentions, and whether China is named."""
    provinces: set[str] = set()
    countries: set[str] = set()
    sectors: list[Mention] = []
    names_china = False
    for mention in entities:
        kind = mention.kind
        if kind == SECTOR:
            sectors.append(mention)
        elif kind == COUNTRY:
            countries.add(mention.value)
        elif kind == PROVINCE:
            provinces.add(mention.value)
        elif kind == CHINA:
            names_china = True
    return provinces, countries, sectors, names_china


def _without(mentions: list[Mention], dropped: list[Mention]) -> list[Mention]:
    """``mentions`` less ``dropped``, a few of them; both lists are in text order."""
    kept: list[Mention] = []
    position = 0
    for mention in dropped:
        index = bisect_left(mentions, mention.start, position, key=_START)
        while mentions[index] is not mention:  # several meanings may share one start
            index += 1
        kept += mentions[position:index]
        position = index + 1
    kept += mentions[position:]
    return kept


def _cue_sentences(
    document: str, folded: str, entities: list[Mention], cues: list[Mention],
    lines: dict[int, list[tuple[int, int]]], foreign: ForeignPlaces | None,
) -> list[CueSentence]:
    """The sentences holding a cooperation cue, each with the entities inside it, among
    the lines that name a country and a province or China; ``lines`` receives the
    sentence spans of each such line, by the line's start.

    Only such sentences can state a link or a Chinese actor's work abroad, so only their
    lines are split into sentences. No sentence runs over a line break: a line lacking
    those names holds no sentence that has them. A line naming a province is first read
    for foreign regions and cities (``foreign``), which then count as countries of that
    line; where the line names a country too, only in its sentences that name none.
    """
    entity_starts = [m.start for m in entities]
    sentences: dict[tuple[int, int], CueSentence] = {}
    line_stop = -1
    spans: list[tuple[int, int]] = []
    inside: list[Mention] = []
    inside_starts: list[int] = []
    span_starts: list[int] = []
    for cue in cues:  # in text order
        if cue.start >= line_stop:
            line_start, line_stop = line_around(document, cue.start)
            low = bisect_left(entity_starts, line_start)
            inside = entities[low : bisect_left(entity_starts, line_stop, low)]
            kinds = {m.kind for m in inside}
            spans = []
            if foreign is not None and PROVINCE in kinds:
                places = foreign.find_in_line(document, folded, line_start, line_stop, inside)
                if places and COUNTRY in kinds:
                    # "Uzbekistan's Jizzakh region ... cooperation between Jizzakh region and
                    # Hubei": a region counts in a sentence of the line that names no country.
                    spans = split_line(document, line_start, line_stop)
                    places = _outside_country_sentences(places, inside, spans)
                if places:
                    inside = sorted(inside + places, key=_START)
                    kinds.add(COUNTRY)
            can_link = COUNTRY in kinds and (PROVINCE in kinds or CHINA in kinds)
            if not can_link:
                spans = []
            elif not spans:
                spans = split_line(document, line_start, line_stop)
            if can_link:
                lines[line_start] = spans
                inside_starts = [m.start for m in inside]
                span_starts = [span[0] for span in spans]
        if not spans:
            continue
        # The sentence holding the cue: the last one starting at or before it, if the cue
        # is not in the space between two sentences.
        index = bisect_right(span_starts, cue.start) - 1
        if index < 0 or cue.start >= spans[index][1]:
            continue
        span = spans[index]
        sentence = sentences.get(span)
        if sentence is None:
            low = bisect_left(inside_starts, span[0])
            mentions = inside[low : bisect_left(inside_starts, span[1], low)]
            kinds_here = frozenset([m.kind for m in mentions])
            sentences[span] = CueSentence(span, mentions, [cue], kinds_here)
        else:
            sentence.cues.append(cue)
    return list(sentences.values())


def _outside_country_sentences(
    places: list[Mention], inside: list[Mention], spans: list[tuple[int, int]]
) -> list[Mention]:
    """The foreign places of a line that stand in sentences naming no country."""
    named = [m.start for m in inside if m.kind == COUNTRY]
    kept = []
    for place in places:
        span = next((s for s in spans if s[0] <= place.start < s[1]), None)
        if span is not None and not any(span[0] <= start < span[1] for start in named):
            kept.append(place)
    return kept


def _china_abroad_sentences(
    document: str, folded: str, sentences: list[CueSentence], sectors: set[str],
    outside_bri: frozenset[str], names_country: bool, names_chinese: bool,
) -> int:
    """Sentences where a Chinese actor cooperates with a foreign country, in an article
    about a sector: the sector may be named in the next sentence, as a link may take
    two ("China's Zijin plans to invest 800 million dollars in Serbia. It will expand
    two copper mines."). So may the actor and the country ("A fruit company will build
    cold stores in Kazakhstan. Its manager, from Shaanxi, said ..."): sentences of
    cooperation that name them apart count as one, and so does a sentence of a Chinese
    actor's cooperation in an article that names the country elsewhere (``names_country``:
    "The mill in Smederevo, Serbia, now belongs to HeSteel. The Chinese group plans to
    invest 300 million euros in it"), and a sentence of cooperation with a foreign country
    in an article that names China or a province outside a dateline (``names_chinese``:
    "... founder of Chongqing Lifan Group ... Lifan has set up manufacturing bases in
    Vietnam and Russia"). The place of a dateline is where the
    report was filed from, not an actor ("URUMQI (Xinhua) -- Kazakhstan signed a gas
    deal with Russia"), and a province whose links are outside the Belt and Road
    (``outside_bri``) is no Chinese actor for it."""
    if not sectors:
        return 0
    count = 0
    actor = country = False
    for sentence in sentences:
        mentions = sentence.mentions
        if not mentions:
            continue
        start = _dateline_end(document, folded, sentence.span, mentions)
        kinds = sentence.kinds  # the kinds of its mentions, unless a dateline drops some
        if start >= 0:
            mentions = [m for m in mentions if m.start >= start]
            kinds = frozenset(m.kind for m in mentions)
        names_actor = CHINA in kinds or any(
            m.kind == PROVINCE and m.value not in outside_bri for m in mentions)
        if COUNTRY in kinds and names_actor:
            count += 1
        actor = actor or names_actor
        country = country or COUNTRY in kinds
    return count or int((actor and (country or names_country)) or (names_chinese and country))


def _names_chinese_actor(
    document: str, folded: str, entities: list[Mention], outside_bri: frozenset[str]
) -> bool:
    """Whether the article names China or a province taking part in the Belt and Road
    anywhere but in a dateline ("URUMQI (Xinhua) -- ..." names where it was filed)."""
    for mention in entities:
        if mention.kind == CHINA:
            return True
        if mention.kind != PROVINCE or mention.value in outside_bri:
            continue
        start = mention.start
        if start == 0 or document[start - 1] == "\n":
            line_end = line_around(document, start)[1]
            if _dateline_end(document, folded, (start, line_end), [mention]) >= 0:
                continue
        return True
    return False


def _merge(links: list[Link], document: str, text_offset: int) -> list[Pairing]:
    """One pairing per (province, country): sectors of all its links, first evidence."""
    merged: dict[tuple[str, str], tuple[Link, set[str]]] = {}
    for link in sorted(links, key=_START):
        key = (link.province, link.country)
        if key in merged:
            merged[key][1].update(link.sectors)
        else:
            merged[key] = (link, set(link.sectors))
    pairings = []
    for (province, country), (link, sectors) in sorted(merged.items()):
        in_text = link.start >= text_offset
        # Validated: pydantic's compiled validator builds a model faster (1.7 µs) than
        # model_construct's Python loop over the fields (2.6-3.1 µs).
        pairings.append(
            Pairing(
                province=province,
                country=country,
                sectors=sorted(sectors),
                evidence=document[link.start : link.end],
                start=link.start - text_offset if in_text else None,
                end=link.end - text_offset if in_text else None,
            )
        )
    return pairings


_lock = threading.Lock()
_classifier: Classifier | None = None


def get_classifier() -> Classifier:
    """The process-wide classifier, built on first use."""
    global _classifier
    if _classifier is None:
        with _lock:
            if _classifier is None:
                _classifier = Classifier()
    return _classifier


def classify(text: str, title: str = "") -> Labels:
    """Labels of one article; ``title`` is matched too, offsets refer to ``text``."""
    return get_classifier().classify(text, title)
