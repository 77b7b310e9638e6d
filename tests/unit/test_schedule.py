"""Poll scheduling decisions, on a simulated clock."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from services.ingest import schedule
from services.ingest.schedule import ScheduleLimits, ServerHints

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC).timestamp()
LIMITS = ScheduleLimits(
    min_interval=300, max_interval=86400, default_interval=900, jitter_fraction=0.1,
    entries_per_poll=0.5, backoff_base=300, backoff_max=86400,
)


def _rng() -> random.Random:
    return random.Random(7)


def _hourly_entries(count: int, every: timedelta) -> list[datetime]:
    newest = datetime.fromtimestamp(NOW, tz=UTC)
    return [newest - i * every for i in range(count)]


def test_no_hint_brings_a_poll_below_the_minimum_interval() -> None:
    eager = [ServerHints(max_age=0), ServerHints(ttl=60), ServerHints(max_age=1, ttl=1),
             ServerHints()]
    rng = _rng()
    for hints in eager:
        for rate in (None, 0.0, 1.0, 10_000.0, 10**9):
            for _ in range(50):
                delay = schedule.next_poll_after_success(NOW, rate, hints, LIMITS, rng) - NOW
                assert LIMITS.min_interval <= delay <= LIMITS.max_interval


def test_a_retry_after_of_one_second_still_waits_the_minimum() -> None:
    rng = _rng()
    for failures in range(1, 6):
        delay = schedule.next_poll_after_failure(NOW, failures, 1.0, LIMITS, rng) - NOW
        assert delay >= LIMITS.min_interval


def test_a_long_retry_after_is_respected_and_a_year_long_one_capped() -> None:
    rng = _rng()
    delay = schedule.next_poll_after_failure(NOW, 1, 7200.0, LIMITS, rng) - NOW
    assert delay >= 7200
    capped = schedule.next_poll_after_failure(NOW, 1, 365 * 86400.0, LIMITS, rng) - NOW
    assert capped == LIMITS.backoff_max


def test_retry_after_as_an_http_date() -> None:
    assert schedule.retry_after_seconds("Tue, 01 Dec 2026 13:00:00 GMT", NOW) == 3600
    assert schedule.retry_after_seconds("120", NOW) == 120
    assert schedule.retry_after_seconds("soon", NOW) is None
    assert schedule.retry_after_seconds(None, NOW) is None


def test_busy_feeds_are_polled_more_often_than_quiet_ones() -> None:
    busy = schedule.entries_per_day(_hourly_entries(48, timedelta(minutes=30)), NOW)
    daily = schedule.entries_per_day(_hourly_entries(20, timedelta(days=1)), NOW)
    dormant = schedule.entries_per_day(
        [datetime.fromtimestamp(NOW, tz=UTC) - timedelta(days=200)], NOW)
    assert busy is not None and daily is not None
    assert busy == pytest.approx(48, rel=0.05) and daily == pytest.approx(1, rel=0.1)
    assert dormant == 0.0
    intervals = [schedule.activity_interval(rate, LIMITS) for rate in (busy, daily, dormant)]
    assert intervals[0] < intervals[1] < intervals[2] == LIMITS.max_interval
    assert intervals[0] == pytest.approx(900, rel=0.1)  # twice per half-hourly entry
    flood = schedule.entries_per_day(_hourly_entries(50, timedelta(minutes=5)), NOW)
    assert schedule.activity_interval(flood, LIMITS) == LIMITS.min_interval  # clamped
    assert intervals[1] == pytest.approx(43200, rel=0.1)  # twice per daily entry


def test_an_undated_feed_gets_the_default_interval() -> None:
    assert schedule.entries_per_day([None, None], NOW) is None
    assert schedule.activity_interval(None, LIMITS) == LIMITS.default_interval


def test_a_burst_of_entries_just_published_is_not_read_as_thousands_a_day() -> None:
    burst = [datetime.fromtimestamp(NOW - i, tz=UTC) for i in range(10)]
    assert schedule.entries_per_day(burst, NOW) == pytest.approx(40)  # 10 per 6 hours


def test_publisher_hints_lengthen_the_interval_within_the_maximum() -> None:
    rng = _rng()
    busy = 500.0
    plain = schedule.next_poll_after_success(NOW, busy, ServerHints(), LIMITS, rng) - NOW
    with_ttl = schedule.next_poll_after_success(NOW, busy, ServerHints(ttl=3600), LIMITS, rng) - NOW
    with_age = schedule.next_poll_after_success(
        NOW, busy, ServerHints(max_age=7200), LIMITS, rng) - NOW
    weekly = schedule.next_poll_after_success(
        NOW, busy, ServerHints(update_period=7 * 86400), LIMITS, rng) - NOW
    assert plain < 400
    assert with_ttl >= 3600 and with_age >= 7200
    assert weekly == LIMITS.max_interval


def test_hints_are_read_from_headers_and_feed_elements() -> None:
    assert schedule.hints_from_headers({"cache-control": "public, max-age=600"}).max_age == 600
    assert schedule.hints_from_headers({"cache-control": "s-maxage=900, max-age=60"}).max_age == 900
    assert schedule.hints_from_headers({"cache-control": "no-cache, max-age=600"}).max_age is None
    assert schedule.hints_from_headers({}).floor() is None
    assert schedule.ttl_seconds("60") == 3600
    assert schedule.ttl_seconds("soon") is None and schedule.ttl_seconds("0") is None
    assert schedule.update_period_seconds("hourly", "2") == 1800
    assert schedule.update_period_seconds("daily", None) == 86400
    assert schedule.update_period_seconds("fortnightly", "1") is None


def test_failures_back_off_exponentially_then_cap() -> None:
    no_jitter = ScheduleLimits(**{**LIMITS.__dict__, "jitter_fraction": 0.0})
    delays = [schedule.next_poll_after_failure(NOW, n, None, no_jitter, _rng()) - NOW
              for n in range(1, 12)]
    assert delays[:4] == [300, 600, 1200, 2400]
    assert delays[-1] == no_jitter.backoff_max
    assert delays == sorted(delays)


def test_a_feed_failing_for_an_hour_is_polled_normally_within_one_interval_of_coming_back() -> None:
    """Simulate the clock: a feed publishing hourly fails every poll for an hour, then answers."""
    rng = _rng()
    hourly = 24.0
    normal = schedule.activity_interval(hourly, LIMITS)
    assert normal == 1800
    clock, failures, polls = NOW, 0, []
    outage_ends = NOW + 3600
    while clock < outage_ends:
        polls.append(clock)
        failures += 1
        clock = schedule.next_poll_after_failure(clock, failures, None, LIMITS, rng)
    assert not schedule.is_gone(500, NOW, clock, gone_after_days=7)
    assert failures >= 4  # backed off: 5, 10, 20 minutes...
    # ...yet the first poll after the feed is back comes within one normal interval,
    assert clock - outage_ends <= normal * (1 + LIMITS.jitter_fraction)
    # and that success puts it straight back on its normal interval.
    next_at = schedule.next_poll_after_success(clock, hourly, ServerHints(), LIMITS, rng)
    assert next_at - clock <= normal * (1 + LIMITS.jitter_fraction)
    assert all(b - a >= LIMITS.min_interval for a, b in pairwise(polls))


def test_gone_after_410_or_days_of_errors() -> None:
    assert schedule.is_gone(410, None, NOW, 7)
    assert not schedule.is_gone(404, NOW - 6 * 86400, NOW, 7)
    assert schedule.is_gone(503, NOW - 7 * 86400, NOW, 7)
    assert not schedule.is_gone(None, None, NOW, 7)


def test_jitter_spreads_feeds_added_together() -> None:
    rng = _rng()
    times = {round(schedule.next_poll_after_success(NOW, None, ServerHints(), LIMITS, rng))
             for _ in range(20)}
    assert len(times) > 15
    assert min(times) >= NOW + 900 * 0.9 and max(times) <= NOW + 900 * 1.1
