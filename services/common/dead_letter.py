"""The dead-letter queue: messages that kept failing, kept with their error for replay."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from typing import Any

import redis

DEAD_LETTER_HASH = "bri:deadletter"
DEAD_LETTER_ORDER = "bri:deadletter:order"


@dataclass(frozen=True)
class DeadLetter:
    id: str
    task: str
    queue: str
    args: list[Any]
    kwargs: dict[str, Any]
    error_type: str
    error: str
    retries: int
    failed_at: float


def record(client: redis.Redis, letter: DeadLetter) -> None:
    """Store a failed message; recording the same task id twice keeps the latest error."""
    pipe = client.pipeline(transaction=True)
    pipe.hset(DEAD_LETTER_HASH, letter.id, json.dumps(asdict(letter)))
    pipe.zadd(DEAD_LETTER_ORDER, {letter.id: letter.failed_at})
    pipe.execute()


def list_letters(client: redis.Redis, limit: int = 100) -> list[DeadLetter]:
    ids = client.zrevrange(DEAD_LETTER_ORDER, 0, limit - 1)
    if not ids:
        return []
    raw = client.hmget(DEAD_LETTER_HASH, ids)
    return [DeadLetter(**json.loads(item)) for item in raw if item is not None]


def count(client: redis.Redis) -> int:
    return int(client.hlen(DEAD_LETTER_HASH))


def take(client: redis.Redis, letter_id: str) -> DeadLetter | None:
    """Remove one letter and return it, so that a replay cannot run it twice."""
    pipe = client.pipeline(transaction=True)
    pipe.hget(DEAD_LETTER_HASH, letter_id)
    pipe.hdel(DEAD_LETTER_HASH, letter_id)
    pipe.zrem(DEAD_LETTER_ORDER, letter_id)
    raw, _, _ = pipe.execute()
    return DeadLetter(**json.loads(raw)) if raw else None


def now() -> float:
    return time.time()
