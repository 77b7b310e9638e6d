"""Writing articles into the real Elasticsearch node through the bulk writer."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.common.errors import PermanentError, TransientError
from services.index.bulk_writer import BulkWriter
from services.index.documents import document_version, to_document
from tests.builders import classified


def _write(writer: BulkWriter, message) -> str:  # type: ignore[no-untyped-def]
    return writer.write(
        message.article.article_id,
        to_document(message),
        document_version(message),
        30,
        context=message.article.article_id,
    )


def _count(es, settings) -> int:  # type: ignore[no-untyped-def]
    es.indices.refresh(index=settings.index_alias)
    return int(es.count(index=settings.index_alias)["count"])


def test_the_same_article_written_twice_is_one_document(es, settings) -> None:
    writer = BulkWriter(es, settings.index_alias)
    first = classified(fetched_at=datetime.now(UTC) - timedelta(minutes=5))
    again = classified(title="Gansu and Kazakhstan deepen cooperation (updated)")
    assert _write(writer, first) == "created"
    assert _write(writer, again) == "updated"
    assert _write(writer, first) == "stale"  # a late redelivery of the older fetch
    assert _count(es, settings) == 1
    doc = es.get(index=settings.index_alias, id=first.article.article_id)["_source"]
    assert doc["title"].endswith("(updated)")
    assert doc["pairing_keys"] == ["Gansu|KZ"]


def test_articles_arriving_together_share_bulk_requests(es, settings) -> None:
    writer = BulkWriter(es, settings.index_alias, max_docs=100, max_wait_ms=200)
    messages = [classified(url=f"https://news.example/story-{i}.html") for i in range(60)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda m: _write(writer, m), messages))
    assert results.count("created") == 60
    assert writer.bulk_requests < 20
    assert _count(es, settings) == 60


def test_english_analysis_matches_inflected_forms(es, settings) -> None:
    writer = BulkWriter(es, settings.index_alias)
    _write(writer, classified(text="New railways link the smelters of Gansu with Kazakhstan."))
    es.indices.refresh(index=settings.index_alias)
    hits = es.search(index=settings.index_alias, query={"match": {"text": "railway smelter"}})
    assert hits["hits"]["total"]["value"] == 1


def test_a_document_the_mapping_refuses_is_a_permanent_error(es, settings) -> None:
    writer = BulkWriter(es, settings.index_alias)
    document = to_document(classified())
    document["unexpected_field"] = "x"
    with pytest.raises(PermanentError, match="rejected by Elasticsearch"):
        writer.write("bad-doc", document, 1, 30)


def test_what_follows_a_bulk_request_runs_once_for_all_its_documents_before_any_waiter(
    es,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    calls: list[list[Any]] = []
    lock = threading.Lock()

    def on_stored(contexts: list[Any]) -> None:
        with lock:
            calls.append(contexts)

    writer = BulkWriter(es, settings.index_alias, max_docs=100, max_wait_ms=200, on_stored=on_stored)
    messages = [classified(url=f"https://news.example/story-{i}.html") for i in range(40)]

    def write_and_check(message) -> bool:  # type: ignore[no-untyped-def]
        _write(writer, message)
        with lock:  # its request's follow-up has already run when a writer is released
            return any(message.article.article_id in contexts for contexts in calls)

    with ThreadPoolExecutor(max_workers=20) as pool:
        assert all(pool.map(write_and_check, messages))
    assert len(calls) == writer.bulk_requests < 20
    assert sorted(c for contexts in calls for c in contexts) == sorted(m.article.article_id for m in messages)


def test_a_failing_follow_up_fails_every_write_of_the_request_and_skips_refused_documents(
    es,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    seen: list[list[Any]] = []

    def on_stored(contexts: list[Any]) -> None:
        seen.append(contexts)
        raise TransientError("Redis unreachable while recording pairings")

    writer = BulkWriter(es, settings.index_alias, max_docs=10, max_wait_ms=300, on_stored=on_stored)
    good = classified()
    bad = to_document(classified(url="https://news.example/bad.html"))
    bad["unexpected_field"] = "x"
    with ThreadPoolExecutor(max_workers=2) as pool:
        stored = pool.submit(_write, writer, good)
        refused = pool.submit(writer.write, "bad-doc", bad, 1, 30, "bad-doc")
        with pytest.raises(TransientError, match="Redis unreachable"):
            stored.result()
        with pytest.raises(PermanentError, match="rejected by Elasticsearch"):
            refused.result()
    assert seen == [[good.article.article_id]]
