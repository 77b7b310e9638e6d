"""Sector words a reader does not count: cargo, background history and company names.

"A freight train carrying steel pipes, cement and textiles left Lanzhou" is about
logistics, not steel, building materials or textiles; "the site was once a textile mill"
is background; "a former executive of Tata Steel" names a company, not an industry. The
sector mentions inside a cargo list (from a cargo word to the end of its sentence, or of
its clause in Chinese, or its 的), in a sentence that tells history, or inside a capitalised name
(a capitalised sector word right after another capitalised word, outside the title, or a
Chinese one inside a registered company name ending in 有限公司) are
dropped before sectors are scored, for the article and for its pairings alike.
"""

from __future__ import annotations

import re
from typing import Any

import ahocorasick_rs

from services.classify.matcher import Mention

_CJK_START = "\u2e80"
# Where a cargo list or a history sentence ends.
_SENTENCE_END = re.compile(r"[.!?;\n\u3002\uff01\uff1f\uff1b]")
# A Chinese cargo list also ends at the 的 that joins it to its carrier: 满载汽车配件的班列.
_CLAUSE_END_CJK = re.compile(r"[.!?;\n\u3002\uff01\uff1f\uff1b,\uff0c\u7684]")
_SENTENCE_STOPS = ".!?;\n\u3002\uff01\uff1f\uff1b"
# Markers ending with a century's digits ("in the 19") need two more digits ("1990s").
_CENTURY = ("18", "19")


class SectorContext:
    def __init__(self, spec: dict[str, Any]) -> None:
        cargo: list[str] = spec["cargo_markers"]
        # A registered Chinese company name ends in one of these: 银隆农业国际合作股份有限公司.
        self._company_suffix = re.compile(
            "[^\\s.,;:!?()\u3001-\u303f\uff01-\uff0f]{0,12}?(?:"
            + "|".join(re.escape(s) for s in spec["company_suffixes"]) + ")"
        )
        history: list[str] = spec["history_markers"]
        self._is_cargo = [True] * len(cargo) + [False] * len(history)
        self._markers = cargo + history
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
        spans = self._spans(folded)
        dropped: list[Mention] = []
        for mention in sectors:
            start = mention.start
            # Most sector words are lower case: test that before reading any name.
            if (spans and any(low <= start < high for low, high in spans)) or (
                start >= title_end and text[start].isupper() and _inside_name(text, mention)
            ) or (text[start] >= _CJK_START and self._company_suffix.match(folded, mention.end)):
                dropped.append(mention)
        return dropped

    def _spans(self, folded: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for index, start, end in self._automaton.find_matches_as_indexes(folded):
            marker = self._markers[index]
            # Inside a word; Chinese has no word breaks, so a CJK marker counts anywhere.
            if (marker[0] != " " and marker[0] < _CJK_START and start > 0
                    and folded[start - 1].isalpha()):
                continue
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


def _inside_name(text: str, mention: Mention) -> bool:
    """A capitalised sector word right after another capitalised word: "Tata Steel",
    "Zijin Mining", "New Yangzi Shipbuilding"."""
    if mention.start < 2 or text[mention.start - 1] != " ":
        return False
    word_start = max(text.rfind(" ", 0, mention.start - 1), text.rfind("\n", 0, mention.start - 1)) + 1
    previous = text[word_start : mention.start - 1]
    return previous[:1].isupper() and previous[-1:].isalnum()
