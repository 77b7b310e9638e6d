"""Declined forms of the Russian names of Chinese places.

provinces.json lists a Russian name in the nominative; news writes it in every case
("в Шанхае", "провинции Хэбэя", "в Хэнани") and as an adjective ("Кашгарского округа",
"Урумчийская таможня"). A stem alias ("Шанхай*") accepts endings added to the whole
name but not those replacing its last letter, and no stem reaches an adjective's
"-ского". The rules are data (``data/russian_morphology.json``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# One capitalised Cyrillic word.
_NAME = re.compile("[\u0410-\u042f\u0401][\u0430-\u044f\u0451]+")
_VOWELS_AND_SIGNS = frozenset("аеёиоуыэюяьъй")


class RussianForms:
    def __init__(self, rules: dict[str, Any]) -> None:
        # Longest first: "Санья" declines by -ья, not by a shorter key.
        self._endings: list[tuple[str, list[str]]] = sorted(
            rules["noun_endings"].items(), key=lambda item: len(item[0]), reverse=True
        )
        self._consonant_endings: list[str] = rules["consonant_endings"]
        self._adjective_suffixes: dict[str, str | None] = rules["adjective_suffixes"]
        self._min_adjective_letters = int(rules["min_adjective_letters"])
        self._no_adjective = frozenset(rules["no_adjective"])

    def declined(self, alias: str) -> list[str]:
        """Other case forms of a one-word name (``alias`` may end in the stem mark)."""
        base = alias.rstrip("*")
        if not _NAME.fullmatch(base):
            return []
        for ending, replacements in self._endings:
            if base.endswith(ending):
                stem = base[: -len(ending)]
                return [stem + replacement for replacement in replacements]
        if base[-1] not in _VOWELS_AND_SIGNS and not alias.endswith("*"):
            return [base + ending for ending in self._consonant_endings]
        return []

    def adjective(self, alias: str, province: str) -> str | None:
        """The stem alias of the place's adjective ("кашгарск*"), if it forms one."""
        base = alias.rstrip("*")
        if (province in self._no_adjective or not _NAME.fullmatch(base)
                or len(base) < self._min_adjective_letters):
            return None
        last = base[-1]
        suffix = self._adjective_suffixes.get(last, self._adjective_suffixes[""])
        if suffix is None:
            return None
        return (base + suffix).lower() + "*"

    def aliases(self, alias: str, province: str) -> Iterator[str]:
        """The declined forms and the adjective of one alias of ``province``."""
        yield from self.declined(alias)
        adjective = self.adjective(alias, province)
        if adjective is not None:
            yield adjective
