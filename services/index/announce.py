"""After an article is written: record its pairings and tell the alerts stage.

Two kinds of events go to the ``alerts`` queue: "pairing.new" when this article is the
first anywhere to report a province-country pairing, and "article.indexed" for every
article (subscriptions wanting each new matching article). Each event is marked as
announced only after it is sent, so a crash in between re-sends it on redelivery; the
alerts stage delivers each (subscription, event) once, so that repeat is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis

from services.common import contracts
from services.common.label_fields import pairing_key
from services.common.routing import TASK_ARTICLE_INDEXED, TASK_PAIRING_NEW
from services.index.pairings_registry import FirstSeen, PairingRegistry

ANNOUNCED_ARTICLES_KEY = "bri:articles:announced"

Send = Callable[[str, dict[str, Any]], None]


def pairing_event_id(province: str, country: str) -> str:
    return f"pairing.new:{pairing_key(province, country)}"


def article_event_id(article_id: str) -> str:
    return f"article.indexed:{article_id}"


def announce(client: redis.Redis, message: contracts.ArticleClassified, send: Send) -> list[str]:
    """Record the article's pairings and send the events not sent before; returns their ids."""
    article, labels = message.article, message.labels
    registry = PairingRegistry(client)
    links = [(p.province, p.country, list(p.sectors)) for p in labels.pairings]
    firsts = registry.record(article.article_id, links, article.fetched_at)
    ref = contracts.ArticleRef(
        article_id=article.article_id, title=article.title, url=article.canonical_url,
        published=article.published, text=article.text,
    )
    sent: list[str] = []
    for first in firsts:
        if first.announced:
            continue
        if first.sector is not None:
            # Sector-level firsts are recorded for the pairings view, not alerted on.
            registry.mark_announced(first.key)
            continue
        event = _pairing_event(first, message, ref)
        send(TASK_PAIRING_NEW, contracts.dump(event))
        registry.mark_announced(first.key)
        sent.append(event.event_id)
    if not client.sismember(ANNOUNCED_ARTICLES_KEY, article.article_id):
        event_id = article_event_id(article.article_id)
        send(TASK_ARTICLE_INDEXED, contracts.dump(contracts.ArticleEvent(
            event_id=event_id, article=ref, provinces=labels.provinces,
            countries=labels.countries, sectors=labels.sectors, pairings=labels.pairings,
            relevant=labels.relevant,
        )))
        client.sadd(ANNOUNCED_ARTICLES_KEY, article.article_id)
        sent.append(event_id)
    return sent


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
