"""Opaque page cursors: the sort values of a page's last hit, tied to the search they came from.

Pages are fetched with search_after rather than from/size, so page 500 costs what page 1
costs and Elasticsearch's 10,000-hit window never cuts a result list short. A cursor
carries a fingerprint of the search it belongs to: reused with other text, filters or
sort it is refused instead of silently starting mid-way through different results.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
from typing import Any

from services.search.errors import InvalidSearch
from services.search.query import SearchRequest, sort_fields

CURSOR_VERSION = 1


def fingerprint(request: SearchRequest) -> str:
    """Identifies the result list: everything but page size, position and facets."""
    key = [
        request.text.strip(), sorted(request.provinces), sorted(request.countries),
        sorted(request.sectors), request.relevant_only,
        request.published_from.isoformat() if request.published_from else None,
        request.published_to.isoformat() if request.published_to else None,
        request.sort,
    ]
    digest = hashlib.sha256(json.dumps(key, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()[:16]


def encode_cursor(request: SearchRequest, sort_values: list[Any]) -> str:
    payload = {"v": CURSOR_VERSION, "f": fingerprint(request), "a": sort_values}
    raw = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(token: str, request: SearchRequest) -> list[Any]:
    """The search_after values in ``token``, checked against ``request`` (normalised)."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise InvalidSearch("cursor is malformed; pass next_cursor exactly as returned",
                            field="cursor") from exc
    if not isinstance(payload, dict) or payload.get("v") != CURSOR_VERSION:
        raise InvalidSearch("cursor is malformed; pass next_cursor exactly as returned",
                            field="cursor")
    if payload.get("f") != fingerprint(request):
        raise InvalidSearch("cursor belongs to a different search (text, filters or sort "
                            "changed); start again without a cursor", field="cursor")
    values = payload.get("a")
    if not _values_fit(values, request.sort):
        raise InvalidSearch("cursor is malformed; pass next_cursor exactly as returned",
                            field="cursor")
    return values  # type: ignore[no-any-return]


def _values_fit(values: object, sort: str) -> bool:
    if not isinstance(values, list) or len(values) != len(sort_fields(sort)):
        return False
    *numbers, tie_breaker = values
    return isinstance(tie_breaker, str) and all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        for v in numbers
    )
