"""How strongly an article is about China's international capacity cooperation / BRI.

Evidence adds up to a raw score, mapped to [0, 1) by ``1 - exp(-raw)``: cue phrases by
their weight (repeats count less and stop counting after three), a stated pairing, and
sentences where a Chinese actor (China or a province) cooperates with a named foreign
country, in an article about a sector ("Chinese firms will build a cement plant in
Ethiopia").
"""

from __future__ import annotations

import math
from collections import Counter

from services.classify.gazetteer import RELEVANCE
from services.classify.matcher import Mention

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
