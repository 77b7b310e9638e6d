"""Query-string parameters shared by /search and /pairings, turned into a SearchRequest."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from services.search.query import SearchRequest


def filter_params(
    q: Annotated[str, Query(
        max_length=1000,
        description='free text in simple query syntax: "exact phrase", +must, -exclude, '
                    "a | b, prefix*")] = "",
    province: Annotated[list[str] | None, Query(
        description="Chinese province (canonical English name); repeat to require several")
    ] = None,
    country: Annotated[list[str] | None, Query(
        description="ISO 3166-1 alpha-2 code; repeat to require several")] = None,
    sector: Annotated[list[str] | None, Query(
        description="sector slug; repeat to require several")] = None,
    relevant: Annotated[bool, Query(
        description="only articles about international capacity cooperation")] = False,
    published_from: Annotated[date | None, Query(description="YYYY-MM-DD, inclusive")] = None,
    published_to: Annotated[date | None, Query(description="YYYY-MM-DD, inclusive")] = None,
) -> SearchRequest:
    return SearchRequest(
        text=q, provinces=province or [], countries=country or [], sectors=sector or [],
        relevant_only=relevant, published_from=published_from, published_to=published_to,
    )


FilterParams = Annotated[SearchRequest, Depends(filter_params)]
