"""Feeds being watched and their polling state, kept in Redis so any ingest worker can poll.

Per feed (a hash): the validators for conditional GET (ETag, Last-Modified), the health
people read in `bri feeds list` (last success, last error and why, consecutive failures,
how many answers were 304, entries per day) and whether it is gone. When each feed is
next due lives in one sorted set scored by time, so finding the due feeds among
thousands is one range query, not a read of every hash. `services.ingest.schedule`
decides the times; this module only stores them.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any, Literal

import redis

from services.common import inflight

FEEDS_KEY = "bri:feeds"
SEEN_URLS_KEY = "bri:seen-urls"
# Sorted set: feed id -> when it is next due (epoch seconds). Gone feeds are not in it.
SCHEDULE_KEY = "bri:feeds:schedule"
# Set once the schedule holds every registered feed (registries from before it existed).
SCHEDULE_MIGRATED_KEY = "bri:feeds:schedule:migrated"

FeedHealthState = Literal["active", "failing", "gone"]
AddResult = Literal["added", "revived", "watched"]

# Hash fields a revived feed starts afresh with.
_HEALTH_RESET = {
    "next_check_at": 0, "error_count": 0, "last_error": "", "first_error_at": "",
    "gone_at": "", "gone_reason": "",
}


def feed_id(url: str) -> str:
    return hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:16]


def _state_key(fid: str) -> str:
    return f"bri:feed:{fid}"


def _seen_key(fid: str) -> str:
    return f"bri:feed:{fid}:seen"


def _float(value: str | None) -> float | None:
    return float(value) if value else None


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
    last_success_at: float | None = None
    last_error_at: float | None = None
    first_error_at: float | None = None
    successes: int = 0
    not_modified: int = 0
    entries_per_day: float | None = None
    gone_at: float | None = None
    gone_reason: str | None = None
    # The longest wait the feed document itself asked for (RSS ttl, sy:updatePeriod),
    # kept for the 304 answers that do not repeat it.
    feed_hint_seconds: float | None = None

    @property
    def state(self) -> FeedHealthState:
        if self.gone_at:
            return "gone"
        return "failing" if self.error_count else "active"

    @property
    def not_modified_share(self) -> float | None:
        """Of the successful polls, the share answered 304 Not Modified."""
        return self.not_modified / self.successes if self.successes else None

    @classmethod
    def from_hash(cls, fid: str, data: dict[str, str], entries_seen: int) -> FeedState:
        return cls(
            id=fid,
            url=data["url"],
            title=data.get("title", ""),
            etag=data.get("etag") or None,
            last_modified=data.get("last_modified") or None,
            last_checked_at=_float(data.get("last_checked_at")),
            next_check_at=float(data.get("next_check_at") or 0),
            error_count=int(data.get("error_count") or 0),
            last_error=data.get("last_error") or None,
            last_status=int(data["last_status"]) if data.get("last_status") else None,
            entries_seen=entries_seen,
            last_success_at=_float(data.get("last_success_at")),
            last_error_at=_float(data.get("last_error_at")),
            first_error_at=_float(data.get("first_error_at")),
            successes=int(data.get("successes") or 0),
            not_modified=int(data.get("not_modified") or 0),
            entries_per_day=_float(data.get("entries_per_day")),
            gone_at=_float(data.get("gone_at")),
            gone_reason=data.get("gone_reason") or None,
            feed_hint_seconds=_float(data.get("feed_hint_seconds")),
        )


class FeedRegistry:
    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    def add(self, url: str) -> tuple[FeedState, bool]:
        """Register a feed (due immediately); returns its state and whether it will now be
        polled when it was not before (new, or revived after being marked gone)."""
        state, result = self.add_or_revive(url)
        return state, result != "watched"

    def add_or_revive(self, url: str) -> tuple[FeedState, AddResult]:
        fid = feed_id(url)
        result: AddResult = "watched"
        if self.redis.sadd(FEEDS_KEY, fid):
            self.redis.hset(_state_key(fid), mapping={"url": url.strip(), **_HEALTH_RESET})
            result = "added"
        elif self.redis.hget(_state_key(fid), "gone_at"):
            self.redis.hset(_state_key(fid), mapping=_HEALTH_RESET)
            result = "revived"
        if result != "watched":
            self.redis.zadd(SCHEDULE_KEY, {fid: 0})
        return self.get(fid), result

    def remove(self, url: str) -> bool:
        fid = feed_id(url)
        removed = bool(self.redis.srem(FEEDS_KEY, fid))
        self.redis.zrem(SCHEDULE_KEY, fid)
        self.redis.delete(_state_key(fid), _seen_key(fid))
        return removed

    def get(self, fid: str) -> FeedState:
        data = self.redis.hgetall(_state_key(fid))
        if not data:
            raise KeyError(f"no feed with id {fid}")
        return FeedState.from_hash(fid, data, int(self.redis.scard(_seen_key(fid))))

    def get_by_url(self, url: str) -> FeedState:
        return self.get(feed_id(url))

    def find(self, fid: str) -> FeedState | None:
        """The feed's state, or None if it was removed meanwhile."""
        try:
            return self.get(fid)
        except KeyError:
            return None

    def _states(self, fids: list[str]) -> list[FeedState]:
        """Many feeds' states in one round trip; ids whose hash is gone are skipped."""
        pipe = self.redis.pipeline(transaction=False)
        for fid in fids:
            pipe.hgetall(_state_key(fid))
            pipe.scard(_seen_key(fid))
        replies = pipe.execute()
        states = []
        for index, fid in enumerate(fids):
            data, seen = replies[2 * index], replies[2 * index + 1]
            if data:
                states.append(FeedState.from_hash(fid, data, int(seen)))
        return states

    def all(self) -> list[FeedState]:
        return sorted(self._states(list(self.redis.smembers(FEEDS_KEY))), key=lambda f: f.url)

    def due(self, now: float | None = None, limit: int | None = None) -> list[FeedState]:
        """Feeds whose next poll time has come, soonest first (gone feeds never are)."""
        self.migrate_schedule()
        moment = time.time() if now is None else now
        fids = self.redis.zrangebyscore(
            SCHEDULE_KEY, "-inf", moment, start=0 if limit else None, num=limit)
        states = self._states(list(fids))
        vanished = set(fids) - {s.id for s in states}
        if vanished:  # removed between the range query and the read
            self.redis.zrem(SCHEDULE_KEY, *vanished)
        return states

    def migrate_schedule(self) -> int:
        """Put every registered, not gone feed into the schedule (once per registry).

        Registries written before the schedule existed kept the due time only in each
        feed's hash; ``nx`` keeps any time a worker wrote meanwhile.
        """
        if self.redis.exists(SCHEDULE_MIGRATED_KEY):
            return 0
        fids = list(self.redis.smembers(FEEDS_KEY))
        moved = 0
        for state in self._states(fids):
            if state.state != "gone":
                moved += int(self.redis.zadd(SCHEDULE_KEY, {state.id: state.next_check_at},
                                             nx=True))
        self.redis.set(SCHEDULE_MIGRATED_KEY, int(time.time()))
        return moved

    def make_due_now(self) -> None:
        for state in self._states(list(self.redis.smembers(FEEDS_KEY))):
            if state.state != "gone":
                self._schedule(state.id, 0)

    def _schedule(self, fid: str, at: float) -> None:
        pipe = self.redis.pipeline(transaction=False)
        pipe.hset(_state_key(fid), "next_check_at", at)
        pipe.zadd(SCHEDULE_KEY, {fid: at})
        pipe.execute()

    def defer(self, fid: str, seconds: float) -> None:
        """Push a feed's next check out, so a poll already queued is not queued again."""
        self.defer_many([fid], seconds)

    def defer_many(self, fids: list[str], seconds: float) -> None:
        """`defer` for a whole tick's due feeds in one round trip."""
        at = time.time() + seconds
        pipe = self.redis.pipeline(transaction=False)
        for fid in fids:
            pipe.hset(_state_key(fid), "next_check_at", at)
            pipe.zadd(SCHEDULE_KEY, {fid: at}, xx=True)
        pipe.execute()

    def acquire_poll_lock(self, fid: str, ttl_seconds: int) -> bool:
        """Only one worker polls a given feed at a time."""
        return bool(self.redis.set(f"bri:feed:{fid}:lock", "1", nx=True, ex=ttl_seconds))

    def release_poll_lock(self, fid: str) -> None:
        self.redis.delete(f"bri:feed:{fid}:lock")

    def record_success(
        self,
        fid: str,
        status: int,
        next_check_at: float,
        etag: str | None,
        last_modified: str | None,
        title: str | None = None,
        entries_per_day: float | None = None,
        feed_hint_seconds: float | None = None,
        now: float | None = None,
    ) -> None:
        """A 200 or 304: errors forgotten, health counters updated, next poll scheduled."""
        if not self.redis.exists(_state_key(fid)):
            return  # removed while it was being polled: nothing to bring back
        moment = time.time() if now is None else now
        mapping: dict[str, str | float | int] = {
            "last_checked_at": moment,
            "last_success_at": moment,
            "next_check_at": next_check_at,
            "error_count": 0,
            "first_error_at": "",
            "last_error": "",
            "last_status": status,
        }
        # A 304 carries no new validators; keep the ones we sent.
        if status != 304:
            mapping["etag"] = etag or ""
            mapping["last_modified"] = last_modified or ""
        if title:
            mapping["title"] = title
        if status != 304:  # a new document: its hint, or none any more
            mapping["feed_hint_seconds"] = feed_hint_seconds or ""
        if entries_per_day is not None:
            mapping["entries_per_day"] = round(entries_per_day, 3)
        pipe = self.redis.pipeline(transaction=False)
        pipe.hset(_state_key(fid), mapping=mapping)
        pipe.hincrby(_state_key(fid), "successes", 1)
        if status == 304:
            pipe.hincrby(_state_key(fid), "not_modified", 1)
        pipe.zadd(SCHEDULE_KEY, {fid: next_check_at}, xx=True)
        pipe.execute()

    def record_failure(
        self,
        fid: str,
        error: str,
        next_check_at: float,
        status: int | None = None,
        now: float | None = None,
    ) -> int:
        """Count the error, remember why, schedule the retry; returns the errors in a row."""
        if not self.redis.exists(_state_key(fid)):
            return 0  # removed while it was being polled
        moment = time.time() if now is None else now
        errors = int(self.redis.hincrby(_state_key(fid), "error_count", 1))
        if not self.redis.hget(_state_key(fid), "first_error_at"):  # a success clears it
            self.redis.hset(_state_key(fid), "first_error_at", moment)
        self.redis.hset(
            _state_key(fid),
            mapping={
                "last_checked_at": moment,
                "last_error_at": moment,
                "next_check_at": next_check_at,
                "last_error": error,
                "last_status": status if status is not None else "",
            },
        )
        self.redis.zadd(SCHEDULE_KEY, {fid: next_check_at}, xx=True)
        return errors

    def mark_gone(self, fid: str, reason: str, now: float | None = None) -> None:
        """No more polls until `bri feeds add` revives it; it stays listed, with why."""
        moment = time.time() if now is None else now
        self.redis.hset(_state_key(fid), mapping={"gone_at": moment, "gone_reason": reason})
        self.redis.zrem(SCHEDULE_KEY, fid)

    def is_entry_seen(self, fid: str, entry_key: str) -> bool:
        return bool(self.redis.sismember(_seen_key(fid), entry_key))

    def mark_entry_seen(self, fid: str, entry_key: str) -> None:
        self.redis.sadd(_seen_key(fid), entry_key)

    def mark_entries_seen(self, fid: str, entry_keys: list[str]) -> None:
        if entry_keys:
            self.redis.sadd(_seen_key(fid), *entry_keys)

    def claim_article_url(
        self, normalised_url: str, message: dict[str, Any], resend_after_seconds: float
    ) -> bool:
        """True the first time an article URL is claimed by any feed (cross-feed dedupe).

        The claim also records ``message`` in the in-flight ledger, in one transaction,
        so a claimed article is always one the pipeline will deliver or re-send.
        """
        return inflight.claim_and_record(
            self.redis, SEEN_URLS_KEY, normalised_url, message, resend_after_seconds
        )

    def release_article_url(self, normalised_url: str, link_url: str) -> None:
        self.redis.srem(SEEN_URLS_KEY, normalised_url)
        inflight.settle(self.redis, link_url)

