"""The ingest stage's I/O tasks (queue ``ingest``) and its polling schedule.

Run with ``celery -A services.ingest.worker worker -Q ingest -P threads`` and, once per
deployment, ``celery -A services.ingest.worker beat`` for the periodic look for due feeds.
The threads only wait: every GET runs on the process's shared asyncio client
(``async_fetcher``). Pages go on to the ``extract`` queue, whose worker does the CPU work.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from typing import Any, TypeVar
from uuid import uuid4

from services.common import contracts, inflight, task_hooks
from services.common.celery_app import (
    ReliableTask,
    create_app,
    park_failed,
    redis_client,
    send_to_stage,
)
from services.common.errors import PermanentError
from services.common.routing import (
    TASK_EXTRACT_PAGE,
    TASK_FETCH_ARTICLE,
    TASK_FETCH_ARTICLES,
    TASK_POLL_DUE_FEEDS,
    TASK_POLL_FEED,
    TASK_POLL_FEEDS,
    TASK_RESEND_STALLED,
)
from services.common.settings import get_settings
from services.ingest import article_fetcher, link_batch, poller
from services.ingest.async_fetcher import shared_fetcher
from services.ingest.feed_registry import FeedRegistry

log = logging.getLogger(__name__)

T = TypeVar("T")

app = create_app("ingest")
app.conf.beat_schedule = {
    "poll-due-feeds": {
        "task": TASK_POLL_DUE_FEEDS,
        "schedule": float(get_settings().scheduler_tick_seconds),
    },
    "resend-stalled-articles": {
        "task": TASK_RESEND_STALLED,
        "schedule": float(get_settings().scheduler_tick_seconds),
    },
}

_poll_pool: ThreadPoolExecutor | None = None
_poll_pool_lock = threading.Lock()


def poll_pool() -> ThreadPoolExecutor:
    """Threads that carry one feed's poll each (its Redis bookkeeping and its wait on the GET)."""
    global _poll_pool
    with _poll_pool_lock:
        if _poll_pool is None:
            _poll_pool = ThreadPoolExecutor(get_settings().poll_concurrency,
                                            thread_name_prefix="bri-poll")
        return _poll_pool


def batches(items: list[T], size: int) -> list[list[T]]:
    return [items[start:start + size] for start in range(0, len(items), max(1, size))]


@app.task(name=TASK_POLL_DUE_FEEDS, base=ReliableTask)
def poll_due_feeds() -> int:
    settings = get_settings()
    registry = FeedRegistry(redis_client())
    due = registry.due()
    # Deferred before queuing, so later ticks do not queue them again while the polls
    # wait in the queue; each poll then sets its feed's real next time.
    registry.defer_many([feed.id for feed in due], settings.feed_min_interval_seconds)
    # Many feeds to a message: a 304 costs less than a task's own overhead.
    for batch in batches([feed.url for feed in due], settings.poll_batch_size):
        app.send_task(TASK_POLL_FEEDS, args=[batch])
    return len(due)


def send_links(messages: list[dict[str, Any]]) -> None:
    """Queue feed entries for fetching, all in one message (``fetch_articles``)."""
    send_to_stage(app, TASK_FETCH_ARTICLES, link_batch.batch_message(messages))


def _poll(url: str) -> poller.PollOutcome:
    settings = get_settings()
    return poller.poll_feed(
        url,
        FeedRegistry(redis_client()),
        settings,
        send_entries=send_links,
        fetch=shared_fetcher(settings).fetch,
    )


@app.task(name=TASK_POLL_FEEDS, base=ReliableTask)
def poll_feeds(urls: list[str]) -> dict[str, int]:
    """Poll a batch of feeds concurrently.

    A feed whose poll breaks for a reason of ours (Redis, the broker) is handed to a
    ``poll_feed`` task of its own, which retries and dead-letters it alone; the batch is
    acknowledged once each feed is polled or so handed on.
    """
    futures = {url: poll_pool().submit(_poll, url) for url in urls}
    statuses: Counter[str] = Counter()
    for url, future in futures.items():
        try:
            statuses[future.result().status] += 1
        except Exception as exc:
            log.warning("polling %s broke (%s); retrying it on its own", url, exc)
            app.send_task(TASK_POLL_FEED, args=[url])
            statuses["handed-on"] += 1
    return dict(statuses)


@app.task(name=TASK_POLL_FEED, base=ReliableTask)
def poll_feed(url: str) -> dict[str, Any]:
    return asdict(_poll(url))


@app.task(name=TASK_RESEND_STALLED, base=ReliableTask)
def resend_stalled() -> int:
    """Send again every article handed on but not indexed in time (see common/inflight)."""
    after = get_settings().pipeline_resend_after_seconds
    stalled = inflight.take_stalled(redis_client(), after)
    for batch in batches(stalled, get_settings().fetch_batch_size):
        send_links(batch)
    if stalled:
        log.warning("re-sent %d articles not indexed within %ds of their poll", len(stalled), after)
    return len(stalled)


@app.task(name=TASK_FETCH_ARTICLE, base=ReliableTask)
def fetch_article(message: dict[str, Any]) -> str:
    try:
        link = article_fetcher.ArticleLink.model_validate(message)
    except ValueError as exc:
        raise PermanentError(f"not a valid article link message: {exc}") from exc
    settings = get_settings()
    page = article_fetcher.download_page(link, settings, shared_fetcher(settings).fetch)
    send_to_stage(app, TASK_EXTRACT_PAGE, contracts.dump(page))
    return page.url


@app.task(name=TASK_FETCH_ARTICLES, base=ReliableTask)
def fetch_articles(batch: dict[str, Any]) -> dict[str, int]:
    """Fetch a batch of links concurrently; each ends as it would in ``fetch_article``."""
    settings = get_settings()
    outcomes = link_batch.fetch_batch(
        link_batch.links_of(batch), settings, shared_fetcher(settings).submit, _LINK_SINKS)
    task_hooks.count_articles("ingest", outcomes)
    return dict(outcomes)


def _dead_letter_link(message: dict[str, Any], exc: Exception) -> None:
    # Recorded as the single-link message it would have been: a replay fetches it alone.
    park_failed(TASK_FETCH_ARTICLE, str(uuid4()), [message], {}, exc, retries=0)


_LINK_SINKS = link_batch.LinkSinks(
    send_page=lambda page: send_to_stage(app, TASK_EXTRACT_PAGE, contracts.dump(page)),
    retry_alone=lambda message: send_to_stage(app, TASK_FETCH_ARTICLE, message),
    dead_letter=_dead_letter_link,
)
