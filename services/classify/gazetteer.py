"""Loads the data files under ``data/`` into one list of searchable terms.

Every name, sector term and cue becomes a :class:`Term`: the folded text to search for
and an :class:`Entry` saying what a match means. How a term must be capitalised to
count is read from how it is spelled in the data file (see :func:`case_policy`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pycountry

from services.classify.russian_forms import RussianForms
from services.classify.textnorm import fold

PROVINCE = "province"
COUNTRY = "country"
SECTOR = "sector"
CHINA = "china"
BLOCKER = "blocker"
RELEVANCE = "relevance"
COOPERATION = "cooperation"

# Cues are matched apart from names and sector terms (see ``matcher``), so that a cue such
# as "China-Pakistan Economic Corridor" is both a cue and a mention of Pakistan.
CUE_KINDS = frozenset({RELEVANCE, COOPERATION})

ANY_CASE = "any"
TITLE_CASE = "title"
EXACT_CASE = "exact"

# Stems ("Казахстан*") accept this many extra letters: Russian case endings.
STEM_EXTRA_LETTERS = 3
# A stem written in lower case is a word's ("цемент*", "горнодобыва*"), whose adjectives
# and participles add longer endings ("цементного", "горнодобывающей") than a name's cases.
WORD_STEM_EXTRA_LETTERS = 5


@dataclass(frozen=True, slots=True)
class Entry:
    """What a match means: ``kind`` and ``value`` (province name, ISO code, sector slug)."""

    kind: str
    value: str
    alias: str
    role: str = ""
    weight: float = 0.0
    case: str = ANY_CASE
    stem: bool = False
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Term:
    key: str
    entry: Entry


def case_policy(alias: str) -> str:
    """How a match must be capitalised, read from the alias as written.

    All capitals ("US", "BRI") is an acronym: exact. A capitalised alias of four letters
    or fewer ("Iran", "Chad", "MoU") must match exactly, so "us" or "mou" never count; a
    longer one must start with a capital ("Turkey" but not "turkey"). An alias written in
    lower case ("cement plant") matches in any case.
    """
    cased = [char for char in alias if char.isupper() or char.islower()]
    if not cased:
        return ANY_CASE
    if all(char.isupper() for char in cased):
        return EXACT_CASE
    if alias[0].isupper():
        return EXACT_CASE if len(alias) <= 4 else TITLE_CASE
    return ANY_CASE


def expand(alias: str) -> list[str]:
    """Spelling variants of a data-file term: '(s)' plurals, hyphen as space or joined."""
    forms = [alias]
    for suffix in ("(s)", "(es)"):
        if alias.endswith(suffix):
            stem = alias[: -len(suffix)]
            forms = [stem, stem + suffix[1:-1]]
            break
    variants: list[str] = []
    for form in forms:
        variants.append(form)
        if "-" in form.strip("-"):
            variants.append(form.replace("-", " "))
            variants.append(form.replace("-", ""))
    return list(dict.fromkeys(variants))


def make_terms(
    alias: str, kind: str, value: str, *, common_words: bool = False, **fields: Any
) -> Iterator[Term]:
    """Terms for every variant of ``alias``.

    ``common_words`` marks sector terms and cue phrases: capitalised in the data file
    ("Belt and Road", "Huawei") but just as meaningful in lower case, so only acronyms
    and short words keep their case rule.
    """
    stem = alias.endswith("*")
    base = alias.rstrip("*")
    for variant in expand(base):
        case = case_policy(variant)
        if common_words and case == TITLE_CASE:
            case = ANY_CASE
        entry = Entry(kind=kind, value=value, alias=variant, case=case, stem=stem, **fields)
        yield Term(key=fold(variant), entry=entry)


@cache
def load_json(name: str) -> dict[str, Any]:
    """One data file of ``services/classify/data``, parsed once per process."""
    path = resources.files("services.classify").joinpath("data", name)
    return json.loads(path.read_text(encoding="utf-8"))


def province_terms() -> Iterator[Term]:
    russian = RussianForms(load_json("russian_morphology.json"))
    for province, names in load_json("provinces.json")["provinces"].items():
        for role in ("names", "cities"):
            for alias in names[role]:
                yield from make_terms(alias, PROVINCE, province, role=role)
                # The data file gives a Russian name once; its cases and adjective follow.
                for form in russian.aliases(alias, province):
                    yield from make_terms(form, PROVINCE, province, role=role)


def _pycountry_names(country: Any) -> Iterable[str]:
    for field in ("name", "common_name", "official_name"):
        name = getattr(country, field, None)
        if not name or "," in name or "(" in name:
            continue
        yield name[4:] if name.startswith("the ") else name


def country_terms() -> Iterator[Term]:
    data = load_json("countries.json")
    excluded = set(data["exclude"])
    ambiguous = data["ambiguous"]
    ambiguous_keys = {fold(alias) for role in ambiguous.values() for alias in role}
    aliases = data["countries"]
    for country in pycountry.countries:
        code = country.alpha_2
        if code in excluded:
            continue
        for name in _pycountry_names(country):
            for term in make_terms(name, COUNTRY, code, role="names"):
                if term.key not in ambiguous_keys:
                    yield term
        for role in ("names", "demonyms", "cities", "regions"):
            for alias in aliases.get(code, {}).get(role, []):
                for term in make_terms(alias, COUNTRY, code, role=role):
                    if term.key not in ambiguous_keys:
                        yield term
    for role, names in ambiguous.items():
        for alias, codes in names.items():
            yield from make_terms(alias, COUNTRY, codes[0], role=role, candidates=tuple(codes))


def sector_terms() -> Iterator[Term]:
    data = load_json("sectors.json")
    weights = data["weights"]
    for slug, groups in data["sectors"].items():
        for strength, terms in groups.items():
            for alias in terms:
                yield from make_terms(alias, SECTOR, slug, common_words=True, role=strength,
                                      weight=float(weights[strength]))


def cue_terms() -> Iterator[Term]:
    data = load_json("cues.json")
    for group, spec in data["relevance"].items():
        for alias in spec["terms"]:
            yield from make_terms(alias, RELEVANCE, group, common_words=True,
                                  weight=float(spec["weight"]))
    for alias in data["cooperation"]:
        yield from make_terms(alias, COOPERATION, "cooperation", common_words=True)
    for alias in data["china"]:
        yield from make_terms(alias, CHINA, "CN")


def blocker_terms() -> Iterator[Term]:
    for group, aliases in load_json("blockers.json").items():
        if group == "about":
            continue
        for alias in aliases:
            yield from make_terms(alias, BLOCKER, group)


def all_terms() -> list[Term]:
    """Every term of every data file, deduplicated."""
    terms = [*province_terms(), *country_terms(), *sector_terms(), *cue_terms(),
             *blocker_terms()]
    return list(dict.fromkeys(terms))
