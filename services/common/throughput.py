"""Tasks finished per stage over the last minute, counted in Redis by every worker.

One small hash per second (field ``stage|outcome``), expiring after two windows: cheap
to write on every task, and any reader sums the last sixty without asking the workers.
"""

from __future__ import annotations

import time
from collections import defaultdict

import redis

KEY_PREFIX = "bri:throughput:"
WINDOW_SECONDS = 60


def record(client: redis.Redis, stage: str, outcome: str, now: float | None = None) -> None:
    second = int(time.time() if now is None else now)
    key = f"{KEY_PREFIX}{second}"
    pipe = client.pipeline(transaction=False)
    pipe.hincrby(key, f"{stage}|{outcome}", 1)
    pipe.expire(key, 2 * WINDOW_SECONDS)
    pipe.execute()


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
