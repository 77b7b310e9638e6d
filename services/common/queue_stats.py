"""What is waiting in the pipeline's Redis queues: how many messages, and for how long.

Kombu's Redis transport keeps each queue as a list: publishers LPUSH, workers BRPOP, so
the oldest waiting message is the list's last element (a message put back after a
worker died is RPUSHed and becomes the next one taken, keeping its original age).
Celery messages carry no publish time, so every publisher stamps one into the message
headers (``ENQUEUED_AT_HEADER``, see task_hooks); a message without it has no known age.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import redis

from services.common.routing import PIPELINE_QUEUES

ENQUEUED_AT_HEADER = "bri_enqueued_at"
# Kombu's Redis transport: unacknowledged messages, and how it names priority sub-queues.
UNACKED_KEY = "unacked"
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (0, 3, 6, 9)


@dataclass(frozen=True)
class QueueState:
    queue: str
    waiting: int
    oldest_age_seconds: float | None  # None: nothing waiting, or its age is unknown


def _priority_keys(queue: str) -> list[str]:
    return [queue if step == 0 else f"{queue}{PRIORITY_SEPARATOR}{step}" for step in PRIORITY_STEPS]


def enqueued_at(raw_message: str | bytes | None) -> float | None:
    """The publish time stamped into a raw kombu message, if it carries one."""
    if raw_message is None:
        return None
    try:
        stamp = json.loads(raw_message).get("headers", {}).get(ENQUEUED_AT_HEADER)
        return float(stamp) if stamp is not None else None
    except (ValueError, TypeError, AttributeError):
        return None


def queue_states(client: redis.Redis, queues: tuple[str, ...] = PIPELINE_QUEUES,
                 now: float | None = None) -> list[QueueState]:
    """Depth and age of the oldest waiting message of each queue, read in one round trip."""
    pipe = client.pipeline(transaction=False)
    for queue in queues:
        for key in _priority_keys(queue):
            pipe.llen(key)
            pipe.lindex(key, -1)
    replies = pipe.execute()
    now = time.time() if now is None else now
    states = []
    per_queue = 2 * len(PRIORITY_STEPS)
    for position, queue in enumerate(queues):
        chunk = replies[position * per_queue:(position + 1) * per_queue]
        waiting = sum(int(length) for length in chunk[0::2])
        stamps = [s for s in (enqueued_at(raw) for raw in chunk[1::2]) if s is not None]
        age = max(0.0, now - min(stamps)) if stamps else None
        states.append(QueueState(queue, waiting, age))
    return states


def in_progress(client: redis.Redis) -> int:
    """Messages delivered to a worker and not yet acknowledged."""
    return int(client.hlen(UNACKED_KEY))
