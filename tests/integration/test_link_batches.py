"""A poll's new links travel a batch to a message; each link of a batch keeps its own fate."""

from __future__ import annotations

import time
from typing import Any

import pytest

from services.common import contracts, dead_letter, inflight
from services.common.routing import (
    QUEUE_EXTRACT,
    QUEUE_INGEST,
    TASK_EXTRACT_PAGE,
    TASK_FETCH_ARTICLE,
    TASK_FETCH_ARTICLES,
)
from services.ingest import link_batch, poller
from services.ingest.canonical_url import normalise
from services.ingest.feed_registry import SEEN_URLS_KEY, FeedRegistry
from services.samplefeeds.corpus import article_names
from services.samplefeeds.server import SampleServer
from tests.queued_messages import queued as queued_messages

pytestmark = pytest.mark.integration


def _links(server: SampleServer, names: list[str]) -> list[dict[str, Any]]:
    return [{"url": server.article_url(name), "feed_url": server.feed_urls[0], "title": name}
            for name in names]


def _claim(redis_db, links: list[dict[str, Any]]) -> None:  # type: ignore[no-untyped-def]
    """As a poll leaves them: claimed, and watched by the in-flight ledger."""
    for link in links:
        assert inflight.claim_and_record(redis_db, SEEN_URLS_KEY, normalise(link["url"]), link, 1800)


def _fetch_batch(links: list[dict[str, Any]]) -> dict[str, int]:
    from services.ingest.worker import fetch_articles

    return fetch_articles.run(link_batch.batch_message(links))


def test_every_page_of_a_batch_reaches_extract(
    redis_db, sample_server: SampleServer  # type: ignore[no-untyped-def]
) -> None:
    links = _links(sample_server, article_names()[:12])
    assert _fetch_batch(links) == {"ok": 12}

    pages = queued_messages(redis_db, QUEUE_EXTRACT)
    assert {task for task, _ in pages} == {TASK_EXTRACT_PAGE}
    assert sorted(page["url"] for _, page in pages) == sorted(link["url"] for link in links)
    # Each page carries its own entry's feed metadata and its body.
    by_url = {page["url"]: contracts.PageFetched.model_validate(page) for _, page in pages}
    for link in links:
        page = by_url[link["url"]]
        assert page.title == link["title"] and page.feed_url == link["feed_url"]
        assert b"<html" in page.content().lower()
    assert queued_messages(redis_db, QUEUE_INGEST) == [] and dead_letter.count(redis_db) == 0


def test_a_link_that_fails_transiently_is_retried_on_its_own(
    redis_db, sample_server: SampleServer  # type: ignore[no-untyped-def]
) -> None:
    names = article_names()[:5]
    links = _links(sample_server, names)
    _claim(redis_db, links)
    sample_server.fail_path(f"/articles/{names[2]}", 503, times=1)

    assert _fetch_batch(links) == {"ok": 4, "retry": 1}

    # Only the failed link goes back to the ingest queue, as a single-link message.
    assert queued_messages(redis_db, QUEUE_INGEST) == [(TASK_FETCH_ARTICLE, links[2])]
    sent_on = sorted(page["url"] for _, page in queued_messages(redis_db, QUEUE_EXTRACT))
    assert sent_on == sorted(link["url"] for n, link in enumerate(links) if n != 2)
    # Its batch-mates were fetched once each, and nothing is dead-lettered.
    assert all(sample_server.request_count(f"/articles/{name}") == 1 for name in names)
    assert dead_letter.count(redis_db) == 0
    # Still watched by the ledger until it is indexed.
    assert inflight.pending_count(redis_db) == 5

    # The retry, run as the worker would, sends the page on.
    from services.ingest.worker import fetch_article

    assert fetch_article.run(links[2]) == links[2]["url"]
    assert links[2]["url"] in {page["url"] for _, page in queued_messages(redis_db, QUEUE_EXTRACT)}


def test_a_link_that_fails_permanently_is_dead_lettered_alone(
    redis_db, sample_server: SampleServer  # type: ignore[no-untyped-def]
) -> None:
    links = _links(sample_server, article_names()[:3])
    missing = {"url": sample_server.url("/articles/no-such-article.html"), "feed_url": None}
    batch = [links[0], missing, *links[1:]]
    _claim(redis_db, batch)

    assert _fetch_batch(batch) == {"ok": 3, "failed": 1}

    letters = dead_letter.list_letters(redis_db)
    assert len(letters) == 1
    # Recorded as the single-link message, so a replay fetches it alone.
    assert letters[0].task == TASK_FETCH_ARTICLE and letters[0].queue == QUEUE_INGEST
    assert letters[0].args == [missing] and letters[0].retries == 0
    assert "404" in letters[0].error and "no-such-article.html" in letters[0].error
    # The dead letter answers for it: the ledger stops watching it, and only it.
    assert redis_db.hget(inflight.PENDING_KEY, missing["url"]) is None
    assert inflight.pending_count(redis_db) == 3
    assert sorted(page["url"] for _, page in queued_messages(redis_db, QUEUE_EXTRACT)) == sorted(
        link["url"] for link in links)
    assert queued_messages(redis_db, QUEUE_INGEST) == []


