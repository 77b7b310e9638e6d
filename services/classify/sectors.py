"""Which of the 17 sectors an article is substantively about.

One generic word ("energy", "port"), even repeated, is not enough: a sector counts when
its terms' summed weight reaches the threshold, when it is one of three or more sectors
enumerated in a list ("steel, non-ferrous metals, building materials and chemicals"), or
when it is named in a pairing's own clause (added by the classifier).

A sector named in one sentence only of an article of three or more, outside its title and
lead, is a passing mention unless that sentence states cooperation (a cooperation cue or
an activity word of sectors.json, "joint projects in car manufacturing"): "the plant runs on
diesel generators until the grid reaches it" does not make a textile mill's story about
power, while "at the heart of the agreements is a nuclear power plant" does.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from services.classify.matcher import Mention
from services.classify.phrases import Substrings
from services.classify.sentences import line_around, split_line

# Saying one word again adds little: "port" three times (a club called "Shanghai Port")
# stays below the threshold, "port" with "container" and "cargo" does not.
_REPEAT_WEIGHT = 0.25
_MAX_REPEATS = 3
# A list item is never further than this from the previous one ("steel, cement and glass").
_MAX_LIST_GAP = 30
_MIN_LIST_SECTORS = 3
_SENTENCE_END = (".", "!", "?", "\u3002", "\uff01", "\uff1f")
_CJK_START = "\u2e80"


class SectorScorer:
    def __init__(self, sectors: dict[str, Any], grammar: dict[str, Any]) -> None:
        self.threshold = float(sectors["threshold"])
        # Words that make a late sentence state cooperation even when no cooperation cue
        # of the pairing rules is in it ("joint projects in car manufacturing", 商定推进).
        self._activity = Substrings(sectors["passing"]["activity_words"])
        ends = [*_SENTENCE_END, *grammar["clause_breaks"]]
        self._list_end = re.compile("|".join(re.escape(p) for p in ends))
        self._separator = re.compile("|".join(re.escape(p) for p in grammar["list_separators"]))

    def article_sectors(
        self,
        document: str,
        folded: str,
        mentions: list[Mention],
        title_end: int = 0,
        cues: list[int] | None = None,
        lines: dict[int, list[tuple[int, int]]] | None = None,
    ) -> set[str]:
        """Slugs of the sectors the article is about.

        ``mentions`` are its sector mentions, ``title_end`` where its body starts in
        ``document`` and ``cues`` the offsets of its cooperation cues, in text order;
        ``lines``, the sentence spans of the lines already split, by line start (the
        lines split here are added).
        """
        repeats = Counter((m.value, m.entry.alias.lower(), m.entry.weight) for m in mentions)
        totals: dict[str, float] = defaultdict(float)
        for (slug, _, weight), count in repeats.items():
            totals[slug] += weight * (1 + _REPEAT_WEIGHT * (min(count, _MAX_REPEATS) - 1))
        chosen = {slug for slug, total in totals.items() if total >= self.threshold - 1e-9}
        if chosen:
            chosen -= self._passing(document, folded, [m for m in mentions if m.value in chosen],
                                    title_end, cues or [], {} if lines is None else lines)
        return chosen | self._enumerated(folded, mentions)

    def _enumerated(self, folded: str, mentions: list[Mention]) -> set[str]:
        """Sectors of every list (in text order) that names three or more of them."""
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


    def _passing(
        self, document: str, folded: str, mentions: list[Mention], title_end: int, cues: list[int],
        lines: dict[int, list[tuple[int, int]]],
    ) -> set[str]:
        """Slugs whose ``mentions`` all lie in one sentence after the lead that states no
        cooperation (no offset of ``cues`` and no activity word in it), in an article of
        three or more sentences."""
        by_slug: dict[str, list[Mention]] = defaultdict(list)
        for mention in mentions:
            by_slug[mention.value].append(mention)
        # No sentence runs over a line break: only the lines in question are split.
        lead = _sentence_at(document, title_end, lines, first=True)
        if lead is None:
            return set()
        passing: set[str] = set()
        for slug, found in by_slug.items():
            first, last = found[0].start, found[-1].start
            if first < lead[1]:  # the title or the lead: never passing
                continue
            sentence = _sentence_at(document, first, lines)
            if sentence is None or last >= sentence[1]:
                continue  # named in more than one sentence
            low, high = sentence
            if not (document[lead[1] : low].strip() or document[high:].strip()):
                continue  # the article has two sentences: each one is the story
            own = _own_cue_spans(folded, found)
            if not any(low <= cue < high and not _inside(cue, own) for cue in cues) and (
                not self._activity.found_in(folded, low, high)
            ):
                passing.add(slug)
        return passing


def _sentence_at(
    document: str, offset: int, lines: dict[int, list[tuple[int, int]]], first: bool = False
) -> tuple[int, int] | None:
    """The sentence holding ``offset`` (with ``first``, the first one from ``offset`` on),
    from the split of its line, kept in ``lines`` by line start."""
    line_start, line_end = line_around(document, offset)
    spans = lines.get(line_start)
    if spans is None:
        spans = lines[line_start] = split_line(document, line_start, line_end)
    for span in spans:
        if span[1] > offset and (first or span[0] <= offset):
            return span
    if first and line_end < len(document):  # the body starts with a blank line
        return _sentence_at(document, line_end + 1, lines, first=True)
    return None


def _own_cue_spans(folded: str, found: list[Mention]) -> list[tuple[int, int]]:
    """The spans of the Chinese ``found`` mentions: Chinese cue words that are sector
    words too (班列, 口岸) cannot make their own sentence state cooperation ("塔城距巴克图
    口岸12公里" places a town, it links nothing)."""
    return [(m.start, m.end) for m in found if folded[m.start] >= _CJK_START]


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def _list_sectors(chain: list[Mention]) -> set[str]:
    """The sectors of a chain of list items, if it names three or more (shorter chains
    list nothing)."""
    if len(chain) < _MIN_LIST_SECTORS:
        return set()
    slugs = {m.value for m in chain}
    return slugs if len(slugs) >= _MIN_LIST_SECTORS else set()

