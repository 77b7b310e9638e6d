"""How much work is waiting in the pipeline's Redis queues."""

from __future__ import annotations

import time

import redis

from services.common.queue_stats import in_progress, queue_states


def queue_lengths(client: redis.Redis) -> dict[str, int]:
    lengths = {state.queue: state.waiting for state in queue_states(client)}
    lengths["in-progress"] = in_progress(client)
    return lengths


def wait_until_idle(client: redis.Redis, timeout: float, settle: float = 2.0) -> bool:
    """True once every queue is empty and nothing is in progress for ``settle`` seconds."""
    deadline = time.monotonic() + timeout
    idle_since: float | None = None
    while time.monotonic() < deadline:
        if sum(queue_lengths(client).values()) == 0:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= settle:
                return True
        else:
            idle_since = None
        time.sleep(0.2)
    return False
