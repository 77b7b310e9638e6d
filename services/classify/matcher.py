"""Finds every gazetteer term in a text with Aho-Corasick automata.

All names live in one automaton (CJK names in a second one, used only on text that has
CJK characters); relevance and cooperation cues have one each. They run over the folded
text (see ``textnorm``) with punctuation turned into spaces; a hit counts only at word
boundaries of alphabetic scripts (CJK terms have none) and when its capitalisation in the
original text fits the term's case policy. Overlaps resolve leftmost-longest per layer.

The automata are ahocorasick_rs's (the Rust aho-corasick crate): leftmost-longest
matching is built in, and a pass over an article is faster than pyahocorasick's,
several times so on Chinese text.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

import ahocorasick_rs

from services.classify.automata import Automaton
from services.classify.gazetteer import (
    ANY_CASE,
    BLOCKER,
    COOPERATION,
    CUE_KINDS,
    RELEVANCE,
    STEM_EXTRA_LETTERS,
    TITLE_CASE,
    WORD_STEM_EXTRA_LETTERS,
    Entry,
    Term,
)
from services.classify.textnorm import fold, is_word_char


@dataclass(slots=True)
class Mention:
    """One accepted match: ``text[start:end]`` means ``entry`` (its kind and value copied)."""

    start: int
    end: int
    entry: Entry
    kind: str = ""
    value: str = ""


@dataclass(frozen=True, slots=True)
class Matches:
    """Entity mentions (places, sectors, China) and cue mentions, each in text order."""

    entities: list[Mention]
    cues: list[Mention]


# Punctuation becomes a space in the text the automata read, so a term that starts with a
# letter is stored with a leading space and can only match at the start of a word.
_SPACED = str.maketrans({char: " " for char in string.punctuation})
# CJK terms live in automata of their own: their thousands of first characters make
# every automaton that holds them several times slower, even on English text.
_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# A C-level sort key: sorting the cues by a lambda cost one Python call per cue.
_START = attrgetter("start")

# (length as stored, 1 if stored with a leading space, needs a word end, meanings,
#  the meaning if it is the only one and not a stem else None, its case check:
#  0 none, 1 title case, 2 exact)
_Pattern = tuple[int, int, bool, tuple[Entry, ...], "Entry | None", int]


def _case_mode(entry: Entry) -> int:
    if entry.case == ANY_CASE:
        return 0
    return 1 if entry.case == TITLE_CASE else 2


def _stored_form(key: str) -> tuple[str, int]:
    spaced = key.translate(_SPACED)
    if is_word_char(key[0]):
        return " " + spaced, 1
    return spaced, 0


class _Layer:
    """The terms of one layer: a leftmost-longest automaton for the scan and an
    overlapping one for looking again inside a hit that failed its checks."""

    def __init__(self, grouped: dict[str, list[Entry]]) -> None:
        stored: dict[str, tuple[int, bool, list[Entry]]] = {}
        for key, entries in grouped.items():
            form, padded = _stored_form(key)
            _, _, merged = stored.setdefault(form, (padded, is_word_char(key[-1]), []))
            merged.extend(e for e in entries if e not in merged)
        self.patterns: list[_Pattern] = []
        for form, (padded, right_bounded, entries) in stored.items():
            single = entries[0] if len(entries) == 1 and not entries[0].stem else None
            mode = _case_mode(single) if single is not None else 0
            self.patterns.append((len(form), padded, right_bounded, tuple(entries), single, mode))
        forms = list(stored)
        self.longest = Automaton(forms, ahocorasick_rs.MatchKind.LeftmostLongest)
        self.overlapping = ahocorasick_rs.AhoCorasick(
            forms, matchkind=ahocorasick_rs.MatchKind.Standard
        )
        # Whether looking again inside a failed hit of this term can find anything: not
        # for a single word holding no other term (" bor" of "border", " us" of "use").
        self.worth_rescanning = [
            " " in form[1:-1]
            or any(
                (index, start) != (own, 0)
                for index, start, _ in self.overlapping.find_matches_as_indexes(
                    form, overlapping=True
                )
            )
            for own, form in enumerate(forms)
        ]


_ENTITIES = "entities"


def _layer_of(kind: str) -> str:
    """Terms of one layer compete for text (longest wins); layers never hide each other."""
    return kind if kind in CUE_KINDS else _ENTITIES


class Matcher:
    """Built once from all terms; ``scan`` is then safe to call from one thread.

    Entities, relevance cues and cooperation cues are separate automata, so that a cue
    ("China-Pakistan Economic Corridor") never hides a place inside it, nor a relevance
    cue ("Chinese investment") a cooperation cue. Each reports leftmost-longest hits.
    """

    def __init__(self, terms: Iterable[Term]) -> None:
        layers: dict[tuple[str, bool], dict[str, list[Entry]]] = {}
        for term in terms:
            if term.key:
                layer = _layer_of(term.entry.kind), bool(_CJK.search(term.key))
                layers.setdefault(layer, {}).setdefault(term.key, []).append(term.entry)
        self._layers = {layer: _Layer(grouped) for layer, grouped in layers.items()}
        self.size = sum(len(grouped) for grouped in layers.values())
        self._longest_key = max(len(key) for grouped in layers.values() for key in grouped) + 1

    def scan(self, text: str, folded: str | None = None) -> Matches:
        if folded is None:
            folded = fold(text)
        # One leading space lets a term at offset 0 match; offsets shift back by one.
        spaced = " " + folded.translate(_SPACED)
        scripts = [False]
        if not folded.isascii() and _CJK.search(folded):
            scripts.append(True)
        found: dict[str, list[Mention]] = {}
        for (layer, cjk), terms in self._layers.items():
            if cjk in scripts:
                found.setdefault(layer, []).extend(self._scan_layer(terms, text, spaced))
        if len(scripts) > 1:  # CJK and other hits were found apart
            for mentions in found.values():
                mentions.sort(key=_START)
        entities = found.get(_ENTITIES, [])
        cues = sorted(found.get(RELEVANCE, []) + found.get(COOPERATION, []),
                      key=_START)
        blockers = [m for m in entities if m.kind == BLOCKER]
        if blockers:
            # A blocker ("Asia-Pacific Economic Cooperation") also silences cues inside it.
            cues = _outside(cues, [(b.start, b.end) for b in blockers])
            entities = [m for m in entities if m.kind != BLOCKER]
        return Matches(entities=entities, cues=cues)

    def _scan_layer(self, layer: _Layer, text: str, spaced: str) -> list[Mention]:
        found: list[Mention] = []
        size = len(spaced)
        rescanned = False
        append = found.append
        patterns = layer.patterns
        for index, first, stop in layer.longest.find(spaced):
            pattern = patterns[index]
            _length, padded, right_bounded, _entries, entry, mode = pattern
            last = stop - 1
            if entry is not None:
                # The common case, inlined: one meaning, whole word.
                if right_bounded and stop < size:
                    following = spaced[stop]
                    bounded = (following == " " or following >= "\u2e80"
                               or not following.isalnum())
                else:
                    bounded = True
                if bounded:
                    start = first - 1 + padded  # ``spaced`` is the text shifted by one
                    if mode == 0:
                        fits = True
                    elif mode == 1:
                        initial = text[start : start + 1]
                        fits = initial.isupper() or not initial.islower()
                    else:
                        fits = _case_fits(text, start, entry)
                    if fits:
                        append(Mention(start, last, entry, entry.kind, entry.value))
                        continue
            else:
                accepted = _accept(pattern, last, text, spaced)
                if accepted:
                    found.extend(accepted)
                    continue
            # The longest term here failed a check ("Kazakh" in "Kazakhs", "New Guinea" in
            # "new Guinea-Bissau"); shorter or overlapping terms may pass.
            if not layer.worth_rescanning[index]:
                continue
            window_end = stop
            if " " in spaced[first + 1 : last]:
                window_end = min(size, window_end + self._longest_key)
            for inner_index, inner_first, inner_stop in layer.overlapping.find_matches_as_indexes(
                spaced[first:window_end], overlapping=True
            ):
                if inner_index != index or inner_first != 0:
                    inner_accepted = _accept(
                        patterns[inner_index], first + inner_stop - 1, text, spaced
                    )
                    if inner_accepted:
                        found.extend(inner_accepted)
                        rescanned = True
        if rescanned:
            found = _leftmost_longest(found)
        return found


def _accept(pattern: _Pattern, last: int, text: str, spaced: str) -> list[Mention]:
    """Mentions for one raw hit that passes the word-end and case checks."""
    length, padded, right_bounded, entries = pattern[:4]
    # ``spaced`` is the folded text shifted right by one character.
    start = last - length + padded
    end = last
    bounded = True
    if right_bounded and last + 1 < len(spaced):
        following = spaced[last + 1]
        bounded = following == " " or following >= "\u2e80" or not following.isalnum()
    accepted = []
    for entry in entries:
        stop = end
        if not bounded:
            if not entry.stem:
                continue
            extra = WORD_STEM_EXTRA_LETTERS if entry.case == ANY_CASE else STEM_EXTRA_LETTERS
            stop = _stem_end(spaced, last + 1, extra) - 1
            if stop < 0:
                continue
        if entry.case != ANY_CASE and not _case_fits(text, start, entry):
            continue
        accepted.append(Mention(start, stop, entry, entry.kind, entry.value))
    return accepted


def _stem_end(folded: str, end: int, extra: int) -> int:
    """End of a stem match followed by at most ``extra`` letters, or -1 if the word runs on."""
    limit = min(len(folded), end + extra + 1)
    position = end
    while position < limit and is_word_char(folded[position]):
        position += 1
    if position - end > extra:
        return -1
    return position


def _case_fits(text: str, start: int, entry: Entry) -> bool:
    alias = entry.alias
    surface = text[start : start + len(alias)]
    if entry.case == TITLE_CASE:
        first = surface[:1]
        return first.isupper() or not first.islower()
    return all(
        a.isupper() == b.isupper() for a, b in zip(alias, surface, strict=False) if a.isalpha()
    )


def _leftmost_longest(mentions: list[Mention]) -> list[Mention]:
    # One mention per span and meaning, the last found, in the order the meanings were
    # first found. Grouping by span first compares entries only where spans coincide:
    # hashing every entry (all its fields) cost more than the rest of this function.
    by_span: dict[tuple[int, int], list[Mention]] = {}
    for mention in mentions:
        same_span = by_span.setdefault((mention.start, mention.end), [])
        for index, other in enumerate(same_span):
            if other.entry == mention.entry:
                same_span[index] = mention
                break
        else:
            same_span.append(mention)
    # Longest first at each start; the meanings of one span (a cue and a sector) go
    # together, in the order they were first found.
    kept: list[Mention] = []
    end = -1
    for span in sorted(by_span, key=_LONGEST_FIRST):
        if span[0] >= end:
            kept += by_span[span]
            end = span[1]
    return kept


def _longest_first(span: tuple[int, int]) -> tuple[int, int]:
    return span[0], span[0] - span[1]


_LONGEST_FIRST = _longest_first


def _outside(mentions: list[Mention], spans: list[tuple[int, int]]) -> list[Mention]:
    """Mentions not strictly inside any of ``spans`` (one span may carry several meanings)."""
    kept = []
    for mention in mentions:
        for start, end in spans:
            if start <= mention.start and mention.end <= end and (
                start != mention.start or end != mention.end
            ):
                break
        else:
            kept.append(mention)
    return kept
