"""How strongly an article is about China's international capacity cooperation / BRI.

Evidence adds up to a raw score, mapped to [0, 1) by ``1 - exp(-raw)``: cue phrases by
their weight (repeats count less and stop counting after three), a stated pairing, and
sentences where a Chinese actor (China or a province) cooperates with a named foreign
country, in an article about a sector ("Chinese firms will build a cement plant in
Ethiopia").

A relevance cue in a sentence of trade figures names a group of trading partners, not
cooperation: "trade with Belt and Road countries rose 37 percent" is customs statistics,
and counts for nothing (``TradeFigures``).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from services.classify.gazetteer import RELEVANCE
from services.classify.matcher import Mention
from services.classify.phrases import Substrings
from services.classify.sentences import line_around, split_line

THRESHOLD = 0.5
PAIRING_EVIDENCE = 0.8
# One sentence of a Chinese actor's work in a named country, in an article about a
# sector, is capacity cooperation by definition: alone it reaches THRESHOLD (1 - e^-0.7).
CHINA_ABROAD_EVIDENCE = 0.7
_MAX_CHINA_ABROAD_SENTENCES = 2
_REPEAT_WEIGHT = 0.5
_MAX_REPEATS = 3


def score(cues: list[Mention], has_pairings: bool, china_abroad_sentences: int) -> float:
    counts: Counter[str] = Counter()
    weights: dict[str, float] = {}
    for cue in cues:
        if cue.kind == RELEVANCE:
            counts[cue.entry.alias.lower()] += 1
            weights[cue.entry.alias.lower()] = cue.entry.weight
    raw = sum(
        weights[cue] * (1 + _REPEAT_WEIGHT * (min(count, _MAX_REPEATS) - 1))
        for cue, count in counts.items()
    )
    if has_pairings:
        raw += PAIRING_EVIDENCE
    raw += CHINA_ABROAD_EVIDENCE * min(china_abroad_sentences, _MAX_CHINA_ABROAD_SENTENCES)
    return round(1.0 - math.exp(-raw), 3)


def is_relevant(value: float) -> bool:
    return value >= THRESHOLD


class TradeFigures:
    """Finds the relevance cues that stand in a sentence of trade figures: one holding a
    trade word ("trade with", 进出口) and a figure word ("percent", 亿元)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self._trade = Substrings(spec["trade_words"])
        self._figure = Substrings(spec["figure_words"])

    def outside(
        self, document: str, folded: str, cues: list[Mention],
        lines: dict[int, list[tuple[int, int]]],
    ) -> list[Mention]:
        """``cues`` less the relevance cues in sentences of trade figures; ``lines`` holds
        (and receives) the sentence spans of the lines split, by line start."""
        kept: list[Mention] = []
        for cue in cues:
            if cue.kind == RELEVANCE:
                low, high = _sentence(document, cue.start, lines)
                if self._trade.found_in(folded, low, high) and self._figure.found_in(
                    folded, low, high
                ):
                    continue
            kept.append(cue)
        return kept


def _sentence(
    document: str, offset: int, lines: dict[int, list[tuple[int, int]]]
) -> tuple[int, int]:
    """The sentence holding ``offset`` (its line, if it falls between sentences)."""
    line_start, line_end = line_around(document, offset)
    spans = lines.get(line_start)
    if spans is None:
        spans = lines[line_start] = split_line(document, line_start, line_end)
    for low, high in spans:
        if low <= offset < high:
            return low, high
    return line_start, line_end
