"""Kombu's Redis transport, reusing one Redis client per channel instead of one per call.

kombu 5.7 builds a new ``redis.Redis`` for every publish, every acknowledgement and every
message it records as delivered-but-unacknowledged, and redis-py 8 fills each new one's
table of response callbacks (about 0.5 ms of CPU). At three of those per message per
stage that was a fifth of the pipeline's CPU per article. A ``redis.Redis`` holds no
connection of its own (each command checks one out of the pool and returns it), so one
client per channel and pool serves every thread of a worker just as well.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import redis as kombu_redis


class Channel(kombu_redis.Channel):
    def _create_client(self, asynchronous: bool = False) -> Any:
        if asynchronous:  # the consuming (BRPOP) client: kombu keeps that one already
            return super()._create_client(asynchronous=True)
        pool = self.pool
        cached = self.__dict__.get("_reused_client")
        if cached is None or cached[0] is not pool:  # a new pool after a reconnect
            cached = (pool, super()._create_client(asynchronous=False))
            self.__dict__["_reused_client"] = cached
        return cached[1]


class Transport(kombu_redis.Transport):
    Channel = Channel


TRANSPORT = f"{__name__}:Transport"
