"""Splits text into sentences, as (start, end) offsets into the text.

A line break always ends a sentence (extracted article text has one paragraph a line).
A full stop ends one unless it closes a known abbreviation ("U.S.", "Mr.") or an
initial ("J. Smith"), or the next word starts in lower case. Since no sentence runs
over a line break, a line can be split on its own (``split_line``).
"""

from __future__ import annotations

import re
from functools import cache

from services.classify.gazetteer import load_json

_CJK_STOPS = "\u3002\uff01\uff1f"
_CLOSERS = "\"'\u201d\u2019\u00bb)]\u300d\u300f"
_OPENERS = "(\"'\u201c\u2018["
_SPACE = re.compile(r"\s*")
# The places a sentence may end: a line break; a Chinese full stop (with any stops and
# closing quotes after it); a run of Western stops and closers followed, on the same
# line, by a space and more text. A Western stop that ends its line (or the text) needs
# no decision: the line break (or the end) closes the sentence at the same place.
_STOPS = "\n.!?" + _CJK_STOPS
_BOUNDARY = re.compile(
    f"[{_STOPS}]"
    "(?:(?<=\n)"
    f"|(?<=[{_CJK_STOPS}])[.!?]*[{re.escape(_CLOSERS)}]*"
    f"|(?<=[.!?])[.!?]*[{re.escape(_CLOSERS)}]*(?=[^\\S\n]+\\S))"
)


@cache
def _abbreviations() -> frozenset[str]:
    return frozenset(load_json("context.json")["abbreviations"])


def split(text: str) -> list[tuple[int, int]]:
    return split_line(text, 0, len(text))


def line_around(text: str, offset: int) -> tuple[int, int]:
    """Start and end of the line holding ``offset`` (the end is its line break, if any)."""
    end = text.find("\n", offset)
    return text.rfind("\n", 0, offset) + 1, len(text) if end < 0 else end


def split_line(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    """The spans ``split(text)`` gives for the sentences of ``text[start:stop]``, which
    starts at the start of a line (and may run over several)."""
    spans: list[tuple[int, int]] = []
    abbreviations = _abbreviations()
    space = _SPACE.match  # matches always: "\s*"
    start = space(text, start, stop).end()
    resume = start
    for position in _stop_positions(text, start, stop):
        if position < resume:
            continue  # inside the previous boundary's run of stops and quotes
        match = _BOUNDARY.match(text, position, stop)
        if match is None:
            continue
        end = resume = match.end()
        stop_char = text[position]
        if stop_char == "\n":
            end = position
        elif stop_char in ".!?":
            # A stop followed by a lower-case word is inside the sentence ("approx. two").
            if text[space(text, end).end()].islower():
                continue
            if (
                stop_char == "."
                and text[position:end].rstrip(_CLOSERS) == "."
                and _is_abbreviation(text, position, abbreviations)
            ):
                continue
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
        start = space(text, end, stop).end()
    _append(text, spans, start, stop)
    return spans


def _stop_positions(text: str, start: int, stop: int) -> list[int]:
    """Where each stop character of ``text[start:stop]`` is, in order. ``str.find`` per
    character beats a regex scan for a character class several times over."""
    positions: list[int] = []
    for char in _STOPS:
        position = text.find(char, start, stop)
        while position >= 0:
            positions.append(position)
            position = text.find(char, position + 1, stop)
    positions.sort()
    return positions


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
