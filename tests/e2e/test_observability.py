"""Worker metrics and JSON logs, end to end: sample feeds through real workers, Redis and Elasticsearch."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.cli.pipeline_status import wait_until_idle
from services.cli.workers import WorkerGroup, worker_specs
from services.common import dead_letter
from services.common.routing import TASK_FETCH_ARTICLE, TASK_POLL_FEED
from services.common.worker_presence import WorkerPresence, live_workers
from services.ingest.feed_registry import FeedRegistry
from services.samplefeeds.corpus import labels_by_file
from tests.metrics_scrape import scrape, value

pytestmark = pytest.mark.e2e

STAGES = ("ingest", "extract", "classify", "index", "alerts")


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    return tmp_path / "logs"


@pytest.fixture
def workers(redis_db, es, settings, log_dir: Path) -> Iterator[WorkerGroup]:  # type: ignore[no-untyped-def]
    group = WorkerGroup(worker_specs(settings, with_scheduler=False), log_dir=str(log_dir))
    group.start()
    yield group
    group.stop()


def _presences(
    redis_db, group: WorkerGroup, timeout: float = 60  # type: ignore[no-untyped-def]
) -> dict[str, list[WorkerPresence]]:
    """Every worker's presence, by stage, once all the group's workers have announced themselves
    (a CPU stage runs as several single-process workers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        by_stage: dict[str, list[WorkerPresence]] = {}
        for w in live_workers(redis_db):
            by_stage.setdefault(w.stage, []).append(w)
        if all(len(by_stage.get(stage, [])) == len(_names(group, stage)) for stage in STAGES):
            return by_stage
        time.sleep(0.3)
    raise AssertionError(f"not every stage's workers came up: {sorted(by_stage)}")


def _names(group: WorkerGroup, stage: str) -> list[str]:
    return [spec.name for spec in group.specs if spec.stage == stage]


def _scrape_stages(ports: dict[str, list[int]]) -> dict[str, list[str]]:
    return {stage: [scrape(port) for port in stage_ports] for stage, stage_ports in ports.items()}


def _total(texts: list[str], name: str, **labels: str) -> float:
    """A metric summed over a stage's workers."""
    return sum(value(text, name, **labels) for text in texts)


def _poll_through_workers(server, redis_db) -> None:  # type: ignore[no-untyped-def]
    from services.ingest.worker import app as ingest_app

    for url in server.feed_urls:
        ingest_app.send_task(TASK_POLL_FEED, args=[url])
    assert wait_until_idle(redis_db, timeout=240), "pipeline did not drain"


def _json_lines(path: Path) -> list[dict[str, Any]]:
    # Celery prints its start-up banner as plain text; every log record is a JSON line.
    lines = [line for line in path.read_text().splitlines() if line.startswith("{")]
    return [json.loads(line) for line in lines]


def test_worker_metrics_move_with_real_tasks_and_logs_follow_an_article(
    workers, sample_server, redis_db, es, settings, log_dir: Path  # type: ignore[no-untyped-def]
) -> None:
    articles = len(labels_by_file())
    feeds = len(sample_server.feed_urls)
    registry = FeedRegistry(redis_db)
    for url in sample_server.feed_urls:
        registry.add(url)
    ports = {stage: [w.metrics_port or 0 for w in ws] for stage, ws in _presences(redis_db, workers).items()}
    assert all(port for stage_ports in ports.values() for port in stage_ports), ports
    before = _scrape_stages(ports)
    assert _total(before["classify"], "bri_articles_total", stage="classify", outcome="ok") == 0

    _poll_through_workers(sample_server, redis_db)
    assert dead_letter.count(redis_db) == 0, dead_letter.list_letters(redis_db)
    es.indices.refresh(index=settings.index_alias)
    assert es.count(index=settings.index_alias)["count"] == articles

    after = _scrape_stages(ports)
    ingest, classify, index = after["ingest"], after["classify"], after["index"]
    assert _total(ingest, "bri_feed_polls_total", outcome="updated") == feeds
    assert _total(ingest, "bri_feed_new_entries_total") == articles
    assert _total(ingest, "bri_articles_total", stage="ingest", outcome="ok") == articles
    assert _total(ingest, "bri_step_duration_seconds_count", stage="ingest", step="fetch-page") == articles
    # Extraction may run in prefork children (whose parent's endpoint counts them) or in
    # several single-process workers: between them, every article once.
    extract = after["extract"]
    assert _total(extract, "bri_articles_total", stage="extract", outcome="ok") == articles
    assert _total(extract, "bri_step_duration_seconds_count", stage="extract", step="extract") == articles
    assert _total(classify, "bri_articles_total", stage="classify", outcome="ok") == articles
    assert _total(classify, "bri_task_duration_seconds_count", stage="classify",
                  task="bri.classify.classify_article") == articles
    assert _total(index, "bri_articles_total", stage="index", outcome="ok") == articles
    assert _total(after["alerts"], "bri_articles_total", stage="alerts", outcome="ok") == articles

    # A second poll: every feed answers 304, the poll counter moves and nothing else does.
    _poll_through_workers(sample_server, redis_db)
    again = _scrape_stages({"ingest": ports["ingest"]})["ingest"]
    assert _total(again, "bri_feed_polls_total", outcome="not-modified") == feeds
    assert _total(again, "bri_articles_total", stage="ingest", outcome="ok") == articles

    # One article's id runs through the JSON log lines of every stage that handled it.
    # Ingest knows the article by its URL; its id is born from the canonical URL at extract.
    stages = ("ingest", "extract", "classify", "index")
    lines = {stage: [line for name in _names(workers, stage) for line in _json_lines(log_dir / f"{name}.log")]
             for stage in stages}
    assert all(lines.values())
    doc = es.search(index=settings.index_alias, size=1, query={"match_all": {}})["hits"]["hits"][0]
    article_id, feed_url = doc["_id"], doc["_source"].get("feed_url")
    article_url = doc["_source"]["url"]
    for stage, records in lines.items():
        mine = [r for r in records if r.get("article_id") == article_id
                or (stage == "ingest" and r.get("article_url") == article_url)]
        assert mine, f"no {stage} log line carries article {article_id}"
        assert all(r["stage"] == stage and r["task_id"] and r["task"].startswith("bri.") for r in mine)
        assert any("succeeded" in r["message"] for r in mine)
    ingest_line = next(r for r in lines["ingest"] if r.get("article_url") == article_url)
    assert ingest_line["feed_url"] in sample_server.feed_urls
    if feed_url:
        assert ingest_line["feed_url"] == feed_url


def test_a_dead_lettered_article_counts_as_failed_and_its_log_line_names_it(
    workers, sample_server, redis_db, es, log_dir: Path  # type: ignore[no-untyped-def]
) -> None:
    from services.ingest.worker import app as ingest_app

    (ingest,) = _presences(redis_db, workers)["ingest"]
    port = ingest.metrics_port
    assert port
    missing = f"{sample_server.base_url}/articles/no-such-article.html"
    ingest_app.send_task(TASK_FETCH_ARTICLE, args=[{"url": missing, "feed_url": None}])
    assert wait_until_idle(redis_db, timeout=60)
    assert dead_letter.count(redis_db) == 1
    text = scrape(port)
    assert value(text, "bri_articles_total", stage="ingest", outcome="failed") == 1
    assert value(text, "bri_articles_total", stage="ingest", outcome="ok") == 0
    failures = [r for r in _json_lines(log_dir / "ingest.log")
                if r.get("article_url") == missing and r["level"] in ("warning", "error")]
    assert failures and all(r["stage"] == "ingest" and r["task_id"] for r in failures)
