"""Subscriptions: who wants which alerts, for which labels, through which channels.

Stored in Redis as one JSON document per subscription plus a per-owner index; the alerts
worker reads them all, which suits the in-worker matcher (see matcher.py).
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Literal

import redis
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.alerts.webhook import check_webhook_url
from services.common.contracts import utcnow
from services.search.errors import InvalidSearch
from services.search.labels import vocabulary

SUBSCRIPTIONS_KEY = "bri:subscriptions"
EventKind = Literal["pairing.new", "article.matching"]
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvalidSubscription(ValueError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class SubscriptionFilter(BaseModel):
    """Empty lists match anything; within a list any value matches; lists combine with AND."""

    model_config = ConfigDict(extra="forbid")

    provinces: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    sectors: list[str] = Field(default_factory=list)
    query: str | None = Field(default=None, description='keywords, all required; "quoted phrases"')

    @model_validator(mode="after")
    def _canonical_labels(self) -> SubscriptionFilter:
        vocab = vocabulary()
        try:
            self.provinces = sorted({vocab.province(p) for p in self.provinces})
            self.countries = sorted({vocab.country(c) for c in self.countries})
            self.sectors = sorted({vocab.sector(s) for s in self.sectors})
        except InvalidSearch as exc:
            raise ValueError(str(exc)) from exc
        if self.query is not None and not self.query.strip():
            self.query = None
        return self


class Channels(BaseModel):
    model_config = ConfigDict(extra="forbid")

    webhook_url: str | None = None
    webhook_secret: str | None = Field(
        default=None, description="HMAC key for X-BRI-Signature; generated if omitted")
    email: str | None = None
    atom: bool = True

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL_PATTERN.match(value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value


class SubscriptionInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filter: SubscriptionFilter = Field(default_factory=SubscriptionFilter)
    events: list[EventKind] = Field(default_factory=lambda: ["pairing.new"], min_length=1)
    channels: Channels = Field(default_factory=Channels)


class Subscription(SubscriptionInput):
    id: str
    owner: str
    feed_token: str
    created_at: str
    updated_at: str


def prepare(data: SubscriptionInput, allowed_hosts: str) -> SubscriptionInput:
    """Check the webhook URL and give a webhook a secret if it has none."""
    channels = data.channels
    if channels.webhook_url:
        try:
            check_webhook_url(channels.webhook_url, allowed_hosts)
        except ValueError as exc:
            raise InvalidSubscription(str(exc), "channels.webhook_url") from exc
        if not channels.webhook_secret:
            channels = channels.model_copy(update={"webhook_secret": secrets.token_urlsafe(32)})
    if not (channels.webhook_url or channels.email or channels.atom):
        raise InvalidSubscription("a subscription needs at least one channel", "channels")
    return data.model_copy(update={"channels": channels, "events": sorted(set(data.events))})


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _owner_key(owner: str) -> str:
    return f"bri:subscriptions:owner:{owner}"


class SubscriptionStore:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def create(self, owner: str, data: SubscriptionInput) -> Subscription:
        now = utcnow().isoformat()
        sub = Subscription(
            **data.model_dump(), id=secrets.token_hex(8), owner=owner,
            feed_token=secrets.token_urlsafe(24), created_at=now, updated_at=now,
        )
        self._save(sub)
        return sub

    def get(self, subscription_id: str) -> Subscription | None:
        raw = self.client.hget(SUBSCRIPTIONS_KEY, subscription_id)
        return Subscription.model_validate_json(raw) if raw else None

    def owned(self, owner: str) -> list[Subscription]:
        ids = sorted(_text(i) for i in self.client.smembers(_owner_key(owner)))
        if not ids:
            return []
        return [Subscription.model_validate_json(raw)
                for raw in self.client.hmget(SUBSCRIPTIONS_KEY, ids) if raw]

    def all(self) -> list[Subscription]:
        return [Subscription.model_validate_json(raw)
                for raw in self.client.hvals(SUBSCRIPTIONS_KEY)]

    def replace(self, sub: Subscription, data: SubscriptionInput) -> Subscription:
        updated = Subscription(
            **data.model_dump(), id=sub.id, owner=sub.owner, feed_token=sub.feed_token,
            created_at=sub.created_at, updated_at=utcnow().isoformat(),
        )
        self._save(updated)
        return updated

    def delete(self, sub: Subscription) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.hdel(SUBSCRIPTIONS_KEY, sub.id)
        pipe.srem(_owner_key(sub.owner), sub.id)
        pipe.execute()

    def _save(self, sub: Subscription) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(SUBSCRIPTIONS_KEY, sub.id, json.dumps(sub.model_dump()))
        pipe.sadd(_owner_key(sub.owner), sub.id)
        pipe.execute()
