"""Foreign regions and cities standing for their country, read only where a link is stated.

"Hunan signed an agreement with Minas Gerais", "trains from Wuhan to Brest": a foreign
state, province or city is a party to a link for its country. Thousands of such names are
also words or people's names ("Split", "Jackson"), so the classifier looks for them only
in the lines that hold a province and a cooperation cue but no country (where a country
is named, the link is read from it); a name counts there only right after a link word
("in", "with", a route's dash) and never as the first word of a longer name, and only
when the pairing grammar then links it: the article's ``countries`` gain its country
only through such a pairing. The names come from ``data/foreign_places.json`` (see
``scripts/build_foreign_places.py``).

Names are matched as written, capital first (a place name is capitalised wherever it
stands), which keeps the automaton quiet on ordinary lower-case words; Russian names
ending in ``*`` take up to three more letters (case endings).
"""

from __future__ import annotations

import re
from typing import Any

import ahocorasick_rs

from services.classify.automata import Automaton
from services.classify.gazetteer import COUNTRY, STEM_EXTRA_LETTERS, Entry, load_json
from services.classify.matcher import Mention
from services.classify.phrases import PhraseSet
from services.classify.textnorm import is_word_char

_NEXT_WORD = re.compile(r" (\w+)")
# A one-word Cyrillic name long enough to decline safely, and the endings it drops then.
_CYRILLIC_WORD = re.compile("[\u0410-\u042f\u0401][\u0430-\u044f\u0451]{4,}")
_CYRILLIC_ENDINGS = frozenset("аяьйоеыи")
_CJK_START = "\u2e80"


class ForeignPlaces:
    def __init__(self, grammar: dict[str, Any]) -> None:
        self.previous = PhraseSet(grammar["foreign_place_previous"])
        self._previous_reach = max(len(p) for p in grammar["foreign_place_previous"])
        self.next_words = frozenset(grammar["foreign_place_next"])
        self.titles = frozenset(grammar["foreign_place_titles"])
        names: dict[str, Entry] = {}
        for code, groups in load_json("foreign_places.json")["places"].items():
            for role, aliases in groups.items():
                for alias in aliases:
                    name = alias.rstrip("*")
                    stem = alias.endswith("*")
                    if not stem and _CYRILLIC_WORD.fullmatch(name):
                        # Russian declines place names: "в Казани", "из Варшавы".
                        name, stem = name[:-1] if name[-1] in _CYRILLIC_ENDINGS else name, True
                    names.setdefault(name, Entry(kind=COUNTRY, value=code, alias=name,
                                                 role=role, stem=stem))
        self._names = list(names)
        self._entries = list(names.values())
        self._entry_ids = frozenset(id(entry) for entry in self._entries)
        self._automaton = Automaton(self._names, ahocorasick_rs.MatchKind.LeftmostLongest)

    def made(self, mention: Mention) -> bool:
        """Whether ``find_in_line`` found the mention (it is a foreign region or city)."""
        return id(mention.entry) in self._entry_ids

    def find_in_line(
        self, text: str, folded: str, line_start: int, line_stop: int, inside: list[Mention]
    ) -> list[Mention]:
        """Foreign places in link position in ``text[line_start:line_stop]``, a line
        holding a province and a cooperation cue but no country, outside every name
        already found there (``inside``)."""
        found: list[Mention] = []
        for index, start, end in self._automaton.find(text[line_start:line_stop]):
            mention = self._mention(text, folded, line_start + start, line_start + end,
                                    self._entries[index])
            if mention is not None and not any(
                m.start < mention.end and mention.start < m.end for m in inside
            ):
                found.append(mention)
        return found

    def _mention(
        self, text: str, folded: str, start: int, end: int, entry: Entry
    ) -> Mention | None:
        cjk = text[start] >= _CJK_START
        if not cjk:
            if start > 0 and is_word_char(text[start - 1]):
                return None
            if end < len(text) and is_word_char(text[end]):
                if not entry.stem:
                    return None
                stop = end
                while stop < len(text) and is_word_char(text[stop]):
                    stop += 1
                if stop - end > STEM_EXTRA_LETTERS:
                    return None
                end = stop
            if not self._in_link_position(text, folded, start, end):
                return None
        return Mention(start, end, entry, COUNTRY, entry.value)

    def _in_link_position(self, text: str, folded: str, start: int, end: int) -> bool:
        """Right after a link word ("in", "with", "between", a route's dash) and not the first
        word of a longer name ("Batu Gajah", "Tata Steel")."""
        following = _NEXT_WORD.match(text, end)
        if not self.previous.longest_suffix(folded[max(0, start - self._previous_reach) : start]):
            # "Utah Governor Gary Herbert signed ...": a sentence opening with the region's
            # leader.
            opens = start == 0 or text[start - 1] == "\n" or (start >= 2 and text[start - 2 : start] == ". ")
            return opens and following is not None and following.group(1).lower() in self.titles

        return following is None or not following.group(1)[:1].isupper() or (
            following.group(1).lower() in self.next_words
        )

