"""Which workers are alive: each records itself in Redis every few seconds, with a TTL.

A worker's record expires three heartbeats after its last one, so a worker that was
killed disappears by itself; a worker that stops cleanly removes its record at once.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import asdict, dataclass, replace

import redis

log = logging.getLogger(__name__)

PRESENCE_PREFIX = "bri:worker:"
MISSED_BEATS_BEFORE_GONE = 3


@dataclass(frozen=True)
class WorkerPresence:
    node: str  # Celery node name, e.g. classify@host
    stage: str
    queues: list[str]
    host: str
    pid: int
    metrics_port: int | None
    started_at: float
    last_seen: float


def announce(client: redis.Redis, presence: WorkerPresence, ttl_seconds: float) -> None:
    client.set(PRESENCE_PREFIX + presence.node, json.dumps(asdict(presence)),
               px=max(1, int(ttl_seconds * 1000)))


def withdraw(client: redis.Redis, node: str) -> None:
    client.delete(PRESENCE_PREFIX + node)


def live_workers(client: redis.Redis) -> list[WorkerPresence]:
    keys = sorted(client.scan_iter(match=PRESENCE_PREFIX + "*", count=500))
    if not keys:
        return []
    workers = []
    for raw in client.mget(keys):
        if raw is not None:
            workers.append(WorkerPresence(**json.loads(raw)))
    return sorted(workers, key=lambda w: (w.stage, w.node))


class Heartbeat:
    """A daemon thread that re-announces the worker every ``interval`` seconds until stopped."""

    def __init__(self, client: redis.Redis, presence: WorkerPresence, interval: float) -> None:
        self._client = client
        self._presence = presence
        self._interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bri-heartbeat", daemon=True)

    def start(self) -> None:
        self._beat()
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=self._interval + 1)
        try:
            withdraw(self._client, self._presence.node)
        except redis.RedisError as exc:
            log.warning("could not remove the presence record of %s: %s", self._presence.node, exc)

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            self._beat()

    def _beat(self) -> None:
        self._presence = replace(self._presence, last_seen=time.time())
        try:
            announce(self._client, self._presence, self._interval * MISSED_BEATS_BEFORE_GONE)
        except redis.RedisError as exc:
            # Missing a beat only makes the worker look gone for a while; keep working.
            log.warning("heartbeat of %s not recorded: %s", self._presence.node, exc)
