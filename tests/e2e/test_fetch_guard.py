"""A feed linking into the internal network, through the real workers: nothing inside is
fetched, and each refused entry waits in the dead-letter list naming the rule."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.cli.pipeline_status import wait_until_idle
from services.common import dead_letter
from services.common.routing import TASK_FETCH_ARTICLE
from services.ingest.feed_registry import FeedRegistry
from services.ingest.poller import poll_feed
from tests.local_servers import FEED_SERVER_PORT, Answer, RecordingServer

pytestmark = pytest.mark.e2e

@pytest.fixture
def internal() -> Iterator[RecordingServer]:
    """Stands for the internal Elasticsearch node: answers HTML, so a fetch would index it."""
    page = Answer(body=b"<html><body><article><p>" + b"Internal index listing. " * 50
                  + b"</p></article></body></html>", headers=(("Content-Type", "text/html"),))
    with RecordingServer({"/_cat/indices": page, "/_nodes/settings": page}) as server:
        yield server


def _rss(*links: str) -> bytes:
    items = "".join(f"<item><title>Entry {n}</title><link>{link}</link><guid>g{n}</guid></item>"
                    for n, link in enumerate(links))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f"<link>http://feeds.example/</link>{items}</channel></rss>").encode()


def test_feed_entries_linking_inside_are_never_fetched_and_are_dead_lettered(
    workers, internal, redis_db, settings  # type: ignore[no-untyped-def]
) -> None:
    from services.ingest.worker import send_links

    inside = [internal.url("/_cat/indices"), internal.url("/_nodes/settings"),
              "http://169.254.169.254/latest/meta-data/"]
    feed = Answer(body=_rss(*inside), headers=(("Content-Type", "application/rss+xml"),))
    with RecordingServer({"/feed.xml": feed}, port=FEED_SERVER_PORT) as feeds:
        registry = FeedRegistry(redis_db)
        registry.add(feeds.url("/feed.xml"))
        outcome = poll_feed(feeds.url("/feed.xml"), registry, settings,
                            send_entries=send_links)
        assert outcome.new_entries == 3
        assert wait_until_idle(redis_db, timeout=90)

    assert internal.requested == []
    letters = {letter.args[0]["url"]: letter for letter in dead_letter.list_letters(redis_db)}
    assert set(letters) == set(inside)
    for url in inside[:2]:
        assert letters[url].task == TASK_FETCH_ARTICLE
        assert "127.0.0.1 is a loopback address" in letters[url].error
        assert "BRI_FETCH_ALLOWED_HOSTS" in letters[url].error
        assert letters[url].retries == 0  # permanent: not retried
    assert "169.254.169.254 is a cloud metadata address" in letters[inside[2]].error
