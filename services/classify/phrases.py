"""Whole-word phrase lookups just before or after a match ("held in ", " governor")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from services.classify.textnorm import is_word_char

# Phrases are indexed by this many characters at their end (start): a text is compared
# only with the lengths of the phrases that share its last (first) characters.
_KEY = 2


def _lengths_by(phrases: frozenset[str], key: int) -> dict[str, tuple[int, ...]]:
    """The lengths, longest first, of the phrases of ``key`` or more characters, by
    their ``key``-character end (negative ``key``) or start."""
    lengths: dict[str, set[int]] = {}
    for phrase in phrases:
        if len(phrase) >= abs(key):
            piece = phrase[key:] if key < 0 else phrase[:key]
            lengths.setdefault(piece, set()).add(len(phrase))
    return {piece: tuple(sorted(found, reverse=True)) for piece, found in lengths.items()}


class PhraseSet:
    """Phrases found by slicing the text to each length of the phrases that end (start)
    as it does: a few set lookups."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self._phrases = frozenset(phrases)
        # Phrases shorter than the key ("经", "-") are tried after the others, being the
        # shortest, whatever the text's first or last characters.
        self._short = tuple(sorted({len(p) for p in self._phrases if 0 < len(p) < _KEY},
                                   reverse=True))
        self._by_end = {piece: lengths + self._short
                        for piece, lengths in _lengths_by(self._phrases, -_KEY).items()}
        self._by_start = {piece: lengths + self._short
                          for piece, lengths in _lengths_by(self._phrases, _KEY).items()}

    def longest_suffix(self, before: str) -> int:
        """Length of the longest phrase ``before`` ends with, as whole words; 0 if none."""
        size = len(before)
        phrases = self._phrases
        for length in self._by_end.get(before[size - _KEY :], self._short):
            if length > size:
                continue
            edge = size - length
            if before[edge:] in phrases and (
                edge == 0 or not is_word_char(before[edge - 1]) or not is_word_char(before[edge])
            ):
                return length
        return 0

    def longest_prefix(self, after: str) -> int:
        """Length of the longest phrase ``after`` starts with, as whole words; 0 if none."""
        size = len(after)
        phrases = self._phrases
        for length in self._by_start.get(after[:_KEY], self._short):
            if length > size:
                continue
            if after[:length] in phrases and (
                length == size
                or not is_word_char(after[length])
                or not is_word_char(after[length - 1])
            ):
                return length
        return 0


class Substrings:
    """Whether a text holds any of some phrases anywhere: one regex search over an
    alternation of them instead of one ``in`` test per phrase."""

    def __init__(self, phrases: Iterable[str]) -> None:
        phrases = list(phrases)
        alternatives = [re.escape(phrase) for phrase in phrases]
        # No phrase is never found; "(?!)" is a pattern that never matches.
        self._pattern = re.compile("|".join(alternatives) if alternatives else "(?!)")
        # Phrases that all hold a non-ASCII character (Chinese words) cannot be in ASCII
        # text, most English news: no search is needed there.
        self._in_ascii = any(phrase.isascii() for phrase in phrases)

    def found_in(self, text: str, start: int = 0, end: int | None = None) -> bool:
        """Whether ``text[start:end]`` holds one of the phrases (without slicing it)."""
        if not self._in_ascii and text.isascii():  # a flag of the string: no pass over it
            return False
        if end is None:
            return self._pattern.search(text, start) is not None
        return self._pattern.search(text, start, end) is not None
