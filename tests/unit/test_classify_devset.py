"""The classifier meets its quality targets on the project's labelled development set."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from services.classify.classifier import classify
from services.classify.evaluation import Report, evaluate, load_examples
from services.classify.gazetteer import load_json

DEVSET = Path(__file__).parents[2] / "services" / "classify" / "data" / "devset.jsonl"
PROVINCES = set(load_json("provinces.json")["provinces"])
SECTORS = set(load_json("sectors.json")["sectors"])


@pytest.fixture(scope="module")
def examples():  # type: ignore[no-untyped-def]
    return load_examples(DEVSET)


@pytest.fixture(scope="module")
def report(examples) -> Report:  # type: ignore[no-untyped-def]
    return evaluate(examples, classify)


def test_the_set_covers_every_province_and_sector(examples) -> None:  # type: ignore[no-untyped-def]
    assert len(examples) >= 80
    provinces = Counter(p for e in examples for p in e.provinces)
    sectors = Counter(s for e in examples for s in e.sectors)
    assert set(provinces) == PROVINCES
    assert set(sectors) == SECTORS
    assert sum(1 for e in examples if e.relevant is False) >= 20


# The sectors floor is at the level of the set as it grew to 564 passages (the 52 newer
# ones, of real wording labelled before scoring, brought it from .906 to .888).
@pytest.mark.parametrize(("family", "target"), [("provinces", 0.95), ("countries", 0.95),
                                                ("sectors", 0.88)])
def test_family_f1(report: Report, family: str, target: float) -> None:
    assert report.families[family].f1 >= target


def test_pairings_f1(report: Report) -> None:
    # Floors at the level of the set as it grew to 574 passages of harder real wording
    # (it was .95 on the first 353, .90 on 512): they catch regressions, they are not the
    # targets, which only the held-out sets show.
    assert report.pairings.f1 >= 0.89
    # Alerts fire on pairings: a wrong one costs more than a missed one.
    assert report.pairings.precision >= 0.95
    # .87 since the 77 passages added at 589, whose company links abroad often name their
    # sector only in another sentence (it was .88 at 512).
    assert report.pairing_sectors.f1 >= 0.87


KINDS_OF_WORDING = ("cross-sentence", "route", "subnational", "border-port", "event")


def test_the_set_covers_the_kinds_of_wording_in_every_language(examples) -> None:  # type: ignore[no-untyped-def]
    kinds = Counter(kind for e in examples for kind in e.kinds)
    for kind in KINDS_OF_WORDING:
        assert kinds[kind] >= 5, kind
    for lang in ("en", "zh", "ru"):
        tagged = {kind for e in examples if e.lang == lang for kind in e.kinds}
        assert {"cross-sentence", "route", "border-port", "event"} <= tagged, lang


@pytest.mark.parametrize("lang", ["zh", "ru"])
def test_chinese_and_russian_pairings(examples, lang: str) -> None:  # type: ignore[no-untyped-def]
    report = evaluate([e for e in examples if e.lang == lang], classify)
    assert report.pairings.f1 >= 0.85
    assert report.families["provinces"].f1 >= 0.95
