"""Gauges read from Redis when scraped: queue depths and lag, work in progress, dead letters, workers.

These describe the whole pipeline rather than one process, so they are computed at
scrape time instead of being kept by each worker; the API exports them, and every API
replica reports the same values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import redis
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from services.common import dead_letter
from services.common.queue_stats import in_progress, queue_states
from services.common.worker_presence import live_workers


class PipelineCollector(Collector):
    def __init__(self, client: redis.Redis) -> None:
        self._client = client

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("bri_redis_up", "1 when Redis answered this scrape, else 0.")
        try:
            states = queue_states(self._client)
            unacked = in_progress(self._client)
            letters = dead_letter.count(self._client)
            workers = live_workers(self._client)
        except redis.RedisError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        depth = GaugeMetricFamily("bri_queue_depth", "Messages waiting in a stage's queue.",
                                  labels=["queue"])
        lag = GaugeMetricFamily("bri_queue_lag_seconds",
                                "Age of the oldest waiting message of a queue (0 when empty).",
                                labels=["queue"])
        for state in states:
            depth.add_metric([state.queue], state.waiting)
            lag.add_metric([state.queue], state.oldest_age_seconds or 0.0)
        yield depth
        yield lag
        yield GaugeMetricFamily("bri_messages_in_progress",
                                "Messages delivered to a worker and not yet acknowledged.", value=unacked)
        yield GaugeMetricFamily("bri_dead_letters", "Messages waiting in the dead-letter queue.",
                                value=letters)
        alive = GaugeMetricFamily("bri_workers_alive", "Workers with a fresh heartbeat, by stage.",
                                  labels=["stage"])
        for stage, count in sorted(Counter(w.stage for w in workers).items()):
            alive.add_metric([stage], count)
        yield alive
