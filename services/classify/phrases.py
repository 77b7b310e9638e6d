"""Whole-word phrase lookups just before or after a match ("held in ", " governor")."""

from __future__ import annotations

from collections.abc import Iterable

from services.classify.textnorm import is_word_char


class PhraseSet:
    """Phrases found by slicing the text to each phrase length: a few set lookups."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self._phrases = frozenset(phrases)
        self._lengths = sorted({len(p) for p in self._phrases}, reverse=True)
        # Every phrase ends (starts) with one of these ``_key``-character pieces: one set
        # lookup rejects most texts before slicing to each length.
        self._key = min(self._lengths, default=0)
        self._last_keys = frozenset(p[len(p) - self._key :] for p in self._phrases)
        self._first_keys = frozenset(p[: self._key] for p in self._phrases)

    def longest_suffix(self, before: str) -> int:
        """Length of the longest phrase ``before`` ends with, as whole words; 0 if none."""
        size = len(before)
        key = self._key
        if key and before[size - key :] not in self._last_keys:
            return 0  # also when ``before`` is shorter than every phrase
        for length in self._lengths:
            if length > size:
                continue
            edge = size - length
            if before[edge:] in self._phrases and (
                edge == 0 or not is_word_char(before[edge - 1]) or not is_word_char(before[edge])
            ):
                return length
        return 0

    def longest_prefix(self, after: str) -> int:
        """Length of the longest phrase ``after`` starts with, as whole words; 0 if none."""
        size = len(after)
        key = self._key
        if key and after[:key] not in self._first_keys:
            return 0
        for length in self._lengths:
            if length > size:
                continue
            if after[:length] in self._phrases and (
                length == size
                or not is_word_char(after[length])
                or not is_word_char(after[length - 1])
            ):
                return length
        return 0