def test_a_poll_sends_its_new_entries_in_batches_of_the_configured_size(
    redis_db, sample_server: SampleServer, settings  # type: ignore[no-untyped-def]
) -> None:
    registry = FeedRegistry(redis_db)
    url = sample_server.feed_urls[0]
    registry.add(url)
    batches: list[list[dict[str, Any]]] = []

    outcome = poller.poll_feed(url, registry, settings.model_copy(update={"fetch_batch_size": 2}),
                               send_entries=batches.append)

    sizes = [len(batch) for batch in batches]
    assert outcome.new_entries == sum(sizes) > 2
    assert all(size == 2 for size in sizes[:-1]) and sizes[-1] in (1, 2)
    urls = [message["url"] for batch in batches for message in batch]
    assert len(set(urls)) == len(urls)


def test_a_failed_batch_send_releases_only_that_batch(
    redis_db, sample_server: SampleServer, settings  # type: ignore[no-untyped-def]
) -> None:
    registry = FeedRegistry(redis_db)
    url = sample_server.feed_urls[0]
    registry.add(url)
    sent: list[list[dict[str, Any]]] = []

    def second_send_fails(batch: list[dict[str, Any]]) -> None:
        if sent:
            raise ConnectionError("broker unreachable")
        sent.append(batch)

    with pytest.raises(ConnectionError):
        poller.poll_feed(url, registry, settings.model_copy(update={"fetch_batch_size": 2}),
                         send_entries=second_send_fails)
    # The first batch was handed on and stays claimed; the second was released.
    assert inflight.pending_count(redis_db) == 2
    first = {message["url"] for message in sent[0]}

    registry.make_due_now()
    sample_server.reset_stats()
    again: list[dict[str, Any]] = []
    outcome = poller.poll_feed(url, registry, settings, send_entries=again.extend)
    assert outcome.status == "updated" and outcome.new_entries > 0
    assert first.isdisjoint(message["url"] for message in again)


class _PollKilled(BaseException):
    """What a worker killed mid-send looks like to the poll: nothing after it runs."""


def test_the_entries_of_a_poll_that_died_are_re_sent_in_batches_by_the_ledger_sweep(
    redis_db, sample_server: SampleServer, settings  # type: ignore[no-untyped-def]
) -> None:
    from services.ingest.worker import resend_stalled

    registry = FeedRegistry(redis_db)
    url = sample_server.feed_urls[0]
    registry.add(url)
    claimed: list[dict[str, Any]] = []

    def killed(batch: list[dict[str, Any]]) -> None:
        claimed.extend(batch)
        raise _PollKilled

    # Due for a re-send at once, so the sweep needs no wait.
    with pytest.raises(_PollKilled):
        poller.poll_feed(url, registry, settings.model_copy(update={"pipeline_resend_after_seconds": 0}),
                         send_entries=killed)
    assert claimed and queued_messages(redis_db, QUEUE_INGEST) == []

    assert resend_stalled.run() == len(claimed)

    queued = queued_messages(redis_db, QUEUE_INGEST)
    assert {task for task, _ in queued} == {TASK_FETCH_ARTICLES}
    assert all(len(payload["links"]) <= settings.fetch_batch_size for _, payload in queued)
    resent = [link["url"] for _, payload in queued for link in link_batch.links_of(payload)]
    assert sorted(resent) == sorted(message["url"] for message in claimed)


def test_a_slow_page_does_not_hold_back_its_batch_mates(
    sample_server: SampleServer, settings  # type: ignore[no-untyped-def]
) -> None:
    from services.ingest.async_fetcher import shared_fetcher

    slow = {"url": sample_server.url("/slow?seconds=1.5"), "feed_url": None}
    fast = _links(sample_server, article_names()[:3])
    arrivals: list[tuple[str, float]] = []
    started = time.monotonic()
    sinks = link_batch.LinkSinks(
        send_page=lambda page: arrivals.append((page.url, time.monotonic() - started)),
        retry_alone=lambda message: pytest.fail(f"{message['url']} was handed on"),
        dead_letter=lambda message, exc: pytest.fail(f"{message['url']} failed: {exc}"),
    )

    outcomes = link_batch.fetch_batch([slow, *fast], settings, shared_fetcher(settings).submit, sinks)

    assert outcomes == {"ok": 4}
    # The fast pages went on to extract as they arrived, before the slow one was done.
    assert len(arrivals) == 4 and arrivals[-1][0] == slow["url"]
    assert {url for url, _ in arrivals[:3]} == {link["url"] for link in fast}
    assert all(at < 1.0 for _, at in arrivals[:3]) and arrivals[-1][1] >= 1.5
