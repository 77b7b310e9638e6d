"""Tasks finished per stage over the last minute, counted in Redis by every worker.

One small hash per second (field ``stage|outcome``), expiring after two windows, so any
reader sums the last sixty without asking the workers. A worker does not write on every
task: a Redis round trip would cost more than classifying an article, so counts are
buffered in the process and flushed once a second by a background thread.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable

import redis

log = logging.getLogger(__name__)

KEY_PREFIX = "bri:throughput:"
WINDOW_SECONDS = 60


def record(client: redis.Redis, counts: dict[tuple[int, str, str], int]) -> None:
    """Add {(second, stage, outcome): tasks} to the per-second hashes, in one round trip."""
    pipe = client.pipeline(transaction=False)
    for (second, stage, outcome), count in counts.items():
        key = f"{KEY_PREFIX}{second}"
        pipe.hincrby(key, f"{stage}|{outcome}", count)
        pipe.expire(key, 2 * WINDOW_SECONDS)
    pipe.execute()


class BufferedRecorder:
    """Counts finished tasks in memory; a daemon thread writes them to Redis every ``interval``.

    The thread is started on first use in each process, so forked pool children get their own.
    """

    def __init__(self, client: Callable[[], redis.Redis], interval: float = 1.0) -> None:
        self._client = client
        self._interval = interval
        self._lock = threading.Lock()
        self._pending: Counter[tuple[int, str, str]] = Counter()
        self._flusher_pid: int | None = None

    def add(self, stage: str, outcome: str, now: float | None = None) -> None:
        second = int(time.time() if now is None else now)
        with self._lock:
            self._pending[(second, stage, outcome)] += 1
            if self._flusher_pid != os.getpid():
                self._flusher_pid = os.getpid()
                threading.Thread(target=self._run, name="bri-throughput", daemon=True).start()

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, Counter()
        if not pending:
            return
        try:
            record(self._client(), dict(pending))
        except redis.RedisError as exc:
            # Throughput is a rough live view: counts lost while Redis is away are not retried.
            log.debug("throughput of %d task(s) not recorded: %s", sum(pending.values()), exc)

    def _run(self) -> None:
        me = os.getpid()
        while self._flusher_pid == me:
            time.sleep(self._interval)
            self.flush()


def last_window(client: redis.Redis, window: int = WINDOW_SECONDS,
                now: float | None = None) -> dict[str, dict[str, int]]:
    """{stage: {outcome: count}} for tasks finished in the last ``window`` seconds."""
    newest = int(time.time() if now is None else now)
    pipe = client.pipeline(transaction=False)
    for second in range(newest - window + 1, newest + 1):
        pipe.hgetall(f"{KEY_PREFIX}{second}")
    totals: dict[str, dict[str, int]] = defaultdict(dict)
    for bucket in pipe.execute():
        for field, count in bucket.items():
            name = field.decode() if isinstance(field, bytes) else field
            stage, _, outcome = name.partition("|")
            totals[stage][outcome] = totals[stage].get(outcome, 0) + int(count)
    return dict(totals)
