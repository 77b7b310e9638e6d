"""Polling one feed: conditional GET, parse, and hand its new entries to the article fetcher."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from services.common import log_context, metrics
from services.common.settings import Settings
from services.ingest import http_fetch, schedule
from services.ingest.canonical_url import normalise
from services.ingest.feed_parse import FeedEntry, MalformedFeedError, ParsedFeed, parse_feed
from services.ingest.feed_registry import FeedRegistry, FeedState, feed_id

log = logging.getLogger(__name__)

# Jitter only spreads polls out; it needs no cryptographic quality.
_JITTER = random.Random()
# Only these statuses carry a Retry-After meant for the client's next request (RFC 9110 10.2.3).
_RETRY_AFTER_STATUSES = {429, 503}
# Where poll times come from; tests replace it to simulate hours of polling in seconds.
clock: Callable[[], float] = time.time


@dataclass(frozen=True)
class PollOutcome:
    feed_url: str
    status: str  # "updated" | "not-modified" | "error" | "gone" | "busy" | "removed"
    http_status: int | None = None
    new_entries: int = 0
    error: str | None = None


def feed_limits(settings: Settings) -> http_fetch.FetchLimits:
    return http_fetch.FetchLimits.from_settings(settings, settings.max_feed_bytes)


def entry_message(entry: FeedEntry, feed_url: str) -> dict[str, str | None]:
    published: datetime | None = entry.published
    return {
        "url": entry.link,
        "feed_url": feed_url,
        "title": entry.title,
        "summary": entry.summary,
        "author": entry.author,
        "published": published.isoformat() if published else None,
    }


# Hands a batch of entry messages on, in one queue message.
SendEntries = Callable[[list[dict[str, str | None]]], None]

FeedFetch = Callable[
    [str, http_fetch.FetchLimits, str | None, str | None], http_fetch.FetchResult
]


def poll_feed(
    url: str,
    registry: FeedRegistry,
    settings: Settings,
    send_entries: SendEntries,
    fetch: FeedFetch = http_fetch.fetch,
) -> PollOutcome:
    """Poll one feed; ``fetch`` is the conditional GET (the workers pass their pooled one)."""
    log_context.bind(feed_url=url)
    outcome = _poll(url, registry, settings, send_entries, fetch)
    metrics.FEED_POLLS.labels(outcome=outcome.status).inc()
    metrics.FEED_NEW_ENTRIES.inc(outcome.new_entries)
    return outcome


def _poll(
    url: str,
    registry: FeedRegistry,
    settings: Settings,
    send_entries: SendEntries,
    fetch: FeedFetch,
) -> PollOutcome:
    fid = feed_id(url)
    if not registry.acquire_poll_lock(fid, ttl_seconds=int(settings.http_total_deadline_seconds) * 2):
        return PollOutcome(url, "busy")
    try:
        return _poll_locked(url, fid, registry, settings, send_entries, fetch)
    finally:
        registry.release_poll_lock(fid)


def _poll_locked(
    url: str,
    fid: str,
    registry: FeedRegistry,
    settings: Settings,
    send_entries: SendEntries,
    fetch: FeedFetch,
) -> PollOutcome:
    state = registry.find(fid)
    if state is None:  # removed after this poll was queued
        return PollOutcome(url, "removed")
    if state.state == "gone":
        return PollOutcome(url, "gone", error=state.gone_reason)
    limits = schedule.ScheduleLimits.from_settings(settings)
    try:
        response = fetch(url, feed_limits(settings), state.etag, state.last_modified)
        parsed = None if response.not_modified else parse_feed(
            response.content, response.final_url, response.content_type
        )
    except (http_fetch.FetchError, MalformedFeedError) as exc:
        return _record_failure(url, state, exc, registry, settings, limits)
    now = clock()
    header_hints = schedule.hints_from_headers(response.headers)
    if parsed is None:
        hints = schedule.ServerHints(max_age=header_hints.max_age, ttl=state.feed_hint_seconds)
        next_at = schedule.next_poll_after_success(
            now, state.entries_per_day, hints, limits, _JITTER)
        registry.record_success(fid, 304, next_at, None, None, now=now)
        return PollOutcome(url, "not-modified", http_status=304)
    new_entries = _hand_on_new_entries(url, fid, parsed.entries, registry, settings, send_entries)
    rate = schedule.entries_per_day((e.published for e in parsed.entries), now)
    feed_hint = _feed_hint(parsed)
    hints = schedule.ServerHints(max_age=header_hints.max_age, ttl=feed_hint)
    next_at = schedule.next_poll_after_success(now, rate, hints, limits, _JITTER)
    registry.record_success(
        fid,
        response.status,
        next_at,
        response.etag,
        response.last_modified,
        title=parsed.title,
        entries_per_day=rate,
        feed_hint_seconds=feed_hint,
        now=now,
    )
    if parsed.warning:
        log.info("feed %s parsed with a recovered error: %s", url, parsed.warning)
    return PollOutcome(url, "updated", http_status=response.status, new_entries=new_entries)


@dataclass
class _Claimed:
    entry: FeedEntry
    article_url: str
    message: dict[str, str | None]


def _hand_on_new_entries(
    url: str,
    fid: str,
    entries: list[FeedEntry],
    registry: FeedRegistry,
    settings: Settings,
    send_entries: SendEntries,
) -> int:
    """Claim each entry not seen before and send the claimed ones ``fetch_batch_size`` to a
    message; an entry is marked seen only once it is handed on (or another feed has it)."""
    batch: list[_Claimed] = []
    sent = 0
    for entry in entries:
        if registry.is_entry_seen(fid, entry.key):
            continue
        claimed = _Claimed(entry, normalise(entry.link), entry_message(entry, url))
        # Claimed and recorded in the in-flight ledger at once: if this poll dies before
        # the send, the ledger's sweep sends the entry later.
        if not registry.claim_article_url(
            claimed.article_url, claimed.message, settings.pipeline_resend_after_seconds
        ):
            registry.mark_entry_seen(fid, entry.key)
            continue
        batch.append(claimed)
        if len(batch) >= settings.fetch_batch_size:
            sent += _send_batch(fid, batch, registry, send_entries)
            batch = []
    if batch:
        sent += _send_batch(fid, batch, registry, send_entries)
    return sent


def _send_batch(
    fid: str, batch: list[_Claimed], registry: FeedRegistry, send_entries: SendEntries
) -> int:
    try:
        send_entries([claimed.message for claimed in batch])
    except Exception:
        # Not handed on: un-claim so the next poll tries again.
        for claimed in batch:
            registry.release_article_url(claimed.article_url, claimed.entry.link)
        raise
    registry.mark_entries_seen(fid, [claimed.entry.key for claimed in batch])
    return len(batch)


def _feed_hint(parsed: ParsedFeed) -> float | None:
    stated = [h for h in (parsed.ttl_seconds, parsed.update_period_seconds) if h is not None]
    return max(stated) if stated else None


def _record_failure(
    url: str,
    state: FeedState,
    exc: Exception,
    registry: FeedRegistry,
    settings: Settings,
    limits: schedule.ScheduleLimits,
) -> PollOutcome:
    """Back off (honouring Retry-After), or mark the feed gone if it is never coming back."""
    now = clock()
    status = getattr(exc, "status", None)
    error = str(exc)
    if schedule.is_gone(status, state.first_error_at or now, now, settings.feed_gone_after_days):
        registry.record_failure(state.id, error, now, status=status, now=now)
        reason = ("the server answered 410 Gone" if status == 410 else
                  f"no success for {settings.feed_gone_after_days:g} days")
        registry.mark_gone(state.id, f"{reason}: {error}", now=now)
        log.warning("feed %s is gone, no longer polled (%s)", url, reason)
        return PollOutcome(url, "gone", http_status=status, error=error)
    retry_after = (schedule.retry_after_seconds(getattr(exc, "retry_after", None), now)
                   if status in _RETRY_AFTER_STATUSES else None)
    next_at = schedule.next_poll_after_failure(
        now, state.error_count + 1, retry_after, limits, _JITTER)
    registry.record_failure(state.id, error, next_at, status=status, now=now)
    log.warning("feed %s failed (next try in %.0fs): %s", url, next_at - now, error)
    return PollOutcome(url, "error", http_status=status, error=error)
