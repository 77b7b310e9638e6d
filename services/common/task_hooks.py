"""Celery signal hooks that give every task metrics, throughput, log context and an enqueue time.

Connected once by the app factory, so a new task gets all of it with no code of its own:
- publish: stamp the time into the message headers (queue lag is read from it);
- start: bind the log context (stage, task, task id, article id, urls) from the payload;
- end: count the outcome, observe the duration, add to the last-minute throughput;
- worker ready / shutdown: serve /metrics and keep a heartbeat in Redis.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
import time
from typing import Any

import redis
from celery import signals

from services.common import log_context, metrics, throughput
from services.common.log_format import configure_logging
from services.common.queue_stats import ENQUEUED_AT_HEADER
from services.common.routing import TASK_QUEUES
from services.common.settings import get_settings
from services.common.worker_presence import Heartbeat, WorkerPresence

OUTCOMES = {"SUCCESS": "ok", "RETRY": "retry", "FAILURE": "failed"}

_started: dict[str, float] = {}


def _redis() -> redis.Redis:
    # Imported late: the app factory imports this module to install the hooks.
    from services.common.celery_app import redis_client

    return redis_client()


_finished = throughput.BufferedRecorder(_redis)
_heartbeat: Heartbeat | None = None
_installed = threading.Lock()
_is_installed = False


def stage_of(task: Any) -> str:
    """The stage a task belongs to: its queue, else the stage its app was made for."""
    queue = TASK_QUEUES.get(task.name)
    if queue:
        return queue
    return str(getattr(task.app, "main", "") or "unknown").removeprefix("bri-")


def payload_context(args: Any) -> dict[str, Any]:
    """Article id, urls and subscription found in a pipeline payload (first positional arg)."""
    payload = args[0] if args and isinstance(args[0], dict) else None
    if payload is None:
        return {}
    article = payload.get("article") if isinstance(payload.get("article"), dict) else {}
    return {
        "article_id": payload.get("article_id") or article.get("article_id"),
        "article_url": payload.get("url") or article.get("url"),
        "feed_url": payload.get("feed_url") or article.get("feed_url"),
        "subscription_id": payload.get("subscription_id"),
    }


def articles_in(args: Any) -> int:
    """How many articles a message carries: one for article messages (article.* and page.*
    schemas) and feed entries queued for fetching (no schema); for a batch of alert
    events, its article.indexed events; none for anything else (a batch of links counts
    each link with its own outcome, ``count_articles``)."""
    payload = args[0] if args and isinstance(args[0], dict) else None
    if payload is None:
        return 0
    schema = payload.get("schema")
    if schema == "alert.events":
        events = payload.get("events")
        if not isinstance(events, list):
            return 0
        return sum(1 for e in events if isinstance(e, dict) and e.get("schema") == "article.indexed")
    if schema:
        return 1 if str(schema).startswith(("article.", "page.")) else 0
    return 1 if "url" in payload else 0


def _stamp_enqueue_time(headers: dict[str, Any] | None = None, **_: Any) -> None:
    if headers is not None:
        headers.setdefault(ENQUEUED_AT_HEADER, time.time())


def _on_task_start(task_id: str, task: Any, args: Any = None, **_: Any) -> None:
    _started[task_id] = time.perf_counter()
    log_context.start(stage=stage_of(task), task=task.name, task_id=task_id, **payload_context(args))


class _TaskMetrics:
    """The labelled metric children of one (task, outcome), looked up once per process.

    ``labels()`` takes a lock and builds its key on every call; a task's labels never
    change, so each child is kept after its first use.
    """

    def __init__(self, stage: str, task: str, outcome: str) -> None:
        self.tasks = metrics.TASKS.labels(stage=stage, task=task, outcome=outcome)
        self.articles = metrics.ARTICLES.labels(stage=stage, outcome=outcome)
        self.duration = metrics.TASK_DURATION.labels(stage=stage, task=task)


@functools.cache
def _metrics_for(stage: str, task: str, outcome: str) -> _TaskMetrics:
    return _TaskMetrics(stage, task, outcome)


@functools.cache
def _articles_for(stage: str, outcome: str) -> Any:
    return metrics.ARTICLES.labels(stage=stage, outcome=outcome)


def count_articles(stage: str, outcomes: dict[str, int]) -> None:
    """Count articles by outcome for a task whose articles do not share its outcome."""
    for outcome, articles in outcomes.items():
        if articles:
            _articles_for(stage, outcome).inc(articles)


def _on_task_end(task_id: str, task: Any, args: Any = None, state: str | None = None, **_: Any) -> None:
    started = _started.pop(task_id, None)
    stage = stage_of(task)
    outcome = OUTCOMES.get(state or "", str(state).lower())
    children = _metrics_for(stage, task.name, outcome)
    children.tasks.inc()
    articles = articles_in(args)
    if articles:
        children.articles.inc(articles)
    if started is not None:
        children.duration.observe(time.perf_counter() - started)
    _finished.add(stage, outcome)
    log_context.clear()


def _on_setup_logging(loglevel: Any = None, **_: Any) -> None:
    settings = get_settings()
    level = logging.getLevelName(loglevel) if isinstance(loglevel, int) else loglevel
    configure_logging(str(level or settings.log_level), settings.log_format)


def _on_worker_ready(sender: Any = None, **_: Any) -> None:
    global _heartbeat
    settings = get_settings()
    app = sender.app
    stage = str(app.main or "unknown").removeprefix("bri-")
    queues = sorted(app.amqp.queues.consume_from or app.amqp.queues)
    port = _serve(stage)
    now = time.time()
    presence = WorkerPresence(node=sender.hostname, stage=stage, queues=queues,
                              host=socket.gethostname(), pid=os.getpid(), metrics_port=port,
                              started_at=now, last_seen=now)
    _heartbeat = Heartbeat(_redis(), presence, settings.heartbeat_interval_seconds)
    _heartbeat.start()


def _serve(stage: str) -> int | None:
    from services.common.metrics_server import serve_metrics

    settings = get_settings()
    return serve_metrics(stage, settings.metrics_base_port, settings.metrics_host)


def _on_worker_shutdown(**_: Any) -> None:
    _finished.flush()
    if _heartbeat is not None:
        _heartbeat.stop()


def _on_pool_process_shutdown(**_: Any) -> None:
    _finished.flush()


def install() -> None:
    """Connect the hooks (once per process, whatever the number of apps created)."""
    global _is_installed
    with _installed:
        if _is_installed:
            return
        signals.before_task_publish.connect(_stamp_enqueue_time, weak=False)
        signals.task_prerun.connect(_on_task_start, weak=False)
        signals.task_postrun.connect(_on_task_end, weak=False)
        signals.setup_logging.connect(_on_setup_logging, weak=False)
        signals.worker_ready.connect(_on_worker_ready, weak=False)
        signals.worker_shutdown.connect(_on_worker_shutdown, weak=False)
        signals.worker_process_shutdown.connect(_on_pool_process_shutdown, weak=False)
        _is_installed = True
