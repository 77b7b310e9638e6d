"""Elasticsearch responses into the plain result shapes every front end shows."""

from __future__ import annotations

from typing import Any

from services.search.cursor import encode_cursor
from services.search.labels import vocabulary
from services.search.query import SearchRequest

ARTICLE_FIELDS = (
    "url", "canonical_url", "feed_url", "site_name", "language", "title", "summary", "text",
    "author", "published", "fetched_at", "indexed_at", "relevant", "relevance", "provinces",
    "countries", "sectors", "classifier_version",
)


def search_page(response: dict[str, Any], request: SearchRequest) -> dict[str, Any]:
    hits = response["hits"]["hits"]
    # A full page may have more behind it; a short one is the last.
    next_cursor = encode_cursor(request, hits[-1]["sort"]) if len(hits) == request.size else None
    aggs = response.get("aggregations")
    return {
        "total": response["hits"]["total"]["value"],
        "took_ms": response.get("took", 0),
        "hits": [_hit(hit) for hit in hits],
        "next_cursor": next_cursor,
        "facets": _facets(aggs) if request.facets else None,
    }


def _hit(hit: dict[str, Any]) -> dict[str, Any]:
    doc, highlight = hit["_source"], hit.get("highlight", {})
    title_fragments = highlight.get("title")
    return {
        "id": hit["_id"],
        "score": hit.get("_score"),
        "title": doc.get("title", ""),
        "title_html": title_fragments[0] if title_fragments else None,
        "snippets_html": highlight.get("text", []),
        "url": doc.get("url"),
        "canonical_url": doc.get("canonical_url"),
        "site_name": doc.get("site_name"),
        "published": doc.get("published"),
        "relevant": bool(doc.get("relevant")),
        "relevance": doc.get("relevance"),
        "provinces": doc.get("provinces", []),
        "countries": doc.get("countries", []),
        "sectors": doc.get("sectors", []),
        "pairings": [
            {"province": p["province"], "country": p["country"], "sectors": p.get("sectors", [])}
            for p in doc.get("pairings", [])
        ],
    }


def _facets(aggs: dict[str, Any] | None) -> dict[str, Any]:
    aggs = aggs or {}  # no index yet: no aggregations
    names = vocabulary().countries

    def buckets(name: str) -> list[dict[str, Any]]:
        return [
            {"value": b["key"], "count": b["doc_count"],
             **({"label": names.get(b["key"], b["key"])} if name == "countries" else {})}
            for b in aggs.get(name, {}).get("buckets", [])
        ]

    return {
        "provinces": buckets("provinces"),
        "countries": buckets("countries"),
        "sectors": buckets("sectors"),
        "published": [
            {"date": b["key_as_string"], "count": b["doc_count"]}
            for b in aggs.get("published", {}).get("buckets", [])
        ],
    }


def article(doc_id: str, source: dict[str, Any]) -> dict[str, Any]:
    result = {"id": doc_id, **{name: source.get(name) for name in ARTICLE_FIELDS}}
    result["pairings"] = [
        {"province": p["province"], "country": p["country"], "sectors": p.get("sectors", []),
         "evidence": p.get("evidence", "")}
        for p in source.get("pairings", [])
    ]
    return result


def pairing_edges(response: dict[str, Any]) -> dict[str, Any]:
    aggs = response.get("aggregations", {})
    buckets = aggs.get("pairings", {}).get("matching", {}).get("edges", {}).get("buckets", [])
    names = vocabulary().countries
    edges = []
    for bucket in buckets:
        province = _only_key(bucket["province"])
        country = _only_key(bucket["country"])
        articles = bucket["articles"]
        edges.append({
            "province": province,
            "country": country,
            "country_name": names.get(country, country),
            "articles": articles["doc_count"],
            "mentions": bucket["doc_count"],
            "sectors": [
                {"sector": s["key"], "articles": s["articles"]["doc_count"]}
                for s in bucket["sectors"]["buckets"]
            ],
            "first_seen": articles["first_seen"].get("value_as_string"),
            "last_seen": articles["last_seen"].get("value_as_string"),
        })
    return {"total_articles": response["hits"]["total"]["value"],
            "took_ms": response.get("took", 0), "edges": edges}


def _only_key(agg: dict[str, Any]) -> str:
    buckets = agg.get("buckets", [])
    return str(buckets[0]["key"]) if buckets else ""
