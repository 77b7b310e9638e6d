"""Sector words a reader does not count: cargo, background history, names and titles.

"A freight train carrying steel pipes, cement and textiles left Lanzhou" is about
logistics, not steel, building materials or textiles; "the site was once a textile mill"
is background; "a former executive of Tata Steel" names a company, not an industry. The
sector mentions inside a cargo list (from a cargo word to the end of its sentence, or of
its clause in Chinese), in a sentence that tells history, inside a capitalised name
(a capitalised sector word right after another capitalised word, or after "of" that
follows one: "Ministry of Agriculture"; outside the title) or in an official's title
("the minister of food, agriculture and light industry") are dropped before sectors are
scored, for the article and for its pairings alike.
"""

from __future__ import annotations

import re
from typing import Any

import ahocorasick_rs

from services.classify.matcher import Mention

_CJK_START = "\u2e80"
# Where a cargo list or a history sentence ends.
_SENTENCE_END = re.compile(r"[.!?;\n\u3002\uff01\uff1f\uff1b]")
_CLAUSE_END_CJK = re.compile(r"[.!?;\n\u3002\uff01\uff1f\uff1b,\uff0c]")
_SENTENCE_STOPS = ".!?;\n\u3002\uff01\uff1f\uff1b"
# Markers ending with a century's digits ("in the 19") need two more digits ("1990s").
_CENTURY = ("18", "19")
# What may stand between a title's marker and its sector words, or between two of them:
# "minister of food, agriculture and ...": at most one other word and list joiners.
_TITLE_JOINERS = frozenset({"and", "&", "the", "of", "и"})
_TITLE_WORD = re.compile(r"[^\W\d_]+")
_NAME_LINKS = ("of ", "for ")
_CARGO, _HISTORY, _TITLE = range(3)


class SectorContext:
    def __init__(self, spec: dict[str, Any]) -> None:
        cargo: list[str] = spec["cargo_markers"]
        history: list[str] = spec["history_markers"]
        titles: list[str] = spec["title_markers"]
        self._kinds = [_CARGO] * len(cargo) + [_HISTORY] * len(history) + [_TITLE] * len(titles)
        self._markers = cargo + history + titles
        self._automaton = ahocorasick_rs.AhoCorasick(
            self._markers, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=ahocorasick_rs.Implementation.DFA,
        )

    def aside(
        self, text: str, folded: str, sectors: list[Mention], title_end: int
    ) -> list[Mention]:
        """The sector mentions (of ``sectors``) a reader would not count."""
        if not sectors:
            return []
        spans, title_ends = self._spans(folded)
        dropped: list[Mention] = []
        for mention in sectors:
            start = mention.start
            # Most sector words are lower case: test that before reading any name.
            if (spans and any(low <= start < high for low, high in spans)) or (
                start >= title_end and text[start].isupper() and _inside_name(text, mention)
            ):
                dropped.append(mention)
        if title_ends:
            dropped_ids = {id(m) for m in dropped}
            kept = [m for m in sectors if id(m) not in dropped_ids]
            dropped.extend(_in_titles(folded, title_ends, kept))
        return dropped

    def _spans(self, folded: str) -> tuple[list[tuple[int, int]], list[int]]:
        """Spans of cargo lists and history sentences, and where each title marker ends."""
        spans: list[tuple[int, int]] = []
        title_ends: list[int] = []
        for index, start, end in self._automaton.find_matches_as_indexes(folded):
            marker = self._markers[index]
            if marker[0] != " " and start > 0 and folded[start - 1].isalpha():
                continue  # inside a word
            kind = self._kinds[index]
            if kind == _TITLE:
                title_ends.append(end)
            elif marker.endswith(_CENTURY) and not folded[end : end + 2].isdigit():
                continue
            elif kind == _CARGO:
                stop = (_CLAUSE_END_CJK if marker[0] >= _CJK_START else _SENTENCE_END).search(
                    folded, end)
                spans.append((end, stop.start() if stop else len(folded)))
            else:
                begin = max(folded.rfind(char, 0, start) for char in _SENTENCE_STOPS) + 1
                stop = _SENTENCE_END.search(folded, end)
                spans.append((begin, stop.start() if stop else len(folded)))
        return spans, title_ends


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
