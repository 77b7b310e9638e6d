"""Foreign regions and cities standing for their country, read only where a link is stated.

"Hunan signed an agreement with Minas Gerais", "trains from Wuhan to Brest": a foreign
state, province or city is a party to a link for its country. Thousands of such names are
also words or people's names ("Split", "Jackson"), so they are looked for only in the
lines that hold a province and a cooperation cue, and they count only when the pairing
grammar then links them; the article's ``countries`` gain their country only through such
a pairing. The names come from ``data/foreign_places.json`` (see
``scripts/build_foreign_places.py``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from services.classify.gazetteer import COUNTRY, PROVINCE, Term, load_json, make_terms
from services.classify.matcher import Matcher, Mention
from services.classify.phrases import PhraseSet
from services.classify.sentences import line_around

_NEXT_WORD = re.compile(r" (\w+)")

FOREIGN_PLACE_ROLES = frozenset({"regions", "cities"})


def foreign_place_terms() -> list[Term]:
    terms: list[Term] = []
    for code, groups in load_json("foreign_places.json")["places"].items():
        for role, names in groups.items():
            for name in names:
                terms.extend(make_terms(name, COUNTRY, code, role=role))
    return list(dict.fromkeys(terms))


class ForeignPlaces:
    def __init__(self, grammar: dict[str, Any]) -> None:
        self.matcher = Matcher(foreign_place_terms())
        self.previous = PhraseSet(grammar["foreign_place_previous"])
        self.next_words = frozenset(grammar["foreign_place_next"])

    def _in_link_position(self, text: str, folded: str, mention: Mention) -> bool:
        """Right after a link word ("in", "with", "to", a route's dash) and not the first
        word of a longer name ("Batu Gajah", "Tata Steel")."""
        if text[mention.start] >= "\u2e80":
            return True  # Chinese has no spaces to read; its place names are long
        if not self.previous.longest_suffix(folded[max(0, mention.start - 6) : mention.start]):
            return False
        following = _NEXT_WORD.match(text, mention.end)
        return following is None or not following.group(1)[:1].isupper() or (
            following.group(1).lower() in self.next_words
        )

    def find(
        self, text: str, folded: str, entities: list[Mention], cues: list[Mention]
    ) -> list[Mention]:
        """Foreign places in the lines holding a province and a cooperation cue, outside
        every name already found."""
        starts = [m.start for m in entities]
        found: list[Mention] = []
        line_stop = -1
        for cue in cues:  # in text order
            if cue.start < line_stop:
                continue
            line_start, line_stop = line_around(text, cue.start)
            low = bisect_left(starts, line_start)
            inside = entities[low : bisect_left(starts, line_stop, low)]
            if not any(m.kind == PROVINCE for m in inside):
                continue
            matches = self.matcher.scan(text[line_start:line_stop], folded[line_start:line_stop])
            for mention in matches.entities:
                start, end = mention.start + line_start, mention.end + line_start
                mention = Mention(start, end, mention.entry, COUNTRY, mention.value)
                if any(m.start < end and start < m.end for m in inside):
                    continue
                if not self._in_link_position(text, folded, mention):
                    continue
                found.append(mention)
        return found
