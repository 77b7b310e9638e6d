"""What route handlers receive: the clients and settings the app was built with."""

from __future__ import annotations

from typing import Annotated

from elasticsearch import Elasticsearch
from fastapi import Depends, Request
from redis import Redis

from services.common.settings import Settings
from services.ingest.feed_registry import FeedRegistry


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _es(request: Request) -> Elasticsearch:
    return request.app.state.es  # type: ignore[no-any-return]


def _redis(request: Request) -> Redis:
    return request.app.state.redis  # type: ignore[no-any-return]


def _feed_registry(request: Request) -> FeedRegistry:
    return request.app.state.feed_registry  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(_settings)]
ElasticsearchDep = Annotated[Elasticsearch, Depends(_es)]
RedisDep = Annotated[Redis, Depends(_redis)]
FeedRegistryDep = Annotated[FeedRegistry, Depends(_feed_registry)]
