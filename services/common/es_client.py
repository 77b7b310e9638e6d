"""The Elasticsearch client every service uses, built from the one settings object."""

from __future__ import annotations

from elasticsearch import Elasticsearch

from services.common.settings import Settings, get_settings


def elasticsearch_client(settings: Settings | None = None) -> Elasticsearch:
    settings = settings or get_settings()
    return Elasticsearch(
        settings.elasticsearch_url,
        request_timeout=settings.elasticsearch_timeout_seconds,
        retry_on_timeout=True,
        max_retries=2,
    )
