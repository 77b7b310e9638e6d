"""A scheduler tick hands due feeds to the ingest queue in batches, each feed in one batch."""

from __future__ import annotations

import pytest

from services.common.routing import QUEUE_INGEST, TASK_POLL_FEEDS
from services.common.settings import get_settings
from services.ingest.feed_registry import FeedRegistry
from tests.queued_messages import queued as queued_messages

pytestmark = pytest.mark.integration


def test_due_feeds_are_queued_in_batches_of_the_configured_size(redis_db) -> None:  # type: ignore[no-untyped-def]
    from services.ingest.worker import poll_due_feeds

    registry = FeedRegistry(redis_db)
    urls = {f"http://127.0.0.1:9/feed-{n}.xml" for n in range(120)}
    for url in urls:
        registry.add(url)

    assert poll_due_feeds.run() == 120

    queued = queued_messages(redis_db, QUEUE_INGEST)
    assert {task for task, _ in queued} == {TASK_POLL_FEEDS}
    sizes = sorted(len(batch) for _, batch in queued)
    assert sizes == [20, 50, 50] and get_settings().poll_batch_size == 50
    assert sorted(url for _, batch in queued for url in batch) == sorted(urls)
    # Deferred: a second tick right away queues nothing more.
    assert poll_due_feeds.run() == 0
