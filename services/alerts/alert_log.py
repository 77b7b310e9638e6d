"""Each subscription's alerts, newest first: what its Atom feed shows.

Keyed by event id with HSETNX, so a redelivered event adds no second entry.
"""

from __future__ import annotations

import json
from typing import Any

import redis

KEEP = 200


def _entries_key(subscription_id: str) -> str:
    return f"bri:alerts:log:{subscription_id}"


def _order_key(subscription_id: str) -> str:
    return f"bri:alerts:log:{subscription_id}:order"


def append(client: redis.Redis, alert: dict[str, Any], at: float) -> bool:
    sub, event_id = alert["subscription_id"], alert["event_id"]
    if not client.hsetnx(_entries_key(sub), event_id, json.dumps(alert)):
        return False
    client.zadd(_order_key(sub), {event_id: at}, nx=True)
    overflow = client.zrange(_order_key(sub), 0, -KEEP - 1)
    if overflow:
        client.zrem(_order_key(sub), *overflow)
        client.hdel(_entries_key(sub), *overflow)
    return True


def recent(client: redis.Redis, subscription_id: str, limit: int = 50) -> list[dict[str, Any]]:
    ids = client.zrevrange(_order_key(subscription_id), 0, limit - 1)
    if not ids:
        return []
    return [json.loads(raw) for raw in client.hmget(_entries_key(subscription_id), ids) if raw]


def drop(client: redis.Redis, subscription_id: str) -> None:
    client.delete(_entries_key(subscription_id), _order_key(subscription_id))
