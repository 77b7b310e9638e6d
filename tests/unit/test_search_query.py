from datetime import date

import pytest

from services.search.query import (
    MAX_EDGES,
    InvalidSearch,
    SearchRequest,
    build_pairings_query,
    build_query,
)


def test_free_text_uses_simple_query_string_never_query_string() -> None:
    body = build_query(SearchRequest(text='"copper smelter" +Gansu -Mongolia'))
    text_query = body["query"]["bool"]["must"][0]
    assert "simple_query_string" in text_query
    assert "query_string" not in text_query
    assert text_query["simple_query_string"]["query"] == '"copper smelter" +Gansu -Mongolia'


def test_filters_narrow_by_every_label_given() -> None:
    body = build_query(SearchRequest(provinces=["Gansu"], countries=["kz"], sectors=["mining"],
                                     relevant_only=True, published_from=date(2026, 1, 1)))
    filters = body["query"]["bool"]["filter"]
    assert {"term": {"provinces": "Gansu"}} in filters
    assert {"term": {"countries": "KZ"}} in filters
    assert {"term": {"sectors": "mining"}} in filters
    assert {"term": {"relevant": True}} in filters
    assert {"range": {"published": {"gte": "2026-01-01"}}} in filters


def test_pages_are_sorted_with_a_tie_breaker_for_search_after() -> None:
    body = build_query(SearchRequest(sort="date", search_after=["2026-01-01", "abc"]))
    assert body["sort"][-1] == {"article_id": "asc"}
    assert body["search_after"] == ["2026-01-01", "abc"]


@pytest.mark.parametrize("size", [0, 101])
def test_page_size_out_of_range_is_refused(size: int) -> None:
    with pytest.raises(InvalidSearch, match="size"):
        build_query(SearchRequest(size=size))


def test_inverted_date_range_is_refused() -> None:
    with pytest.raises(InvalidSearch, match="published_from"):
        build_query(SearchRequest(published_from=date(2026, 2, 1), published_to=date(2026, 1, 1)))


def test_labels_are_checked_and_spelled_canonically() -> None:
    body = build_query(SearchRequest(provinces=["inner  mongolia"], sectors=["Electric-Power"]))
    filters = body["query"]["bool"]["filter"]
    assert {"term": {"provinces": "Inner Mongolia"}} in filters
    assert {"term": {"sectors": "electric-power"}} in filters


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (SearchRequest(provinces=["Gansuu"]), "province"),
        (SearchRequest(sectors=["steelworks"]), "sector"),
        (SearchRequest(countries=["XX"]), "country"),
        (SearchRequest(countries=["CN"]), "country"),  # China is never a foreign country
        (SearchRequest(size=101), "size"),
        (SearchRequest(sort="popular"), "sort"),  # type: ignore[arg-type]
        (SearchRequest(histogram_interval="fortnight"), "interval"),  # type: ignore[arg-type]
    ],
)
def test_invalid_parameters_name_themselves(request_: SearchRequest, field: str) -> None:
    with pytest.raises(InvalidSearch) as raised:
        build_query(request_)
    assert raised.value.field == field


def test_highlights_are_html_escaped_and_filter_only_searches_get_a_snippet() -> None:
    highlight = build_query(SearchRequest(provinces=["Gansu"]))["highlight"]
    assert highlight["encoder"] == "html"
    assert highlight["pre_tags"] == ["<mark>"]
    assert highlight["fields"]["text"]["no_match_size"] > 0


def test_facets_count_labels_and_dates_when_asked() -> None:
    assert "aggs" not in build_query(SearchRequest())
    aggs = build_query(SearchRequest(facets=True, histogram_interval="week"))["aggs"]
    assert set(aggs) == {"provinces", "countries", "sectors", "published"}
    assert aggs["published"]["date_histogram"]["calendar_interval"] == "week"


def test_pairings_are_a_nested_aggregation_counted_in_articles() -> None:
    body = build_pairings_query(
        SearchRequest(text="copper", provinces=["Gansu"], countries=["kz"], sectors=["mining"]),
        max_edges=50)
    assert body["size"] == 0
    assert {"term": {"provinces": "Gansu"}} in body["query"]["bool"]["filter"]
    nested = body["aggs"]["pairings"]
    assert nested["nested"] == {"path": "pairings"}
    matching = nested["aggs"]["matching"]
    assert matching["filter"]["bool"]["filter"] == [
        {"terms": {"pairings.province": ["Gansu"]}},
        {"terms": {"pairings.country": ["KZ"]}},
        {"term": {"pairings.sectors": "mining"}},
    ]
    edges = matching["aggs"]["edges"]
    assert edges["terms"]["field"] == "pairings.key"
    assert edges["terms"]["size"] == 50
    articles = edges["aggs"]["articles"]
    assert articles["reverse_nested"] == {}
    assert articles["aggs"]["first_seen"] == {"min": {"field": "published"}}
    assert articles["aggs"]["last_seen"] == {"max": {"field": "published"}}
    assert edges["aggs"]["sectors"]["aggs"]["articles"] == {"reverse_nested": {}}


def test_pairings_limit_is_bounded() -> None:
    with pytest.raises(InvalidSearch) as raised:
        build_pairings_query(SearchRequest(), max_edges=MAX_EDGES + 1)
    assert raised.value.field == "limit"


def test_spelled_out_operators_become_simple_query_syntax() -> None:
    from services.search.query import spelled_out_operators

    assert spelled_out_operators("copper OR railway") == "copper | railway"
    assert spelled_out_operators("Gansu AND copper NOT Mongolia") == "Gansu +copper -Mongolia"
    assert spelled_out_operators('"rules OR origin" OR steel') == '"rules OR origin" | steel'
    assert spelled_out_operators("trade or investment") == "trade or investment"
