"""Links stated across sentences: an actor tied to its province, its work abroad next.

"Weichai, a state-owned engine maker from Shandong, reported record profits. The company
will open a plant in Mexico." The first sentence ties an actor (a company, group, yard or
delegation) to a province; a later sentence of the same paragraph, at most ``window``
sentences on and with no other province-naming sentence in between, holds a cooperation
cue and refers back to the actor ("the company", "it", its name) before naming a foreign
country. That is one link, Shandong-Mexico, with both sentences as its evidence (the
pairing's evidence and offsets span them). Everything else stays unlinked: a person from a
province ("an engineer from Hunan"), a sentence that names a province of its own (the
sentence rules read it), a country named before the reference and none after it, or a
paragraph break in between. The link's sectors are those of the later sentence, else of the first.

The order may also be the other way round: "XCMG opened a plant in Brazil. The
Xuzhou-based group ranks fifth." When no earlier sentence links the actor, the nearest
later sentence naming a place may tie it, if it names no country and opens by referring
back ("the Xuzhou-based group", "it is headquartered in Hefei"; not "the Shenzhen-based
BYD", which names another actor).

The parties may also be named in one sentence and their cooperation stated in the next:
"The governor of Gansu received Tajikistan's ambassador. The two sides discussed energy
cooperation" links Gansu and Tajikistan.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from typing import Any

from services.classify.gazetteer import COUNTRY, PROVINCE, SECTOR
from services.classify.matcher import Mention
from services.classify.pairings import CueSentence, Link, PairingExtractor, _dateline_end
from services.classify.phrases import PhraseSet, Substrings

# The words joining the items of a list of places: "Китая, Казахстана и России".
_LIST_WORDS = frozenset({"и", "and", "or", "или"})
# The weight of one strong sector term (see sectors.json).
_STRONG = 1.0 - 1e-9
_BEFORE = 60
_AFTER = 40
# The actor's name when the sentence opens with it: "Weichai, a ... maker from Shandong".
_OPENING_NAME = re.compile(r"([A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,3}),")
_NAME_AFTER_BASED = re.compile(r"[\s-]*(?:based|headquartered)\s+([A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,2})")
_WORD = re.compile(r"[^\W\d_]+")
# A sentence opening with a name: "CNMC already runs ...", "Fiagril buys ...".
# The words of a short opening before a sentence's subject: "since 2007 ", "last year, ".
_OPENING_TOKEN = re.compile(r"[\w-]+,? ")
_OPENING_WORDS = 3
# How many words after "the" may lead to the actor noun of a definite description.
_DESCRIPTION_WORDS = 5
# The words of a company's name after the province opening it: " Zoomlion Heavy Industry".
_NAME_WORDS = re.compile(r"(?: [A-Z][\w&.-]*){1,4}")
_OPENING_WORD = re.compile(r"\s*([A-Z][\w&-]*[A-Z0-9][\w&-]*|[A-Z][a-z]\w+)(?= [a-z])")


class ActorLinker:
    def __init__(self, grammar: dict[str, Any], sentence_rule: PairingExtractor) -> None:
        """``sentence_rule``: the one-sentence pairing rule, whose phrase sets of the same
        grammar words (no-party phrases, crossings, ties) these links read too."""
        spec = grammar["actors"]
        self.window = int(spec["window"])
        self.nouns = frozenset(spec["nouns"])
        self.nouns_cjk = Substrings(noun for noun in spec["nouns"] if noun[:1] >= "\u2e80")
        self.tie_previous = PhraseSet(spec["tie_previous"])
        self.tie_previous_alone = sentence_rule.tie_alone
        self.tie_next = tuple(spec["tie_next"])
        self.company_name_words = frozenset(spec["company_name_words"])
        self.based_openings = tuple(spec["based_openings"])
        self.reference_openings = tuple(spec["reference_openings"])
        self.references: list[str] = spec["references"]
        self._any_reference = Substrings(self.references)
        self.reference_reach = int(spec["reference_reach"])
        self.later_openings = tuple(spec["later_openings"])
        self.project_references = tuple(spec["project_references"])
        self.place_references: list[str] = spec["place_references"]
        self.parties_openings = tuple(grammar["parties_openings"])
        self.non_link_previous = sentence_rule.non_link_previous
        self.city_located_previous = sentence_rule.city_located_previous
        routes = spec["routes"]
        self.route_words = Substrings(routes["words"])
        self.origin_previous = tuple(routes["origin_previous"])
        self.origin_words = int(routes["origin_words"])
        self.route_references = Substrings(routes["references"])
        self.route_passed = tuple(routes["passed_previous"])
        self.route_sector = frozenset({routes["sector"]})
        self.origin_name_words = frozenset(routes["origin_name_words"])
        self.crossing_references = Substrings(routes["crossing_references"])
        self.crossing_reach = int(routes["crossing_reach"])
        self.crossing_cues = sentence_rule.crossing_cues

    def extract(
        self, text: str, folded: str, entities: list[Mention], sentences: list[CueSentence],
        lines: dict[int, list[tuple[int, int]]],
    ) -> list[Link]:
        """Cross-sentence links: each cue sentence naming a country but no province is
        read against the nearest earlier sentence of its paragraph naming a province, else
        against the next sentences when they tell the actor's province afterwards.
        ``lines`` holds the sentence spans of every line the cue sentences come from."""
        links: list[Link] = []
        starts: list[int] | None = None
        cue_spans = {sentence.span for sentence in sentences}
        for span, mentions, _cues, kinds in sentences:
            if PROVINCE in kinds and COUNTRY in kinds:
                mentions, kinds = _without_dateline(text, folded, span, mentions, kinds)
            if PROVINCE not in kinds and COUNTRY not in kinds:
                if starts is None:
                    starts = [m.start for m in entities]
                links.extend(self._parties_link(text, folded, entities, starts, span, mentions,
                                                lines, cue_spans))
                continue
            if PROVINCE in kinds and COUNTRY not in kinds:
                if starts is None:
                    starts = [m.start for m in entities]
                links.extend(self._project_link(text, folded, entities, starts, span, mentions, lines))
                continue
            if COUNTRY not in kinds or PROVINCE in kinds:
                continue  # the sentence rules read a sentence with both
            spans = lines[text.rfind("\n", 0, span[0]) + 1]
            position = spans.index(span)
            if starts is None:
                starts = [m.start for m in entities]
            found: list[Link] = []
            skipped: list[tuple[int, int]] = []
            nearest: tuple[tuple[int, int], list[Mention]] | None = None
            for earlier in reversed(spans[max(0, position - self.window) : position]):
                inside = _inside(entities, starts, earlier)
                if not any(m.kind == PROVINCE for m in inside):
                    skipped.append(earlier)
                    continue
                nearest = earlier, inside
                if not any(_continues_other_actor(text, earlier, inside, s) for s in skipped):
                    found = self._link(text, folded, earlier, inside, span, mentions)
                break  # the nearest sentence naming a province is the only candidate
            if not found:
                # The actor's name may stand in the sentence before, which the country
                # sentence refers back to ("... Sany signed ... It would be its second").
                name_from = spans[position - 1][0] if position else span[0]
                found = self._link_later(text, folded,
                                         spans[position + 1 : position + 1 + self.window],
                                         entities, starts, span, mentions, name_from)
            if not found and nearest is not None:
                found = self._route_link(text, folded, *nearest, span, mentions)
            if not found and nearest is not None:
                found = self._reference_link(folded, nearest[1], span, mentions)
            links.extend(found)
        return links

    def _link_later(
        self, text: str, folded: str, later: list[tuple[int, int]], entities: list[Mention],
        starts: list[int], span: tuple[int, int], mentions: list[Mention], name_from: int,
    ) -> list[Link]:
        """The actor's province told after its work abroad: "XCMG opened a plant in Brazil.
        The Xuzhou-based group ranks fifth." The nearest later sentence naming a place must
        name a province but no country, open by referring back ("the", "it", "its") and tie
        an actor to the province within that opening."""
        for sentence in later:
            inside = _inside(entities, starts, sentence)
            places = [m for m in inside if m.kind in (PROVINCE, COUNTRY)]
            if not places:
                continue
            if any(m.kind == COUNTRY for m in places):
                # "It would be the company's second factory, after one in India": the
                # actor's story goes on; its province may come next.
                if folded.startswith(self.reference_openings, sentence[0]) and not any(
                    m.kind == PROVINCE for m in places
                ):
                    continue
                return []
            opening_end = sentence[0] + self.reference_reach
            # "Ganfeng raised its stake in an Argentine project. Ganfeng, based in
            # Jiangxi, ...": the actor named again is the actor.
            renamed = self._names_again(text, folded, sentence, name_from, mentions)
            if not renamed and not folded.startswith(self.later_openings, sentence[0]):
                return []
            # "The Xuzhou-based group" refers back; "The Shenzhen-based BYD" names another
            # actor and "the Shanghai-based analyst" none.
            definite = not renamed and not folded.startswith(self.reference_openings, sentence[0])
            tied = [m for m in places
                    if m.start < opening_end and self._ties_actor(folded, sentence, m, text)
                    and not (definite and not self._definite_actor(text, folded, m, sentence))]
            if not tied:
                return []
            countries = list(dict.fromkeys(
                m.value for m in mentions if m.kind == COUNTRY and not self._no_party(folded, span, m)))
            sectors = _sectors(mentions) or _sectors(inside)
            return [
                Link(province, country, sectors, span[0], sentence[1])
                for province in dict.fromkeys(m.value for m in tied)
                for country in countries
            ]
        return []

    def _route_link(
        self, text: str, folded: str, earlier: tuple[int, int], earlier_mentions: list[Mention],
        span: tuple[int, int], mentions: list[Mention],
    ) -> list[Link]:
        """"Грузовой поезд отправился из Чэнду. Через 12 дней он прибудет в Лодзь": a route
        whose origin, a province's city, one sentence names and whose destination abroad
        a later one, referring back to the route ("он", "поезд"), names. The countries it
        passes on the way ("через Казахстан") are no destination. A crossing named with
        its province and referred back to ("эти два погранперехода на границе Китая и
        Казахстана") joins the province to the country the same way."""
        countries = [m for m in mentions if m.kind == COUNTRY]
        reach = min(countries[0].start, span[0] + self.reference_reach)
        origins: list[Mention] = []
        if self.route_words.found_in(folded, earlier[0], earlier[1]) and (
            self.route_references.found_in(folded, span[0], reach)
        ):
            origins = [m for m in earlier_mentions
                       if m.kind == PROVINCE and self._is_origin(text, folded, earlier, m)]
        if not origins and self.crossing_references.found_in(folded, span[0], reach):
            # A crossing named with its province, then "these two crossings on the border
            # of China and Kazakhstan": the crossing's province, joined to the country.
            origins = [m for m in earlier_mentions
                       if m.kind == PROVINCE and self.crossing_cues.found_in(
                           folded, max(earlier[0], m.start - self.crossing_reach), m.start)]
        if not origins:
            return []
        destinations = [m.value for m in countries if not self._passed(text, folded, span, m)]
        if not destinations:
            return []
        sectors = _sectors(mentions) or _sectors(earlier_mentions) or self.route_sector
        return [
            Link(province, country, sectors, earlier[0], span[1])
            for province in dict.fromkeys(m.value for m in origins)
            for country in dict.fromkeys(destinations)
        ]

    def _passed(self, text: str, folded: str, span: tuple[int, int], country: Mention) -> bool:
        """Whether the route only passes the country: a passed phrase before it, or before
        the list it ends ("по территории Китая, Казахстана, России")."""
        before = folded[span[0] : country.start]
        for end in _phrase_ends(before, self.route_passed):
            low = country.start - len(before) + end
            if all(word[:1].isupper() or word in _LIST_WORDS
                   for word in _WORD.findall(text[low : country.start])):
                return True
        return False

    def _is_origin(
        self, text: str, folded: str, sentence: tuple[int, int], mention: Mention
    ) -> bool:
        """Whether a route leaves from the province: an origin phrase before it, with at
        most a few words of the place's own name between ("из города Дунгуань провинции
        Гуандун")."""
        before = folded[max(sentence[0], mention.start - _BEFORE) : mention.start]
        for end in _phrase_ends(before, self.origin_previous):
            low = mention.start - len(before) + end
            words = text[low : mention.start].split()
            if len(words) <= self.origin_words and all(
                word[:1].isupper() or word.lower() in self.origin_name_words for word in words
            ):
                return True
        return False

    def _project_link(
        self, text: str, folded: str, entities: list[Mention], starts: list[int],
        span: tuple[int, int], mentions: list[Mention], lines: dict[int, list[tuple[int, int]]],
    ) -> list[Link]:
        """"A fertiliser plant opened in Osh. The project is owned by a Hebei firm": a
        sentence opening with the project of the sentence before, which names a country
        and no province, links its province to that country."""
        if not folded[span[0] : span[1]].lstrip().startswith(self.project_references):
            return []
        spans = lines.get(text.rfind("\n", 0, span[0]) + 1, [])
        position = spans.index(span) if span in spans else 0
        if position == 0:
            return []
        earlier = spans[position - 1]
        low = bisect_left(starts, earlier[0])
        inside = entities[low : bisect_left(starts, earlier[1], low)]
        if any(m.kind == PROVINCE for m in inside):
            return []
        countries = list(dict.fromkeys(m.value for m in inside if m.kind == COUNTRY))
        sectors = _sectors(inside) or _sectors(mentions)
        return [
            Link(province, country, sectors, earlier[0], span[1])
            for province in dict.fromkeys(m.value for m in mentions if m.kind == PROVINCE)
            for country in countries
        ]

    def _parties_link(
        self, text: str, folded: str, entities: list[Mention], starts: list[int],
        span: tuple[int, int], mentions: list[Mention], lines: dict[int, list[tuple[int, int]]],
        cue_spans: set[tuple[int, int]],
    ) -> list[Link]:
        """"The governor of Gansu received Tajikistan's ambassador. The two sides discussed
        energy cooperation": a sentence opening with the parties and stating the
        cooperation links the province and the country of the sentence just before, when
        that one names both and states nothing itself (else the sentence rules read it)."""
        if not folded[span[0] : span[1]].lstrip().startswith(self.parties_openings):
            return []
        spans = lines.get(text.rfind("\n", 0, span[0]) + 1, [])
        position = spans.index(span) if span in spans else 0
        if position == 0 or spans[position - 1] in cue_spans:
            return []
        earlier = spans[position - 1]
        inside = _inside(entities, starts, earlier)
        places = [m for m in inside if m.kind in (PROVINCE, COUNTRY)]
        if not places:
            return []
        # A dateline ("ПЕКИН, 5 мая.") is where the report was filed, no party.
        dateline_end = _dateline_end(text, folded, earlier, places)
        provinces = [m.value for m in places if m.kind == PROVINCE and m.start >= dateline_end]
        countries = [m.value for m in places if m.kind == COUNTRY and m.start >= dateline_end]
        sectors = _sectors(mentions) or _sectors(inside)
        return [
            Link(province, country, sectors, earlier[0], span[1])
            for province in dict.fromkeys(provinces)
            for country in dict.fromkeys(countries)
        ]

    def _link(
        self, text: str, folded: str, earlier: tuple[int, int], earlier_mentions: list[Mention],
        span: tuple[int, int], mentions: list[Mention],
    ) -> list[Link]:
        tied = [m for m in earlier_mentions
                if m.kind == PROVINCE and self._ties_actor(folded, earlier, m, text)]
        if not tied:
            return []
        name = self._actor_name(text, earlier, tied[0])
        countries = self._referred_countries(text, folded, span, mentions, name)
        if not countries and _opens_with_earlier_name(text, span, mentions, earlier):
            countries = list(dict.fromkeys(m.value for m in mentions if m.kind == COUNTRY))
        if not countries:
            return []
        sectors = _sectors(mentions) or _sectors(earlier_mentions)
        return [
            Link(province, country, sectors, earlier[0], span[1])
            for province in dict.fromkeys(m.value for m in tied)
            for country in countries
        ]

    def _ties_actor(
        self, folded: str, sentence: tuple[int, int], mention: Mention, text: str | None = None
    ) -> bool:
        """Whether the province is where an actor is from: "a shipyard in Zhoushan",
        "Shenzhen-based", "headquartered in Hefei", "a Hubei company"."""
        if self._ties_place(folded, sentence, mention.start, mention.end):
            return True
        # "Changsha Zoomlion Heavy Industry" (read in ``text``, for its capitals): the
        # province opens a company's name.
        return text is not None and self._opens_company_name(text, mention)

    def _ties_place(self, folded: str, sentence: tuple[int, int], start: int, end: int) -> bool:
        """Whether the place named at ``folded[start:end]`` is where an actor is from."""
        before = folded[max(sentence[0], start - _BEFORE) : start]
        after = folded[end : min(sentence[1], end + _AFTER)]
        # "headquartered in Hefei", "based in Jingjiang in Jiangsu province"
        if after.startswith(self.tie_next) or self.tie_previous_alone.found_in(before):
            return True
        tie = self.tie_previous.longest_suffix(before)
        if tie and self._has_noun(before[: len(before) - tie], last_words=4):
            return True
        # "A Hubei company", "Anhui cement makers", "山东企业": the actor follows the name.
        return self._has_noun(after, first_words=3)

    def _refers_to_province(self, folded: str, span: tuple[int, int]) -> bool:
        """Whether the sentence ties an actor to a province it names only by referring
        back to it ("a company from the region", "firms based in the province")."""
        for phrase in self.place_references:
            at = folded.find(phrase, span[0], span[1])
            while at >= 0:
                end = at + len(phrase)
                # "investors in the region" may mean the foreign region: only "from" and
                # "based in" tie an actor to a province referred back to.
                before = folded[max(span[0], at - _BEFORE) : at]
                if not folded[end : end + 1].isalnum() and (
                    self.tie_previous_alone.found_in(before)
                    or (before.endswith("from ") and self._has_noun(before[:-5], last_words=4))
                ):
                    return True
                at = folded.find(phrase, end, span[1])
        return False

    def _reference_link(
        self, folded: str, earlier_mentions: list[Mention], span: tuple[int, int],
        mentions: list[Mention],
    ) -> list[Link]:
        """The province the nearest earlier sentence names, when it names only one and
        this sentence's actor is from "the province" or "the region": "Ningxia signed 60
        projects with Arab states. Among them, a solar plant in Oman will be built by a
        company from the region." """
        provinces = {m.value for m in earlier_mentions if m.kind == PROVINCE}
        if len(provinces) != 1 or not self._refers_to_province(folded, span):
            return []
        countries = list(dict.fromkeys(
            m.value for m in mentions if m.kind == COUNTRY and not self._no_party(folded, span, m)))
        sectors = _sectors(mentions)
        (province,) = provinces
        return [Link(province, country, sectors, span[0], span[1]) for country in countries]

    def _opens_company_name(self, text: str, mention: Mention) -> bool:
        """Whether a company's name follows the province: of its next capitalised words
        (four at most), one is a ``company_name_words``."""
        name = _NAME_WORDS.match(text, mention.end)
        return name is not None and any(
            word in self.company_name_words for word in name.group().split()
        )

    def _names_again(
        self, text: str, folded: str, sentence: tuple[int, int], name_from: int,
        mentions: list[Mention],
    ) -> bool:
        """Whether ``sentence`` opens with the actor named again: a name that the text
        from ``name_from`` to the country sentence's first country holds ("Ganfeng, based
        in Jiangxi, ...", "Sunwoda was founded in 1997 and is based in Shenzhen", "Based
        in Hunan Province, Sany exports ...")."""
        countries = [m.start for m in mentions if m.kind == COUNTRY]
        if not countries:
            return False
        opener = None
        if folded.startswith(self.based_openings, sentence[0]):
            comma = text.find(", ", sentence[0], sentence[0] + self.reference_reach)
            if comma > 0:
                opener = _OPENING_WORD.match(text, comma + 1, sentence[1])
        else:
            opener = (_OPENING_NAME.match(text, sentence[0], sentence[1])
                      or _OPENING_WORD.match(text, sentence[0], sentence[1]))
        if opener is None:
            return False
        pattern = rf"\b{re.escape(opener.group(1))}\b"
        return re.search(pattern, text[name_from : countries[0]]) is not None

    def ties_actor_near(self, folded: str, mention: Mention) -> bool:
        """``_ties_actor`` read in the characters around the mention, for a caller that
        has no sentence at hand (a tie never reaches beyond them)."""
        around = (max(0, mention.start - _BEFORE), min(len(folded), mention.end + _AFTER))
        return self._ties_actor(folded, around, mention)

    def _definite_actor(
        self, text: str, folded: str, province: Mention, sentence: tuple[int, int]
    ) -> bool:
        """Whether a sentence opening with "the" names a generic actor: "the company is
        headquartered in Hefei", or "the Xuzhou-based group" (an actor noun after the
        province before any capitalised name; not "the Shenzhen-based BYD")."""
        if any(word in self.nouns for word in _WORD.findall(folded[sentence[0] : province.start])[:4]):
            return True
        after = text[province.end : min(sentence[1], province.end + _AFTER)]
        for word in _WORD.findall(after)[:3]:
            if word.lower() in self.nouns:
                return True
            if word[:1].isupper():
                return False
        return False

    def _has_noun(self, piece: str, last_words: int = 0, first_words: int = 0) -> bool:
        if self.nouns_cjk.found_in(piece):
            return True
        words = _WORD.findall(piece)
        chosen = words[-last_words:] if last_words else words[:first_words]
        return any(word in self.nouns for word in chosen)

    @staticmethod
    def _actor_name(text: str, sentence: tuple[int, int], province: Mention) -> str:
        opening = _OPENING_NAME.match(text, sentence[0], province.start)
        if opening is not None:
            return opening.group(1)
        based = _NAME_AFTER_BASED.match(text, province.end, sentence[1])
        if based is not None:
            return based.group(1)
        # "Changsha Zoomlion Heavy Industry plans ...": the name's word after the province.
        following = _NAME_WORDS.match(text, province.end, sentence[1])
        return following.group().split()[0] if following is not None else ""

    def _refers_after_opening(self, reach: str) -> bool:
        """Whether the sentence's subject refers back after a short opening: "since 2007
        it has built ...", "last year, it signed ...", or a definite description whose
        head is an actor ("the world's biggest maker of cranes has signed ...")."""
        position = 0
        for _ in range(_OPENING_WORDS):
            word = _OPENING_TOKEN.match(reach, position)
            if word is None:
                break
            position = word.end()
            if reach.startswith(self.reference_openings, position):
                return True
        if not reach.startswith("the "):
            return False
        words = _WORD.findall(reach[4:])[:_DESCRIPTION_WORDS]
        return any(word in self.nouns for word in words)

    def _referred_countries(
        self, text: str, folded: str, span: tuple[int, int], mentions: list[Mention], name: str
    ) -> list[str]:
        """Countries of a sentence that refers back to the actor before naming them."""
        countries = [m for m in mentions if m.kind == COUNTRY and not self._no_party(folded, span, m)]
        if not countries:
            return []
        reach = folded[span[0] : min(countries[0].start, span[0] + self.reference_reach)]
        refers = (reach.startswith(self.reference_openings) or self._any_reference.found_in(reach)
                  or self._refers_after_opening(reach))
        if not refers and name:
            refers = name in text[span[0] : countries[0].start]
        if refers:
            return list(dict.fromkeys(m.value for m in countries))
        # "Hungary said the company will build a plant near Budapest": a country named first, as the one
        # announcing it; the countries after the reference are where the actor works.
        opening = folded[span[0] : span[0] + self.reference_reach]
        found = [opening.find(phrase) for phrase in self.references if phrase in opening]
        if not found:
            return []
        after = span[0] + min(found)
        return list(dict.fromkeys(m.value for m in countries if m.start > after))


    def _no_party(self, folded: str, span: tuple[int, int], country: Mention) -> bool:
        """Whether the words before the country make it no party, as in the sentence rule:
        "motors for export to the United States" (a market), "like Vietnam"; a project
        near a foreign city is still in its country."""
        before = folded[max(span[0], country.start - _BEFORE) : country.start]
        length = self.non_link_previous.longest_suffix(before)
        return bool(length) and self.city_located_previous.longest_suffix(before) != length


def _opens_with_earlier_name(
    text: str, span: tuple[int, int], mentions: list[Mention], earlier: tuple[int, int]
) -> bool:
    """Whether ``span`` opens with a name that the earlier sentence of the tied actor
    holds, a name that is no place: "Hunan-based firms such as Sany Heavy Industry ...
    Sany, a maker of excavators, has set up factories in Turkey" (the short name of the
    company, or one of several listed)."""
    opener = (_OPENING_NAME.match(text, span[0], span[1])
              or _OPENING_WORD.match(text, span[0], span[1]))
    if opener is None:
        return False
    low, high = opener.span(1)
    if any(m.start < high and m.end > low and m.kind != SECTOR for m in mentions):
        return False  # a place, not the actor's name
    return re.search(rf"\b{re.escape(opener.group(1))}\b", text[earlier[0] : earlier[1]]) is not None


def _continues_other_actor(
    text: str, earlier: tuple[int, int], earlier_mentions: list[Mention], between: tuple[int, int]
) -> bool:
    """Whether a sentence between the actor's and the reference's opens with another
    actor the earlier sentence names: "... Yunnan Copper ... in which CNMC takes 60
    percent. CNMC already runs a mine in Zambia. It also plans a project in Myanmar":
    "it" is CNMC, the subject the story went on with."""
    opener = _OPENING_WORD.match(text, between[0], between[1])
    if opener is None:
        return False
    name = opener.group(1)
    places = [(m.start, m.end) for m in earlier_mentions if m.kind in (PROVINCE, COUNTRY)]
    for found in re.finditer(rf"\b{re.escape(name)}\b", text[earlier[0] : earlier[1]]):
        start = earlier[0] + found.start()
        # Capitalised inside the sentence, it is a name ("The" only opens one), and
        # another actor's, not a word of a place's own name ("Zambia's").
        if start > earlier[0] and not any(low <= start <= high for low, high in places):
            return True
    return False


def _without_dateline(
    text: str, folded: str, span: tuple[int, int], mentions: list[Mention], kinds: frozenset[str],
) -> tuple[list[Mention], frozenset[str]]:
    """The sentence's mentions and kinds but its dateline's province, when that is its only
    province: "Chongqing, Dec 12 (CGTN) - Changan's plant in Thailand rolled out ... The
    carmaker, headquartered in Chongqing, ..." names no party of China in its first
    sentence, whose link its later ones tell."""
    if mentions[0].kind != PROVINCE:
        return mentions, kinds
    end = _dateline_end(text, folded, span, mentions)
    rest = [m for m in mentions if m.start >= end]
    if end < 0 or any(m.kind == PROVINCE for m in rest):
        return mentions, kinds
    return rest, frozenset(m.kind for m in rest)


def _phrase_ends(before: str, phrases: tuple[str, ...]) -> Iterator[int]:
    """Where in ``before`` the last occurrence of each phrase that starts a word ends."""
    for phrase in phrases:
        at = before.rfind(phrase)
        if at >= 0 and not (at > 0 and before[at - 1].isalnum()):
            yield at + len(phrase)


def _inside(entities: list[Mention], starts: list[int], span: tuple[int, int]) -> list[Mention]:
    low = bisect_left(starts, span[0])
    return entities[low : bisect_left(starts, span[1], low)]


def _sectors(mentions: list[Mention]) -> frozenset[str]:
    """Sectors a sentence names with one specific term or two generic ones."""
    weights: dict[str, float] = {}
    for mention in mentions:
        if mention.kind == SECTOR:
            weights[mention.value] = weights.get(mention.value, 0.0) + mention.entry.weight
    return frozenset(slug for slug, weight in weights.items() if weight >= _STRONG)
