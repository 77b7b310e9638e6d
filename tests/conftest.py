"""Shared test set-up: an isolated Redis database and index alias for the whole run.

Integration and end-to-end tests use the real Redis and Elasticsearch that
`bri services up` starts (CI starts them in .ci/run). They never touch the data of a
local deployment: tests use Redis database 15 and their own index alias.
"""

from __future__ import annotations

import os

from tests.local_servers import FEED_SERVER_ALLOW_LIST, FEED_SERVER_PORT

# Fetching refuses loopback addresses; the feed servers tests start listen on one port,
# and the allow list (inherited by worker processes) names it and nothing else.
os.environ["BRI_FETCH_ALLOWED_HOSTS"] = FEED_SERVER_ALLOW_LIST
os.environ.setdefault("BRI_REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("BRI_INDEX_ALIAS", "bri-test-articles")
os.environ.setdefault("BRI_BULK_MAX_WAIT_MS", "20")
os.environ.setdefault("BRI_TASK_MAX_RETRIES", "2")
# Test webhook receivers listen on loopback, which alerts refuse by default.
os.environ.setdefault("BRI_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from services.common.settings import Settings, get_settings
from services.ingest.feed_registry import FeedRegistry
from services.samplefeeds.server import SampleServer, start_sample_server

get_settings.cache_clear()  # in case anything read the settings before the lines above

# Property tests: few examples by default (CI has two cores), many on request. The
# extractor and classifier take milliseconds an example, too slow for Hypothesis' deadline.
for name, examples in (("modest", 150), ("thorough", 3000)):
    hypothesis_settings.register_profile(
        name, max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("modest")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest.fixture
def redis_db(settings: Settings) -> Iterator[object]:
    """The real Redis, test database flushed before and after each test."""
    import redis

    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at {settings.redis_url} ({exc}); run `bri services up`")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def es(settings: Settings) -> Iterator[object]:
    """The real Elasticsearch with a fresh test index behind the test alias."""
    from services.common.es_client import elasticsearch_client
    from services.index.schema import drop_index, ensure_index

    client = elasticsearch_client(settings)
    try:
        client.cluster.health(wait_for_status="yellow", timeout="30s")
    except Exception as exc:
        pytest.fail(f"Elasticsearch is not reachable at {settings.elasticsearch_url} ({exc}); "
                    "run `bri services up`")
    drop_index(client, settings)
    ensure_index(client, settings)
    yield client
    drop_index(client, settings)
    client.close()


@pytest.fixture
def sample_server() -> Iterator[SampleServer]:
    """The sample corpus served on the one loopback port fetching is allowed to reach."""
    with start_sample_server(FEED_SERVER_PORT) as running:
        yield running


@pytest.fixture
def feed_registry(redis_db) -> FeedRegistry:  # type: ignore[no-untyped-def]
    return FeedRegistry(redis_db)
