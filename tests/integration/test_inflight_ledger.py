"""The in-flight ledger on the real Redis: atomic claim, re-send of stalled entries, settling."""

from __future__ import annotations

from services.common import inflight
from services.ingest.feed_registry import SEEN_URLS_KEY

URL = "https://news.example/gansu-kazakhstan-copper.html"
MESSAGE = {"url": URL, "feed_url": "https://news.example/feed.xml", "title": "Copper"}


def test_a_claim_records_the_entry_and_a_second_claim_records_nothing(redis_db) -> None:  # type: ignore[no-untyped-def]
    assert inflight.claim_and_record(redis_db, SEEN_URLS_KEY, URL, MESSAGE, 60, now=1000)
    other = {**MESSAGE, "url": URL + "?utm_source=rss"}
    assert not inflight.claim_and_record(redis_db, SEEN_URLS_KEY, URL, other, 60, now=1000)
    assert inflight.pending_count(redis_db) == 1
    assert redis_db.sismember(SEEN_URLS_KEY, URL)


def test_an_entry_not_settled_by_its_deadline_is_handed_back_once_per_period(redis_db) -> None:  # type: ignore[no-untyped-def]
    inflight.claim_and_record(redis_db, SEEN_URLS_KEY, URL, MESSAGE, 60, now=1000)
    assert inflight.take_stalled(redis_db, 60, now=1059) == []
    assert inflight.take_stalled(redis_db, 60, now=1060) == [MESSAGE]
    # Re-armed: the next sweep in the same period does not send it a second time.
    assert inflight.take_stalled(redis_db, 60, now=1061) == []
    assert inflight.take_stalled(redis_db, 60, now=1120) == [MESSAGE]


def test_a_settled_entry_is_never_sent_again(redis_db) -> None:  # type: ignore[no-untyped-def]
    inflight.claim_and_record(redis_db, SEEN_URLS_KEY, URL, MESSAGE, 60, now=1000)
    inflight.settle(redis_db, URL)
    assert inflight.take_stalled(redis_db, 60, now=10_000) == []
    assert inflight.pending_count(redis_db) == 0
    assert not redis_db.zscore(inflight.DEADLINES_KEY, URL)  # the sweep did not re-add it


def test_the_link_is_found_in_every_stage_message() -> None:
    fetch = [{"url": URL, "feed_url": None}]
    classified = [{"article": {"url": URL, "canonical_url": URL}, "labels": {}}]
    assert inflight.link_of_task_args(fetch) == URL
    assert inflight.link_of_task_args(classified) == URL
    assert inflight.link_of_task_args(["https://news.example/feed.xml"]) is None
    assert inflight.link_of_task_args([]) is None
