"""Polling feeds against real Redis and the local sample-feed server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from services.ingest import poller
from services.ingest.feed_registry import FeedRegistry
from services.samplefeeds.corpus import FEED_NAMES, article_names
from services.samplefeeds.server import SampleServer, start_sample_server
from tests.local_servers import FEED_SERVER_PORT


@pytest.fixture
def server() -> Iterator[SampleServer]:
    with start_sample_server(FEED_SERVER_PORT) as running:
        yield running


@pytest.fixture
def registry(redis_db) -> FeedRegistry:  # type: ignore[no-untyped-def]
    return FeedRegistry(redis_db)


def _poll(url: str, registry: FeedRegistry, settings) -> tuple[poller.PollOutcome, list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    sent: list[dict[str, Any]] = []
    return poller.poll_feed(url, registry, settings, send_entry=sent.append), sent


def test_unchanged_feed_is_answered_by_304_and_not_parsed_again(
    server: SampleServer, registry: FeedRegistry, settings, monkeypatch  # type: ignore[no-untyped-def]
) -> None:
    url = server.feed_urls[0]
    registry.add(url)
    outcome, sent = _poll(url, registry, settings)
    assert outcome.status == "updated" and outcome.new_entries == len(sent) > 0

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged feed was parsed")

    monkeypatch.setattr(poller, "parse_feed", no_parsing)
    outcome, sent = _poll(url, registry, settings)
    assert outcome.status == "not-modified" and sent == []
    assert server.not_modified_count(f"/feeds/{FEED_NAMES[0]}") == 1
    assert registry.get_by_url(url).error_count == 0


def test_every_article_is_sent_once_across_feeds_and_polls(
    server: SampleServer, registry: FeedRegistry, settings  # type: ignore[no-untyped-def]
) -> None:
    sent_urls: list[str] = []
    for url in server.feed_urls:
        registry.add(url)
        _, sent = _poll(url, registry, settings)
        sent_urls += [m["url"] for m in sent]
    server.reset_stats()
    registry.make_due_now()
    for url in server.feed_urls:  # a second round: all 304
        _, sent = _poll(url, registry, settings)
        assert sent == []
    # One article is listed by two feeds (once with tracking parameters): sent once.
    assert len(sent_urls) == len(article_names())
    assert len({u.split("?")[0] for u in sent_urls}) == len(sent_urls)


def test_a_new_item_in_a_changed_feed_is_the_only_one_sent(
    server: SampleServer, registry: FeedRegistry, settings  # type: ignore[no-untyped-def]
) -> None:
    url = server.feed_urls[0]
    registry.add(url)
    _poll(url, registry, settings)
    original = server.url(f"/feeds/{FEED_NAMES[0]}")
    import httpx

    body = httpx.get(original).text
    new_item = (
        "<item><title>Qinghai and Turkmenistan sign water pact</title>"
        f"<link>{server.base_url}/articles/brand-new.html</link>"
        "<guid isPermaLink=\"false\">brand-new</guid></item>"
    )
    server.set_feed_override(FEED_NAMES[0], body.replace("</channel>", new_item + "</channel>").encode())
    outcome, sent = _poll(url, registry, settings)
    assert outcome.status == "updated"
    assert [m["url"] for m in sent] == [f"{server.base_url}/articles/brand-new.html"]


def test_a_broken_feed_backs_off_exponentially_and_says_why(
    server: SampleServer, registry: FeedRegistry, settings  # type: ignore[no-untyped-def]
) -> None:
    url = server.feed_urls[1]
    registry.add(url)
    server.set_feed_override(FEED_NAMES[1], b"<html><body>Service moved</body></html>")
    outcome, sent = _poll(url, registry, settings)
    assert outcome.status == "error" and "malformed feed" in (outcome.error or "")
    first = registry.get_by_url(url)
    assert first.error_count == 1 and "malformed feed" in (first.last_error or "")
    first_delay = first.next_check_at - (first.last_checked_at or 0)

    server.set_feed_override(FEED_NAMES[1], None)
    server.fail_path(f"/feeds/{FEED_NAMES[1]}", 503)
    outcome, _ = _poll(url, registry, settings)
    second = registry.get_by_url(url)
    assert second.error_count == 2 and "HTTP 503" in (second.last_error or "")
    # Doubled, give or take each delay's jitter.
    assert second.next_check_at - (second.last_checked_at or 0) > 1.5 * first_delay
    assert registry.due() == []  # not hammered while backing off

    server.clear_failures()
    outcome, sent = _poll(url, registry, settings)
    assert outcome.status == "updated" and sent
    recovered = registry.get_by_url(url)
    assert recovered.error_count == 0 and recovered.last_error is None


def test_an_entry_that_could_not_be_handed_on_is_retried_next_poll(
    server: SampleServer, registry: FeedRegistry, settings  # type: ignore[no-untyped-def]
) -> None:
    url = server.feed_urls[0]
    registry.add(url)

    def broken_queue(message: dict[str, Any]) -> None:
        raise ConnectionError("broker unreachable")

    with pytest.raises(ConnectionError):
        poller.poll_feed(url, registry, settings, send_entry=broken_queue)
    registry.make_due_now()
    server.reset_stats()
    outcome, _ = _poll(url, registry, settings)
    assert outcome.status == "updated" and outcome.new_entries > 0


def test_feeds_import_from_an_opml_url_watches_every_listed_feed(
    server: SampleServer, registry: FeedRegistry  # type: ignore[no-untyped-def]
) -> None:
    from typer.testing import CliRunner

    from services.cli.main import app

    runner = CliRunner()
    result = runner.invoke(app, ["feeds", "import", server.opml_url])
    assert result.exit_code == 0, result.output
    assert "3 added" in result.output
    assert sorted(f.url for f in registry.all()) == sorted(server.feed_urls)
    again = runner.invoke(app, ["feeds", "import", server.opml_url])
    assert "0 added, 3 already watched" in again.output
