"""A scheduler tick hands due feeds to the ingest queue in batches, each feed in one batch."""

from __future__ import annotations

import base64
import json

import pytest

from services.common.routing import QUEUE_INGEST, TASK_POLL_FEEDS
from services.common.settings import get_settings
from services.ingest.feed_registry import FeedRegistry

pytestmark = pytest.mark.integration


def _queued(redis_db) -> list[tuple[str, list[str]]]:  # type: ignore[no-untyped-def]
    messages = []
    for raw in redis_db.lrange(QUEUE_INGEST, 0, -1):
        envelope = json.loads(raw)
        body = envelope["body"]
        # The body is stored as JSON text, or base64 of it, as the message's properties say.
        if envelope["properties"].get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args, _kwargs, _embed = json.loads(body)
        messages.append((envelope["headers"]["task"], args[0]))
    return messages


def test_due_feeds_are_queued_in_batches_of_the_configured_size(redis_db) -> None:  # type: ignore[no-untyped-def]
    from services.ingest.worker import poll_due_feeds

    registry = FeedRegistry(redis_db)
    urls = {f"http://127.0.0.1:9/feed-{n}.xml" for n in range(120)}
    for url in urls:
        registry.add(url)

    assert poll_due_feeds.run() == 120

    queued = _queued(redis_db)
    assert {task for task, _ in queued} == {TASK_POLL_FEEDS}
    sizes = sorted(len(batch) for _, batch in queued)
    assert sizes == [20, 50, 50] and get_settings().poll_batch_size == 50
    assert sorted(url for _, batch in queued for url in batch) == sorted(urls)
    # Deferred: a second tick right away queues nothing more.
    assert poll_due_feeds.run() == 0
