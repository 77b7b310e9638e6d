"""When to poll a feed next: pure functions of its history, the server's hints and the clamps.

A feed is polled about as often as it publishes (busy feeds more often, quiet ones
less), never sooner than the publisher asks (``Cache-Control: max-age``, RSS ``<ttl>``,
``sy:updatePeriod``, ``Retry-After``) and always within the configured minimum and
maximum interval. Failures back off exponentially from the same minimum; the first
success resets a feed to its normal interval. A random jitter spreads feeds added
together so they do not all come due on the same tick.

Nothing here touches Redis or the clock: callers pass ``now`` and a random source, so
every decision can be tested by simulating time.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from services.common.settings import Settings

SECONDS_PER_DAY = 86400.0
# Entries older than this say nothing about how busy a feed is now.
ACTIVITY_WINDOW_SECONDS = 30 * SECONDS_PER_DAY
# A burst of entries published within the last minutes would otherwise read as thousands a day.
MIN_ACTIVITY_SPAN_SECONDS = 6 * 3600.0

_UPDATE_PERIOD_SECONDS = {
    "hourly": 3600.0,
    "daily": SECONDS_PER_DAY,
    "weekly": 7 * SECONDS_PER_DAY,
    "monthly": 30 * SECONDS_PER_DAY,
    "yearly": 365 * SECONDS_PER_DAY,
}
_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*\"?(\d+)\"?", re.IGNORECASE)


@dataclass(frozen=True)
class ScheduleLimits:
    min_interval: float
    max_interval: float
    default_interval: float
    jitter_fraction: float
    entries_per_poll: float
    backoff_base: float
    backoff_max: float

    @classmethod
    def from_settings(cls, settings: Settings) -> ScheduleLimits:
        return cls(
            min_interval=float(settings.feed_min_interval_seconds),
            max_interval=float(settings.feed_max_interval_seconds),
            default_interval=float(settings.poll_interval_seconds),
            jitter_fraction=settings.feed_jitter_fraction,
            entries_per_poll=settings.feed_target_entries_per_poll,
            backoff_base=float(settings.feed_backoff_base_seconds),
            backoff_max=float(settings.feed_backoff_max_seconds),
        )

    def clamp(self, seconds: float) -> float:
        return min(max(seconds, self.min_interval), self.max_interval)


@dataclass(frozen=True)
class ServerHints:
    """What the publisher said about how often to come back (all in seconds, None if unsaid)."""

    max_age: float | None = None
    ttl: float | None = None
    update_period: float | None = None

    def floor(self) -> float | None:
        """The longest wait any hint asks for: polling sooner would fetch the same document."""
        stated = [h for h in (self.max_age, self.ttl, self.update_period) if h is not None]
        return max(stated) if stated else None


def entries_per_day(published: Iterable[datetime | None], now: float) -> float | None:
    """How many entries a day the feed published recently, from its entries' dates.

    None when no entry is dated (nothing to go on); 0.0 when every dated entry is older
    than the activity window (a quiet feed).
    """
    stamps = [p.timestamp() for p in published if p is not None]
    if not stamps:
        return None
    recent = [s for s in stamps if now - ACTIVITY_WINDOW_SECONDS <= s <= now + 3600]
    if not recent:
        return 0.0
    span = max(now - min(recent), MIN_ACTIVITY_SPAN_SECONDS)
    return len(recent) * SECONDS_PER_DAY / span


def activity_interval(rate_per_day: float | None, limits: ScheduleLimits) -> float:
    """The wait that finds about ``entries_per_poll`` new entries per poll, within the clamps."""
    if rate_per_day is None:
        return limits.clamp(limits.default_interval)
    if rate_per_day <= 0:
        return limits.max_interval
    return limits.clamp(limits.entries_per_poll * SECONDS_PER_DAY / rate_per_day)


def hints_from_headers(headers: dict[str, str]) -> ServerHints:
    """``Cache-Control: max-age`` (or ``s-maxage``) from response headers (lower-case names)."""
    cache_control = headers.get("cache-control", "")
    if re.search(r"\bno-(?:cache|store)\b", cache_control, re.IGNORECASE):
        return ServerHints()
    ages = [int(m) for m in _MAX_AGE.findall(cache_control)]
    return ServerHints(max_age=float(max(ages)) if ages else None)


def ttl_seconds(ttl: object) -> float | None:
    """RSS ``<ttl>``: minutes the channel may be cached."""
    try:
        minutes = float(str(ttl).strip())
    except ValueError:
        return None
    return minutes * 60 if minutes > 0 else None


def update_period_seconds(period: object, frequency: object = None) -> float | None:
    """RSS syndication module: ``updatePeriod`` divided by ``updateFrequency`` (default 1)."""
    base = _UPDATE_PERIOD_SECONDS.get(str(period or "").strip().lower())
    if base is None:
        return None
    try:
        times = float(str(frequency).strip()) if frequency not in (None, "") else 1.0
    except ValueError:
        times = 1.0
    return base / times if times > 0 else base


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """A ``Retry-After`` header: delay in seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, moment.timestamp() - now)


def _jittered(seconds: float, limits: ScheduleLimits, rng: random.Random) -> float:
    spread = seconds * limits.jitter_fraction
    return seconds + rng.uniform(-spread, spread)


def next_poll_after_success(
    now: float,
    rate_per_day: float | None,
    hints: ServerHints,
    limits: ScheduleLimits,
    rng: random.Random,
) -> float:
    """When a feed that just answered (200 or 304) is due again."""
    interval = activity_interval(rate_per_day, limits)
    interval = _jittered(interval, limits, rng)
    floor = hints.floor()
    if floor is not None:
        # Jitter spreads polls out but never brings one before the publisher's wait.
        interval = max(interval, floor)
    return now + limits.clamp(interval)


def next_poll_after_failure(
    now: float,
    consecutive_failures: int,
    retry_after: float | None,
    limits: ScheduleLimits,
    rng: random.Random,
) -> float:
    """When a failing feed is tried again: base·2ⁿ⁻¹ or the server's Retry-After, clamped."""
    exponent = min(max(consecutive_failures, 1) - 1, 62)
    delay = _jittered(min(limits.backoff_base * 2.0**exponent, limits.backoff_max), limits, rng)
    if retry_after is not None:
        delay = max(delay, retry_after)
    ceiling = max(limits.backoff_max, limits.max_interval)
    return now + min(max(delay, limits.min_interval), ceiling)


def is_gone(
    http_status: int | None, first_error_at: float | None, now: float, gone_after_days: float
) -> bool:
    """410 Gone, or failing without a single success for ``gone_after_days``."""
    if http_status == 410:
        return True
    return first_error_at is not None and now - first_error_at >= gone_after_days * SECONDS_PER_DAY


def describe_interval(seconds: float) -> str:
    """A wait for people: 45s, 12m, 3.5h, 2d."""
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}m"
    if seconds < 2 * SECONDS_PER_DAY:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / SECONDS_PER_DAY:.1f}d"


def utc_iso(timestamp: float | None) -> str | None:
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat() if timestamp else None
