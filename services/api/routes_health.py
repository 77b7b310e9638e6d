"""GET /health: whether the API's backing services answer."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from services.api.dependencies import ElasticsearchDep, RedisDep
from services.api.schemas import HealthResponse

router = APIRouter(tags=["health"])

PROBE_TIMEOUT_SECONDS = 2


@router.get("/health", response_model=HealthResponse,
            responses={503: {"model": HealthResponse, "description": "a component is down"}})
def health(es: ElasticsearchDep, redis: RedisDep) -> JSONResponse:
    """200 when Elasticsearch and Redis both answer, else 503 saying which does not."""
    components = {"elasticsearch": _elasticsearch(es), "redis": _redis(redis)}
    healthy = all(c["ok"] for c in components.values())
    body = {"status": "ok" if healthy else "degraded", **components}
    return JSONResponse(status_code=200 if healthy else 503, content=body)


def _elasticsearch(es: ElasticsearchDep) -> dict[str, object]:
    try:
        # No retries: a health probe should report, not wait.
        health = es.options(request_timeout=PROBE_TIMEOUT_SECONDS, max_retries=0).cluster.health()
    except Exception as exc:
        return {"ok": False, "detail": f"not reachable ({type(exc).__name__})"}
    status = str(health.get("status"))
    return {"ok": status in ("green", "yellow"), "detail": f"cluster status {status}"}


def _redis(redis: RedisDep) -> dict[str, object]:
    try:
        redis.ping()
    except Exception as exc:
        return {"ok": False, "detail": f"not reachable ({type(exc).__name__})"}
    return {"ok": True, "detail": "answers PING"}
