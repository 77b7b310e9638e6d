"""Polling feeds against real Redis and the local sample-feed server."""

from __future__ import annotations

from typing import Any

import pytest

from services.ingest import poller
from services.ingest.feed_registry import FeedRegistry
from services.samplefeeds.corpus import FEED_NAMES, article_names
from services.samplefeeds.server import SampleServer


def _poll(url: str, feed_registry: FeedRegistry, settings) -> tuple[poller.PollOutcome, list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    sent: list[dict[str, Any]] = []
    return poller.poll_feed(url, feed_registry, settings, send_entries=sent.extend), sent


def test_unchanged_feed_is_answered_by_304_and_not_parsed_again(
    sample_server: SampleServer, feed_registry: FeedRegistry, settings, monkeypatch  # type: ignore[no-untyped-def]
) -> None:
    url = sample_server.feed_urls[0]
    feed_registry.add(url)
    outcome, sent = _poll(url, feed_registry, settings)
    assert outcome.status == "updated" and outcome.new_entries == len(sent) > 0

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged feed was parsed")

    monkeypatch.setattr(poller, "parse_feed", no_parsing)
    outcome, sent = _poll(url, feed_registry, settings)
    assert outcome.status == "not-modified" and sent == []
    assert sample_server.not_modified_count(f"/feeds/{FEED_NAMES[0]}") == 1
    assert feed_registry.get_by_url(url).error_count == 0


def test_every_article_is_sent_once_across_feeds_and_polls(
    sample_server: SampleServer, feed_registry: FeedRegistry, settings  # type: ignore[no-untyped-def]
) -> None:
    sent_urls: list[str] = []
    for url in sample_server.feed_urls:
        feed_registry.add(url)
        _, sent = _poll(url, feed_registry, settings)
        sent_urls += [m["url"] for m in sent]
    sample_server.reset_stats()
    feed_registry.make_due_now()
    for url in sample_server.feed_urls:  # a second round: all 304
        _, sent = _poll(url, feed_registry, settings)
        assert sent == []
    # One article is listed by two feeds (once with tracking parameters): sent once.
    assert len(sent_urls) == len(article_names())
    assert len({u.split("?")[0] for u in sent_urls}) == len(sent_urls)


def test_a_new_item_in_a_changed_feed_is_the_only_one_sent(
    sample_server: SampleServer, feed_registry: FeedRegistry, settings  # type: ignore[no-untyped-def]
) -> None:
    url = sample_server.feed_urls[0]
    feed_registry.add(url)
    _poll(url, feed_registry, settings)
    original = sample_server.url(f"/feeds/{FEED_NAMES[0]}")
    import httpx

    body = httpx.get(original).text
    new_item = (
        "<item><title>Qinghai and Turkmenistan sign water pact</title>"
        f"<link>{sample_server.base_url}/articles/brand-new.html</link>"
        "<guid isPermaLink=\"false\">brand-new</guid></item>"
    )
    updated = body.replace("</channel>", new_item + "</channel>")
    sample_server.set_feed_override(FEED_NAMES[0], updated.encode())
    outcome, sent = _poll(url, feed_registry, settings)
    assert outcome.status == "updated"
    assert [m["url"] for m in sent] == [f"{sample_server.base_url}/articles/brand-new.html"]


def test_a_broken_feed_backs_off_exponentially_and_says_why(
    sample_server: SampleServer, feed_registry: FeedRegistry, settings  # type: ignore[no-untyped-def]
) -> None:
    url = sample_server.feed_urls[1]
    feed_registry.add(url)
    sample_server.set_feed_override(FEED_NAMES[1], b"<html><body>Service moved</body></html>")
    outcome, sent = _poll(url, feed_registry, settings)
    assert outcome.status == "error" and "malformed feed" in (outcome.error or "")
    first = feed_registry.get_by_url(url)
    assert first.error_count == 1 and "malformed feed" in (first.last_error or "")
    first_delay = first.next_check_at - (first.last_checked_at or 0)

    sample_server.set_feed_override(FEED_NAMES[1], None)
    sample_server.fail_path(f"/feeds/{FEED_NAMES[1]}", 503)
    outcome, _ = _poll(url, feed_registry, settings)
    second = feed_registry.get_by_url(url)
    assert second.error_count == 2 and "HTTP 503" in (second.last_error or "")
    # Doubled, give or take each delay's jitter.
    assert second.next_check_at - (second.last_checked_at or 0) > 1.5 * first_delay
    assert feed_registry.due() == []  # not hammered while backing off

    sample_server.clear_failures()
    outcome, sent = _poll(url, feed_registry, settings)
    assert outcome.status == "updated" and sent
    recovered = feed_registry.get_by_url(url)
    assert recovered.error_count == 0 and recovered.last_error is None


def test_an_entry_that_could_not_be_handed_on_is_retried_next_poll(
    sample_server: SampleServer, feed_registry: FeedRegistry, settings  # type: ignore[no-untyped-def]
) -> None:
    url = sample_server.feed_urls[0]
    feed_registry.add(url)

    def broken_queue(messages: list[dict[str, Any]]) -> None:
        raise ConnectionError("broker unreachable")

    with pytest.raises(ConnectionError):
        poller.poll_feed(url, feed_registry, settings, send_entries=broken_queue)
    feed_registry.make_due_now()
    sample_server.reset_stats()
    outcome, _ = _poll(url, feed_registry, settings)
    assert outcome.status == "updated" and outcome.new_entries > 0


def test_feeds_import_from_an_opml_url_watches_every_listed_feed(
    sample_server: SampleServer, feed_registry: FeedRegistry  # type: ignore[no-untyped-def]
) -> None:
    from typer.testing import CliRunner

    from services.cli.main import app

    runner = CliRunner()
    result = runner.invoke(app, ["feeds", "import", sample_server.opml_url])
    assert result.exit_code == 0, result.output
    assert "3 added" in result.output
    assert sorted(f.url for f in feed_registry.all()) == sorted(sample_server.feed_urls)
    again = runner.invoke(app, ["feeds", "import", sample_server.opml_url])
    assert "0 added, 3 already watched" in again.output
