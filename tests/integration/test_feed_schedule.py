"""The adaptive scheduler against real Redis and a local feed server, on a simulated clock.

The poller takes its time from ``poller.clock``; these tests move that clock forward
to each feed's next poll time, so an hour of outage takes a second to run, while every
request really goes over HTTP to the local sample server and every state change to Redis.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.ingest import poller
from services.ingest.feed_registry import SCHEDULE_KEY, SCHEDULE_MIGRATED_KEY, FeedRegistry
from services.samplefeeds.server import SampleServer

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC).timestamp()


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock(START)
    monkeypatch.setattr(poller, "clock", fake)
    return fake


def rss(published: list[datetime], channel_extra: str = "") -> bytes:
    items = "".join(
        f"<item><title>Entry {i}</title><link>https://news.example/{i}-{p.timestamp():.0f}</link>"
        f"<guid isPermaLink=\"false\">{i}-{p.timestamp():.0f}</guid>"
        f"<pubDate>{p.strftime('%a, %d %b %Y %H:%M:%S GMT')}</pubDate></item>"
        for i, p in enumerate(published)
    )
    return (f"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Test feed</title>"
            f"{channel_extra}{items}</channel></rss>").encode()


def _poll(url: str, feed_registry: FeedRegistry, settings) -> poller.PollOutcome:  # type: ignore[no-untyped-def]
    sent: list[dict[str, Any]] = []
    return poller.poll_feed(url, feed_registry, settings, send_entries=sent.extend)


def _run_due(feed_registry: FeedRegistry, settings, clock: FakeClock) -> list[str]:  # type: ignore[no-untyped-def]
    """What one scheduler tick does at the fake time: poll every due feed."""
    due = feed_registry.due(now=clock.now)
    for feed in due:
        _poll(feed.url, feed_registry, settings)
    return [feed.url for feed in due]


def _custom_feed(sample_server: SampleServer, name: str, body: bytes) -> str:
    sample_server.set_override(f"/feeds/{name}", body, "application/rss+xml")
    return sample_server.url(f"/feeds/{name}")


def test_a_feed_failing_for_an_hour_recovers_by_itself_and_is_polled_normally_again(
    sample_server: SampleServer, feed_registry: FeedRegistry, settings, clock: FakeClock  # type: ignore[no-untyped-def]
) -> None:
    now = datetime.fromtimestamp(START, tz=UTC)
    url = _custom_feed(sample_server, "hourly.rss", rss([now - i * timedelta(hours=1) for i in range(24)]))
    path = "/feeds/hourly.rss"
    feed_registry.add(url)
    assert _poll(url, feed_registry, settings).status == "updated"
    # 24 entries a day, polled twice per entry: every 30 minutes, give or take the jitter.
    normal = 1800 * (1 + settings.feed_jitter_fraction)
    assert feed_registry.get_by_url(url).next_check_at - START <= normal
    sample_server.reset_stats()

    sample_server.fail_path(path, 500)
    outage_ends = feed_registry.get_by_url(url).next_check_at + 3600
    poll_times: list[float] = []
    while clock.now < outage_ends:
        clock.now = feed_registry.get_by_url(url).next_check_at
        if clock.now >= outage_ends:
            break
        assert _run_due(feed_registry, settings, clock) == [url]
        poll_times.append(clock.now)
    failing = feed_registry.get_by_url(url)
    assert failing.state == "failing" and failing.error_count == len(poll_times) >= 3
    assert "HTTP 500" in (failing.last_error or "") and failing.last_status == 500
    assert sample_server.request_count(path) == len(poll_times)
    gaps = [b - a for a, b in itertools.pairwise(poll_times)]
    assert gaps == sorted(gaps) and min(gaps) >= settings.feed_min_interval_seconds

    sample_server.clear_failures()  # the feed comes back
    clock.now = feed_registry.get_by_url(url).next_check_at
    assert _run_due(feed_registry, settings, clock) == [url]
    back = feed_registry.get_by_url(url)
    # Backed off as it failed, yet polled within one normal interval of coming back;
    # that first success resets it to the normal interval.
    assert clock.now - outage_ends <= normal
    assert back.state == "active" and back.error_count == 0 and back.last_error is None
    assert back.last_success_at == clock.now
    assert back.next_check_at - clock.now <= normal
    clock.now = back.next_check_at
    assert _run_due(feed_registry, settings, clock) == [url]
    assert feed_registry.get_by_url(url).last_status == 304


def test_no_feed_is_polled_more_often_than_the_minimum_however_eager_its_server(
    sample_server: SampleServer, feed_registry: FeedRegistry, settings, clock: FakeClock  # type: ignore[no-untyped-def]
) -> None:
    now = datetime.fromtimestamp(START, tz=UTC)
    flood = [now - timedelta(seconds=i) for i in range(40)]  # 40 entries in 40 seconds
    url = _custom_feed(sample_server, "eager.rss", rss(flood, "<ttl>1</ttl>"))
    retry_url = sample_server.feed_urls[1]
    feed_registry.add(url)
    feed_registry.add(retry_url)
    sample_server.fail_path("/" + retry_url.split("/", 3)[3], 503, retry_after=1)
    polls: dict[str, list[float]] = {url: [], retry_url: []}
    for _ in range(200):  # tick every 10 simulated seconds for over half an hour
        for polled in _run_due(feed_registry, settings, clock):
            polls[polled].append(clock.now)
        clock.now += 10
    for times in polls.values():
        assert len(times) >= 2
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert min(gaps) >= settings.feed_min_interval_seconds


def test_retry_after_is_respected(
    sample_server: SampleServer, feed_registry: FeedRegistry, settings, clock: FakeClock  # type: ignore[no-untyped-def]
) -> None:
    url = sample_server.feed_urls[0]
    feed_registry.add(url)
    sample_server.fail_path("/" + url.split("/", 3)[3], 429, retry_after=7200)
    outcome = _poll(url, feed_registry, settings)
    assert outcome.status == "error" and outcome.http_status == 429
    state = feed_registry.get_by_url(url)
    assert state.next_check_at - START >= 7200
    assert feed_registry.due(now=START + 7199) == []
    assert [f.url for f in feed_registry.due(now=START + 7200 * 1.2)] == [url]


def test_410_marks_a_feed_gone_until_it_is_added_again(
    sample_server: SampleServer, feed_registry: FeedRegistry, settings, clock: FakeClock  # type: ignore[no-untyped-def]
) -> None:
    url = sample_server.feed_urls[2]
    feed_registry.add(url)
    sample_server.fail_path("/" + url.split("/", 3)[3], 410)
    outcome = _poll(url, feed_registry, settings)
    assert outcome.status == "gone"
    gone = feed_registry.get_by_url(url)
    assert gone.state == "gone" and "410" in (gone.gone_reason or "")
    assert feed_registry.due(now=START + 365 * 86400) == []  # never polled again
    assert [f.state for f in feed_registry.all()] == ["gone"]  # but still listed
    assert _poll(url, feed_registry, settings).status == "gone"  # a queued poll does nothing
    assert sample_server.request_count("/" + url.split("/", 3)[3]) == 1

    sample_server.clear_failures()
    state, result = feed_registry.add_or_revive(url)
    assert result == "revived" and state.state == "active" and state.error_count == 0
    assert [f.url for f in feed_registry.due(now=START)] == [url]
    assert _poll(url, feed_registry, settings).status == "updated"


def test_days_of_errors_mark_a_feed_gone(
    sample_server: SampleServer, feed_registry: FeedRegistry, settings, clock: FakeClock  # type: ignore[no-untyped-def]
) -> None:
    url = sample_server.feed_urls[0]
    feed_registry.add(url)
    sample_server.fail_path("/" + url.split("/", 3)[3], 503)
    while True:
        outcome = _poll(url, feed_registry, settings)
        if outcome.status == "gone":
            break
        assert outcome.status == "error"
        clock.now = feed_registry.get_by_url(url).next_check_at
    gone = feed_registry.get_by_url(url)
    assert clock.now - START >= settings.feed_gone_after_days * 86400
    assert gone.state == "gone" and "no success for" in (gone.gone_reason or "")


def test_busy_feeds_are_polled_more_often_than_quiet_ones(
    sample_server: SampleServer, feed_registry: FeedRegistry, settings, clock: FakeClock  # type: ignore[no-untyped-def]
) -> None:
    now = datetime.fromtimestamp(START, tz=UTC)
    busy = _custom_feed(sample_server, "busy.rss", rss([now - i * timedelta(minutes=20) for i in range(30)]))
    daily = _custom_feed(sample_server, "daily.rss", rss([now - i * timedelta(days=1) for i in range(10)]))
    dormant = _custom_feed(sample_server, "dormant.rss",
                           rss([now - timedelta(days=90 + i) for i in range(10)]))
    waits = {}
    for url in (busy, daily, dormant):
        feed_registry.add(url)
        assert _poll(url, feed_registry, settings).status == "updated"
        waits[url] = feed_registry.get_by_url(url).next_check_at - START
    assert waits[busy] < waits[daily] < waits[dormant]
    ceiling = settings.feed_max_interval_seconds
    assert ceiling * (1 - settings.feed_jitter_fraction) <= waits[dormant] <= ceiling
    assert feed_registry.get_by_url(busy).entries_per_day == pytest.approx(72, rel=0.05)


def test_feeds_added_and_removed_while_running_are_picked_up_on_the_next_tick(
    sample_server: SampleServer, feed_registry: FeedRegistry, settings, clock: FakeClock  # type: ignore[no-untyped-def]
) -> None:
    first, second = sample_server.feed_urls[:2]
    feed_registry.add(first)
    assert _run_due(feed_registry, settings, clock) == [first]
    feed_registry.add(second)
    assert _run_due(feed_registry, settings, clock) == [second]
    feed_registry.remove(first)
    clock.now += settings.feed_max_interval_seconds * 2
    assert _run_due(feed_registry, settings, clock) == [second]
    assert _poll(first, feed_registry, settings).status == "removed"  # a poll queued before


def test_a_registry_from_before_the_schedule_is_migrated(
    sample_server: SampleServer, feed_registry: FeedRegistry, redis_db  # type: ignore[no-untyped-def]
) -> None:
    for url in sample_server.feed_urls:
        feed_registry.add(url)
    due_later = feed_registry.get_by_url(sample_server.feed_urls[1]).id
    redis_db.hset(f"bri:feed:{due_later}", "next_check_at", START + 600)
    # What an older version left: the feed hashes, no schedule.
    redis_db.delete(SCHEDULE_KEY)
    redis_db.delete(SCHEDULE_MIGRATED_KEY)
    due = {f.url for f in feed_registry.due(now=START)}
    assert due == set(sample_server.feed_urls) - {sample_server.feed_urls[1]}
    assert redis_db.zscore(SCHEDULE_KEY, due_later) == START + 600
    assert feed_registry.migrate_schedule() == 0  # once only
