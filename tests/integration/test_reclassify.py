"""`bri reclassify`: outdated labels in the real index are replaced by the current ones."""

from __future__ import annotations

from services.classify.classifier import CLASSIFIER_VERSION, classify
from services.classify.reclassify import reclassify
from services.index.bulk_writer import BulkWriter
from services.index.documents import document_version, to_document
from tests.builders import classified

TEXT = (
    "Qinghai signed an agreement with Turkmenistan on textile mills and hydropower stations "
    "under the Belt and Road Initiative."
)


def _index(es, settings, messages) -> None:  # type: ignore[no-untyped-def]
    writer = BulkWriter(es, settings.index_alias)
    for message in messages:
        writer.write(message.article.article_id, to_document(message), document_version(message), 30)
    es.indices.refresh(index=settings.index_alias)


def test_outdated_documents_get_the_current_labels_once(es, settings) -> None:
    old = classified(url="https://news.example/qinghai.html", title="Qinghai and Turkmenistan",
                     text=TEXT)
    assert old.labels.classifier_version != CLASSIFIER_VERSION
    _index(es, settings, [old])

    counts = reclassify(es, settings.index_alias)

    assert (counts.seen, counts.updated, counts.failed) == (1, 1, 0)
    doc = es.get(index=settings.index_alias, id=old.article.article_id)["_source"]
    expected = classify(TEXT, "Qinghai and Turkmenistan")
    assert doc["classifier_version"] == CLASSIFIER_VERSION
    assert doc["provinces"] == expected.provinces == ["Qinghai"]
    assert doc["countries"] == expected.countries == ["TM"]
    assert doc["sectors"] == expected.sectors
    assert doc["pairing_keys"] == [f"{p.province}|{p.country}" for p in expected.pairings]
    assert doc["relevant"] is expected.relevant
    # The partial update leaves the article's other fields alone.
    assert doc["text"] == TEXT
    assert doc["canonical_url"] == old.article.canonical_url

    again = reclassify(es, settings.index_alias)
    assert (again.seen, again.updated) == (0, 0)


def test_all_reclassifies_current_documents_too(es, settings) -> None:
    _index(es, settings, [classified(text=TEXT)])
    reclassify(es, settings.index_alias)
    counts = reclassify(es, settings.index_alias, everything=True)
    assert (counts.seen, counts.updated) == (1, 1)


def test_progress_counts_every_outdated_document_against_the_total(es, settings) -> None:
    messages = [classified(url=f"https://news.example/{n}.html", text=TEXT) for n in range(3)]
    _index(es, settings, messages)
    calls: list[tuple[int, int]] = []

    counts = reclassify(es, settings.index_alias, progress=lambda done, total: calls.append(
        (done, total)))

    assert counts.seen == 3
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_the_command_reports_what_it_did(es, settings) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from services.cli.main import app

    _index(es, settings, [classified(text=TEXT)])
    result = CliRunner().invoke(app, ["reclassify"])
    assert result.exit_code == 0, result.output
    assert f"1 document(s) read, 1 updated, 0 failed (classifier {CLASSIFIER_VERSION})" in (
        result.output)
