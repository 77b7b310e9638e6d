"""Which of the 17 sectors an article is substantively about.

One generic word ("energy", "port"), even repeated, is not enough: a sector counts when
its terms' summed weight reaches the threshold, when it is one of three or more sectors
enumerated in a list ("steel, non-ferrous metals, building materials and chemicals"), or
when it is named in a pairing's own clause (added by the classifier).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from services.classify.matcher import Mention

# Saying one word again adds little: "port" three times (a club called "Shanghai Port")
# stays below the threshold, "port" with "container" and "cargo" does not.
_REPEAT_WEIGHT = 0.25
_MAX_REPEATS = 3
# A list item is never further than this from the previous one ("steel, cement and glass").
_MAX_LIST_GAP = 30
_MIN_LIST_SECTORS = 3
_SENTENCE_END = (".", "!", "?", "\u3002", "\uff01", "\uff1f")


class SectorScorer:
    def __init__(self, sectors: dict[str, Any], grammar: dict[str, Any]) -> None:
        self.threshold = float(sectors["threshold"])
        ends = [*_SENTENCE_END, *grammar["clause_breaks"]]
        self._list_end = re.compile("|".join(re.escape(p) for p in ends))
        self._separator = re.compile("|".join(re.escape(p) for p in grammar["list_separators"]))

    def article_sectors(self, folded: str, mentions: list[Mention]) -> set[str]:
        """Slugs of the sectors the article is about; ``mentions`` are sector mentions."""
        repeats = Counter((m.value, m.entry.alias.lower(), m.entry.weight) for m in mentions)
        totals: dict[str, float] = defaultdict(float)
        for (slug, _, weight), count in repeats.items():
            totals[slug] += weight * (1 + _REPEAT_WEIGHT * (min(count, _MAX_REPEATS) - 1))
        chosen = {slug for slug, total in totals.items() if total >= self.threshold - 1e-9}
        return chosen | self._enumerated(folded, mentions)

    def _enumerated(self, folded: str, mentions: list[Mention]) -> set[str]:
        found: set[str] = set()
        chain: list[Mention] = []
        for mention in mentions:
            if chain:
                previous_end = chain[-1].end
                if (
                    mention.start - previous_end > _MAX_LIST_GAP  # too far apart: no list
                    or not self._continues_list(folded[previous_end : mention.start])
                ):
                    found |= _list_sectors(chain)
                    chain = []
            chain.append(mention)
        found |= _list_sectors(chain)
        return found

    def _continues_list(self, gap: str) -> bool:
        if len(gap) > _MAX_LIST_GAP or self._list_end.search(gap):
            return False
        return self._separator.search(gap) is not None


def _list_sectors(chain: list[Mention]) -> set[str]:
    if len(chain) < _MIN_LIST_SECTORS:
        return set()
    slugs = {m.value for m in chain}
    return slugs if len(slugs) >= _MIN_LIST_SECTORS else set()
