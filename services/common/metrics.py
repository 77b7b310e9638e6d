"""Every Prometheus metric the pipeline exports, defined once, and how a process exposes them.

Metrics are kept in prometheus_client's multiprocess mode in every process. A Celery
worker with the prefork pool runs its tasks in child processes, and ``bri api
--workers N`` runs N server processes; in multiprocess mode each process writes its
counters to memory-mapped files in one directory and whoever serves ``/metrics`` sums
them, so one endpoint per worker (or API) reports everything its processes did. The
directory must be known before the first value is stored, which is why this module
sets it up first thing (a process that finds none inherited gets a fresh one of its
own) and then makes the library pick its storage again, in case something imported
prometheus_client earlier.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def _ensure_multiprocess_dir() -> None:
    if os.environ.get(MULTIPROC_ENV):
        return
    path = tempfile.mkdtemp(prefix="bri-metrics-")
    os.environ[MULTIPROC_ENV] = path
    creator = os.getpid()

    def remove() -> None:
        # Forked children inherit this hook; only the process that made the directory removes it.
        if os.getpid() == creator:
            shutil.rmtree(path, ignore_errors=True)

    atexit.register(remove)


_ensure_multiprocess_dir()

from prometheus_client import (  # noqa: E402  (must follow the directory set-up above)
    CollectorRegistry,
    Counter,
    Histogram,
    multiprocess,
    values,
)

# The library chooses in-memory or file-backed values when first imported; choose again
# now that the directory is set, whatever imported it first.
values.ValueClass = values.get_value_class()

# Seconds: a classification takes a millisecond, a slow page fetch tens of seconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

TASKS = Counter(
    "bri_tasks_total",
    "Pipeline tasks finished, by stage, task and outcome (ok, retry, failed = dead-lettered).",
    ["stage", "task", "outcome"],
)
ARTICLES = Counter(
    "bri_articles_total",
    "Articles that went through a stage, by outcome (ok, retry, failed = dead-lettered).",
    ["stage", "outcome"],
)
TASK_DURATION = Histogram(
    "bri_task_duration_seconds",
    "Wall time of one task, from start to its outcome.",
    ["stage", "task"],
    buckets=LATENCY_BUCKETS,
)
STEP_DURATION = Histogram(
    "bri_step_duration_seconds",
    "Wall time of one step inside a stage (such as fetching or extracting a page).",
    ["stage", "step"],
    buckets=LATENCY_BUCKETS,
)
FEED_POLLS = Counter(
    "bri_feed_polls_total",
    "Feed polls by outcome: updated, not-modified, error, gone, busy (another poll held "
    "the feed), removed (the feed went while its poll waited).",
    ["outcome"],
)
FEED_NEW_ENTRIES = Counter(
    "bri_feed_new_entries_total",
    "Feed entries seen for the first time and queued for fetching.",
)
API_REQUESTS = Counter(
    "bri_api_requests_total",
    "HTTP requests the API answered, by route template, method and status code.",
    ["route", "method", "status"],
)
API_REQUEST_DURATION = Histogram(
    "bri_api_request_duration_seconds",
    "Time the API took to answer, by route template.",
    ["route"],
    buckets=LATENCY_BUCKETS,
)


@functools.lru_cache(maxsize=64)
def _step_histogram(stage: str, step: str) -> Histogram:
    # A step's labels never change: its child is looked up once, not on every article.
    return STEP_DURATION.labels(stage=stage, step=step)


@contextmanager
def time_step(stage: str, step: str) -> Iterator[None]:
    """Observe how long the enclosed block takes, as one step of a stage (failures included)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        observe_step(stage, step, time.perf_counter() - started)


def observe_step(stage: str, step: str, seconds: float) -> None:
    """Record one step's duration measured by the caller (a step that ends on another thread)."""
    _step_histogram(stage, step).observe(seconds)


def process_registry() -> CollectorRegistry:
    """A registry that sums what every process sharing this one's metrics directory recorded."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry

