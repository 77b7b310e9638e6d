"""A batch of article links in one ingest message: its wire form, and fetching its pages.

Celery's bookkeeping for a message (publish, delivery, acknowledgement, hooks) costs more
CPU than the GET it carries, so a poll sends its new links a batch to a message. The
pages download concurrently, and each link keeps the outcome it would have had in a
message of its own: a fetched page goes on to extract, a link that failed transiently is
handed to the single-link task (whose retries and backoff then apply to it alone), one
that failed for good is dead-lettered as that task's message. Nothing that happens to
one link fails or repeats its batch-mates.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.common import log_context
from services.common.contracts import PageFetched
from services.common.errors import PermanentError, TransientError
from services.common.settings import Settings
from services.ingest.article_fetcher import ArticleLink, PageSubmit, download_pages

log = logging.getLogger(__name__)

SCHEMA = "link.batch"

Message = dict[str, Any]


def batch_message(links: list[Message]) -> Message:
    """The payload of one batch; a poll's batch names its feed (for the log context)."""
    payload: Message = {"schema": SCHEMA, "links": links}
    feeds = {link.get("feed_url") for link in links}
    if len(feeds) == 1:
        payload["feed_url"] = feeds.pop()
    return payload


def links_of(payload: Message) -> list[Message]:
    links = payload.get("links")
    if payload.get("schema") != SCHEMA or not isinstance(links, list):
        raise PermanentError(f"not a {SCHEMA} message")
    return links


@dataclass(frozen=True)
class LinkSinks:
    """Where each link of a batch ends up."""

    send_page: Callable[[PageFetched], None]  # on to extract
    retry_alone: Callable[[Message], None]  # the single-link task, with its own retries
    dead_letter: Callable[[Message, Exception], None]  # as the single-link task's message


def fetch_batch(
    links: list[Message], settings: Settings, submit: PageSubmit, sinks: LinkSinks
) -> Counter[str]:
    """Fetch every link of a batch; returns how many ended ok, retry (handed on) and failed.

    A failure to hand a result on (the broker gone) is not the link's fault and propagates:
    the batch then fails as a whole, and its unsettled links are re-sent by the ledger.
    """
    outcomes: Counter[str] = Counter()
    valid: dict[str, tuple[Message, ArticleLink]] = {}
    for message in links:
        try:
            link = ArticleLink.model_validate(message)
        except ValueError as exc:
            sinks.dead_letter(message, PermanentError(f"not a valid article link message: {exc}"))
            outcomes["failed"] += 1
            continue
        valid.setdefault(link.url, (message, link))
    articles = [link for _, link in valid.values()]
    for link, result in download_pages(articles, settings, submit):
        log_context.bind(article_url=link.url, feed_url=link.feed_url)
        message = valid[link.url][0]
        if isinstance(result, PageFetched):
            sinks.send_page(result)
            log.info("fetch of %s succeeded, page sent to extract", link.url)
            outcomes["ok"] += 1
        elif isinstance(result, TransientError):
            log.info("fetch of %s failed (%s); retrying it on its own", link.url, result)
            sinks.retry_alone(message)
            outcomes["retry"] += 1
        else:
            sinks.dead_letter(message, result)
            outcomes["failed"] += 1
    return outcomes
