"""The HTTP API: search, articles, pairings, feeds and health, plus the web page that uses them.

Run it with `bri api`, or any ASGI server as
``uvicorn --factory services.api.app:create_app``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis
from elasticsearch import Elasticsearch
from fastapi import FastAPI

from services.api import (
    routes_feeds,
    routes_health,
    routes_pairings,
    routes_search,
    routes_subscriptions,
)
from services.api.errors import install_error_handlers
from services.api.routes_metrics import install_request_metrics
from services.api.web import mount_web_page
from services.common.es_client import elasticsearch_client
from services.common.settings import Settings, get_settings
from services.ingest.feed_registry import FeedRegistry

REDIS_TIMEOUT_SECONDS = 2


def create_app(settings: Settings | None = None, es: Elasticsearch | None = None) -> FastAPI:
    settings = settings or get_settings()
    es_client = es or elasticsearch_client(settings)
    redis_client = redis.Redis.from_url(
        settings.redis_url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )
    # The feed registry reads its hashes as text, as the ingest workers write them.
    feeds_redis = redis.Redis.from_url(
        settings.redis_url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS, decode_responses=True,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        es_client.close()
        redis_client.close()
        feeds_redis.close()

    app = FastAPI(
        title="BRI Monitor",
        summary="Search news on Belt and Road international capacity cooperation by "
                "province, country and sector; explore province-country pairings.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.es = es_client
    app.state.redis = redis_client
    app.state.feed_registry = FeedRegistry(feeds_redis)
    install_error_handlers(app)
    install_request_metrics(app)
    app.include_router(routes_search.router)
    app.include_router(routes_pairings.router)
    app.include_router(routes_health.router)
    app.include_router(routes_subscriptions.router)
    app.include_router(routes_feeds.router)
    mount_web_page(app)
    return app
