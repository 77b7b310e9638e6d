"""The one place Elasticsearch search requests are built (command line and API alike).

Free text uses simple_query_string, whose syntax (phrases, +, -, OR, prefix*) is safe to
take from users: it never raises on malformed input, unlike query_string.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal, get_args

from services.search.errors import InvalidSearch
from services.search.labels import vocabulary

# pairings.evidence is not searched here: a nested field never matches outside a nested
# query, and the evidence sentence is part of `text` anyway.
SEARCH_FIELDS = ["title^3", "summary^2", "text"]
HIGHLIGHT_FIELDS = ("title", "text")
MAX_PAGE_SIZE = 100
MAX_EDGES = 1000
HistogramInterval = Literal["day", "week", "month", "year"]
HISTOGRAM_INTERVALS: tuple[str, ...] = get_args(HistogramInterval)
SNIPPET_CHARS = 180

Sort = Literal["relevance", "date"]


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    provinces: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    relevant_only: bool = False
    published_from: date | None = None
    published_to: date | None = None
    sort: Sort = "relevance"
    size: int = 10
    search_after: list[Any] | None = None
    facets: bool = False
    histogram_interval: HistogramInterval = "month"


def normalised(request: SearchRequest) -> SearchRequest:
    """The request checked against the label vocabulary, with labels in canonical spelling.

    Raises InvalidSearch naming the first bad parameter.
    """
    if not 1 <= request.size <= MAX_PAGE_SIZE:
        raise InvalidSearch(f"size must be between 1 and {MAX_PAGE_SIZE}, got {request.size}",
                            field="size")
    if request.sort not in ("relevance", "date"):
        raise InvalidSearch(f"sort must be relevance or date, not {request.sort!r}", field="sort")
    if (
        request.published_from
        and request.published_to
        and request.published_from > request.published_to
    ):
        raise InvalidSearch("published_from is after published_to", field="published_from")
    if request.histogram_interval not in HISTOGRAM_INTERVALS:
        raise InvalidSearch(f"interval must be one of {', '.join(HISTOGRAM_INTERVALS)}",
                            field="interval")
    labels = vocabulary()
    return replace(
        request,
        provinces=_unique(labels.province(p) for p in request.provinces),
        countries=_unique(labels.country(c) for c in request.countries),
        sectors=_unique(labels.sector(s) for s in request.sectors),
    )


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(values))


def build_query(request: SearchRequest) -> dict[str, Any]:
    request = normalised(request)
    body: dict[str, Any] = {
        "query": _article_query(request),
        "size": request.size,
        "sort": sort_fields(request.sort),
        "track_total_hits": True,
        "_source": {"excludes": ["text"]},
        "highlight": {
            "fields": {
                "title": {"number_of_fragments": 0},
                # A search by filters alone still shows the opening of each article.
                "text": {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 2,
                         "no_match_size": SNIPPET_CHARS},
            },
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            # Feed text is untrusted: everything but the <mark> tags comes back escaped.
            "encoder": "html",
        },
    }
    if request.search_after:
        body["search_after"] = request.search_after
    if request.facets:
        body["aggs"] = facet_aggregations(request.histogram_interval)
    return body


def _article_query(request: SearchRequest) -> dict[str, Any]:
    filters: list[dict[str, Any]] = []
    for name, values in (
        ("provinces", request.provinces),
        ("countries", request.countries),
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
            bounds["lte"] = request.published_to.isoformat()  # a bare date counts whole
        filters.append({"range": {"published": bounds}})
    must: list[dict[str, Any]] = []
    if request.text.strip():
        must.append(
            {
                "simple_query_string": {
                    "query": spelled_out_operators(request.text),
                    "fields": SEARCH_FIELDS,
                    "default_operator": "and",
                    "lenient": True,
                }
            }
        )
    return {"bool": {"must": must or [{"match_all": {}}], "filter": filters}}


_WORD_OPERATORS = {"OR": "|", "AND": "+", "NOT": "-"}


def spelled_out_operators(text: str) -> str:
    """Accept the OR / AND / NOT that people type from habit as |, + and -.

    simple_query_string has no word operators: "copper OR railway" would otherwise
    require the word "or" and find nothing. Only upper-case words outside quoted
    phrases are read as operators, so a phrase like "rules of origin" is untouched.
    """
    parts = text.split('"')
    for i in range(0, len(parts), 2):  # even parts are outside quotes
        words = parts[i].split(" ")
        out: list[str] = []
        pending = ""
        for word in words:
            if word in _WORD_OPERATORS:
                if word == "OR":
                    out.append("|")
                else:
                    pending = _WORD_OPERATORS[word]
                continue
            out.append(pending + word if word else word)
            if word:
                pending = ""
        parts[i] = " ".join(out)
    return '"'.join(parts)


def sort_fields(sort: str) -> list[dict[str, Any]]:
    # article_id breaks ties so search_after pages never skip or repeat a hit.
    if sort == "date":
        return [{"published": {"order": "desc", "missing": "_last"}}, {"article_id": "asc"}]
    return [{"_score": "desc"}, {"published": {"order": "desc", "missing": "_last"}},
            {"article_id": "asc"}]


def facet_aggregations(interval: str = "month") -> dict[str, Any]:
    return {
        "provinces": {"terms": {"field": "provinces", "size": 34}},
        "countries": {"terms": {"field": "countries", "size": 250}},
        "sectors": {"terms": {"field": "sectors", "size": 17}},
        "published": {
            "date_histogram": {"field": "published", "calendar_interval": interval,
                               "min_doc_count": 1, "format": "yyyy-MM-dd"}
        },
    }


def build_pairings_query(request: SearchRequest, max_edges: int = 200) -> dict[str, Any]:
    """Province-country edges among the articles the search matches.

    Edges are counted in articles (reverse_nested), not in pairing mentions: one article
    stating the same link twice counts once. Province and country filters keep only the
    edges that involve them; every sector filter must be named by the pairing itself.
    """
    if not 1 <= max_edges <= MAX_EDGES:
        raise InvalidSearch(f"limit must be between 1 and {MAX_EDGES}, got {max_edges}",
                            field="limit")
    request = normalised(request)
    pairing_filters: list[dict[str, Any]] = []
    if request.provinces:
        pairing_filters.append({"terms": {"pairings.province": request.provinces}})
    if request.countries:
        pairing_filters.append({"terms": {"pairings.country": request.countries}})
    pairing_filters.extend({"term": {"pairings.sectors": s}} for s in request.sectors)
    per_article = {"reverse_nested": {}}
    edges = {
        "terms": {
            "field": "pairings.key",
            "size": max_edges,
            "order": [{"articles": "desc"}, {"_key": "asc"}],
        },
        "aggs": {
            "articles": {
                **per_article,
                "aggs": {
                    "first_seen": {"min": {"field": "published"}},
                    "last_seen": {"max": {"field": "published"}},
                },
            },
            "sectors": {
                "terms": {"field": "pairings.sectors", "size": 17},
                "aggs": {"articles": per_article},
            },
            # Province and country come from the pairing itself rather than from
            # splitting the key, so the key's format stays the index's business.
            "province": {"terms": {"field": "pairings.province", "size": 1}},
            "country": {"terms": {"field": "pairings.country", "size": 1}},
        },
    }
    return {
        "query": _article_query(request),
        "size": 0,
        "track_total_hits": True,
        "aggs": {
            "pairings": {
                "nested": {"path": "pairings"},
                "aggs": {
                    "matching": {
                        "filter": {"bool": {"filter": pairing_filters}},
                        "aggs": {"edges": edges},
                    }
                },
            }
        },
    }
