"""One Celery app factory for every stage, and the task base class that makes them reliable.

Reliability follows Celery's guidance for tasks that must not be lost: acknowledge late
(after the work is done), requeue when a worker dies mid-task, retry transient failures
with exponential backoff, and make every task idempotent so a redelivery is harmless.
What still fails is kept in the dead-letter queue rather than dropped.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from celery import Celery, Task

from services.common import dead_letter, inflight, redis_transport, task_hooks
from services.common.errors import DependencyDownError, TransientError
from services.common.routing import TASK_QUEUES
from services.common.settings import get_settings

log = logging.getLogger(__name__)


def create_app(stage: str, include: list[str] | None = None) -> Celery:
    """A stage's app; its tasks get metrics, log context and enqueue times from task_hooks."""
    settings = get_settings()
    task_hooks.install()
    app = Celery(f"bri-{stage}", broker=settings.redis_url, include=include or [])
    if settings.redis_url.startswith(("redis://", "rediss://")):
        app.conf.broker_transport = redis_transport.TRANSPORT
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_routes={name: {"queue": queue} for name, queue in TASK_QUEUES.items()},
        task_default_queue=stage,
        broker_transport_options=transport_options(settings.broker_visibility_timeout_seconds),
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        timezone="UTC",
    )
    return app


def transport_options(visibility_timeout: int) -> dict[str, int | None]:
    """Kombu's Redis transport: when unacknowledged messages of a dead worker come back.

    A message becomes visible again ``visibility_timeout`` seconds after delivery, but the
    transport only looks for such messages every ``unacked_restore_interval`` seconds and
    scans on every ``unacked_restore_throttle``-th look (10 s x 10 by default): a dead
    worker's messages would wait up to 100 s beyond the timeout. Looking every quarter of
    the timeout (at most every 10 s), and scanning each time, keeps the wait near it.

    The sweep runs under a Redis lock that expires after ``unacked_mutex_expire`` seconds
    (300 by default). A worker killed while it holds the lock would stop every other worker
    from bringing messages back for that long, far beyond a short visibility timeout; so the
    lock lives for half the timeout (at least 5 s, at most the default). A sweep takes
    milliseconds; should one ever outlive the lock, a message may be handed out twice, which
    idempotent tasks absorb.

    Bodies are stored as the JSON they already are (``body_encoding`` None) rather than
    base64 of it: a third smaller in Redis, and no encoding and decoding at every hop. A
    message records its own encoding, so ones queued the old way are still read.
    """
    return {
        "visibility_timeout": visibility_timeout,
        "unacked_restore_interval": max(1, min(10, visibility_timeout // 4)),
        "unacked_restore_throttle": 1,
        "unacked_mutex_expire": max(5, min(300, visibility_timeout // 2)),
        "body_encoding": None,
    }


_redis_clients: dict[str, redis.Redis] = {}


def redis_client() -> redis.Redis:
    """A per-process Redis client for pipeline state (feeds, dedupe, dead letters)."""
    url = get_settings().redis_url
    if url not in _redis_clients:
        _redis_clients[url] = redis.Redis.from_url(url, decode_responses=True)
    return _redis_clients[url]


class ReliableTask(Task):
    """Base for every pipeline task: late acks, bounded retries, then the dead-letter queue."""

    abstract = True
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = (TransientError,)
    retry_backoff = 2
    retry_jitter = True

    def __init__(self) -> None:
        settings = get_settings()
        self.max_retries = settings.task_max_retries
        self.retry_backoff_max = settings.task_retry_backoff_max_seconds

    def retry(self, *args: Any, exc: BaseException | None = None, **options: Any) -> Any:
        if isinstance(exc, DependencyDownError):
            # An outage does not count against the message: always one more retry allowed.
            options["max_retries"] = self.request.retries + 1
        return super().retry(*args, exc=exc, **options)

    def on_failure(
        self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        park_failed(self.name, task_id, list(args or []), dict(kwargs or {}), exc,
                    self.request.retries)


def park_failed(
    task_name: str, task_id: str, args: list[Any], kwargs: dict[str, Any], exc: Exception,
    retries: int,
) -> None:
    """Keep a message that failed for good in the dead-letter list, and settle its article.

    A task's own failures come here, and so do the links of a batch that fail
    permanently, recorded as the single-link message that a replay runs again.
    """
    letter = dead_letter.DeadLetter(
        id=task_id,
        task=task_name,
        queue=TASK_QUEUES.get(task_name, "celery"),
        args=args,
        kwargs=kwargs,
        error_type=type(exc).__name__,
        error=str(exc),
        retries=retries,
        failed_at=dead_letter.now(),
    )
    try:
        dead_letter.record(redis_client(), letter)
        # The dead-letter list answers for the article now; the ledger stops re-sending.
        link = inflight.link_of_task_args(letter.args)
        if link is not None:
            inflight.settle(redis_client(), link)
        log.warning("task %s %s dead-lettered: %s", task_name, task_id, exc)
    except redis.RedisError:
        # Without Redis the message cannot be parked; re-raising keeps it unacked
        # so the broker redelivers it once Redis is back.
        log.exception("could not dead-letter task %s %s", task_name, task_id)
        raise


def send_to_stage(app: Celery, task_name: str, payload: dict[str, Any]) -> None:
    """Hand a payload to the next stage through its queue (no import of its code)."""
    app.send_task(task_name, args=[payload], queue=TASK_QUEUES[task_name], **publish_options(app, payload))


def publish_options(app: Celery, payload: dict[str, Any]) -> dict[str, Any]:
    """Options that spare a publish work whose result nobody reads.

    Celery writes a ``repr`` of the arguments into every message for monitoring and log
    lines, walking the whole article text to cut it to 1 KB; the payload's kind and
    article (or link) say as much. On Redis, naming the queue delivers straight to its
    list, so the queue is not declared again on every publish (the consuming worker
    declares it); other brokers may need the declaration before the first consumer.
    """
    article = payload.get("article") if isinstance(payload.get("article"), dict) else payload
    subject = payload.get("event_id") or article.get("article_id") or article.get("url") or ""
    if isinstance(payload.get("events"), list):
        subject = f"{len(payload['events'])} events"
    if isinstance(payload.get("links"), list):
        subject = f"{len(payload['links'])} links"
    options: dict[str, Any] = {
        # A feed entry queued for fetching has no schema; it is a link.
        "argsrepr": f"[<{payload.get('schema') or 'link'} {subject}>]",
        "kwargsrepr": "{}",
    }
    if app.conf.broker_transport == redis_transport.TRANSPORT:
        options["declare"] = []
    return options
