"""An "article classified" message into the document stored in Elasticsearch."""

from __future__ import annotations

import hashlib
from typing import Any

from services.common.contracts import ArticleClassified, utcnow
from services.common.label_fields import label_fields


def to_document(message: ArticleClassified) -> dict[str, Any]:
    article, labels = message.article, message.labels
    return {
        "article_id": article.article_id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "feed_url": article.feed_url,
        "site_name": article.site_name,
        "language": article.language,
        "title": article.title,
        "summary": article.summary,
        "text": article.text,
        "author": article.author,
        "published": article.published.isoformat() if article.published else None,
        "fetched_at": article.fetched_at.isoformat(),
        "indexed_at": utcnow().isoformat(),
        **label_fields(labels),
        "content_hash": content_hash(article.title, article.text),
    }


def content_hash(title: str, text: str) -> str:
    return hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()[:32]


def document_version(message: ArticleClassified) -> int:
    """External version: a later fetch wins; a stale redelivery cannot overwrite it."""
    return int(message.article.fetched_at.timestamp() * 1000)
