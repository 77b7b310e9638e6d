"""Polling one feed: conditional GET, parse, and hand each new entry to the article fetcher."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from services.common.settings import Settings
from services.ingest import http_fetch
from services.ingest.canonical_url import normalise
from services.ingest.feed_parse import FeedEntry, MalformedFeedError, parse_feed
from services.ingest.feed_registry import FeedRegistry, feed_id

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollOutcome:
    feed_url: str
    status: str  # "updated" | "not-modified" | "error" | "busy"
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


def poll_feed(
    url: str,
    registry: FeedRegistry,
    settings: Settings,
    send_entry: Callable[[dict[str, str | None]], None],
) -> PollOutcome:
    fid = feed_id(url)
    if not registry.acquire_poll_lock(fid, ttl_seconds=int(settings.http_total_deadline_seconds) * 2):
        return PollOutcome(url, "busy")
    try:
        return _poll_locked(url, fid, registry, settings, send_entry)
    finally:
        registry.release_poll_lock(fid)


def _poll_locked(
    url: str,
    fid: str,
    registry: FeedRegistry,
    settings: Settings,
    send_entry: Callable[[dict[str, str | None]], None],
) -> PollOutcome:
    state = registry.get(fid)
    try:
        response = http_fetch.fetch(url, feed_limits(settings), state.etag, state.last_modified)
        parsed = None if response.not_modified else parse_feed(
            response.content, response.final_url, response.content_type
        )
    except (http_fetch.FetchError, MalformedFeedError) as exc:
        delay = registry.record_failure(
            fid, str(exc), settings.feed_backoff_base_seconds, settings.feed_backoff_max_seconds
        )
        log.warning("feed %s failed (next try in %.0fs): %s", url, delay, exc)
        return PollOutcome(url, "error", error=str(exc))
    if parsed is None:
        registry.record_success(fid, 304, settings.poll_interval_seconds, None, None)
        return PollOutcome(url, "not-modified", http_status=304)
    new_entries = 0
    for entry in parsed.entries:
        if registry.is_entry_seen(fid, entry.key):
            continue
        article_url = normalise(entry.link)
        if registry.claim_article_url(article_url):
            try:
                send_entry(entry_message(entry, url))
            except Exception:
                # Not handed on: un-claim so the next poll tries again.
                registry.release_article_url(article_url)
                raise
            new_entries += 1
        registry.mark_entry_seen(fid, entry.key)
    registry.record_success(
        fid,
        response.status,
        settings.poll_interval_seconds,
        response.etag,
        response.last_modified,
        title=parsed.title,
    )
    if parsed.warning:
        log.info("feed %s parsed with a recovered error: %s", url, parsed.warning)
    return PollOutcome(url, "updated", http_status=response.status, new_entries=new_entries)
