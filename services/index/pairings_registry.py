"""First-seen pairings: which (province, country) and (province, country, sector) links
have been reported, since when, until when and by how many articles.

Who saw a pairing first is decided by Redis ``HSETNX`` on the pairing's ``first_article``
field: however many index workers record the same new pairing at the same moment, exactly
one of them wins and announces it. Counts come from a set of article ids per pairing, so a
redelivered message cannot count its article twice. Times are the article's fetch time,
which a redelivery repeats unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import redis

from services.common.label_fields import pairing_key

PAIRINGS_KEY = "bri:pairings"  # every pairing key ever seen
LAST_SEEN_KEY = "bri:pairings:last_seen"  # zset: pairing key -> latest fetch time


def _hash_key(key: str) -> str:
    return f"bri:pairing:{key}"


def _articles_key(key: str) -> str:
    return f"bri:pairing:{key}:articles"


@dataclass(frozen=True)
class FirstSeen:
    """A pairing this article was the first to report, and whether that was announced."""

    key: str
    province: str
    country: str
    sector: str | None
    announced: bool


@dataclass(frozen=True)
class PairingStats:
    key: str
    province: str
    country: str
    sector: str | None
    first_seen: datetime
    last_seen: datetime
    first_article: str
    articles: int


def _wanted(links: Iterable[tuple[str, str, list[str]]]) -> dict[str, tuple[str, str, str | None]]:
    wanted: dict[str, tuple[str, str, str | None]] = {}
    for province, country, sectors in links:
        wanted[pairing_key(province, country)] = (province, country, None)
        for sector in sectors:
            wanted[pairing_key(province, country, sector)] = (province, country, sector)
    return wanted


class PairingRegistry:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def record_many(
        self, articles: Sequence[tuple[str, Iterable[tuple[str, str, list[str]]], datetime]]
    ) -> list[list[FirstSeen]]:
        """Record each article against each (province, country, sectors) link it reports,
        in one round trip.

        Returns, per article and in order, the pairings (with or without sector) whose
        first article it is, including on a redelivery, so the caller can announce any it
        has not announced yet.

        Each pairing is decided on its own by HSETNX: when two articles of the batch
        report the same new pairing, the earlier one in the batch is its first article.
        """
        per_article: list[tuple[str, dict[str, tuple[str, str, str | None]]]] = []
        pipe = self.client.pipeline(transaction=False)
        for article_id, links, seen_at in articles:
            wanted = _wanted(links)
            per_article.append((article_id, wanted))
            stamp = seen_at.timestamp()
            for key, (province, country, sector) in wanted.items():
                hkey = _hash_key(key)
                # The decision: exactly one article ever sets first_article. GT on the zset
                # keeps the latest time and still adds a pairing seen for the first time.
                pipe.hsetnx(hkey, "first_article", article_id)
                pipe.hsetnx(hkey, "first_seen", stamp)
                pipe.hsetnx(hkey, "province", province)
                pipe.hsetnx(hkey, "country", country)
                pipe.hsetnx(hkey, "sector", sector or "")
                pipe.sadd(_articles_key(key), article_id)
                pipe.zadd(LAST_SEEN_KEY, {key: stamp}, gt=True)
                pipe.sadd(PAIRINGS_KEY, key)
                pipe.hmget(hkey, "first_article", "announced")
        results = pipe.execute() if len(pipe) else []
        per_key = 9  # commands queued per pairing above
        firsts_by_article: list[list[FirstSeen]] = []
        position = 0
        for article_id, wanted in per_article:
            firsts = []
            for key, (province, country, sector) in wanted.items():
                first_article, announced = results[position + per_key - 1]
                position += per_key
                if first_article == article_id:
                    firsts.append(FirstSeen(key, province, country, sector, bool(announced)))
            firsts_by_article.append(firsts)
        return firsts_by_article

    def mark_announced_many(self, keys: Iterable[str]) -> None:
        """Set once the pairings' "new pairing" events are sent (one round trip); a
        redelivery then stays quiet."""
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.hset(_hash_key(key), "announced", 1)
        if len(pipe):
            pipe.execute()

    def stats(self, province: str, country: str, sector: str | None = None) -> PairingStats | None:
        key = pairing_key(province, country, sector)
        pipe = self.client.pipeline(transaction=False)
        pipe.hgetall(_hash_key(key))
        pipe.scard(_articles_key(key))
        pipe.zscore(LAST_SEEN_KEY, key)
        data, count, last = pipe.execute()
        if not data:
            return None
        return PairingStats(
            key=key, province=data["province"], country=data["country"],
            sector=data.get("sector") or None,
            first_seen=datetime.fromtimestamp(float(data["first_seen"]), UTC),
            last_seen=datetime.fromtimestamp(float(last or data["first_seen"]), UTC),
            first_article=data["first_article"], articles=int(count),
        )
