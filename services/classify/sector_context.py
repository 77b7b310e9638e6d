"""Sector words a reader does not count: cargo, background history, names and titles.

"A freight train carrying steel pipes, cement and textiles left Lanzhou" is about
logistics, not steel, building materials or textiles; "the site was once a textile mill"
is background; "a former executive of Tata Steel" names a company, not an industry. The
sector mentions inside a cargo list (from a cargo word to the end of its sentence, or of
its clause in Chinese, or its 的), in a sentence that tells history, inside a capitalised name
(a capitalised sector word right after another capitalised word, or after "of" that
follows one: "Ministry of Agriculture"; outside the title), a Chinese one inside a
company name ending in 有限公司 or 集团, or in an official's title ("the minister of
food, agriculture and light industry") are dropped before sectors are scored, for the
article and for its pairings alike.

So are a sector word that names what a train carries ("a vehicle train", 汽车零部件专列)
and Chinese sector words ending in a ministry's or bureau's name (能源和矿产部), or inside a
group's name (越南农业投资集团). Nor do where a plant stands or the facilities it has
for itself, to the end of their clause ("near a seaport", "which has its own power plant
and seaport", 配套建设燃气电站). A capitalised
name ending in a facility word is the project itself and counts ("the Mwomboshi Dam"),
unless a company word follows it ("China Railway Construction"). A railway word naming a
freight service's route, station or operator rather than a line being built ("via the
China-Laos Railway", "railway hubs", 中老铁路国际货物列车) is read as logistics.

Nor does a sector word that names a body by its remit ("the minerals secretary", "China's
chamber of commerce for metals, minerals and chemicals"), a vehicle, ship or aircraft that
carries goods ("trucks loaded with electronics"), or what a place's own economy is made of
and an unrelated news item, to the end of their sentence ("its pillar industries include
machinery, chemicals and textiles", "In other news, ...").
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import ahocorasick_rs

from services.classify.automata import Automaton
from services.classify.matcher import Mention
from services.classify.phrases import PhraseSet

_CJK_START = "\u2e80"
# Where a cargo list or a history sentence ends.
_SENTENCE_END = re.compile(r"[.!?;\n\u3002\uff01\uff1f\uff1b]")
# A Chinese cargo list also ends at the 的 that joins it to its carrier: 满载汽车配件的班列.
_CLAUSE_END_CJK = re.compile(r"[.!?;\n\u3002\uff01\uff1f\uff1b,\uff0c\u7684]")
_SENTENCE_STOPS = ".!?;\n\u3002\uff01\uff1f\uff1b"
# Markers ending with a century's digits ("in the 19") need two more digits ("1990s").
_CENTURY = ("18", "19")
# What may stand between a title's marker and its sector words, or between two of them:
# "minister of food, agriculture and ...": at most one other word and list joiners.
_TITLE_JOINERS = frozenset({"and", "&", "the", "of", "и"})
_TITLE_WORD = re.compile(r"[^\W\d_]+")
# "Ministry of Agriculture", "Jiangxi Water and Hydropower Construction".
_NAME_LINKS = ("of ", "for ", "and ", "& ")
# In Chinese a carrier may follow what it carries after a few more characters:
# 汽车零部件中欧班列. The joined words of a ministry's remit are as short: 能源和矿产部.
_CJK_GAP = "[\u4e00-\u9fff]{0,6}?"
_CJK_JOINED = "(?:[和与與及、][\u4e00-\u9fff]{1,4}?)*"
# "玉溪至万象国际": a service's two ends, from one place to another, before its kind.
_CJK_ENDS = "(?:[\u4e00-\u9fff]{1,6}?[至到][\u4e00-\u9fff]{1,6}?(?:国际|國際|跨境)?)?"
# A project name's own words after its facility word ("Harbin Bureau Group"), at most.
_NAME_WORDS = 4
_WORD = re.compile(r"[\w.'\u2019-]+")
# The capitalised words of a name before its sector word: "the China-Laos Railway".
_NAME_BEFORE = re.compile(r"(?:[A-Z][\w'\u2019-]*\s)+$")
# A facility named by what follows its word: "the port of Zarubino".
_NAMED_AFTER = re.compile(r" of (?:the )?[A-Z][\w'\u2019-]")
_CARGO, _HISTORY, _TITLE, _ANCILLARY, _DESCRIPTION = range(5)
# A plant's own facilities end at the clause: "which has its own power plant and seaport,".
_CLAUSE_END = re.compile(r"[.!?;,\n\u3002\uff01\uff1f\uff1b\uff0c]")
# Freight-train terms are logistics themselves: "a China-Europe freight train" carries.
_LOGISTICS = "logistics"


class SectorContext:
    def __init__(self, spec: dict[str, Any]) -> None:
        cargo: list[str] = spec["cargo_markers"]
        # A registered Chinese company name ends in one of these: 银隆农业国际合作股份有限公司.
        self._company_suffix = re.compile(
            "[^\\s.,;:!?()\u3001-\u303f\uff01-\uff0f]{0,12}?(?:"
            + "|".join(re.escape(s) for s in spec["company_suffixes"]) + ")"
        )
        history: list[str] = spec["history_markers"]
        titles: list[str] = spec["title_markers"]
        ancillary: list[str] = spec["ancillary_markers"]
        description: list[str] = spec["description_markers"]
        self._kinds = ([_CARGO] * len(cargo) + [_HISTORY] * len(history) + [_TITLE] * len(titles)
                       + [_ANCILLARY] * len(ancillary) + [_DESCRIPTION] * len(description))
        self._markers = cargo + history + titles + ancillary + description
        self._automaton = Automaton(self._markers, ahocorasick_rs.MatchKind.LeftmostLongest)
        carriers: list[str] = spec["carrier_words"]
        self._carrier = re.compile(_next_words([c for c in carriers if c[0] < _CJK_START]))
        # "trucks loaded with electronics", "a ship carrying wheat": the vehicle carries
        # the goods, so it is transport, not its industry.
        self._carrier_sectors = frozenset(spec["carrier_sectors"])
        self._carrying = re.compile(_next_words(spec["carrying_words"]))
        # "the minerals secretary", "the agriculture ministry": a body named by its remit.
        self._body = re.compile(_next_words(spec["body_words"]))
        self._carrier_cjk = re.compile(
            _CJK_GAP + _alternatives([c for c in carriers if c[0] >= _CJK_START]))
        self._route_sectors = frozenset(spec["route_sectors"])
        self._route_previous = PhraseSet(spec["route_previous"])
        self._route_span = max(len(p) for p in spec["route_previous"])
        route_next: list[str] = spec["route_next"]
        self._route_next = re.compile(_next_words([w for w in route_next if w[0] < _CJK_START]))
        # The service's two ends may stand between the line and its freight words:
        # 中老铁路玉溪至万象国际货运冷链列车.
        self._route_next_cjk = re.compile(
            _CJK_ENDS + _alternatives([w for w in route_next if w[0] >= _CJK_START]))
        # A body's remit may run on past the sector word before its kind: 农业农村厅
        # (agriculture and rural affairs), 矿产资源部, 能源管理局; only known links may stand
        # between, so that 铁路全部建成 keeps its railway.
        links = "(?:" + _alternatives(spec["title_links_cjk"]) + ")?"
        self._title_cjk = re.compile(_CJK_JOINED + links + _suffixes(
            spec["title_suffixes_cjk"], spec["title_suffix_exceptions_cjk"]))
        # "以天然气为原料": what a plant turns into its products is its input, not its trade.
        self._feedstock_cjk = re.compile(_CJK_JOINED + _alternatives(spec["feedstock_next_cjk"]))
        # "汽车出口增长": goods a province sells abroad, figures of trade, not its industry.
        self._traded_cjk = re.compile(_CJK_JOINED + _alternatives(spec["traded_next_cjk"]))
        # The usual short names of groups whose name holds a sector word (中国建材 builds
        # solar plants); "中国建材产业" is the industry again.
        self._short_names = re.compile(
            _alternatives(spec["company_short_names_cjk"])
            + "(?!" + _alternatives(spec["short_name_not_next_cjk"]) + ")")
        self._short_name_span = max(len(n) for n in spec["company_short_names_cjk"])
        self._facilities = frozenset(spec["facility_words"])
        self._named_facilities = {
            slug: frozenset(words) for slug, words in spec["named_facilities"].items()}
        # A club or a team named after its city's port is no port: "Shanghai Port FC",
        # "Shanghai Port won again".
        self._not_facility_next = re.compile(_next_words(spec["not_facility_next"]))
        self._sports = re.compile(r"\b" + _alternatives(spec["sports_words"]) + r"\b")
        self._company_words = frozenset(spec["company_words"])

    def aside(
        self, text: str, folded: str, sectors: list[Mention], title_end: int
    ) -> tuple[list[Mention], dict[int, Mention]]:
        """The sector mentions (of ``sectors``, in text order) a reader would not count,
        and the mentions read otherwise, each (by ``id``) with its reading: a railway
        word naming a freight service's route is logistics, and a generic facility word
        naming one place ("the port of Zarubino", "Khorgas Port") is the facility itself,
        as strong as any term of its sector."""
        if not sectors:
            return [], {}
        spans, title_ends = self._spans(folded)
        dropped: list[Mention] = []
        routes: dict[int, Mention] = {}
        # Spans come in text order of their markers and may overlap: merged, one walk over
        # them follows the mentions.
        merged = _merged(spans) if spans else []
        position, count = 0, len(merged)
        for mention in sectors:
            start = mention.start
            while position < count and merged[position][1] <= start:
                position += 1
            # A route stays a route inside a cargo clause: "goods via the China-Laos Railway".
            if mention.value in self._route_sectors and self._names_route(text, folded, mention):
                routes[id(mention)] = replace(mention, value=_LOGISTICS)
            # Most sector words are lower case: test that before reading any name.
            elif (position < count and merged[position][0] <= start) or (
                start >= title_end and text[start].isupper() and _inside_name(text, mention)
                and not self._names_project(text, mention)
            ) or self._names_load_or_body(folded, mention):
                dropped.append(mention)
            elif mention.value in self._named_facilities and self._names_one_facility(
                    text, mention, title_end):
                routes[id(mention)] = replace(mention, entry=replace(mention.entry, weight=1.0))
        if title_ends:
            dropped_ids = {id(m) for m in dropped}
            kept = [m for m in sectors if id(m) not in dropped_ids]
            dropped_ids.update(id(m) for m in _in_titles(folded, title_ends, kept))
            dropped = [m for m in sectors if id(m) in dropped_ids]  # callers need text order
            for key in dropped_ids & routes.keys():
                del routes[key]
        return dropped, routes

    def _names_load_or_body(self, folded: str, mention: Mention) -> bool:
        """Whether the mention names what a carrier carries, a body by its remit ("the
        agriculture ministry"), a vehicle carrying goods, or (in Chinese) a company, a
        ministry, a group's short name, goods traded or a plant's raw material."""
        end = mention.end
        if folded[mention.start] >= _CJK_START:
            return bool(self._company_suffix.match(folded, end)
                        or self._title_cjk.match(folded, end)
                        or self._feedstock_cjk.match(folded, end)
                        or self._traded_cjk.match(folded, end)
                        or self._in_short_name(folded, mention)
                        or (mention.value != _LOGISTICS and self._carrier_cjk.match(folded, end)))
        if mention.value == _LOGISTICS:
            return False
        return (self._carrier.match(folded, end) is not None
                or self._body.match(folded, end) is not None
                or (mention.value in self._carrier_sectors
                    and self._carrying.match(folded, end) is not None))

    def _in_short_name(self, folded: str, mention: Mention) -> bool:
        """Whether the mention lies inside a group's short name (中国建材)."""
        low = max(0, mention.end - self._short_name_span)
        high = mention.start + self._short_name_span
        return any(found.start() <= mention.start and mention.end <= found.end()
                   for found in self._short_names.finditer(folded, low, high))

    def _names_route(self, text: str, folded: str, mention: Mention) -> bool:
        """Whether a railway word names a service's route, station or operator."""
        start, end = mention.start, mention.end
        if text[start].isupper():  # the route is named before the name: "via the China-Laos Railway"
            name = _NAME_BEFORE.search(text, max(0, start - 60), start)
            if name:
                start = name.start()
        if self._route_previous.longest_suffix(folded[max(0, start - self._route_span) : start]):
            return True
        pattern = self._route_next_cjk if folded[end - 1] >= _CJK_START else self._route_next
        return pattern.match(folded, end) is not None

    def _names_one_facility(self, text: str, mention: Mention, title_end: int) -> bool:
        """Whether a generic facility word ("port") names one place: "the port of
        Zarubino", or the end of a capitalised name that no company word follows
        ("Khorgas Port", not "Shanghai Port Group")."""
        words = self._named_facilities.get(mention.value)
        if not words or mention.entry.weight >= 1.0:
            return False
        if text[mention.start : mention.end].lower() not in words:
            return False
        if _NAMED_AFTER.match(text, mention.end):
            return True
        return (mention.start >= title_end and text[mention.start].isupper()
                and _inside_name(text, mention) and self._names_project(text, mention)
                and not self._not_facility_next.match(text, mention.end)
                and not self._sports.search(text, mention.end, _clause_end(text, mention.end)))

    def _names_project(self, text: str, mention: Mention) -> bool:
        """Whether a capitalised name ends in the mention's facility word and no company
        word follows: "the Mwomboshi Dam", not "China Railway Harbin Bureau Group"."""
        last = text[mention.start : mention.end].rsplit(" ", 1)[-1].lower()
        if last not in self._facilities:
            return False
        for word in _WORD.findall(text, mention.end, mention.end + 60)[:_NAME_WORDS]:
            bare = word.rstrip(".,")
            if bare[:1].isdigit():
                continue  # a numbered unit of a company: "China Railway 20th Bureau Group"
            if not bare[:1].isupper():
                break
            if bare in self._company_words:
                return False
        return True

    def _spans(self, folded: str) -> tuple[list[tuple[int, int]], list[int]]:
        """Spans of cargo lists and history sentences, and where each title marker ends."""
        spans: list[tuple[int, int]] = []
        title_ends: list[int] = []
        for index, start, end in self._automaton.find(folded):
            marker = self._markers[index]
            # Inside a word; Chinese has no word breaks, so a CJK marker counts anywhere.
            if (marker[0] != " " and marker[0] < _CJK_START and start > 0
                    and folded[start - 1].isalpha()):
                continue
            kind = self._kinds[index]
            if kind == _TITLE:
                title_ends.append(end)
            elif marker.endswith(_CENTURY) and not folded[end : end + 2].isdigit():
                continue
            elif kind == _ANCILLARY:
                stop = _CLAUSE_END.search(folded, end)
                spans.append((end, stop.start() if stop else len(folded)))
            elif kind in (_CARGO, _DESCRIPTION):
                stop = (_CLAUSE_END_CJK if marker[0] >= _CJK_START else _SENTENCE_END).search(
                    folded, end)
                spans.append((end, stop.start() if stop else len(folded)))
            else:
                begin = max(folded.rfind(char, 0, start) for char in _SENTENCE_STOPS) + 1
                # Background put after a comma leaves the news before it alone: "work began
                # on a railway to Mongolia, the second after a line opened in 1956".
                begin = max(begin, folded.rfind(",", begin, start) + 1)
                stop = _SENTENCE_END.search(folded, end)
                spans.append((begin, stop.start() if stop else len(folded)))
        return spans, title_ends


def _clause_end(text: str, start: int) -> int:
    """Where the clause holding ``start`` ends."""
    stop = _CLAUSE_END.search(text, start)
    return stop.start() if stop else len(text)


def _alternatives(words: list[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


def _next_words(words: list[str]) -> str:
    """A pattern for one of ``words`` as the next whole word (after a space or hyphen)."""
    return "[ -]" + _alternatives(words) + "(?![\\w])"


def _suffixes(suffixes: list[str], exceptions: list[str]) -> str:
    """A pattern for one of ``suffixes`` that does not start one of ``exceptions``."""
    parts = []
    for suffix in sorted(suffixes, key=len, reverse=True):
        rests = [e[len(suffix):] for e in exceptions if e.startswith(suffix) and e != suffix]
        parts.append(re.escape(suffix) + (f"(?!{_alternatives(rests)})" if rests else ""))
    return "(?:" + "|".join(parts) + ")"


def _in_titles(folded: str, title_ends: list[int], sectors: list[Mention]) -> list[Mention]:
    """Sector words naming an official's or a body's remit ("the minister of energy"):
    those right after a title marker, with at most one other word before each."""
    found: list[Mention] = []
    for position in title_ends:
        for mention in sectors:
            if mention.start < position:
                continue
            gap = folded[position : mention.start]
            if any(stop in gap for stop in _SENTENCE_STOPS) or sum(
                1 for word in _TITLE_WORD.findall(gap) if word not in _TITLE_JOINERS
            ) > 1:
                break
            found.append(mention)
            position = mention.end
    return found


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` sorted and joined where they overlap (empty ones dropped)."""
    merged: list[tuple[int, int]] = []
    for low, high in sorted(spans):
        if low >= high:
            continue
        if merged and low <= merged[-1][1]:
            if high > merged[-1][1]:
                merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    return merged


def _inside_name(text: str, mention: Mention) -> bool:
    """A capitalised sector word right after another capitalised word, or after "of" or
    "for" that follows one: "Tata Steel", "Zijin Mining", "Ministry of Agriculture"."""
    start = mention.start
    for link in _NAME_LINKS:
        if text.startswith(link, start - len(link)):
            start -= len(link)
            break
    if start < 2 or text[start - 1] != " ":
        return False
    word_start = max(text.rfind(" ", 0, start - 1), text.rfind("\n", 0, start - 1)) + 1
    previous = text[word_start : start - 1]
    return previous[:1].isupper() and previous[-1:].isalnum()
