"""Sector words a reader does not count: cargo, background history and company names.

"A freight train carrying steel pipes, cement and textiles left Lanzhou" is about
logistics, not steel, building materials or textiles; "the site was once a textile mill"
is background; "a former executive of Tata Steel" names a company, not an industry. The
sector mentions inside a cargo list (from a cargo word to the end of its sentence, or of
its clause in Chinese), in a sentence that tells history, or inside a capitalised name
(a capitalised sector word right after another capitalised word, outside the title) are
dropped before sectors are scored, for the article and for its pairings alike.
"""

from __future__ import annotations

import re
from typing import Any

import ahocorasick_rs

from services.classify.automata import Automaton
from services.classify.matcher import Mention

_CJK_START = "\u2e80"
# Where a cargo list or a history sentence ends.
_SENTENCE_END = re.compile(r"[.!?;\n\u3002\uff01\uff1f\uff1b]")
_CLAUSE_END_CJK = re.compile(r"[.!?;\n\u3002\uff01\uff1f\uff1b,\uff0c]")
_SENTENCE_STOPS = ".!?;\n\u3002\uff01\uff1f\uff1b"
# Markers ending with a century's digits ("in the 19") need two more digits ("1990s").
_CENTURY = ("18", "19")


class SectorContext:
    def __init__(self, spec: dict[str, Any]) -> None:
        cargo: list[str] = spec["cargo_markers"]
        history: list[str] = spec["history_markers"]
        self._is_cargo = [True] * len(cargo) + [False] * len(history)
        self._markers = cargo + history
        self._automaton = Automaton(self._markers, ahocorasick_rs.MatchKind.LeftmostLongest)

    def aside(
        self, text: str, folded: str, sectors: list[Mention], title_end: int
    ) -> list[Mention]:
        """The sector mentions (of ``sectors``, in text order) a reader would not count."""
        if not sectors:
            return []
        spans = self._spans(folded)
        dropped: list[Mention] = []
        if spans:
            # Spans come in text order of their markers and may overlap: merged, one walk
            # over them follows the mentions.
            merged = _merged(spans)
            position, count = 0, len(merged)
            for mention in sectors:
                start = mention.start
                while position < count and merged[position][1] <= start:
                    position += 1
                if (position < count and merged[position][0] <= start) or (
                    start >= title_end and text[start].isupper() and _inside_name(text, mention)
                ):
                    dropped.append(mention)
            return dropped
        # Most sector words are lower case: test that before reading any name.
        for mention in sectors:
            start = mention.start
            if start >= title_end and text[start].isupper() and _inside_name(text, mention):
                dropped.append(mention)
        return dropped

    def _spans(self, folded: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for index, start, end in self._automaton.find(folded):
            marker = self._markers[index]
            if marker[0] != " " and start > 0 and folded[start - 1].isalpha():
                continue  # inside a word
            if marker.endswith(_CENTURY) and not folded[end : end + 2].isdigit():
                continue
            if self._is_cargo[index]:
                stop = (_CLAUSE_END_CJK if marker[0] >= _CJK_START else _SENTENCE_END).search(
                    folded, end)
                spans.append((end, stop.start() if stop else len(folded)))
            else:
                begin = max(folded.rfind(char, 0, start) for char in _SENTENCE_STOPS) + 1
                stop = _SENTENCE_END.search(folded, end)
                spans.append((begin, stop.start() if stop else len(folded)))
        return spans


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
    """A capitalised sector word right after another capitalised word: "Tata Steel",
    "Zijin Mining", "New Yangzi Shipbuilding"."""
    if mention.start < 2 or text[mention.start - 1] != " ":
        return False
    word_start = max(text.rfind(" ", 0, mention.start - 1), text.rfind("\n", 0, mention.start - 1)) + 1
    previous = text[word_start : mention.start - 1]
    return previous[:1].isupper() and previous[-1:].isalnum()
