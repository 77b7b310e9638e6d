"""Versioned message payloads exchanged between the pipeline's stages.

Stages never import each other's code; they agree only on these models and on the task
and queue names in ``services.common.routing``. Every payload carries ``schema`` and
``version`` so a worker can refuse a message it does not understand with a clear error
instead of misreading it.
"""

from __future__ import annotations

import base64
import zlib
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from services.common.errors import PermanentError


class ContractError(PermanentError, ValueError):
    """A message did not match the payload contract it claims to follow.

    Permanent: redelivering the same body cannot make it valid, so a task that gets one
    sends it straight to the dead-letter queue instead of retrying.
    """


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pairing(_Payload):
    """One stated cooperation link between a Chinese province and a foreign country."""

    province: str
    country: str = Field(description="ISO 3166-1 alpha-2 code")
    sectors: list[str] = Field(default_factory=list)
    evidence: str = Field(default="", description="the sentence that states the link")
    start: int | None = Field(default=None, description="evidence start offset in the text")
    end: int | None = Field(default=None, description="evidence end offset in the text")


class Labels(_Payload):
    """What the classifier found in one article (the label contract of DESIGN.md)."""

    relevant: bool
    relevance: float = 0.0
    provinces: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    sectors: list[str] = Field(default_factory=list)
    pairings: list[Pairing] = Field(default_factory=list)
    classifier_version: str


class PageFetched(_Payload):
    """Ingest to extract: an article page downloaded, its main text not yet extracted.

    The page travels as zlib-compressed base64 (``body``): bytes in the server's own
    encoding, so extraction still decides the charset, at about a third of the raw size
    in Redis. Feed-entry fields fill in what the page itself does not say.
    """

    schema_name: Literal["page.fetched"] = Field(default="page.fetched", alias="schema")
    version: Literal[1] = 1
    url: str = Field(description="the link as the feed gave it")
    final_url: str = Field(description="where the page was fetched from, after redirects")
    charset: str | None = Field(default=None, description="charset named by Content-Type")
    body: str = Field(description="page bytes, zlib-compressed, base64")
    feed_url: str | None = None
    title: str = ""
    summary: str = ""
    author: str | None = None
    published: datetime | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @staticmethod
    def pack(content: bytes) -> str:
        # Level 1: most of the size saving for a fraction of the CPU of the default level.
        return base64.b64encode(zlib.compress(content, 1)).decode("ascii")

    def content(self) -> bytes:
        return zlib.decompress(base64.b64decode(self.body))


class ArticleFetched(_Payload):
    """Sent by extract to classify: one article page fetched and its main text extracted."""

    schema_name: Literal["article.fetched"] = Field(default="article.fetched", alias="schema")
    version: Literal[1] = 1
    article_id: str = Field(description="stable id derived from the canonical URL")
    url: str
    canonical_url: str
    feed_url: str | None = None
    title: str
    text: str
    summary: str = ""
    author: str | None = None
    published: datetime | None = None
    language: str | None = None
    site_name: str | None = None
    fetched_at: datetime

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ArticleClassified(_Payload):
    """Sent by classify to index: the fetched article plus its labels."""

    schema_name: Literal["article.classified"] = Field(
        default="article.classified", alias="schema"
    )
    version: Literal[1] = 1
    article: ArticleFetched
    labels: Labels

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ArticleRef(_Payload):
    """What an alert shows of the article behind an event (text kept for keyword filters)."""

    article_id: str
    title: str
    url: str
    published: datetime | None = None
    text: str = ""


class PairingEvent(_Payload):
    """Sent by index to alerts: a province-country pairing seen for the first time anywhere.

    ``event_id`` is the same whoever emits it and however often, so the alerts stage can
    deliver each (subscription, event) once.
    """

    schema_name: Literal["pairing.new"] = Field(default="pairing.new", alias="schema")
    version: Literal[1] = 1
    event_id: str
    province: str
    country: str = Field(description="ISO 3166-1 alpha-2 code")
    sectors: list[str] = Field(default_factory=list)
    evidence: str = ""
    first_seen: datetime
    article: ArticleRef

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ArticleEvent(_Payload):
    """Sent by index to alerts: an article indexed, for subscriptions wanting every match."""

    schema_name: Literal["article.indexed"] = Field(default="article.indexed", alias="schema")
    version: Literal[1] = 1
    event_id: str
    article: ArticleRef
    provinces: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    sectors: list[str] = Field(default_factory=list)
    pairings: list[Pairing] = Field(default_factory=list)
    relevant: bool = False

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class AlertEvents(_Payload):
    """Sent by index to alerts: the events of every article one bulk request stored.

    One message for the whole flush instead of one or more per article, so the alerts
    stage receives and acknowledges once per batch. Each event keeps its own ``event_id``,
    so a redelivered batch delivers nothing twice.
    """

    schema_name: Literal["alert.events"] = Field(default="alert.events", alias="schema")
    version: Literal[1] = 1
    events: list[Annotated[PairingEvent | ArticleEvent, Field(discriminator="schema_name")]] = (
        Field(min_length=1)
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class AlertDelivery(_Payload):
    """Alerts to itself: one alert to send to one channel of one subscription.

    A message of its own so that each channel retries, backs off and dead-letters
    independently of the others.
    """

    schema_name: Literal["alert.delivery"] = Field(default="alert.delivery", alias="schema")
    version: Literal[1] = 1
    subscription_id: str
    channel: Literal["webhook", "email"]
    alert: dict[str, Any] = Field(description="the alert body, as the webhook receives it")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


P = TypeVar("P", bound=_Payload)


def dump(payload: _Payload) -> dict:
    """JSON-ready dict of a payload, with the wire names (``schema``, not ``schema_name``)."""
    return payload.model_dump(mode="json", by_alias=True)


def load(model: type[P], data: object) -> P:
    """Parse a message body into ``model``, raising ContractError that names the problem."""
    try:
        return model.model_validate(data)
    except Exception as exc:  # pydantic's ValidationError lists every wrong field
        raise ContractError(f"not a valid {model.__name__} message: {exc}") from exc


def utcnow() -> datetime:
    return datetime.now(UTC)
