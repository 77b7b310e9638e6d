"""Hostile feeds through the poller, against real Redis: what is handed on to fetching."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from services.ingest import poller
from services.ingest.feed_registry import FeedRegistry
from services.ingest.text_limits import MAX_TITLE_CHARS
from tests.local_servers import FEED_SERVER_PORT, Answer, RecordingServer


def _rss(*items: tuple[str, str, str]) -> Answer:
    body = "".join(f"<item><guid isPermaLink='false'>{guid}</guid><title>{title}</title>"
                   f"<link>{link}</link></item>" for guid, title, link in items)
    return Answer(body=f'<rss version="2.0"><channel><title>t</title>{body}</channel></rss>'.encode(),
                  headers=(("Content-Type", "application/rss+xml"),))


@pytest.fixture
def feeds() -> Iterator[RecordingServer]:
    site = "https://news.example"
    answers = {
        "/a.xml": _rss(("item-1", "A one", f"{site}/a-one"), ("item-2", "Shared", f"{site}/shared")),
        # The same GUIDs as feed A, for other articles: GUIDs are only unique within a feed.
        "/b.xml": _rss(("item-1", "B one", f"{site}/b-one"), ("item-2", "Shared", f"{site}/shared"),
                       ("item-3", "Long " * 200_000, f"{site}/long")),
        "/bomb.xml": Answer(body=b'<!DOCTYPE rss [<!ENTITY a "x"><!ENTITY b "&a;&a;">]>'
                                 b'<rss version="2.0"><channel><title>&b;</title></channel></rss>'),
    }
    with RecordingServer(answers, port=FEED_SERVER_PORT) as server:
        yield server


def _poll(url: str, registry: FeedRegistry, settings: Any) -> tuple[poller.PollOutcome, list[dict[str, Any]]]:
    sent: list[dict[str, Any]] = []
    return poller.poll_feed(url, registry, settings, send_entries=sent.extend), sent


def test_duplicate_guids_across_feeds_neither_hide_nor_duplicate_articles(
    feeds: RecordingServer, redis_db: Any, settings: Any
) -> None:
    registry = FeedRegistry(redis_db)
    sent: list[dict[str, Any]] = []
    for path in ("/a.xml", "/b.xml"):
        registry.add(feeds.url(path))
        sent += _poll(feeds.url(path), registry, settings)[1]

    links = sorted(message["url"] for message in sent)
    assert links == ["https://news.example/a-one", "https://news.example/b-one",
                     "https://news.example/long", "https://news.example/shared"]
    long_title = next(m["title"] for m in sent if m["url"].endswith("/long"))
    assert len(long_title) <= MAX_TITLE_CHARS


def test_an_entity_bomb_feed_fails_with_its_reason_in_the_feed_status(
    feeds: RecordingServer, redis_db: Any, settings: Any
) -> None:
    registry = FeedRegistry(redis_db)
    registry.add(feeds.url("/bomb.xml"))
    outcome, sent = _poll(feeds.url("/bomb.xml"), registry, settings)

    assert sent == []
    assert outcome.error is not None and "entity b refers to other entities" in outcome.error
    shown = registry.get_by_url(feeds.url("/bomb.xml")).last_error  # as `bri feeds list` shows it
    assert shown is not None and "entity b refers to other entities" in shown
