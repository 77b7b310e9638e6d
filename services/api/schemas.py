"""Response bodies of the HTTP API, as the OpenAPI document (/docs) describes them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    error: str = Field(description="machine-readable kind, e.g. invalid_parameter")
    detail: str = Field(description="what went wrong, for people")
    field: str | None = Field(None, description="the request parameter at fault, if any")


class PairingLabel(BaseModel):
    province: str
    country: str
    sectors: list[str]


class Hit(BaseModel):
    id: str
    score: float | None
    title: str = Field(description="plain text, unescaped: show it as text")
    title_html: str | None = Field(
        description="title with matches in <mark>; everything else HTML-escaped")
    snippets_html: list[str] = Field(
        description="passages of the text with matches in <mark>; everything else HTML-escaped")
    url: str | None
    canonical_url: str | None
    site_name: str | None
    published: str | None
    relevant: bool
    relevance: float | None
    provinces: list[str]
    countries: list[str]
    sectors: list[str]
    pairings: list[PairingLabel]


class Bucket(BaseModel):
    value: str
    count: int
    label: str | None = Field(None, description="country name, for country codes")


class DateBucket(BaseModel):
    date: str = Field(description="start of the interval, YYYY-MM-DD")
    count: int


class Facets(BaseModel):
    provinces: list[Bucket]
    countries: list[Bucket]
    sectors: list[Bucket]
    published: list[DateBucket]


class SearchResponse(BaseModel):
    total: int = Field(description="exact number of matching articles")
    took_ms: int
    hits: list[Hit]
    next_cursor: str | None = Field(
        description="pass as `cursor` with the same search for the next page; null at the end")
    facets: Facets | None


class ArticlePairing(PairingLabel):
    evidence: str


class Article(BaseModel):
    id: str
    url: str | None
    canonical_url: str | None
    feed_url: str | None
    site_name: str | None
    language: str | None
    title: str | None
    summary: str | None
    text: str | None
    author: str | None
    published: str | None
    fetched_at: str | None
    indexed_at: str | None
    relevant: bool | None
    relevance: float | None
    provinces: list[str] | None
    countries: list[str] | None
    sectors: list[str] | None
    classifier_version: str | None
    pairings: list[ArticlePairing]


class SectorCount(BaseModel):
    sector: str
    articles: int


class Edge(BaseModel):
    province: str
    country: str
    country_name: str
    articles: int = Field(description="articles stating this pairing")
    mentions: int = Field(description="statements of it (an article may state it twice)")
    sectors: list[SectorCount]
    first_seen: str | None = Field(description="earliest publication date among the articles")
    last_seen: str | None = Field(description="latest publication date among the articles")


class PairingsResponse(BaseModel):
    total_articles: int = Field(description="articles matching the search")
    took_ms: int
    edges: list[Edge]


class Country(BaseModel):
    code: str
    name: str


class LabelsResponse(BaseModel):
    provinces: list[str]
    sectors: list[str]
    countries: list[Country]


class ComponentHealth(BaseModel):
    ok: bool
    detail: str


class HealthResponse(BaseModel):
    status: str = Field(description="ok, or degraded when a component does not answer")
    elasticsearch: ComponentHealth
    redis: ComponentHealth


class FeedHealth(BaseModel):
    id: str
    url: str
    title: str = Field(description="the feed's own title, plain text (empty until first read)")
    state: Literal["active", "failing", "gone"] = Field(
        description="gone: 410 or days of errors; no longer polled until added again")
    last_success_at: str | None = Field(description="last 200 or 304, ISO 8601 UTC")
    last_error_at: str | None
    last_error: str | None = Field(description="why the last failed poll failed")
    consecutive_failures: int
    last_status: int | None = Field(description="HTTP status of the last poll, if it got one")
    not_modified_share: float | None = Field(
        description="of the successful polls, the share answered 304 Not Modified")
    entries_per_day: float | None = Field(
        description="from the dates of the entries in its latest document; null if undated")
    entries_seen: int
    next_poll_at: str | None = Field(description="ISO 8601 UTC; null once gone")
    gone_reason: str | None


class FeedsResponse(BaseModel):
    total: int
    states: dict[str, int] = Field(description="how many feeds are active, failing, gone")
    feeds: list[FeedHealth] = Field(description="ordered by URL")
