"""The in-flight ledger: every article handed to the pipeline until its document is stored.

Late acknowledgement is not enough on its own. Kombu's Redis transport takes a message off
the queue with BRPOP and only then, in a second round trip, records it as unacknowledged;
a worker killed between the two (its reply still in the socket, or the bookkeeping not yet
sent) loses the message for good: it is in no queue and in no unacknowledged hash, so no
visibility timeout brings it back. Under load that window is open a few percent of the time
at every stage, which is how one article in 200 went missing after a SIGKILL.

So the pipeline keeps its own end-to-end record. The ingest stage claims an article URL and
records the entry in the same Redis transaction (a poll killed in between can neither leave
the URL claimed but never sent, nor sent but unrecorded). The index stage settles the entry
once the document is stored; a message that lands in the dead-letter list settles it too
(the dead letter is kept and can be replayed). Entries still unsettled past their deadline
are sent again by a periodic sweep; stable document ids make the repeat harmless.
"""

from __future__ import annotations

import json
import time
from typing import Any

import redis

PENDING_KEY = "bri:inflight"  # link URL -> the entry message, as first sent
DEADLINES_KEY = "bri:inflight:deadlines"  # link URL -> when to send it again

# Claim the URL (cross-feed dedupe) and record the entry atomically: both or neither.
_CLAIM_AND_RECORD = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[2])
return 1
"""


def claim_and_record(
    client: redis.Redis, claimed_set: str, normalised_url: str, message: dict[str, Any],
    stall_seconds: float, now: float | None = None,
) -> bool:
    """True (and recorded) the first time ``normalised_url`` is claimed in ``claimed_set``."""
    deadline = (time.time() if now is None else now) + stall_seconds
    link = str(message["url"])
    claimed = client.eval(
        _CLAIM_AND_RECORD, 3, claimed_set, PENDING_KEY, DEADLINES_KEY,
        normalised_url, link, json.dumps(message), deadline,
    )
    return bool(claimed)


def settle(client: redis.Redis, link_url: str) -> None:
    """The article's document is stored (or its message dead-lettered): stop watching it."""
    settle_many(client, [link_url])


def settle_many(client: redis.Redis, link_urls: list[str]) -> None:
    """``settle`` for the articles of one bulk request, in one transaction."""
    if not link_urls:
        return
    pipe = client.pipeline(transaction=True)
    pipe.hdel(PENDING_KEY, *link_urls)
    pipe.zrem(DEADLINES_KEY, *link_urls)
    pipe.execute()


def take_stalled(
    client: redis.Redis, stall_seconds: float, limit: int = 500, now: float | None = None
) -> list[dict[str, Any]]:
    """Entries past their deadline, each pushed one more ``stall_seconds`` out; to re-send."""
    moment = time.time() if now is None else now
    links = client.zrangebyscore(DEADLINES_KEY, "-inf", moment, start=0, num=limit)
    if not links:
        return []
    pipe = client.pipeline(transaction=True)
    # XX: only entries still pending, so a settle racing this sweep is not undone.
    pipe.zadd(DEADLINES_KEY, {link: moment + stall_seconds for link in links}, xx=True)
    pipe.hmget(PENDING_KEY, links)
    _, raw = pipe.execute()
    return [json.loads(item) for item in raw if item is not None]


def pending_count(client: redis.Redis) -> int:
    return int(client.zcard(DEADLINES_KEY))


def link_of_task_args(args: list[Any]) -> str | None:
    """The article link a pipeline task's message carries, whatever the stage."""
    first = args[0] if args else None
    if not isinstance(first, dict):
        return None
    article = first.get("article")
    if isinstance(article, dict):  # an "article classified" message
        first = article
    url = first.get("url")
    return url if isinstance(url, str) else None
