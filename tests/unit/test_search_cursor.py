import base64
import json
from dataclasses import replace

import pytest

from services.search.cursor import decode_cursor, encode_cursor
from services.search.query import InvalidSearch, SearchRequest, normalised

REQUEST = normalised(SearchRequest(text="copper", provinces=["Gansu"], sort="date"))


def test_a_cursor_round_trips_the_sort_values() -> None:
    cursor = encode_cursor(REQUEST, [1793779200000, "abc"])
    assert decode_cursor(cursor, REQUEST) == [1793779200000, "abc"]
    # Page size and facets may change between pages; the result list does not.
    assert decode_cursor(cursor, replace(REQUEST, size=50, facets=True)) == [1793779200000, "abc"]


@pytest.mark.parametrize("change", [
    {"text": "nickel"}, {"provinces": ["Qinghai"]}, {"sort": "relevance"}, {"relevant_only": True},
])
def test_a_cursor_is_refused_by_another_search(change: dict[str, object]) -> None:
    cursor = encode_cursor(REQUEST, [1793779200000, "abc"])
    with pytest.raises(InvalidSearch, match="different search") as raised:
        decode_cursor(cursor, replace(REQUEST, **change))
    assert raised.value.field == "cursor"


def _token(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize("token", [
    "%%%", "bm90IGpzb24", _token([1, 2]), _token({"v": 2}),
    _token({"v": 1, "f": encode_cursor(REQUEST, [])[:0], "a": [1, "x"]}),
])
def test_malformed_cursors_are_refused(token: str) -> None:
    with pytest.raises(InvalidSearch) as raised:
        decode_cursor(token, REQUEST)
    assert raised.value.field == "cursor"


@pytest.mark.parametrize("values", [[1, 2], ["a", "b"], [True, "x"], [1, "x", 3], [float("nan"), "x"]])
def test_sort_values_of_the_wrong_shape_are_refused(values: list[object]) -> None:
    with pytest.raises(InvalidSearch, match="malformed"):
        decode_cursor(encode_cursor(REQUEST, values), REQUEST)
