"""The label vocabulary search filters are checked against (a data file, read once).

A filter value outside the vocabulary can never match, so it is refused with a message
naming the parameter instead of silently returning nothing. Matching ignores case and
returns the canonical spelling, so `gansu` and `Gansu` are the same filter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry

from services.search.errors import InvalidSearch

LABELS_FILE = Path(__file__).parent / "data" / "labels.json"


@dataclass(frozen=True)
class Vocabulary:
    provinces: tuple[str, ...]
    sectors: tuple[str, ...]
    countries: dict[str, str]  # ISO alpha-2 code -> common English name

    def province(self, value: str) -> str:
        return _canonical(value, self.provinces, "province", "Chinese provincial-level divisions")

    def sector(self, value: str) -> str:
        return _canonical(value, self.sectors, "sector", "sector slugs")

    def country(self, value: str) -> str:
        code = value.strip().upper()
        if code not in self.countries:
            raise InvalidSearch(
                f"country {value!r} is not an ISO 3166-1 alpha-2 code of a country other "
                "than China (e.g. KZ for Kazakhstan)", field="country")
        return code


def _canonical(value: str, allowed: tuple[str, ...], field: str, what: str) -> str:
    wanted = " ".join(value.split()).casefold()
    for candidate in allowed:
        if candidate.casefold() == wanted:
            return candidate
    raise InvalidSearch(
        f"{field} {value!r} is not one of the {len(allowed)} {what}: {', '.join(allowed)}",
        field=field)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    data = json.loads(LABELS_FILE.read_text(encoding="utf-8"))
    excluded = set(data["excluded_countries"])
    countries = {
        c.alpha_2: getattr(c, "common_name", None) or c.name
        for c in pycountry.countries
        if c.alpha_2 not in excluded
    }
    return Vocabulary(tuple(data["provinces"]), tuple(data["sectors"]), countries)
