"""Splits text into sentences, as (start, end) offsets into the text.

A line break always ends a sentence (extracted article text has one paragraph a line).
A full stop ends one unless it closes a known abbreviation ("U.S.", "Mr.") or an
initial ("J. Smith"), or the next word starts in lower case.
"""

from __future__ import annotations

import bisect
import re
from functools import cache

from services.classify.gazetteer import load_json

_STOP = re.compile("[.!?\n\u3002\uff01\uff1f]")
_SPACE = re.compile(r"\s*")
_CJK_STOPS = "\u3002\uff01\uff1f"
_CLOSERS = "\"'\u201d\u2019\u00bb)]\u300d\u300f"
_OPENERS = "(\"'\u201c\u2018["


@cache
def _abbreviations() -> frozenset[str]:
    return frozenset(load_json("context.json")["abbreviations"])


def split(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    abbreviations = _abbreviations()
    size = len(text)
    space = _SPACE.match  # matches always: "\s*"
    start = space(text, 0).end()
    for match in _STOP.finditer(text):
        position = match.start()
        if position < start:
            continue
        stop = text[position]
        if stop == "\n":
            end = position
        else:
            end = position + 1
            while end < size and text[end] in ".!?":
                end += 1
            while end < size and text[end] in _CLOSERS:
                end += 1
            if stop not in _CJK_STOPS:
                if end < size and not text[end].isspace():
                    continue  # "3.5", "U.S.-China", "Xinhua.net"
                after_space = space(text, end).end()
                if text[after_space : after_space + 1].islower():
                    continue
                if (
                    stop == "."
                    and text[position:end].rstrip(_CLOSERS) == "."
                    and _is_abbreviation(text, position, abbreviations)
                ):
                    continue
        _append(text, spans, start, end)
        start = space(text, end).end()
    _append(text, spans, start, size)
    return spans


def _skip_space(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    return match.end() if match else position


def _append(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def _is_abbreviation(text: str, stop: int, abbreviations: frozenset[str]) -> bool:
    """Whether the word ending at the full stop ``stop`` is "U.S", "Mr" or an initial."""
    word_start = max(text.rfind(" ", 0, stop), text.rfind("\n", 0, stop)) + 1
    word = text[word_start:stop].lstrip(_OPENERS).lower().replace("\u2019", "'")
    return word in abbreviations or (len(word) == 1 and word.isalpha())


class SentenceIndex:
    """Which sentence an offset falls in."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self._starts = [start for start, _ in spans]

    def index_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._starts, offset) - 1)
