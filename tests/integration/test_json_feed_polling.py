"""A JSON Feed polled like any other: real Redis, the local feed server, conditional GETs."""

from __future__ import annotations

import json
from typing import Any

from services.ingest import poller
from services.ingest.feed_registry import FeedRegistry
from services.samplefeeds.server import SampleServer


def test_a_json_feed_is_polled_its_entries_handed_on_then_answered_by_304(
    sample_server: SampleServer, redis_db, settings  # type: ignore[no-untyped-def]
) -> None:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Capacity cooperation wire",
        "authors": [{"name": "Desk"}],
        "items": [
            {"id": "a", "url": "/articles/gansu-kazakhstan.html", "title": "Gansu smelter",
             "date_published": "2026-11-30T08:00:00+08:00", "summary": "Copper"},
            {"id": "b", "external_url": "https://elsewhere.example/qinghai", "title": "Qinghai"},
        ],
    }
    sample_server.set_override("/feeds/wire.json", json.dumps(document).encode(),
                        "application/feed+json")
    url = sample_server.url("/feeds/wire.json")
    registry = FeedRegistry(redis_db)
    registry.add(url)
    sent: list[dict[str, Any]] = []
    outcome = poller.poll_feed(url, registry, settings, send_entries=sent.extend)
    assert outcome.status == "updated" and outcome.new_entries == 2
    assert [m["url"] for m in sent] == [sample_server.url("/articles/gansu-kazakhstan.html"),
                                       "https://elsewhere.example/qinghai"]
    assert sent[0]["published"] == "2026-11-30T08:00:00+08:00" and sent[0]["author"] == "Desk"
    assert registry.get_by_url(url).title == "Capacity cooperation wire"

    registry.make_due_now()
    again = poller.poll_feed(url, registry, settings, send_entries=sent.extend)
    assert again.status == "not-modified" and len(sent) == 2
