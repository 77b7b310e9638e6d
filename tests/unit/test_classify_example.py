"""The design notes' worked example comes out exactly as its expected labels say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.classify.classifier import CLASSIFIER_VERSION, classify
from services.common.contracts import Labels

EXAMPLES = Path(__file__).parents[2].parent / "shared" / "examples"
EXAMPLE = "capacity-cooperation-kazakhstan"


@pytest.fixture(scope="module")
def example() -> tuple[str, dict, Labels]:
    text_path = EXAMPLES / f"{EXAMPLE}.txt"
    expected_path = EXAMPLES / f"{EXAMPLE}.expected.json"
    if not text_path.is_file() or not expected_path.is_file():
        pytest.skip(f"the shared example {EXAMPLE} is not present under {EXAMPLES}")
    text = text_path.read_text(encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    return text, expected, classify(text)


def test_provinces(example: tuple[str, dict, Labels]) -> None:
    _, expected, labels = example
    assert set(labels.provinces) == set(expected["provinces"])


def test_countries(example: tuple[str, dict, Labels]) -> None:
    _, expected, labels = example
    assert set(labels.countries) == set(expected["countries"])


def test_sectors(example: tuple[str, dict, Labels]) -> None:
    _, expected, labels = example
    assert set(labels.sectors) == set(expected["sectors"])


def test_relevant(example: tuple[str, dict, Labels]) -> None:
    _, expected, labels = example
    assert labels.relevant is expected["relevant"]
    assert 0.0 <= labels.relevance <= 1.0


def test_pairings(example: tuple[str, dict, Labels]) -> None:
    _, expected, labels = example
    found = {(p.province, p.country, frozenset(p.sectors)) for p in labels.pairings}
    wanted = {
        (p["province"], p["country"], frozenset(p["sectors"])) for p in expected["pairings"]
    }
    assert found == wanted
    assert len(labels.pairings) == len(expected["pairings"])


def test_pairing_evidence_is_the_stating_sentence(example: tuple[str, dict, Labels]) -> None:
    text, _, labels = example
    for pairing in labels.pairings:
        assert pairing.start is not None and pairing.end is not None
        assert text[pairing.start : pairing.end] == pairing.evidence
        assert pairing.province in pairing.evidence
        assert pairing.evidence.endswith(".")


def test_labels_are_sorted_and_versioned(example: tuple[str, dict, Labels]) -> None:
    _, _, labels = example
    assert labels.provinces == sorted(labels.provinces)
    assert labels.countries == sorted(labels.countries)
    assert labels.sectors == sorted(labels.sectors)
    assert labels.classifier_version == CLASSIFIER_VERSION
