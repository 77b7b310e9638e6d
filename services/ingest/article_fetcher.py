"""Fetching one article page (I/O), and turning a fetched page into an article (CPU).

The two halves run in different workers: ``download_page`` on the ingest worker's
shared async client, ``extract_page`` in the extract worker's processes, one per core.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Future, as_completed
from datetime import datetime

from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from pydantic import BaseModel, ConfigDict

from services.common import log_context, metrics
from services.common.contracts import ArticleFetched, PageFetched, utcnow
from services.common.errors import PermanentError
from services.common.settings import Settings
from services.ingest import http_fetch
from services.ingest.canonical_url import article_id, choose_canonical
from services.ingest.extract import ExtractionError, extract_article
from services.ingest.page_metadata import plain_text
from services.ingest.text_limits import clip_title


class ArticleLink(BaseModel):
    """An entry found in a feed, queued for fetching (ingest's own queue message)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    url: str
    feed_url: str | None = None
    title: str = ""
    summary: str = ""
    author: str | None = None
    published: datetime | None = None


def page_limits(settings: Settings) -> http_fetch.FetchLimits:
    return http_fetch.FetchLimits.from_settings(settings, settings.max_page_bytes)


PageFetch = Callable[[str, http_fetch.FetchLimits], http_fetch.FetchResult]


# Starts one page's GET and returns at once (``AsyncFetcher.submit``).
PageSubmit = Callable[[str, http_fetch.FetchLimits], Future[http_fetch.FetchResult]]


def download_page(link: ArticleLink, settings: Settings, fetch: PageFetch = http_fetch.fetch) -> PageFetched:
    with metrics.time_step("ingest", "fetch-page"):
        response = fetch(link.url, page_limits(settings))
    return page_of(link, response)


def download_pages(
    links: list[ArticleLink], settings: Settings, submit: PageSubmit
) -> Iterator[tuple[ArticleLink, PageFetched | Exception]]:
    """Every link's page fetched at once, each yielded as soon as it is done (a slow page
    does not hold back the others): the page, or the exception its fetch ended with."""
    limits = page_limits(settings)
    started = time.perf_counter()
    pending: dict[Future[http_fetch.FetchResult], ArticleLink] = {}
    for link in links:
        future = submit(link.url, limits)
        # Timed where the GET ends (the loop thread), not where its result is read.
        future.add_done_callback(
            lambda _: metrics.observe_step("ingest", "fetch-page", time.perf_counter() - started))
        pending[future] = link
    for future in as_completed(pending):
        link = pending[future]
        try:
            outcome: PageFetched | Exception = page_of(link, future.result())
        except Exception as exc:
            outcome = exc
        yield link, outcome


def page_of(link: ArticleLink, response: http_fetch.FetchResult) -> PageFetched:
    return PageFetched(
        url=link.url,
        final_url=response.final_url,
        charset=response.charset,
        body=PageFetched.pack(response.content),
        feed_url=link.feed_url,
        title=link.title,
        summary=link.summary,
        author=link.author,
        published=link.published,
    )


def extract_page(page: PageFetched) -> ArticleFetched:
    try:
        with metrics.time_step("extract", "extract"):
            extraction = extract_article(page.content(), page.final_url, page.charset)
    except ExtractionError as exc:
        raise PermanentError(f"{page.url}: {exc}") from exc
    canonical = choose_canonical(page.final_url, extraction.canonical_url)
    # The id is born here (from the canonical URL); later stages read it from the message.
    log_context.bind(article_id=article_id(canonical))
    return ArticleFetched(
        article_id=article_id(canonical),
        url=page.url,
        canonical_url=canonical,
        feed_url=page.feed_url,
        title=clip_title(extraction.title or page.title),
        text=extraction.text,
        summary=_plain(page.summary) or (extraction.description or ""),
        author=extraction.author or page.author,
        published=extraction.published or page.published,
        language=extraction.language,
        site_name=extraction.site_name,
        fetched_at=utcnow(),
    )


def fetch_article(link: ArticleLink, settings: Settings) -> ArticleFetched:
    """Both halves in one call, for one-off use outside the workers."""
    return extract_page(download_page(link, settings))


def _plain(html: str) -> str:
    try:
        return plain_text(html)
    except ValueError:
        # lxml refuses text that starts with an XML encoding declaration; rare enough
        # in a summary to leave to the slower, more forgiving parser. The summary is HTML
        # that merely starts like XML, so bs4's advice to parse it as XML does not apply.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
            return " ".join(BeautifulSoup(html, "lxml").get_text(" ").split())
