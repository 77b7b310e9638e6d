from datetime import date

import pytest

from services.search.query import InvalidSearch, SearchRequest, build_query


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
