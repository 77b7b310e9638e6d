"""GET /metrics (Prometheus text format) and the middleware counting the API's requests."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from services.common.metrics import API_REQUEST_DURATION, API_REQUESTS, process_registry
from services.common.pipeline_metrics import PipelineCollector

router = APIRouter(include_in_schema=False)


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """This API's request metrics (all its server processes), plus the pipeline's queue gauges."""
    registry = process_registry()
    registry.register(PipelineCollector(request.app.state.redis))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def install_request_metrics(app: FastAPI) -> None:
    @app.middleware("http")
    async def count_request(request: Request,
                            call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            # The route template, not the raw path, so ids do not make a label per article.
            route = request.scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            API_REQUESTS.labels(route=template, method=request.method, status=str(status)).inc()
            API_REQUEST_DURATION.labels(route=template).observe(time.perf_counter() - started)

    app.include_router(router)
