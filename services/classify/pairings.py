"""Finds stated province-country cooperation links, sentence by sentence.

Within a sentence, consecutive places of one kind form a group ("Tajikistan, Kyrgyzstan
and Iran"). Each country group is linked to the nearest province group before it (else
after it) when the two share a clause and that clause holds a cooperation cue ("paired
with", "signed ... with", "invest in"); a province and a country that merely occur in
the same sentence or article are not linked. A link gives one pairing per province and
country of the two groups, with the sectors named in the link's own part of the clause.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any, NamedTuple

import ahocorasick_rs

from services.classify.automata import Automaton
from services.classify.gazetteer import COUNTRY, PROVINCE, SECTOR
from services.classify.matcher import Mention
from services.classify.phrases import PhraseSet, Substrings


class Link(NamedTuple):
    """One pairing found in the sentence ``text[start:end]``."""

    province: str
    country: str
    sectors: frozenset[str]
    start: int
    end: int
    # Read from a crossing's province for want of a route's origin in its sentence.
    passing: bool = False


class _Group:
    """Consecutive places of one kind; ``start`` and ``end`` are kept as plain attributes
    because the clause checks read them many times per sentence."""

    __slots__ = ("end", "kind", "mentions", "non_link", "start")

    def __init__(self, first: Mention) -> None:
        # Whether a non_link_previous phrase precedes it or a non_link_next one follows
        # it, once read.
        self.non_link: int | None = None
        self.kind = first.kind
        self.mentions = [first]
        self.start = first.start
        self.end = first.end

    def append(self, mention: Mention) -> None:
        self.mentions.append(mention)
        self.end = mention.end


# The weight of one strong sector term (see sectors.json).
_CLAUSE_SECTOR_WEIGHT = 1.0 - 1e-9
_MAX_LIST_GAP = 30
# Words a transit phrase may stand before the province it passes: "via the land port of".
_MAX_TRANSIT_WORDS = 3
# How far after a province the verb of an event held there ("在乌鲁木齐举行") may stand.
_VENUE_NEXT_REACH = 16
# How far after a province, and within how many words, a Russian event's verb may
# follow it ("в городе Цзинань провинции Шаньдун начался диалог").
_VENUE_VERB_REACH = 48
_VENUE_VERB_WORDS = 4
# How far after a province a statistic_next phrase ("'s imports and exports") may end.
_STATISTIC_REACH = 28
# How far after a province a Chinese exit or entry word ("口岸出境") may stand.
_TRANSIT_NEXT_REACH = 10
# How far before a colon a word announcing a list of partners may stand.
_LIST_OPENER_REACH = 60
# Words a company's name may add after the province opening it ("Shandong Haohua Tire").
_MAX_NAME_WORDS = 4
# How far after a place a non_link_next phrase ("'s example") is looked for.
_NEXT_REACH = 16
_NO_SECTORS: frozenset[str] = frozenset()
_CACHED_GAP = 24
_GAP_CACHE_SIZE = 4096

class CueSentence(NamedTuple):
    """A sentence holding cooperation cues, with the entities named in it (text order)
    and their kinds."""

    span: tuple[int, int]
    mentions: list[Mention]
    cues: list[Mention]
    kinds: frozenset[str]


# Clause breaks, gap breaks and relative clauses of one sentence, as (start, end) lists.
_Markers = tuple[list[tuple[int, int]], list[tuple[int, int]], list[tuple[int, int]]]


# What follows the place of a dateline opening a sentence, in folded text (dashes are
# "-"): "BEIJING (Reuters) - ...", "URUMQI, Xinjiang (Xinhua) -- ...", "LANZHOU - ...",
# "HANGZHOU, China/SHIELI, Kazakhstan (Reuters) - ...",
# "KUALA LUMPUR: ...". A parenthesis followed by "and" or a comma is an aside ("Gansu
# (China) and ..."), and a bare dash or colon counts only after a place written in
# capitals (see _dateline_end).
_DATELINE = re.compile(
    # A report filed from two places: "HANGZHOU, China/SHIELI, Kazakhstan (Reuters) -";
    # or an agency between slashes: "УРУМЧИ, 5 мая /Синьхуа/ --".
    # A date's month may be abbreviated with a full stop before the day: "URUMQI, Sept. 20
    # (Xinhua) --", as the agencies write it.
    r"(?:,(?:[^,.()\n/-]|\.(?=\s\d)){1,30})?"
    r"(?:/[^,.()\n/-]{1,30}/?(?:,(?:[^,.()\n/-]|\.(?=\s\d)){1,30})?)?\s*(?:"
    r"\([^()\n]{1,40}\)(?>[\s-]*)(?=[^\s,&])(?!and\b|or\b)"  # atomic: no backtracking
    r"|(?P<dash>-{1,2}|:)\s)"
)

# What joins the two ends of a route's name, in folded text: "Чита — Маньчжурия".
_ROUTE_DASHES = frozenset({"-", "--", "/"})

# "between" (and "the") just before a place: the pair it opens is the link.
_BETWEEN = re.compile(r"\bbetween (?:the )?$")

# The rest of a company's name after the province opening it: " Hesheng Holdings".
_NAME_REST = re.compile(rf" [A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*){{0,{_MAX_NAME_WORDS - 1}}}")

# Words of a list, once "'s" is dropped: what lies between spaces and ",/()-&".
_LIST_WORD = re.compile(r"[^\s,/()\-&]+")


class PairingExtractor:
    def __init__(self, grammar: dict[str, Any]) -> None:
        self.venue_previous = PhraseSet(grammar["venue_previous"])
        self.venue_openings = frozenset(grammar["venue_openings"])
        self.venue_before_cjk = frozenset(grammar["venue_before_cjk"])
        self.venue_next_cjk = Substrings(grammar["venue_next_cjk"])
        self._seat = _seat_pattern(grammar["seat_nouns"], grammar["seat_prepositions"])
        # What the text before a diplomat's posting ends with (see _seat_pattern): a cheap
        # test before the pattern's search.
        self._seat_ends = tuple(f" {p} " for p in grammar["seat_prepositions"])
        self.venue_before_words = frozenset(grammar["venue_before_words"])
        # Whether ASCII text can hold one (they are Russian): if not, no English sentence
        # needs its words split to look for one.
        self._venue_words_in_ascii = any(word.isascii() for word in self.venue_before_words)
        self.venue_place_nouns = frozenset(grammar["venue_place_nouns"])
        self.venue_next_words = frozenset(grammar["venue_next_words"])
        self.non_link_previous = PhraseSet(grammar["non_link_previous"])
        self.non_link_next = PhraseSet(grammar["non_link_next"])
        self.statistic_next = PhraseSet(grammar["statistic_next"])
        self.comparison_openings = frozenset(grammar["comparison_openings"])
        self.tie_alone = Substrings(grammar["actors"]["tie_previous_alone"])
        self.colon_list_openers = Substrings(grammar["colon_list_openers"])
        self.city_located_previous = PhraseSet(grammar["city_located_previous"])
        self.route_cue_words = tuple(grammar["route_cues"]["words"])
        self.route_sector = frozenset({grammar["route_cues"]["sector"]})
        self.transit_previous = PhraseSet(grammar["transit_previous"])
        self._transit_phrases = Substrings(grammar["transit_previous"])
        self.passed_joiners = frozenset(grammar["passed_joiners"])
        self.transit_next = Substrings(grammar["transit_next"])
        self.parties_openings = PhraseSet(grammar["parties_openings"])
        self.follow_on_openings = PhraseSet(grammar["parties_openings"] + grammar["agreement_openings"])
        self.border_previous = PhraseSet(grammar["border_previous"])
        # Read in folded (lower-case) text: "КПП" is found as "кпп".
        self.crossing_cues = Substrings(cue.lower() for cue in grammar["crossing_cues"])
        self.group_words = frozenset(grammar["group_words"])
        self.group_characters = frozenset(w for w in self.group_words if len(w) == 1)
        self.list_separators: list[str] = grammar["list_separators"]
        self._any_list_separator = Substrings(self.list_separators)
        lists: dict[str, list[int]] = {}
        marker_names = ("clause_breaks", "gap_breaks", "relative_clauses")  # _Markers' order
        for which, phrases in enumerate(grammar[name] for name in marker_names):
            for phrase in phrases:
                lists.setdefault(phrase, []).append(which)
        self._marker_lists = [tuple(which_lists) for which_lists in lists.values()]
        self._markers_automaton = Automaton(list(lists), ahocorasick_rs.MatchKind.Standard)
        self.company_chain_joiners = frozenset(grammar["company_chain_joiners"])
        self.subject_leads = tuple(grammar["subject_leads"])
        self.travel_words = Substrings(grammar["travel_words"])
        self.freight_words = Substrings(grammar["freight_words"])
        self.agreement_words = Substrings(grammar["agreement_words"])
        self.locative_words = frozenset(grammar["locative_words"])
        self.dateline_references = Substrings(grammar["dateline_references"])
        self.speech_references = PhraseSet(grammar["speech_references"])
        self.speech_pronouns = PhraseSet(grammar["speech_pronouns"])
        self._china_words = frozenset(("china", "china's", "chinese"))
        self._gap_cache: dict[str, bool] = {}

    def extract(self, text: str, folded: str, sentences: list[CueSentence]) -> list[Link]:
        """Links in every sentence holding a province, a country and a cooperation cue."""
        links: list[Link] = []
        for span, mentions, cues, kinds in sentences:
            if PROVINCE in kinds and COUNTRY in kinds:
                links.extend(self._sentence_links(text, folded, span, mentions, cues))
        if any(link.passing for link in links) and not all(link.passing for link in links):
            # A route's origin was linked elsewhere: the crossing it passes is no party.
            links = [link for link in links if not link.passing]
        return links

    def follow_on_sectors(
        self, folded: str, rule_links: dict[str, list[Link]], sentences: list[CueSentence]
    ) -> dict[str, list[Link]]:
        """Each rule's links with the sectors of the sentence right after each one's
        evidence, when that sentence goes on with the parties or the deal ("... signed a
        memorandum. The two sides agreed to cooperate in farming", "Стороны подписали
        соглашение. Оно предусматривает строительство ГЭС") and names no province of its
        own. The follow-on sentences are read once for all the rules."""
        if not any(rule_links.values()):
            return rule_links
        named_after: dict[int, frozenset[str]] = {}
        for span, mentions, _cues, kinds in sentences:
            if PROVINCE in kinds or SECTOR not in kinds:
                continue
            opening = folded[span[0] : span[1]].lstrip()
            if self.follow_on_openings.longest_prefix(opening):
                named = self._named_sectors(folded, [m for m in mentions if m.kind == SECTOR])
                if named:
                    named_after[span[0]] = named
        if not named_after:
            return rule_links
        starts = sorted(named_after)

        def extended(link: Link) -> Link:
            index = bisect_left(starts, link.end)
            if index < len(starts) and not folded[link.end : starts[index]].strip():
                return link._replace(sectors=link.sectors | named_after[starts[index]])
            return link

        return {rule: [extended(link) for link in links] for rule, links in rule_links.items()}

    def _markers(self, folded: str, span: tuple[int, int]) -> _Markers:
        """Clause breaks, gap breaks and relative clauses of one sentence, in one pass."""
        found: _Markers = ([], [], [])
        offset = span[0]
        for index, start, end in self._markers_automaton.find(
            folded[offset : span[1]], overlapping=True
        ):
            for which in self._marker_lists[index]:
                found[which].append((offset + start, offset + end))
        return found

    def _sentence_links(
        self, text: str, folded: str, span: tuple[int, int], mentions: list[Mention],
        cues: list[Mention],
    ) -> list[Link]:
        dateline_end = _dateline_end(text, folded, span, mentions)
        if dateline_end >= 0 and self._dateline_referred(folded, dateline_end, mentions):
            dateline_end = -1  # "ZHENGZHOU -- Yutong, headquartered in the city, ..."
        sectors = [m for m in mentions if m.kind == SECTOR]
        groups = self._groups(folded, span, mentions, dateline_end, skip_transit=True)
        provinces = [g for g in groups if g.kind == PROVINCE]
        if not provinces:
            # A crossing with no route's origin before it is the link itself: "through
            # the Khorgos port in Xinjiang on the border with Kazakhstan passed ...".
            groups = self._groups(folded, span, mentions, dateline_end, skip_transit=False)
            links = self._links(text, folded, span, cues, groups, sectors)
            return [link._replace(passing=True) for link in links]
        return self._links(text, folded, span, cues, groups, sectors)

    def _links(
        self, text: str, folded: str, span: tuple[int, int], cues: list[Mention],
        groups: list[_Group], sectors: list[Mention],
    ) -> list[Link]:
        provinces = [g for g in groups if g.kind == PROVINCE]
        if not provinces:
            return []
        markers: _Markers | None = None
        links: list[Link] = []
        for country_group in groups:
            if country_group.kind != COUNTRY:
                continue
            # The nearest province group before the country group, else after it.
            before = after = None
            for group in provinces:
                if group.end <= country_group.start:
                    before = group
                if after is None and group.start >= country_group.end:
                    after = group
            subject = provinces[0] if self._opens_subject_name(text, folded, span, provinces[0]) else None
            order = (before, after, subject)
            # "between Tashkent region and Chongqing": the pair "between" opens; so does a
            # route's pair of ends ("вагоны Чита — Маньчжурия").
            if after is not None and (
                _BETWEEN.search(folded, max(span[0], country_group.start - 12), country_group.start)
                or folded[country_group.end : after.start].strip() in _ROUTE_DASHES
            ):
                order = (after, before, subject)
            for province_group in order:
                if province_group is None:
                    continue
                if markers is None:
                    markers = self._markers(folded, span)
                clause = self._clause(
                    text, folded, span, province_group, country_group, markers, cues,
                    subject=province_group is subject,
                )
                if clause is None:
                    continue
                named = self._sectors(folded, groups, province_group, country_group, clause, sectors)
                if not named and self._route_cue(folded, clause, cues):
                    named = self.route_sector
                start, end = span
                parties = self._company_chain(text, folded, provinces, province_group)
                for province in (m for group in parties for m in group.mentions):
                    for country in country_group.mentions:
                        links.append(Link(province.value, country.value, named, start, end))
                break
        return links

    def _route_cue(self, folded: str, clause: tuple[int, int], cues: list[Mention]) -> bool:
        """Whether a cue of the clause names a route service ("поезда", "рейсов")."""
        return any(
            clause[0] <= cue.start and cue.end <= clause[1]
            and folded.startswith(self.route_cue_words, cue.start)
            for cue in cues
        )

    def _company_chain(
        self, text: str, folded: str, provinces: list[_Group], linked: _Group
    ) -> list[_Group]:
        """The linked province group with the province groups chained to it by company
        names: "Sichuan Lomon Corporation and Dalian Hesheng Holdings are considering
        projects in Almaty", "Fujian Hengwang Investment, part of Jiangsu Coastal Steel
        Group, invests in Shymkent". Each name opens with its province, and the two are
        coordinated or the second is the first's parent in apposition: the companies act
        together, so the link is each one's."""
        if len(provinces) == 1:
            return provinces
        index = provinces.index(linked)
        chain = [linked]
        for step in (-1, 1):
            current = index
            while 0 <= current + step < len(provinces):
                first, second = sorted((provinces[current], provinces[current + step]),
                                       key=lambda group: group.start)
                if not (_opens_name(text, first.end) and _opens_name(text, second.end)
                        and self._chain_gap(text, folded, first.end, second.start)):
                    break
                current += step
                chain.append(provinces[current])
        return chain

    def _chain_gap(self, text: str, folded: str, low: int, high: int) -> bool:
        """Whether ``text[low:high]`` finishes a company's name and joins the next one:
        " Lomon Corporation and ", " Hengwang Investment Company, part of "."""
        name = _NAME_REST.match(text, low, high)
        return name is not None and folded[name.end() : high] in self.company_chain_joiners

    def _speech_refers_back(self, folded: str, end: int, province_speaks: bool) -> bool:
        """Whether what a party's speakers said opens by referring back to them ("Officials
        from Hunan said the province has signed ... with Kenya", "Russian officials said
        they had signed deals with a Jilin agribusiness"): then the speakers' side is the
        party of what they report."""
        after = folded[end : end + 30]
        if self.speech_pronouns.longest_prefix(after):
            return True
        if not province_speaks:
            return False
        length = self.speech_references.longest_prefix(after)
        # "said the city of Mombasa ..." names another place.
        return length > 0 and not folded.startswith("of ", end + length)

    def _dateline_referred(self, folded: str, dateline_end: int, mentions: list[Mention]) -> bool:
        """Whether the sentence a province's dateline opens ties its actor to the dateline's
        place before naming a country ("ZHENGZHOU, Jan. 15 (Xinhua) -- Yutong, the bus
        maker headquartered in the city, shipped 200 buses to Chile"): then the dateline
        names the actor's home as well as where the report was filed from."""
        if mentions[0].kind != PROVINCE:
            return False
        country = next((m for m in mentions if m.kind == COUNTRY and m.start >= dateline_end), None)
        if country is None or any(m.kind == PROVINCE for m in mentions[1:] if m.start < country.start):
            return False
        return self.dateline_references.found_in(folded[dateline_end : country.start])

    def _groups(
        self, folded: str, span: tuple[int, int], mentions: list[Mention], dateline_end: int,
        skip_transit: bool,
    ) -> list[_Group]:
        """Consecutive places of one kind, without the provinces that are no party."""
        groups: list[_Group] = []
        last: _Group | None = None
        passed_end = -1  # end of the last province that is only a venue or a transit
        for mention in mentions:
            kind = mention.kind
            if kind == PROVINCE:
                # The route's origin, not the province it passes ("from Guiyang via
                # Xinjiang's Khorgos to Almaty"), is the party; nor is a venue. A
                # venue's or transit's own list ("via Zhengzhou, Lanzhou and Urumqi")
                # goes with it.
                if (mention.start < dateline_end or self._is_venue(folded, span, mention)
                        or (skip_transit and self._is_transit(folded, span, mention))
                        or (passed_end >= 0
                            and self._joins_passed(folded[passed_end : mention.start]))):
                    passed_end = mention.end
                    continue
                passed_end = -1
            elif kind != COUNTRY or mention.start < dateline_end:
                continue
            if (last is not None and last.kind == kind
                    and self._only_group_words(folded[last.end : mention.start])):
                last.append(mention)
            else:
                last = _Group(mention)
                groups.append(last)
        return groups

    def _is_venue(self, folded: str, span: tuple[int, int], mention: Mention) -> bool:
        """Whether the province is where something happens ("held in Urumqi")."""
        before = folded[max(span[0], mention.start - 40) : mention.start]
        if self.venue_previous.longest_suffix(before):
            return True
        # "the consul general of Kazakhstan in Shanghai": where a diplomat is posted.
        if before.endswith(self._seat_ends) and self._seat.search(before):
            return True
        # "论坛在乌鲁木齐举行": 在 or 于 before, the event's verb after, in one clause.
        if before[-1:] in self.venue_before_cjk:
            after = folded[mention.end : min(span[1], mention.end + _VENUE_NEXT_REACH)].split(",")[0]
            if self.venue_next_cjk.found_in(after):
                return True
        # "в Урумчи состоялась выставка": the place, then the event's verb.
        if self._venue_word_order(before, folded, span, mention):
            return True
        # "In Beijing, Kazakh and Chinese officials signed ...": the setting of the sentence.
        return (
            folded[mention.end : mention.end + 1] == ","
            and folded[span[0] : mention.start].strip() in self.venue_openings
        )

    def _venue_word_order(
        self, before: str, folded: str, span: tuple[int, int], mention: Mention
    ) -> bool:
        """Whether a preposition of place (perhaps with "городе", "провинции") stands
        before the province and an event's verb follows within its clause ("в Урумчи
        состоялась", "в городе Цзинань провинции Шаньдун начался диалог")."""
        if not self._venue_words_in_ascii and before.isascii():
            return False
        words = before.split()
        if len(words) >= 2 and words[-1] in self.venue_place_nouns:
            words = words[:-1]
        if not words or words[-1] not in self.venue_before_words or not before.endswith(" "):
            return False
        after = folded[mention.end : min(span[1], mention.end + _VENUE_VERB_REACH)]
        following = after.split(",")[0].split()[:_VENUE_VERB_WORDS]
        return any(word.strip(".;:") in self.venue_next_words for word in following)

    def _is_transit(self, folded: str, span: tuple[int, int], mention: Mention) -> bool:
        """Whether the province is one a route only passes: "via Khorgos", "途经兰州",
        "via the land port of Khorgos" (a few words may name the crossing)."""
        # "从新疆阿拉山口口岸出境": the crossing a route leaves or enters China by.
        after = folded[mention.end : min(span[1], mention.end + _TRANSIT_NEXT_REACH)]
        if self.transit_next.found_in(after.split(",")[0]):
            return True
        before = folded[max(span[0], mention.start - 40) : mention.start]
        # Trimming words only shortens ``before``: no phrase inside it, none at its end.
        if not self._transit_phrases.found_in(before):
            return False
        for _ in range(_MAX_TRANSIT_WORDS + 1):
            if self.transit_previous.longest_suffix(before):
                return True
            cut = before.rstrip().rfind(" ")
            if cut < 0 or any(stop in before[cut:] for stop in ",.;"):
                return False
            before = before[: cut + 1]
        return False

    def _joins_passed(self, gap: str) -> bool:
        """Whether a province after a passed one is the same place ("Khorgos in Xinjiang")."""
        words = gap.split()
        if words and words[0] in self.passed_joiners:
            gap = " ".join(words[1:])
        return self._only_group_words(gap)

    def _only_group_words(self, gap: str) -> bool:
        """Whether ``gap`` only joins list items: "Gansu, Qinghai and Ningxia provinces"."""
        # Short gaps (", ", " and ") recur in every article: remember their answers.
        if len(gap) > _CACHED_GAP:
            return self._read_group_words(gap)
        known = self._gap_cache.get(gap)
        if known is None:
            if len(self._gap_cache) >= _GAP_CACHE_SIZE:
                self._gap_cache.clear()
            known = self._gap_cache[gap] = self._read_group_words(gap)
        return known

    def _read_group_words(self, gap: str) -> bool:
        for match in _LIST_WORD.finditer(gap.replace("'s", " ")):
            token = match.group()
            # CJK has no spaces: "省和" is two joining characters.
            if token not in self.group_words and not (
                token[0] in self.group_characters
                and all(char in self.group_characters for char in token)
            ):
                return False
        return True

    def _clause(
        self,
        text: str,
        folded: str,
        span: tuple[int, int],
        province_group: _Group,
        country_group: _Group,
        markers: _Markers,
        cues: list[Mention],
        subject: bool = False,
    ) -> tuple[int, int] | None:
        """The clause holding both groups and a cooperation cue, or None if unlinked.
        A ``subject`` group opens the sentence's subject, a company's name: the
        sentence's later parts ("..., and one in Mozambique") still tell what it does."""
        breaks, gap_breaks, relative_clauses = markers
        if subject:
            # Only a new subject after the break ("..., and Sailun Jinyu has built")
            # ends what the opening company does.
            gap_breaks = [(start, end) for start, end in gap_breaks if text[end : end + 1].isupper()]
            relative_clauses = []
        if province_group.start <= country_group.start:
            first, second = province_group, country_group
        else:
            first, second = country_group, province_group
        low, high = first.end, second.start
        # "... a deal with Pakistan, and Xinjiang will benefit": a comma and "and" join
        # two clauses, not a province and a country listed as one party.
        if folded[low:high] == ", and ":
            return None
        if not self._only_group_words(folded[low:high]):
            for start, end in breaks:
                if low <= start and end <= high:
                    return None
            for start, end in gap_breaks:
                if low <= start and end <= high and not self._opens_partner_list(
                    folded, span, start, end
                ) and not self._speech_refers_back(folded, end, first is province_group):
                    return None
            # A relative clause closed by a comma is an aside between subject and verb;
            # one opening right after a company named with the province tells what that
            # company does ("Shandong Haohua Tire, which is putting money into ...").
            for start, end in relative_clauses:
                if (low <= start and end <= high and "," not in folded[end:high]
                        and not (first is province_group and _names_company(text[low:start]))):
                    return None
        if self._in_aside(folded, span, province_group, country_group, relative_clauses):
            return None
        if self._co_located(text, folded, span, first, second):
            return None
        for group in (first, second):
            if group.non_link is None:
                before = folded[max(span[0], group.start - 40) : group.start]
                group.non_link = self.non_link_previous.longest_suffix(before)
                # "Like Guangdong, Vietnam ...": the sentence compares the two.
                if not group.non_link and (
                    folded[span[0] : group.start].strip() in self.comparison_openings
                ):
                    group.non_link = group.start - span[0]
                # "a plant near Almaty": a project near a foreign city is in its country
                # ("Heihe, near Blagoveshchensk" only tells where Heihe lies).
                if (group.non_link and group.kind == COUNTRY
                        and all(m.entry.role == "cities" for m in group.mentions)
                        and self.city_located_previous.longest_suffix(before) == group.non_link
                        and not before[: -group.non_link].rstrip().endswith(",")):
                    group.non_link = 0
                # "a land port on the border with Mongolia": a crossing joins the two.
                if group.non_link and self.border_previous.longest_suffix(before) and (
                    self.crossing_cues.found_in(folded[span[0] : span[1]])
                ):
                    group.non_link = 0
                # "on Singapore's example": a place held up as a model is no party.
                if not group.non_link:
                    after = folded[group.end : min(span[1], group.end + _STATISTIC_REACH)]
                    group.non_link = self.non_link_next.longest_prefix(after[:_NEXT_REACH])
                    # "Sichuan's trade with ... rose 20 percent, with Vietnam its largest
                    # partner": the sentence gives a figure of the province, no link; but
                    # the trade through a crossing is the link it makes.
                    if not group.non_link and self.statistic_next.longest_prefix(after) and not (
                        self.crossing_cues.found_in(folded[span[0] : span[1]])
                    ):
                        group.non_link = 1
            if group.non_link:
                return None
        clause_start, clause_end = span
        for start, end in breaks:
            if clause_start < end <= first.start:
                clause_start = end
            if second.end <= start < clause_end:
                clause_end = start
        if not any(clause_start <= cue.start and cue.end <= clause_end for cue in cues):
            return None
        if self._carries_people(folded, clause_start, clause_end):
            return None
        return clause_start, clause_end

    def _carries_people(self, folded: str, start: int, end: int) -> bool:
        """Whether the clause tells of people travelling, not of goods or a deal: "a new
        route from Fergana to Urumqi, with weekly flights", "a tourist train". Passenger
        services and tours are no cooperation link; cargo flights and tourism agreements
        are."""
        clause = folded[start:end]
        return (self.travel_words.found_in(clause) and not self.freight_words.found_in(clause)
                and not self.agreement_words.found_in(clause))

    def _opens_subject_name(
        self, text: str, folded: str, span: tuple[int, int], group: _Group
    ) -> bool:
        """Whether the sentence opens with the group's province opening a company's name,
        perhaps after a word naming China: "Henan Tongli Cement plans ...", "China's
        Zhejiang Huayou Cobalt said ...", the sentence's subject."""
        if len(group.mentions) != 1 or _NAME_REST.match(text, group.end, span[1]) is None:
            return False
        lead = folded[span[0] : group.start]
        return not lead or lead in self.subject_leads

    def _co_located(
        self, text: str, folded: str, span: tuple[int, int], first: _Group, second: _Group
    ) -> bool:
        """Whether the two groups are items of one list of locations: "factories in
        Taiwan, China, Brazil and Ireland", "parks in Subic Bay in the Philippines, in
        Qingdao in China's Shandong province, and in Bengaluru". Each is where something
        is, not a party of the other; but a crossing's places are joined by it, and a
        company's name after the list ("a plant in Vietnam, Shandong Haohua said") is
        the sentence's subject, no item of it."""
        gap = text[first.end : second.start]
        if not self._any_list_separator.found_in(gap) or not self._located(folded, span, first):
            return False
        words = [word.lower() for word in _LIST_WORD.findall(gap)]
        # A bare list ("in Taiwan, China, Brazil") or one whose every item says where
        # ("in Subic Bay in the Philippines, in Qingdao in China's Shandong"); "Dalian in
        # Liaoning and the Russian city of Arkhangelsk" coordinates two cities instead.
        if not all(word in ("and", "or") or word in self._china_words for word in words):
            if not self._located(folded, span, second):
                return False
            for word, lowered in zip(_LIST_WORD.findall(gap), words, strict=True):
                if not (lowered in self.group_words or lowered in self.locative_words
                        or lowered in self._china_words or word[:1].isupper()):
                    return False
        if second.kind == PROVINCE and _opens_name(text, second.end):
            return False
        return not self.crossing_cues.found_in(folded[span[0] : span[1]])

    def _located(self, folded: str, span: tuple[int, int], group: _Group) -> bool:
        """Whether a locative word stands right before the group ("in the Philippines",
        "in China's Shandong")."""
        before = folded[max(span[0], group.start - 24) : group.start].split()
        while before and before[-1] in ("the", "china's", "chinese"):
            before.pop()
        return bool(before) and before[-1] in self.locative_words

    def _in_aside(
        self, folded: str, span: tuple[int, int], province_group: _Group, country_group: _Group,
        relative_clauses: list[tuple[int, int]],
    ) -> bool:
        """Whether the province lies in a relative clause that the country lies outside:
        "State Grid, which has a large base in Jiangsu, bought a utility in Brazil". The
        clause tells something else about another actor; unless it ties that actor to
        the province ("Sany, which is based in Hunan, ..."), the province is no party."""
        for start, end in relative_clauses:
            if start >= province_group.start:
                break
            close = folded.find(",", end, span[1])
            close = span[1] if close < 0 else close
            if not province_group.end <= close:
                continue
            if start < country_group.start < close:
                return False
            before = folded[max(span[0], province_group.start - 40) : province_group.start]
            return not self.tie_alone.found_in(before)
        return False

    def _opens_partner_list(self, folded: str, span: tuple[int, int], start: int, end: int) -> bool:
        """Whether a colon opens a list of the partners its clause names: "six of its
        sister cities took part: Paysandu in Uruguay, Akita in Japan"."""
        if folded[start:end] != ": ":
            return False
        return self.colon_list_openers.found_in(
            folded, max(span[0], start - _LIST_OPENER_REACH), start)

    def _sectors(
        self,
        folded: str,
        groups: list[_Group],
        province_group: _Group,
        country_group: _Group,
        clause: tuple[int, int],
        sectors: list[Mention],
    ) -> frozenset[str]:
        """Sectors in the link's part of the clause.

        The part runs from the link's first group (or the clause start, if no other place
        precedes it there) to the next place outside the link (or the clause end).
        """
        if not sectors:
            return _NO_SECTORS
        low = min(province_group.start, country_group.start)
        high = max(province_group.end, country_group.end)
        clause_start, clause_end = clause
        start, end = clause_start, clause_end
        # Another name of the link's own province ("the Suifenhe land port in
        # Heilongjiang") belongs to the link's part.
        own = {m.value for m in province_group.mentions}
        for group in groups:
            if (group is province_group or group is country_group
                    or group.start < clause_start or group.end > clause_end
                    or (group.kind == PROVINCE and all(m.value in own for m in group.mentions))):
                continue
            if group.end <= low:
                start = low
            if high <= group.start < end:
                end = group.start
        # As for the article, one generic word ("energy", "port") is not enough: a sector
        # needs a specific term, two generic ones, or a generic one listed among other
        # sectors ("non-ferrous metals and energy").
        return self._named_sectors(folded, [m for m in sectors if start <= m.start and m.end <= end])

    def _named_sectors(self, folded: str, inside: list[Mention]) -> frozenset[str]:
        """Sectors a stretch of text names: a specific term, two generic ones, or a
        generic one listed among other sectors."""
        if not inside:
            return _NO_SECTORS
        weights: dict[str, float] = {}
        last = len(inside) - 1
        for index, mention in enumerate(inside):
            weight = mention.entry.weight
            if weight < _CLAUSE_SECTOR_WEIGHT and (
                (index > 0 and inside[index - 1].value != mention.value
                 and self._listed_together(folded, inside[index - 1], mention))
                or (index < last and inside[index + 1].value != mention.value
                    and self._listed_together(folded, mention, inside[index + 1]))
            ):
                weight = _CLAUSE_SECTOR_WEIGHT
            weights[mention.value] = weights.get(mention.value, 0.0) + weight
        return frozenset(slug for slug, weight in weights.items() if weight >= _CLAUSE_SECTOR_WEIGHT)

    def _listed_together(self, folded: str, first: Mention, second: Mention) -> bool:
        """Whether two sector terms are items of one list ("metals, energy and water")."""
        gap = folded[first.end : second.start]
        if len(gap) > _MAX_LIST_GAP or not self._any_list_separator.found_in(gap):
            return False
        for separator in self.list_separators:
            gap = gap.replace(separator, " ")
        # A word may qualify an item ("and clean energy"); more is an aside, not a list.
        return len(gap.split()) <= 1


def _seat_pattern(nouns: list[str], prepositions: list[str]) -> re.Pattern[str]:
    """Matches the end of the text before a province that names a diplomat's posting: a
    seat noun (its endings allowed), at most three more words, a preposition, a space."""
    noun = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
    preposition = "|".join(re.escape(p) for p in prepositions)
    return re.compile(rf"(?<!\w)(?:{noun})\w*(?: [^\W\d_][\w-]*){{0,3}} (?:{preposition}) $")


def _names_company(gap: str) -> bool:
    """Whether the words between a province and a relative clause finish a name opened
    by the province ("Shandong| Haohua Tire|, which"): a few capitalised words."""
    words = gap.split()
    return 0 < len(words) <= _MAX_NAME_WORDS and all(word[:1].isupper() for word in words)


def _opens_name(text: str, end: int) -> bool:
    """Whether a capitalised word follows the place ending at ``end`` ("Dalian| Hesheng")."""
    return text[end : end + 1] == " " and text[end + 1 : end + 2].isupper()


def _dateline_end(text: str, folded: str, span: tuple[int, int], mentions: list[Mention]) -> int:
    """Where a dateline opening the sentence ends, or -1. A dateline names the place a
    report was filed from ("BEIJING (Reuters) - China signed ... with Kazakhstan",
    "ASTANA (Xinhua) -- Gansu signed ... with Uzbekistan"), not a party to what it
    reports, whether it is a province's city or a foreign one."""
    first = mentions[0]
    if first.start != span[0] or first.kind not in (PROVINCE, COUNTRY):
        return -1
    match = _DATELINE.match(folded, first.end, span[1])
    if match is None:
        return -1
    if match.group("dash") and not text[first.start : first.end].isupper() and not (
        # "Beijing - Chinese companies have signed ...": opening a paragraph, a place
        # and a dash before a new sentence is a dateline however it is written; one
        # before another place joins the two ("Gansu - Kazakhstan cooperation").
        match.group("dash") != ":" and (first.start == 0 or text[first.start - 1] == "\n")
        and text[match.end() : match.end() + 1].isupper()
        and not any(m.start == match.end() and m.kind in (PROVINCE, COUNTRY) for m in mentions[1:3])
    ):
        return -1
    return match.end()
