"""Fetching one article page and turning it into an "article fetched" message."""

from __future__ import annotations

from datetime import datetime

from bs4 import BeautifulSoup
from pydantic import BaseModel, ConfigDict

from services.common import log_context, metrics
from services.common.contracts import ArticleFetched, utcnow
from services.common.errors import PermanentError
from services.common.settings import Settings
from services.ingest import http_fetch
from services.ingest.canonical_url import article_id, choose_canonical
from services.ingest.extract import ExtractionError, extract_article
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


def fetch_article(link: ArticleLink, settings: Settings) -> ArticleFetched:
    with metrics.time_step("ingest", "fetch-page"):
        response = http_fetch.fetch(link.url, page_limits(settings))
    try:
        with metrics.time_step("ingest", "extract"):
            extraction = extract_article(response.content, response.final_url, response.charset)
    except ExtractionError as exc:
        raise PermanentError(f"{link.url}: {exc}") from exc
    canonical = choose_canonical(response.final_url, extraction.canonical_url)
    # The id is born here (from the canonical URL); later stages read it from the message.
    log_context.bind(article_id=article_id(canonical))
    return ArticleFetched(
        article_id=article_id(canonical),
        url=link.url,
        canonical_url=canonical,
        feed_url=link.feed_url,
        title=clip_title(extraction.title or link.title),
        text=extraction.text,
        summary=_plain(link.summary) or (extraction.description or ""),
        author=extraction.author or link.author,
        published=extraction.published or link.published,
        language=extraction.language,
        site_name=extraction.site_name,
        fetched_at=utcnow(),
    )


def _plain(html: str) -> str:
    if not html:
        return ""
    return " ".join(BeautifulSoup(html, "lxml").get_text(" ").split())
