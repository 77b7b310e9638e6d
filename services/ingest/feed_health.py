"""Each feed's health as people read it: `bri feeds list`, `GET /feeds` and the Feeds tab."""

from __future__ import annotations

from dataclasses import dataclass

from services.ingest.feed_registry import FeedHealthState, FeedState
from services.ingest.schedule import utc_iso


@dataclass(frozen=True)
class FeedHealth:
    id: str
    url: str
    title: str
    state: FeedHealthState
    last_success_at: str | None
    last_error_at: str | None
    last_error: str | None
    consecutive_failures: int
    last_status: int | None
    # Of the successful polls, the share answered 304 Not Modified (None before any).
    not_modified_share: float | None
    # From the dates of the entries in the feed's latest document (None: undated).
    entries_per_day: float | None
    entries_seen: int
    # None once the feed is gone: it is not polled again until added again.
    next_poll_at: str | None
    gone_reason: str | None


def feed_health(feed: FeedState, now: float) -> FeedHealth:
    gone = feed.state == "gone"
    share = feed.not_modified_share
    return FeedHealth(
        id=feed.id,
        url=feed.url,
        title=feed.title,
        state=feed.state,
        last_success_at=utc_iso(feed.last_success_at),
        last_error_at=utc_iso(feed.last_error_at),
        last_error=feed.last_error,
        consecutive_failures=feed.error_count,
        last_status=feed.last_status,
        not_modified_share=round(share, 3) if share is not None else None,
        entries_per_day=feed.entries_per_day,
        entries_seen=feed.entries_seen,
        # A feed already due (or never polled) is polled at the next scheduler tick: now.
        next_poll_at=None if gone else utc_iso(max(feed.next_check_at, now)),
        gone_reason=feed.gone_reason,
    )
