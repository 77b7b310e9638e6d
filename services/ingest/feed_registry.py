"""Feeds being watched and their polling state, kept in Redis so any ingest worker can poll.

Per feed: the validators for conditional GET (ETag, Last-Modified), when it is next due,
and its consecutive error count, which spaces polls out exponentially (as Miniflux does)
so a broken feed is not hammered and a healthy one is polled on schedule.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import redis

FEEDS_KEY = "bri:feeds"
SEEN_URLS_KEY = "bri:seen-urls"


def feed_id(url: str) -> str:
    return hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:16]


def _state_key(fid: str) -> str:
    return f"bri:feed:{fid}"


def _seen_key(fid: str) -> str:
    return f"bri:feed:{fid}:seen"


@dataclass(frozen=True)
class FeedState:
    id: str
    url: str
    title: str
    etag: str | None
    last_modified: str | None
    last_checked_at: float | None
    next_check_at: float
    error_count: int
    last_error: str | None
    last_status: int | None
    entries_seen: int

    @classmethod
    def from_hash(cls, fid: str, data: dict[str, str], entries_seen: int) -> FeedState:
        return cls(
            id=fid,
            url=data["url"],
            title=data.get("title", ""),
            etag=data.get("etag") or None,
            last_modified=data.get("last_modified") or None,
            last_checked_at=float(data["last_checked_at"]) if data.get("last_checked_at") else None,
            next_check_at=float(data.get("next_check_at", 0)),
            error_count=int(data.get("error_count", 0)),
            last_error=data.get("last_error") or None,
            last_status=int(data["last_status"]) if data.get("last_status") else None,
            entries_seen=entries_seen,
        )


class FeedRegistry:
    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    def add(self, url: str) -> tuple[FeedState, bool]:
        """Register a feed (due immediately); returns its state and whether it was new."""
        fid = feed_id(url)
        created = bool(self.redis.sadd(FEEDS_KEY, fid))
        if created:
            self.redis.hset(
                _state_key(fid),
                mapping={"url": url.strip(), "next_check_at": 0, "error_count": 0},
            )
        return self.get(fid), created

    def remove(self, url: str) -> bool:
        fid = feed_id(url)
        removed = bool(self.redis.srem(FEEDS_KEY, fid))
        self.redis.delete(_state_key(fid), _seen_key(fid))
        return removed

    def get(self, fid: str) -> FeedState:
        data = self.redis.hgetall(_state_key(fid))
        if not data:
            raise KeyError(f"no feed with id {fid}")
        return FeedState.from_hash(fid, data, int(self.redis.scard(_seen_key(fid))))

    def get_by_url(self, url: str) -> FeedState:
        return self.get(feed_id(url))

    def all(self) -> list[FeedState]:
        return sorted(
            (self.get(fid) for fid in self.redis.smembers(FEEDS_KEY)), key=lambda f: f.url
        )

    def due(self, now: float | None = None) -> list[FeedState]:
        moment = time.time() if now is None else now
        return [feed for feed in self.all() if feed.next_check_at <= moment]

    def make_due_now(self) -> None:
        for fid in self.redis.smembers(FEEDS_KEY):
            self.redis.hset(_state_key(fid), "next_check_at", 0)

    def acquire_poll_lock(self, fid: str, ttl_seconds: int) -> bool:
        """Only one worker polls a given feed at a time."""
        return bool(self.redis.set(f"bri:feed:{fid}:lock", "1", nx=True, ex=ttl_seconds))

    def release_poll_lock(self, fid: str) -> None:
        self.redis.delete(f"bri:feed:{fid}:lock")

    def record_success(
        self,
        fid: str,
        status: int,
        interval_seconds: int,
        etag: str | None,
        last_modified: str | None,
        title: str | None = None,
    ) -> None:
        now = time.time()
        mapping: dict[str, str | float | int] = {
            "last_checked_at": now,
            "next_check_at": now + interval_seconds,
            "error_count": 0,
            "last_error": "",
            "last_status": status,
        }
        # A 304 carries no new validators; keep the ones we sent.
        if status != 304:
            mapping["etag"] = etag or ""
            mapping["last_modified"] = last_modified or ""
        if title:
            mapping["title"] = title
        self.redis.hset(_state_key(fid), mapping=mapping)

    def record_failure(
        self, fid: str, error: str, base_seconds: int, max_seconds: int, status: int | None = None
    ) -> float:
        """Count the error and push the next poll out exponentially; returns the delay."""
        errors = int(self.redis.hincrby(_state_key(fid), "error_count", 1))
        delay = float(min(base_seconds * 2 ** (errors - 1), max_seconds))
        now = time.time()
        self.redis.hset(
            _state_key(fid),
            mapping={
                "last_checked_at": now,
                "next_check_at": now + delay,
                "last_error": error,
                "last_status": status if status is not None else "",
            },
        )
        return delay

    def is_entry_seen(self, fid: str, entry_key: str) -> bool:
        return bool(self.redis.sismember(_seen_key(fid), entry_key))

    def mark_entry_seen(self, fid: str, entry_key: str) -> None:
        self.redis.sadd(_seen_key(fid), entry_key)

    def claim_article_url(self, normalised_url: str) -> bool:
        """True the first time an article URL is claimed by any feed (cross-feed dedupe)."""
        return bool(self.redis.sadd(SEEN_URLS_KEY, normalised_url))

    def release_article_url(self, normalised_url: str) -> None:
        self.redis.srem(SEEN_URLS_KEY, normalised_url)


def defer(registry: FeedRegistry, fid: str, seconds: float) -> None:
    """Push a feed's next check out, so a poll already queued is not queued again."""
    registry.redis.hset(_state_key(fid), "next_check_at", time.time() + seconds)
