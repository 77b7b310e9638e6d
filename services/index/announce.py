"""After a bulk request stored its articles: record their pairings and tell the alerts stage.

Two kinds of events go to the ``alerts`` queue: "pairing.new" when an article is the
first anywhere to report a province-country pairing, and "article.indexed" for every
article (subscriptions wanting each new matching article). The events of all articles of
one flush travel in one "alert.events" message, since receiving and acknowledging a
message costs the alerts stage far more than matching an event. Each event is marked as
announced only after its message is sent, so a crash in between re-sends it on
redelivery; the alerts stage delivers each (subscription, event) once, so that repeat is
harmless.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import redis

from services.common import contracts
from services.common.label_fields import pairing_key
from services.common.routing import TASK_ALERT_EVENTS
from services.index.pairings_registry import FirstSeen, PairingRegistry

ANNOUNCED_ARTICLES_KEY = "bri:articles:announced"

Send = Callable[[str, dict[str, Any]], None]


def pairing_event_id(province: str, country: str) -> str:
    return f"pairing.new:{pairing_key(province, country)}"


def article_event_id(article_id: str) -> str:
    return f"article.indexed:{article_id}"


def announce(
    client: redis.Redis, messages: Sequence[contracts.ArticleClassified], send: Send
) -> list[str]:
    """Record the articles' pairings and send, in one message, the events not sent before.

    ``messages`` are the articles one bulk request stored. Returns the ids of the events sent.
    """
    articles: dict[str, contracts.ArticleClassified] = {}
    for message in messages:
        # Two messages for one article in a flush: its events are sent once.
        articles.setdefault(message.article.article_id, message)
    if not articles:
        return []
    registry = PairingRegistry(client)
    firsts_by_article = registry.record_many([
        (article_id, [(p.province, p.country, list(p.sectors)) for p in m.labels.pairings],
         m.article.fetched_at)
        for article_id, m in articles.items()
    ])
    already = client.smismember(ANNOUNCED_ARTICLES_KEY, list(articles))
    events: list[contracts.PairingEvent | contracts.ArticleEvent] = []
    announced_keys: list[str] = []
    for (article_id, message), firsts, was_announced in zip(
        articles.items(), firsts_by_article, already, strict=True
    ):
        ref = _ref(message.article)
        for first in firsts:
            if first.announced:
                continue
            announced_keys.append(first.key)
            # Sector-level firsts are recorded for the pairings view, not alerted on.
            if first.sector is None:
                events.append(_pairing_event(first, message, ref))
        if not was_announced:
            labels = message.labels
            events.append(contracts.ArticleEvent(
                event_id=article_event_id(article_id), article=ref, provinces=labels.provinces,
                countries=labels.countries, sectors=labels.sectors, pairings=labels.pairings,
                relevant=labels.relevant,
            ))
    if events:
        send(TASK_ALERT_EVENTS, contracts.dump(contracts.AlertEvents(events=events)))
    # Marked only once sent: a crash in between re-sends the batch on redelivery.
    registry.mark_announced_many(announced_keys)
    new_articles = [e.article.article_id for e in events if isinstance(e, contracts.ArticleEvent)]
    if new_articles:
        client.sadd(ANNOUNCED_ARTICLES_KEY, *new_articles)
    return [event.event_id for event in events]


def _ref(article: contracts.ArticleFetched) -> contracts.ArticleRef:
    return contracts.ArticleRef(
        article_id=article.article_id, title=article.title, url=article.canonical_url,
        published=article.published, text=article.text,
    )


def _pairing_event(
    first: FirstSeen, message: contracts.ArticleClassified, ref: contracts.ArticleRef
) -> contracts.PairingEvent:
    stated = [p for p in message.labels.pairings
              if p.province == first.province and p.country == first.country]
    sectors = sorted({s for p in stated for s in p.sectors})
    return contracts.PairingEvent(
        event_id=pairing_event_id(first.province, first.country),
        province=first.province, country=first.country, sectors=sectors,
        evidence=stated[0].evidence if stated else "",
        first_seen=message.article.fetched_at, article=ref,
    )
