"""Running searches against the articles alias: the calls every front end makes.

Elasticsearch errors are not caught here; each front end reports them its own way
(an exit message on the command line, a 503 from the API).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from services.search import results
from services.search.cursor import decode_cursor
from services.search.query import (
    SearchRequest,
    build_pairings_query,
    build_query,
    normalised,
)

# Before the first article is indexed the alias does not exist: that is an empty
# result, not an error.
_MISSING_INDEX_IS_EMPTY = {"ignore_unavailable": True, "allow_no_indices": True}


def search_articles(
    es: Elasticsearch, index: str, request: SearchRequest, cursor: str | None = None
) -> dict[str, Any]:
    request = normalised(request)
    if cursor:
        request = replace(request, search_after=decode_cursor(cursor, request))
    response = es.search(index=index, **build_query(request), **_MISSING_INDEX_IS_EMPTY)
    return results.search_page(response.body, request)


def get_article(es: Elasticsearch, index: str, doc_id: str) -> dict[str, Any] | None:
    try:
        response = es.get(index=index, id=doc_id)
    except NotFoundError:
        return None
    return results.article(response["_id"], response["_source"])


def pairing_edges(
    es: Elasticsearch, index: str, request: SearchRequest, limit: int = 200
) -> dict[str, Any]:
    body = build_pairings_query(request, max_edges=limit)
    response = es.search(index=index, **body, **_MISSING_INDEX_IS_EMPTY)
    return results.pairing_edges(response.body)
