"""GET /search, GET /articles/{id} and GET /labels."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query

from services.api.dependencies import ElasticsearchDep, SettingsDep
from services.api.params import FilterParams
from services.api.schemas import Article, ErrorBody, LabelsResponse, SearchResponse
from services.search.labels import vocabulary
from services.search.query import MAX_PAGE_SIZE, HistogramInterval
from services.search.searcher import get_article, search_articles

router = APIRouter(tags=["search"])

ERRORS = {422: {"model": ErrorBody, "description": "a parameter is invalid (`field` names it)"},
          503: {"model": ErrorBody, "description": "Elasticsearch is unreachable"}}


@router.get("/search", response_model=SearchResponse, responses=ERRORS)
def search(
    filters: FilterParams,
    es: ElasticsearchDep,
    settings: SettingsDep,
    sort: Annotated[Literal["relevance", "date"], Query(
        description="relevance, or date (newest first)")] = "relevance",
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="hits per page")] = 10,
    cursor: Annotated[str | None, Query(
        max_length=2000, description="next_cursor of the previous page of this same search")
    ] = None,
    facets: Annotated[bool, Query(
        description="include counts per province, country, sector and date")] = True,
    interval: Annotated[HistogramInterval, Query(description="date histogram bucket")] = "month",
) -> dict[str, object]:
    """Full-text search with label filters, highlighted snippets and facet counts."""
    request = replace(filters, sort=sort, size=size, facets=facets, histogram_interval=interval)
    return search_articles(es, settings.index_alias, request, cursor=cursor or None)


@router.get("/articles/{article_id}", response_model=Article,
            responses={404: {"model": ErrorBody}, **ERRORS})
def article(
    article_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,128}$")],
    es: ElasticsearchDep,
    settings: SettingsDep,
) -> dict[str, object]:
    """One article with its full text and labels."""
    found = get_article(es, settings.index_alias, article_id)
    if found is None:
        raise HTTPException(404, f"no article with id {article_id}")
    return found


@router.get("/labels", response_model=LabelsResponse)
def labels() -> dict[str, object]:
    """The values the province, country and sector filters accept."""
    vocab = vocabulary()
    return {
        "provinces": list(vocab.provinces),
        "sectors": list(vocab.sectors),
        "countries": [{"code": code, "name": name} for code, name in sorted(vocab.countries.items())],
    }
