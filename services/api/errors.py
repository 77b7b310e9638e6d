"""Every failure as a JSON body naming what went wrong; never a stack trace.

Bad parameters are 422 naming the parameter, an unreachable or overloaded
Elasticsearch is 503 (the client may retry), anything unexpected is 500 with the
detail kept in the server log.
"""

from __future__ import annotations

import logging
from typing import Any

from elasticsearch import ApiError, TransportError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from services.search.errors import InvalidSearch

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "5"


def error_response(status: int, error: str, detail: str, field: str | None = None,
                   headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"error": error, "detail": detail, "field": field, **extra}
    return JSONResponse(status_code=status, content=body, headers=headers)


async def _invalid_search(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidSearch)
    return error_response(422, "invalid_parameter", str(exc), field=exc.field)


async def _invalid_request(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"field": _field_name(error.get("loc", ())), "message": str(error.get("msg", ""))}
        for error in exc.errors()
    ]
    first = problems[0] if problems else {"field": None, "message": "invalid request"}
    detail = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return error_response(422, "invalid_parameter", detail, field=first["field"], errors=problems)


def _field_name(location: Any) -> str:
    # ("query", "size") -> "size"; the first element says where the value was sent.
    parts = [str(part) for part in location[1:]] if len(location) > 1 else list(map(str, location))
    return ".".join(parts) or "request"


async def _elasticsearch_unreachable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("Elasticsearch unreachable during %s %s: %s", request.method, request.url.path, exc)
    return error_response(
        503, "search_unavailable",
        "Elasticsearch is not reachable; the search service cannot answer right now. "
        "Try again shortly.",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


async def _elasticsearch_refused(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    status = exc.meta.status if exc.meta else 500
    log.error("Elasticsearch refused %s %s (HTTP %s): %s",
              request.method, request.url.path, status, exc)
    if status == 429 or status >= 500:
        return error_response(
            503, "search_unavailable",
            f"Elasticsearch is overloaded or unavailable (HTTP {status}). Try again shortly.",
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
    return error_response(502, "search_failed",
                          f"Elasticsearch refused the search (HTTP {status}); see the server log.")


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    kind = "not_found" if exc.status_code == 404 else "http_error"
    return error_response(exc.status_code, kind, str(exc.detail), headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error in %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", "Unexpected server error; see the server log.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(InvalidSearch, _invalid_search)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(TransportError, _elasticsearch_unreachable)
    app.add_exception_handler(ApiError, _elasticsearch_refused)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
