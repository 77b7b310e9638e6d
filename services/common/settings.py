"""The one settings object, read from ``BRI_*`` environment variables with local defaults."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


def _cores() -> int:
    """CPUs this process may run on (a container's cpuset), not all the host's."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BRI_", extra="ignore")

    redis_url: str = "redis://127.0.0.1:6379/0"
    elasticsearch_url: str = "http://127.0.0.1:9200"
    elasticsearch_timeout_seconds: float = 30.0

    # Articles are written through this alias; the concrete index behind it can be
    # swapped (reindex with a new mapping) without touching writers or readers.
    index_alias: str = "bri-articles"
    index_shards: int = 1
    index_replicas: int = 0
    # How soon a written article shows up in searches. Each refresh writes a segment and
    # small segments are merged again and again, so this is most of Elasticsearch's CPU
    # per article (scripts/bench_index.py); alerts and article pages do not wait for it.
    index_refresh_interval: str = Field(
        "1s", description="how often new articles become searchable (Elasticsearch time unit)")
    bulk_max_docs: int = Field(200, description="flush a bulk request at this many documents")
    bulk_max_wait_ms: int = Field(50, description="or after this long since the first waiting")

    poll_interval_seconds: int = Field(
        300, description="how often a healthy feed is polled until its entries show how busy it is")
    scheduler_tick_seconds: int = Field(30, description="how often due feeds are looked for")
    # Every poll, however busy the feed or whatever the server asks, lands in these clamps.
    feed_min_interval_seconds: int = Field(300, description="no feed is polled more often")
    feed_max_interval_seconds: int = Field(24 * 3600, description="nor less often, while healthy")
    feed_jitter_fraction: float = Field(0.1, description="random spread of each interval, ±")
    feed_target_entries_per_poll: float = Field(
        0.5, description="poll a feed about twice per new entry it publishes")
    feed_gone_after_days: float = Field(
        7, description="a feed failing this long without a success is marked gone")
    feed_backoff_base_seconds: int = 300
    feed_backoff_max_seconds: int = 24 * 3600
    http_timeout_seconds: float = 20.0
    http_total_deadline_seconds: float = 60.0
    max_feed_bytes: int = 10 * 1024 * 1024
    max_page_bytes: int = 5 * 1024 * 1024
    user_agent: str = "BRI-Monitor/0.1 (news monitoring; feed reader)"
    # Feeds and pages never reach loopback, private, link-local or metadata addresses
    # (services/common/address_guard.py) unless listed here: comma-separated hosts,
    # host:port entries or CIDRs, e.g. "feeds.intranet, 127.0.0.1:8765, 10.20.0.0/16".
    fetch_allowed_hosts: str = ""
    fetch_allowed_ports: Annotated[tuple[int, ...], NoDecode] = Field(
        (80, 443, 8080, 8443), description="ports feeds and pages may be fetched from"
    )

    # Fetching is I/O: one asyncio client per ingest worker process, pooled connections,
    # HTTP/2 where the server offers it, and at most this many requests at once to one host
    # (the parallelism browsers allow a site), so a site is never hammered.
    http_max_connections: int = Field(100, description="open connections per ingest process")
    http_per_host_concurrency: int = Field(6, description="requests in flight to one host")
    poll_batch_size: int = Field(50, description="feeds per poll task; its feeds poll concurrently")
    poll_concurrency: int = Field(32, description="feeds polled at once per ingest process")
    # One message per page fetch cost more in Celery's bookkeeping than the fetch itself;
    # a poll's new links travel this many to a message and download concurrently.
    fetch_batch_size: int = Field(16, ge=1, description="article links per fetch task, fetched concurrently")

    # Worker concurrency per stage. Ingest threads mostly wait on the network; extraction is
    # CPU work, one process per core; classification is ~1 ms an article, so one process per
    # four cores keeps up; index threads wait on shared bulk requests.
    ingest_concurrency: int = Field(default_factory=lambda: 8 * _cores())
    extract_concurrency: int = Field(default_factory=_cores)
    classify_concurrency: int = Field(default_factory=lambda: max(1, _cores() // 4))
    # How `bri workers` runs a CPU stage of several processes: "prefork", one worker whose
    # parent hands each message to a pool child over a pipe; "solo", one single-process
    # worker per process, each taking its messages from Redis itself. On the 2-core
    # development machine the two cost the same CPU per article within measurement noise
    # (extract ~10 ms either way), so the one-worker layout stays the default.
    cpu_stage_pool: Literal["prefork", "solo"] = Field(
        "prefork", description="CPU stages as one prefork pool or as single-process workers (solo)"
    )
    # The learned pairing decision (services/classify/pairing_model.py); off: the rules alone.
    pairing_model: bool = Field(True, description="decide pairings with the trained model (on|off)")
    index_concurrency: int = 8
    alerts_concurrency: int = 4

    task_max_retries: int = 5
    task_retry_backoff_max_seconds: int = 600
    # Redis redelivers an unacknowledged message after this; longer than any task runs.
    broker_visibility_timeout_seconds: int = 3600
    # An article handed on but not indexed after this long is sent again (see
    # services/common/inflight.py); longer than an article normally takes end to end.
    pipeline_resend_after_seconds: int = Field(
        1800, description="re-send an article not indexed this long after it was handed on"
    )

    state_dir: Path = REPO_ROOT / ".local"
    redis_port: int = 6379
    elasticsearch_port: int = 9200
    elasticsearch_transport_port: int = 9300
    elasticsearch_heap: str = "1g"
    java_home: str | None = None

    log_level: str = "INFO"
    log_format: Literal["json", "text"] = Field(
        "json", description="worker logs: one JSON object per line, or text for a terminal"
    )

    # Each worker serves /metrics on the first free port of its stage's block of ten
    # (ingest base+10.., classify base+20.., see services/common/metrics_server.py); 0: none.
    metrics_base_port: int = 9400
    metrics_host: str = Field("127.0.0.1", description="address worker metrics listen on")
    # Workers record themselves in Redis this often; `bri status` counts one alive while
    # its record is fresher than three beats.
    heartbeat_interval_seconds: float = 5.0

    api_host: str = Field("127.0.0.1", description="address `bri api` listens on")
    api_port: int = Field(8000, description="port `bri api` listens on")

    # Alerts. Webhooks to loopback, private, link-local or metadata addresses are refused
    # unless listed here (comma-separated hosts, addresses or CIDRs).
    webhook_allowed_hosts: str = ""
    webhook_timeout_seconds: float = 10.0
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_from: str = "BRI Monitor <alerts@localhost>"
    smtp_timeout_seconds: float = 10.0
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        "none", description="starttls: upgrade on connect (port 587); tls: TLS from the start (465)"
    )
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_ca_file: str = Field(
        "", description="CA bundle trusted instead of the system's, for a relay with a private CA"
    )

    @field_validator("fetch_allowed_hosts", "webhook_allowed_hosts")
    @classmethod
    def _readable_allow_list(cls, value: str) -> str:
        from services.common.address_guard import AllowList  # it imports this module

        AllowList.parse(value)  # a typo fails at start-up, not on every fetch
        return value

    @field_validator("fetch_allowed_ports", mode="before")
    @classmethod
    def _comma_separated_ports(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(" ", "").split(",") if part)
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
