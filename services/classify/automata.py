"""Aho-Corasick automata that read ASCII text as bytes.

ahocorasick_rs maps the byte offsets of every hit in a ``str`` back to character
offsets, which costs about a fifth of a pass. In ASCII text (most English news, once
folded) byte offsets are character offsets, so such text is read by a second automaton
built over the patterns' UTF-8 bytes: the same hits, found faster.

Large pattern sets make contiguous NFAs rather than DFAs: the gazetteer's DFA takes
megabytes, which the rest of the classifier evicts from the processor's caches between
two articles, so each pass over an article mostly waits for memory; the NFA is several
times smaller and, though it does more work a byte, reads an article faster where it runs
in a pipeline. A small set (the clause markers, the sector-context words, the pairing
model's cue classes) makes a DFA small enough to stay cached, which reads two to three
times faster than its NFA (the sector-context words over a 5 KB article: 31 -> 10 us).
"""

from __future__ import annotations

import ahocorasick_rs

_Hit = tuple[int, int, int]
_IMPLEMENTATION = ahocorasick_rs.Implementation.ContiguousNFA
# Patterns of fewer characters than this in all make a DFA (see above).
_SMALL = 2000


class Automaton:
    """Leftmost-longest (or standard) matching of ``patterns``, as ahocorasick_rs's
    ``find_matches_as_indexes`` gives it: (pattern index, start, end) in text order."""

    def __init__(self, patterns: list[str], matchkind: ahocorasick_rs.MatchKind) -> None:
        small = sum(len(pattern) for pattern in patterns) < _SMALL
        implementation = ahocorasick_rs.Implementation.DFA if small else _IMPLEMENTATION
        self._text = ahocorasick_rs.AhoCorasick(
            patterns, matchkind=matchkind, implementation=implementation
        )
        self._bytes = ahocorasick_rs.BytesAhoCorasick(
            [pattern.encode() for pattern in patterns],
            matchkind=matchkind,
            implementation=implementation,
        )

    def find(self, text: str, overlapping: bool = False) -> list[_Hit]:
        if text.isascii():  # a flag of the string: no pass over it
            return self._bytes.find_matches_as_indexes(text.encode("ascii"), overlapping)
        return self._text.find_matches_as_indexes(text, overlapping)
