"""The one place Elasticsearch search requests are built (command line and API alike).

Free text uses simple_query_string, whose syntax (phrases, +, -, OR, prefix*) is safe to
take from users: it never raises on malformed input, unlike query_string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

SEARCH_FIELDS = ["title^3", "summary^2", "text", "pairings.evidence"]
HIGHLIGHT_FIELDS = ("title", "text")
MAX_PAGE_SIZE = 100


class InvalidSearch(ValueError):
    """A search parameter is invalid; the message names it."""


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    provinces: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    relevant_only: bool = False
    published_from: date | None = None
    published_to: date | None = None
    sort: Literal["relevance", "date"] = "relevance"
    size: int = 10
    search_after: list[Any] | None = None
    facets: bool = False


def build_query(request: SearchRequest) -> dict[str, Any]:
    if not 1 <= request.size <= MAX_PAGE_SIZE:
        raise InvalidSearch(f"size must be between 1 and {MAX_PAGE_SIZE}, got {request.size}")
    if (
        request.published_from
        and request.published_to
        and request.published_from > request.published_to
    ):
        raise InvalidSearch("published_from is after published_to")
    filters: list[dict[str, Any]] = []
    for name, values in (
        ("provinces", request.provinces),
        ("countries", [c.upper() for c in request.countries]),
        ("sectors", request.sectors),
    ):
        # Each value must match (AND), as a user narrowing by two provinces expects.
        filters.extend({"term": {name: value}} for value in values)
    if request.relevant_only:
        filters.append({"term": {"relevant": True}})
    if request.published_from or request.published_to:
        bounds: dict[str, str] = {}
        if request.published_from:
            bounds["gte"] = request.published_from.isoformat()
        if request.published_to:
            bounds["lte"] = request.published_to.isoformat()
        filters.append({"range": {"published": bounds}})
    must: list[dict[str, Any]] = []
    if request.text.strip():
        must.append(
            {
                "simple_query_string": {
                    "query": request.text,
                    "fields": SEARCH_FIELDS,
                    "default_operator": "and",
                    "lenient": True,
                }
            }
        )
    body: dict[str, Any] = {
        "query": {"bool": {"must": must or [{"match_all": {}}], "filter": filters}},
        "size": request.size,
        "sort": _sort(request),
        "track_total_hits": True,
        "_source": {"excludes": ["text"]},
        "highlight": {
            "fields": {
                "title": {"number_of_fragments": 0},
                "text": {"fragment_size": 180, "number_of_fragments": 2},
            },
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "encoder": "html",
        },
    }
    if request.search_after:
        body["search_after"] = request.search_after
    if request.facets:
        body["aggs"] = facet_aggregations()
    return body


def _sort(request: SearchRequest) -> list[dict[str, Any]]:
    # article_id breaks ties so search_after pages never skip or repeat a hit.
    if request.sort == "date":
        return [{"published": {"order": "desc", "missing": "_last"}}, {"article_id": "asc"}]
    return [{"_score": "desc"}, {"published": {"order": "desc", "missing": "_last"}},
            {"article_id": "asc"}]


def facet_aggregations() -> dict[str, Any]:
    return {
        "provinces": {"terms": {"field": "provinces", "size": 34}},
        "countries": {"terms": {"field": "countries", "size": 250}},
        "sectors": {"terms": {"field": "sectors", "size": 17}},
        "published_per_month": {
            "date_histogram": {"field": "published", "calendar_interval": "month",
                               "min_doc_count": 1}
        },
    }
