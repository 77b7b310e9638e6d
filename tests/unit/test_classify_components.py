"""The classifier's parts: data files, folding, matching, sentence splitting."""

from __future__ import annotations

import pycountry
import pytest

from services.classify.classifier import classify, get_classifier
from services.classify.gazetteer import (
    COUNTRY,
    EXACT_CASE,
    PROVINCE,
    SECTOR,
    all_terms,
    case_policy,
    expand,
    load_json,
)
from services.classify.matcher import Matcher
from services.classify.sentences import line_around, split, split_line
from services.classify.textnorm import fold

CANONICAL_PROVINCES = {
    "Anhui", "Beijing", "Chongqing", "Fujian", "Gansu", "Guangdong", "Guangxi", "Guizhou",
    "Hainan", "Hebei", "Heilongjiang", "Henan", "Hong Kong", "Hubei", "Hunan",
    "Inner Mongolia", "Jiangsu", "Jiangxi", "Jilin", "Liaoning", "Macau", "Ningxia", "Qinghai",
    "Shaanxi", "Shandong", "Shanghai", "Shanxi", "Sichuan", "Taiwan", "Tianjin", "Tibet",
    "Xinjiang", "Yunnan", "Zhejiang",
}
SECTOR_SLUGS = {
    "steel", "nonferrous-metals", "building-materials", "railways", "electric-power", "energy",
    "chemicals", "textiles", "automotive", "telecommunications", "construction-machinery",
    "aerospace", "shipbuilding", "agriculture", "mining", "water-resources", "logistics",
}
NEVER_COUNTRIES = {"CN", "TW", "HK", "MO"}


def test_gazetteer_covers_exactly_the_34_canonical_provinces() -> None:
    assert set(load_json("provinces.json")["provinces"]) == CANONICAL_PROVINCES
    found = {t.entry.value for t in all_terms() if t.entry.kind == PROVINCE}
    assert found == CANONICAL_PROVINCES


def test_sector_data_has_exactly_the_17_slugs() -> None:
    assert set(load_json("sectors.json")["sectors"]) == SECTOR_SLUGS
    assert {t.entry.value for t in all_terms() if t.entry.kind == SECTOR} == SECTOR_SLUGS


def test_country_codes_are_iso_and_never_china_or_its_provinces() -> None:
    codes = {t.entry.value for t in all_terms() if t.entry.kind == COUNTRY}
    codes |= {c for t in all_terms() for c in t.entry.candidates}
    assert not codes & NEVER_COUNTRIES
    assert all(pycountry.countries.get(alpha_2=code) for code in codes)
    assert len(codes) == len(pycountry.countries) - len(NEVER_COUNTRIES) - 1  # Antarctica


@pytest.mark.parametrize(
    "text",
    [
        "\u00dcr\u00fcmqi\u2019s \u201cBelt\u201d \u2014 \u0130stanbul",
        "Kazakhstan\u00a0and Xi\u2019an",
        "Казахстан Ёлка",
        "甘肃\uff08兰州\uff09",
    ],
)
def test_folding_keeps_every_offset(text: str) -> None:
    folded = fold(text)
    assert len(folded) == len(text)


def test_folding_unifies_case_accents_and_punctuation() -> None:
    assert fold("Xi\u2019an \u2013 C\u00f4te d\u2019Ivoire") == "xi'an - cote d'ivoire"


def test_case_policy_is_read_from_the_spelling() -> None:
    assert case_policy("US") == EXACT_CASE
    assert case_policy("Iran") == EXACT_CASE
    assert case_policy("Turkey") == "title"
    assert case_policy("cement plant") == "any"
    assert case_policy("甘肃") == "any"


def test_variants_add_plurals_and_hyphen_spellings() -> None:
    assert set(expand("steel mill(s)")) == {"steel mill", "steel mills"}
    assert set(expand("non-ferrous")) == {"non-ferrous", "non ferrous", "nonferrous"}


def test_matcher_respects_word_boundaries() -> None:
    matcher = get_classifier().matcher
    text = "Before the Kazakhs, more ore reached Kazakhstan's business hub."
    found = {text[m.start : m.end] for m in matcher.scan(text).entities}
    assert "Kazakhstan" in found
    assert "Kazakh" not in found  # "Kazakhs" is a people, not the country's demonym
    assert "us" not in {f.lower() for f in found}


def test_matcher_accepts_russian_case_endings() -> None:
    text = "Инвестиции в Казахстане и Узбекистана растут."
    found = {m.value for m in get_classifier().matcher.scan(text).entities if m.kind == COUNTRY}
    assert found == {"KZ", "UZ"}


def test_matcher_finds_places_inside_cue_phrases() -> None:
    text = "The China-Pakistan Economic Corridor grows."
    matches = get_classifier().matcher.scan(text)
    assert [m.value for m in matches.entities if m.kind == COUNTRY] == ["PK"]
    assert any(text[c.start : c.end] == "China-Pakistan Economic Corridor" for c in matches.cues)


def test_classifier_is_built_once_per_process() -> None:
    assert get_classifier() is get_classifier()
    assert isinstance(get_classifier().matcher, Matcher)


def test_sentences_respect_abbreviations_and_initials() -> None:
    text = "Mr. Li went to the U.S. on Monday. He met J. Smith!\nNew line. 甘肃很好。第二句"
    sentences = [text[start:end] for start, end in split(text)]
    assert sentences == [
        "Mr. Li went to the U.S. on Monday.",
        "He met J. Smith!",
        "New line.",
        "甘肃很好。",
        "第二句",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Li went to the U.S. on Monday. He met J. Smith!\nNew line. 甘肃很好。第二句",
        "  \n\nLeading blank lines. Then a \"quoted stop.\" And more?!  \n \t\nLast line...",
        "Ends with an abbreviation, approx.\nnext line in lower case. Closing (brackets.) Next.",
        "一带一路。。产能合作\uff01\n  \n",
    ],
)
def test_each_line_splits_as_the_whole_text_does(text: str) -> None:
    # The classifier splits only the lines it needs; they must give the same sentences.
    by_line = []
    offset = 0
    while offset < len(text):
        start, stop = line_around(text, offset)
        by_line += split_line(text, start, stop)
        offset = stop + 1
    assert by_line == split(text)


def test_empty_text_gives_empty_labels() -> None:
    labels = classify("")
    assert labels.provinces == labels.countries == labels.sectors == []
    assert labels.pairings == []
    assert labels.relevant is False
