"""Nothing lost, nothing duplicated: the real workers under crashes, outages and hostile feeds.

Every test serves generated feeds from 127.0.0.1, runs all stage workers and the scheduler
as subprocesses against the real Redis and Elasticsearch, injects one fault mid-run and
then reconciles exactly: each served article is one document, nothing else is indexed,
no message is left in a queue or in the broker's unacknowledged hash, and the only dead
letters are for pages that really answer 404.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.cli.workers import WorkerGroup, worker_specs
from services.common import inflight
from services.devservices import elasticsearch_node, redis_server
from services.ingest.canonical_url import normalise
from services.ingest.feed_registry import SEEN_URLS_KEY, FeedRegistry
from services.samplefeeds.generated import GeneratedSite, start_generated_server
from tests import pipeline_harness as harness

pytestmark = pytest.mark.e2e

LOGS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e-logs" / "faults"
FEEDS = 4
PER_FEED = 12
ES_OUTAGE_SECONDS = 60
SETTLE_SECONDS = 150


@pytest.fixture
def site() -> Iterator[GeneratedSite]:
    with start_generated_server(FEEDS) as served:
        yield served


@pytest.fixture
def pipeline(site, redis_db, es, settings, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    """All workers and the scheduler (restarted if they exit), with quick redelivery."""
    port = site.base_url.rsplit(":", 1)[1]
    for name, value in harness.fault_environment(settings.redis_url, f"127.0.0.1:{port}").items():
        monkeypatch.setenv(name, value)
    registry = FeedRegistry(redis_db)
    for url in site.feed_urls():
        registry.add(url)
    specs = worker_specs(settings.model_copy(update={"state_dir": tmp_path}))
    group = WorkerGroup(specs, log_dir=str(LOGS))
    group.start()
    with harness.Supervisor(group) as supervisor:
        yield supervisor
    group.stop()


@pytest.fixture
def elasticsearch_restored(settings):  # type: ignore[no-untyped-def]
    """Whatever happens in the test, Elasticsearch is up again for the tests after it."""
    yield
    elasticsearch_node.start(settings)


@pytest.fixture
def redis_restored(settings):  # type: ignore[no-untyped-def]
    yield
    redis_server.start(settings)


def _indexed_at_least(es, settings, count: int) -> bool:  # type: ignore[no-untyped-def]
    try:
        return int(es.count(index=settings.index_alias)["count"]) >= count
    except Exception:
        return False


def _assert_exact(result: harness.Reconciliation, site: GeneratedSite) -> None:
    assert result.exact, "\n" + result.report()
    broken = site.broken_urls()
    assert result.indexed == result.served - len(broken)
    dead = [error for _, error in result.dead_letters]
    assert len(dead) == len(broken), "\n" + result.report()
    assert all("404" in error for error in dead), dead


def test_every_served_article_becomes_exactly_one_document(
    pipeline, site, redis_db, es, settings  # type: ignore[no-untyped-def]
) -> None:
    site.publish(PER_FEED)
    site.publish_broken(0)
    result = harness.final_reconciliation(pipeline, site.served_urls(), es, redis_db, settings,
                                          SETTLE_SECONDS, may_fail=site.broken_urls())
    _assert_exact(result, site)
    assert inflight.pending_count(redis_db) == 0  # every article settled, the 404 by its letter


@pytest.mark.parametrize("stage", ["ingest", "extract", "classify", "index"])
def test_a_stage_worker_killed_mid_run_loses_and_duplicates_nothing(
    stage, pipeline, site, redis_db, es, settings  # type: ignore[no-untyped-def]
) -> None:
    site.publish(PER_FEED)
    assert harness.wait_for(lambda: _indexed_at_least(es, settings, 8), timeout=120, interval=0.1)
    pipeline.crash([stage])
    site.publish(2)  # work keeps arriving while the stage recovers
    result = harness.final_reconciliation(pipeline, site.served_urls(), es, redis_db, settings,
                                          SETTLE_SECONDS)
    _assert_exact(result, site)


def test_an_elasticsearch_outage_loses_and_duplicates_nothing(
    elasticsearch_restored, pipeline, site, redis_db, es, settings  # type: ignore[no-untyped-def]
) -> None:
    site.publish(PER_FEED)
    assert harness.wait_for(lambda: _indexed_at_least(es, settings, 8), timeout=120, interval=0.1)
    elasticsearch_node.stop(settings)
    site.publish(2)  # fetched and classified during the outage, indexed after it
    time.sleep(ES_OUTAGE_SECONDS)
    elasticsearch_node.start(settings)
    result = harness.final_reconciliation(pipeline, site.served_urls(), es, redis_db, settings,
                                          SETTLE_SECONDS)
    _assert_exact(result, site)


def test_a_redis_restart_loses_and_duplicates_nothing(
    redis_restored, pipeline, site, redis_db, es, settings  # type: ignore[no-untyped-def]
) -> None:
    site.publish(PER_FEED)
    assert harness.wait_for(lambda: _indexed_at_least(es, settings, 8), timeout=120, interval=0.1)
    redis_server.stop(settings)
    time.sleep(2)
    redis_server.start(settings)  # the AOF brings back queues, unacked messages and state
    site.publish(2)
    result = harness.final_reconciliation(pipeline, site.served_urls(), es, redis_db, settings,
                                          SETTLE_SECONDS)
    _assert_exact(result, site)


def test_an_article_claimed_by_a_poll_that_died_before_handing_it_on_is_still_indexed(
    pipeline, site, redis_db, es, settings  # type: ignore[no-untyped-def]
) -> None:
    # What a poll killed between claiming an entry and sending it leaves behind: the URL
    # claimed (so no later poll sends it) and its entry in the in-flight ledger.
    (article,) = site.publish_in(0)
    url = site.article_url(article)
    message = {"url": url, "feed_url": site.feed_urls()[0], "title": article.title()}
    assert inflight.claim_and_record(redis_db, SEEN_URLS_KEY, normalise(url), message,
                                     stall_seconds=0)
    result = harness.final_reconciliation(pipeline, {url}, es, redis_db, settings, 60)
    _assert_exact(result, site)


HOSTILE_ERRORS = {
    "drip": "still incomplete after",
    "hang": "timed out",
    "status500": "HTTP 500",
    "status429": "HTTP 429",
    "loop": "too many redirects",
    "huge": "byte limit",
    "gzipbomb": "byte limit",
}


def test_hostile_feeds_fail_with_named_errors_and_leave_other_feeds_alone(
    pipeline, site, redis_db, es, settings  # type: ignore[no-untyped-def]
) -> None:
    registry = FeedRegistry(redis_db)
    for kind in HOSTILE_ERRORS:
        registry.add(site.hostile_url(kind))
    site.publish(PER_FEED // 2)
    started = time.monotonic()

    def every_hostile_feed_failed() -> bool:
        return all(registry.get_by_url(site.hostile_url(kind)).error_count > 0
                   for kind in HOSTILE_ERRORS)

    # The deadline is 6 s and each worker thread polls one feed at a time: each hostile
    # feed fails within a few deadlines, none holds a worker longer.
    assert harness.wait_for(every_hostile_feed_failed, timeout=60)
    failed_within = time.monotonic() - started
    result = harness.final_reconciliation(pipeline, site.served_urls(), es, redis_db, settings,
                                          SETTLE_SECONDS)
    _assert_exact(result, site)
    for kind, expected in HOSTILE_ERRORS.items():
        state = registry.get_by_url(site.hostile_url(kind))
        assert state.last_error and expected in state.last_error, (kind, state.last_error)
    assert failed_within < 60
