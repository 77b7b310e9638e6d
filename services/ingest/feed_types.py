"""What parsing a feed yields, whatever its format (RSS, Atom, JSON Feed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.common.errors import PermanentError


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
    # What parsing had to recover from or skip (feedparser recovers from many errors).
    warning: str | None
    # How long the document says it may be cached: RSS <ttl>, sy:updatePeriod (seconds).
    ttl_seconds: float | None = None
    update_period_seconds: float | None = None
