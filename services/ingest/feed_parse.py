"""Feed documents into entries: RSS 0.9x/1.0/2.0 and Atom via feedparser, JSON Feed 1.0/1.1
via `services.ingest.json_feed` (chosen by content type or a JSON Feed version)."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import feedparser

from services.ingest import schedule
from services.ingest.feed_types import FeedEntry, MalformedFeedError, ParsedFeed
from services.ingest.json_feed import is_json_feed, parse_json_feed
from services.ingest.text_limits import clip_title
from services.ingest.xml_entities import dangerous_entity

__all__ = ["FeedEntry", "MalformedFeedError", "ParsedFeed", "parse_feed"]


def parse_feed(content: bytes, url: str, content_type: str = "") -> ParsedFeed:
    if is_json_feed(content, content_type):
        return parse_json_feed(content, url)
    if entity_problem := dangerous_entity(content):
        raise MalformedFeedError(f"{url}: feed refused: {entity_problem}")
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(content, response_headers=headers, sanitize_html=True)
    problem = str(parsed.get("bozo_exception", "")) if parsed.get("bozo") else None
    if not parsed.entries and (problem or not parsed.get("version")):
        reason = problem or "not a recognised RSS or Atom feed, nor a JSON Feed"
        raise MalformedFeedError(f"{url}: malformed feed ({reason})")
    entries = [e for e in (_entry(raw, url) for raw in parsed.entries) if e is not None]
    skipped = len(parsed.entries) - len(entries)
    notes = [problem] if problem else []
    if skipped:
        notes.append(f"{skipped} entry(ies) without an http(s) link skipped")
    channel = parsed.feed
    return ParsedFeed(
        title=clip_title(channel.get("title", "")),
        entries=entries,
        warning="; ".join(notes) or None,
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
    if urlsplit(link).scheme not in ("http", "https"):
        return None  # javascript:, data:, mailto: ... nothing to fetch
    key = raw.get("id") or raw.get("guid") or link
    return FeedEntry(
        key=key,
        link=link,
        title=clip_title(raw.get("title", "")),
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
