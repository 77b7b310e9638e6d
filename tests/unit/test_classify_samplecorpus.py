"""The classifier on the sample corpus's hand-made labels, through the real extractor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.classify.classifier import classify
from services.classify.evaluation import Report, evaluate, parse_example
from services.ingest.extract import extract_article

SAMPLES = Path(__file__).parents[2] / "services" / "samplefeeds" / "data"


@pytest.fixture(scope="module")
def report() -> Report:
    examples = []
    for record in json.loads((SAMPLES / "labels.json").read_text(encoding="utf-8")):
        page = (SAMPLES / "articles" / record["file"]).read_bytes()
        extraction = extract_article(page, url=f"https://example.org/{record['file']}")
        examples.append(parse_example({**record, "text": extraction.text,
                                       "title": extraction.title or ""}))
    return evaluate(examples, classify)


def test_places(report: Report) -> None:
    assert report.families["provinces"].f1 >= 0.95
    assert report.families["countries"].f1 >= 0.95


def test_sectors_pairings_and_relevance(report: Report) -> None:
    assert report.families["sectors"].f1 >= 0.85
    assert report.pairings.f1 >= 0.9
    assert report.relevance.f1 >= 0.9
