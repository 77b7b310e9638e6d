"""The Feeds tab in headless Chromium: feed health from real polls, served by the real API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.ingest import poller
from services.ingest.feed_registry import FeedRegistry
from services.samplefeeds.server import SampleServer
from tests.e2e.browser_harness import SCREENSHOTS, chromium_browser, new_page, running_api

pytestmark = pytest.mark.e2e

HOSTILE_TITLE = '<img src=x onerror="window.__xss = 1">Wire <b>news</b>'


@pytest.fixture
def polled(sample_server: SampleServer, redis_db, settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """One feed healthy, one failing with 503, one gone after a 410."""
    registry = FeedRegistry(redis_db)
    healthy, failing, gone = sample_server.feed_urls
    for url in sample_server.feed_urls:
        registry.add(url)
    sample_server.fail_path("/" + failing.split("/", 3)[3], 503)
    sample_server.fail_path("/" + gone.split("/", 3)[3], 410)
    for url in sample_server.feed_urls:
        poller.poll_feed(url, registry, settings, send_entries=lambda messages: None)
    # A title is whatever the publisher wrote; the page must show it as text.
    redis_db.hset(f"bri:feed:{registry.get_by_url(failing).id}", "title", HOSTILE_TITLE)
    return {"healthy": healthy, "failing": failing, "gone": gone}


@pytest.fixture
def base_url(settings) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with running_api(settings) as url:
        yield url


@pytest.fixture
def page(base_url: str):  # type: ignore[no-untyped-def]
    with chromium_browser() as chromium:
        yield new_page(chromium, height=800)


def _row(page, url: str):  # type: ignore[no-untyped-def]
    return page.locator(f'#feeds tr.feed-row[data-url="{url}"]')


def test_the_feeds_tab_shows_each_feeds_health_and_its_problem(
    page, base_url, polled, sample_server, redis_db, settings, es  # type: ignore[no-untyped-def]
) -> None:
    page.goto(base_url + "/")
    page.click("#tab-feeds")
    page.wait_for_function("document.querySelectorAll('#feeds tr.feed-row').length === 3")
    assert page.locator("#search-form").is_hidden()  # the search steps aside
    assert "view=feeds" in page.url
    assert page.locator("#feeds-summary").inner_text() == "3 feeds: 1 active, 1 failing, 1 gone"

    healthy = _row(page, polled["healthy"])
    assert healthy.get_attribute("data-state") == "active"
    cells = healthy.locator("td").all_inner_texts()
    assert cells[0] == "active" and cells[2].endswith("ago") and cells[3] == "—"
    assert cells[4] == "0" and cells[5] == "0 %" and cells[7].startswith("in ")

    failing = _row(page, polled["failing"])
    assert failing.locator(".feed-state").inner_text() == "failing"
    assert "HTTP 503" in failing.locator(".error-text").inner_text()
    assert failing.locator("td").nth(2).inner_text() == "never"
    assert failing.locator(".feed-title").inner_text() == HOSTILE_TITLE  # text, not markup
    assert page.locator("#feeds img, #feeds b").count() == 0

    gone = _row(page, polled["gone"])
    assert gone.locator(".error-text").inner_text().startswith("gone: the server answered 410")
    assert gone.locator("td").last.inner_text() == "never"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "feeds.png"), full_page=True)

    # The failing feed comes back; Reload shows it recovered.
    sample_server.clear_failures()
    registry = FeedRegistry(redis_db)
    poller.poll_feed(polled["failing"], registry, settings, send_entries=lambda messages: None)
    page.click("#feeds-reload")
    page.wait_for_function(
        "url => document.querySelector(`#feeds tr[data-url=\"${url}\"]`).dataset.state"
        " === 'active'", arg=polled["failing"])
    assert page.locator("#feeds-summary").inner_text() == "3 feeds: 2 active, 0 failing, 1 gone"
    assert page.evaluate("typeof window.__xss") == "undefined" and page.dialogs == []

    page.click("#tab-articles")
    assert page.locator("#feeds-view").is_hidden() and page.locator("#search-form").is_visible()
