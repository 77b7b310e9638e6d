"""GET /pairings: the province-country network among the articles a search matches."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.api.dependencies import ElasticsearchDep, SettingsDep
from services.api.params import FilterParams
from services.api.routes_search import ERRORS
from services.api.schemas import PairingsResponse
from services.search.query import MAX_EDGES
from services.search.searcher import pairing_edges

router = APIRouter(tags=["pairings"])


@router.get("/pairings", response_model=PairingsResponse, responses=ERRORS)
def pairings(
    filters: FilterParams,
    es: ElasticsearchDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=MAX_EDGES, description="most edges returned")] = 200,
) -> dict[str, object]:
    """Province-country edges, most-reported first, with sectors, article counts and the
    first and last publication dates. Province and country filters keep the edges that
    involve them; the other filters choose the articles counted."""
    return pairing_edges(es, settings.index_alias, filters, limit=limit)
