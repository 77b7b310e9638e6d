"""The evaluation's arithmetic on a tiny hand-made case whose scores are worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.classify.evaluation import DatasetError, Example, evaluate, load_examples
from services.common.contracts import Labels, Pairing

GOLD = [
    Example(
        text="one", relevant=True, provinces=frozenset({"Gansu", "Qinghai"}),
        countries=frozenset({"KZ"}), sectors=frozenset({"steel", "energy"}),
        pairings={("Gansu", "KZ"): frozenset({"steel", "energy"}),
                  ("Qinghai", "KZ"): frozenset({"energy"})},
    ),
    Example(text="two", relevant=False, countries=frozenset({"US"})),
]

PREDICTED = {
    # Gansu found, Qinghai missed, Jilin extra; KZ found; steel found, energy missed, mining
    # extra; Gansu|KZ matched with sectors {steel, mining}; Qinghai|KZ missed; relevant.
    "one": Labels(
        relevant=True, provinces=["Gansu", "Jilin"], countries=["KZ"],
        sectors=["mining", "steel"], classifier_version="x",
        pairings=[Pairing(province="Gansu", country="KZ", sectors=["mining", "steel"])],
    ),
    # US found, TR extra; wrongly relevant; an extra pairing.
    "two": Labels(
        relevant=True, countries=["TR", "US"], classifier_version="x",
        pairings=[Pairing(province="Hebei", country="TR")],
    ),
}


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return evaluate(GOLD, lambda text, title: PREDICTED[text])


def test_family_scores_are_micro_averaged(report) -> None:  # type: ignore[no-untyped-def]
    provinces = report.families["provinces"]
    assert (provinces.tp, provinces.fp, provinces.fn) == (1, 1, 1)
    assert provinces.precision == pytest.approx(0.5)
    assert provinces.recall == pytest.approx(0.5)
    countries = report.families["countries"]
    assert (countries.tp, countries.fp, countries.fn) == (2, 1, 0)
    assert countries.precision == pytest.approx(2 / 3)
    assert countries.recall == pytest.approx(1.0)
    assert countries.f1 == pytest.approx(0.8)


def test_pairings_match_on_province_and_country(report) -> None:  # type: ignore[no-untyped-def]
    pairings = report.pairings
    assert (pairings.tp, pairings.fp, pairings.fn) == (1, 1, 1)
    assert pairings.f1 == pytest.approx(0.5)
    # Only the matched Gansu|KZ pairing's sectors: steel right, mining extra, energy missed.
    sectors = report.pairing_sectors
    assert (sectors.tp, sectors.fp, sectors.fn) == (1, 1, 1)


def test_relevance_is_a_binary_label(report) -> None:  # type: ignore[no-untyped-def]
    relevance = report.relevance
    assert (relevance.tp, relevance.fp, relevance.fn) == (1, 1, 0)
    assert relevance.precision == pytest.approx(0.5)
    assert relevance.recall == pytest.approx(1.0)
    assert relevance.f1 == pytest.approx(2 / 3)


def test_per_label_scores_need_support(report) -> None:  # type: ignore[no-untyped-def]
    assert report.labels["countries"]["KZ"].support == 1
    assert report.frequent_labels("countries") == {}
    assert report.as_dict()["families"]["provinces"]["f1"] == pytest.approx(0.5)


def test_nothing_claimed_and_nothing_expected_is_perfect() -> None:
    report = evaluate([Example(text="x", relevant=False)],
                      lambda text, title: Labels(relevant=False, classifier_version="x"))
    assert report.families["provinces"].f1 == 1.0


def test_a_malformed_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps({"text": "a", "provinces": "Gansu"}) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="line 1: `provinces`"):
        load_examples(path)
