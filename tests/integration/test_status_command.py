"""`bri status` against the real Redis: queue depth and lag, then a real worker's liveness."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.cli.main import app as cli
from services.cli.workers import WorkerGroup, stage_spec
from services.common import contracts
from services.common.routing import TASK_CLASSIFY_ARTICLE
from services.common.worker_presence import live_workers
from tests.builders import classified

pytestmark = pytest.mark.integration


def _status() -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, ["status", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def _queue(report: dict, name: str) -> dict:  # type: ignore[type-arg]
    return next(q for q in report["queues"] if q["queue"] == name)


def _wait_for(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_status_shows_depth_lag_then_the_worker_that_drains_the_queue(
    redis_db, settings, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    from services.classify.worker import app as classify_app

    first_sent = time.time()
    for number in range(5):
        message = classified(url=f"https://news.example/status-{number}.html").article
        classify_app.send_task(TASK_CLASSIFY_ARTICLE, args=[contracts.dump(message)])
    time.sleep(1.5)

    waiting = _status()
    classify = _queue(waiting, "classify")
    assert classify["waiting"] == 5
    assert 1.5 <= classify["oldest_age_seconds"] <= time.time() - first_sent + 0.5
    assert _queue(waiting, "ingest") == {"queue": "ingest", "waiting": 0, "oldest_age_seconds": None}
    assert waiting["workers"] == []

    text = CliRunner().invoke(cli, ["status"]).output
    assert any(line.split()[:2] == ["classify", "5"] for line in text.splitlines()), text
    assert "workers alive: none" in text

    spec = stage_spec(settings, "classify", concurrency=1)
    group = WorkerGroup([spec], log_dir=str(tmp_path))
    group.start()
    try:
        assert _wait_for(lambda: any(w.stage == "classify" for w in live_workers(redis_db)), 60), \
            (tmp_path / "classify.log").read_text()
        assert _wait_for(lambda: _queue(_status(), "index")["waiting"] == 5, 60)
        # Workers write their finished-task counts to Redis once a second.
        assert _wait_for(lambda: _status()["finished"].get("classify") == {"ok": 5}, 10)
        running = _status()
        assert _queue(running, "classify")["waiting"] == 0
        (worker,) = running["workers"]
        assert worker["stage"] == "classify" and worker["node"].startswith("classify@")
        assert worker["queues"] == ["classify"]
        assert time.time() - worker["last_seen"] < 3 * settings.heartbeat_interval_seconds
        assert running["finished"]["classify"] == {"ok": 5}
        # Nothing consumes the index queue here, so its oldest message keeps ageing.
        assert _queue(running, "index")["oldest_age_seconds"] > 0
    finally:
        group.stop()
    # A worker that stops cleanly is gone from the status at once.
    assert _status()["workers"] == []


def test_a_killed_worker_drops_out_of_the_status_after_three_missed_beats(
    redis_db, settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    import signal

    monkeypatch.setenv("BRI_HEARTBEAT_INTERVAL_SECONDS", "1")
    spec = stage_spec(settings, "classify", concurrency=1)
    group = WorkerGroup([spec], log_dir=str(tmp_path))
    group.start()
    try:
        assert _wait_for(lambda: len(_status()["workers"]) == 1, 60), (tmp_path / "classify.log").read_text()
        time.sleep(2.5)  # beats keep it listed well past its first record's lifetime
        assert len(_status()["workers"]) == 1
        process = group.processes["classify"]
        process.send_signal(signal.SIGKILL)  # no clean shutdown, no record removed
        process.wait()
        killed_at = time.monotonic()
        assert _wait_for(lambda: _status()["workers"] == [], 10)
        assert time.monotonic() - killed_at <= 3 * 1 + 1
    finally:
        group.stop()
