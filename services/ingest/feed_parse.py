"""Feed documents (RSS 0.9x/1.0/2.0, Atom, JSON Feed...) into entries, via feedparser."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser

from services.common.errors import PermanentError
from services.ingest import schedule


class MalformedFeedError(PermanentError):
    pass


@dataclass(frozen=True)
class FeedEntry:
    key: str
    link: str
    title: str
    summary: str
    published: datetime | None
    author: str | None


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: list[FeedEntry]
    # feedparser recovers from many errors; this says what it had to recover from.
    warning: str | None
    # How long the document says it may be cached: RSS <ttl>, sy:updatePeriod (seconds).
    ttl_seconds: float | None = None
    update_period_seconds: float | None = None


def parse_feed(content: bytes, url: str, content_type: str = "") -> ParsedFeed:
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(content, response_headers=headers, sanitize_html=True)
    problem = str(parsed.get("bozo_exception", "")) if parsed.get("bozo") else None
    if not parsed.entries and (problem or not parsed.get("version")):
        reason = problem or "not a recognised RSS, Atom or JSON feed"
        raise MalformedFeedError(f"{url}: malformed feed ({reason})")
    entries = [e for e in (_entry(raw, url) for raw in parsed.entries) if e is not None]
    channel = parsed.feed
    return ParsedFeed(
        title=channel.get("title", ""),
        entries=entries,
        warning=problem,
        ttl_seconds=schedule.ttl_seconds(channel.get("ttl")),
        update_period_seconds=schedule.update_period_seconds(
            channel.get("sy_updateperiod"), channel.get("sy_updatefrequency")),
    )


def _entry(raw: feedparser.FeedParserDict, feed_url: str) -> FeedEntry | None:
    link = raw.get("link") or ""
    if not link:
        for candidate in raw.get("links", []):
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link:
        return None
    link = urljoin(feed_url, link)
    key = raw.get("id") or raw.get("guid") or link
    return FeedEntry(
        key=key,
        link=link,
        title=raw.get("title", ""),
        summary=raw.get("summary", ""),
        published=_date(raw.get("published_parsed") or raw.get("updated_parsed")),
        author=raw.get("author"),
    )


def _date(struct: object) -> datetime | None:
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
