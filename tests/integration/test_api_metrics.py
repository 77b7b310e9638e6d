"""GET /metrics on the API, against the real Redis and Elasticsearch."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from services.api.app import create_app
from services.common import contracts
from services.common.routing import TASK_CLASSIFY_ARTICLE
from services.common.settings import Settings
from tests.builders import classified
from tests.metrics_scrape import value

pytestmark = pytest.mark.integration


@pytest.fixture
def client(settings: Settings, es) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_metrics_count_requests_by_route_template(client: TestClient, redis_db) -> None:  # type: ignore[no-untyped-def]
    before = client.get("/metrics").text
    client.get("/labels")
    client.get("/labels")
    client.get("/articles/no-such-article")
    client.get("/articles/another-missing-one")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    after = response.text

    def moved(**labels: str) -> float:
        return (value(after, "bri_api_requests_total", **labels)
                - value(before, "bri_api_requests_total", **labels))

    assert moved(route="/labels", method="GET", status="200") == 2
    # Both missing articles count under one template, not one label per id.
    assert moved(route="/articles/{article_id}", method="GET", status="404") == 2
    assert "no-such-article" not in after
    assert value(after, "bri_api_request_duration_seconds_count", route="/labels") >= 2


def test_metrics_report_what_really_waits_in_the_queues(client: TestClient, redis_db) -> None:  # type: ignore[no-untyped-def]
    from services.classify.worker import app as classify_app

    sent_at = time.time()
    for number in range(3):
        message = classified(url=f"https://news.example/{number}.html").article
        classify_app.send_task(TASK_CLASSIFY_ARTICLE, args=[contracts.dump(message)])
    time.sleep(1.0)
    text = client.get("/metrics").text
    assert value(text, "bri_redis_up") == 1
    assert value(text, "bri_queue_depth", queue="classify") == 3
    assert value(text, "bri_queue_depth", queue="index") == 0
    lag = value(text, "bri_queue_lag_seconds", queue="classify")
    assert 1.0 <= lag <= time.time() - sent_at + 0.5
    assert value(text, "bri_queue_lag_seconds", queue="index") == 0
    assert value(text, "bri_dead_letters") == 0
