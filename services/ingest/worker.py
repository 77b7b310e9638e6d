"""The ingest stage's Celery tasks (queue ``ingest``) and its polling schedule.

Run with ``celery -A services.ingest.worker worker -Q ingest`` and, once per deployment,
``celery -A services.ingest.worker beat`` for the periodic look for due feeds.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from services.common import contracts, inflight
from services.common.celery_app import ReliableTask, create_app, redis_client, send_to_stage
from services.common.errors import PermanentError
from services.common.routing import (
    TASK_CLASSIFY_ARTICLE,
    TASK_FETCH_ARTICLE,
    TASK_POLL_DUE_FEEDS,
    TASK_POLL_FEED,
    TASK_RESEND_STALLED,
)
from services.common.settings import get_settings
from services.ingest import article_fetcher, poller
from services.ingest.feed_registry import FeedRegistry

log = logging.getLogger(__name__)

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


@app.task(name=TASK_POLL_DUE_FEEDS, base=ReliableTask)
def poll_due_feeds() -> int:
    settings = get_settings()
    registry = FeedRegistry(redis_client())
    due = registry.due()
    # Deferred before queuing, so later ticks do not queue them again while the polls
    # wait in the queue; each poll then sets its feed's real next time.
    registry.defer_many([feed.id for feed in due], settings.feed_min_interval_seconds)
    for feed in due:
        app.send_task(TASK_POLL_FEED, args=[feed.url])
    return len(due)


@app.task(name=TASK_POLL_FEED, base=ReliableTask)
def poll_feed(url: str) -> dict[str, Any]:
    registry = FeedRegistry(redis_client())
    outcome = poller.poll_feed(
        url,
        registry,
        get_settings(),
        send_entry=lambda message: app.send_task(TASK_FETCH_ARTICLE, args=[message]),
    )
    return asdict(outcome)


@app.task(name=TASK_RESEND_STALLED, base=ReliableTask)
def resend_stalled() -> int:
    """Send again every article handed on but not indexed in time (see common/inflight)."""
    after = get_settings().pipeline_resend_after_seconds
    stalled = inflight.take_stalled(redis_client(), after)
    for message in stalled:
        app.send_task(TASK_FETCH_ARTICLE, args=[message])
    if stalled:
        log.warning("re-sent %d articles not indexed within %ds of their poll", len(stalled), after)
    return len(stalled)


@app.task(name=TASK_FETCH_ARTICLE, base=ReliableTask)
def fetch_article(message: dict[str, Any]) -> str:
    try:
        link = article_fetcher.ArticleLink.model_validate(message)
    except ValueError as exc:
        raise PermanentError(f"not a valid article link message: {exc}") from exc
    fetched = article_fetcher.fetch_article(link, get_settings())
    send_to_stage(app, TASK_CLASSIFY_ARTICLE, contracts.dump(fetched))
    return fetched.article_id
