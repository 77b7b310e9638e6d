"""The periodic poll in real Celery processes: feeds added or removed while the workers run
take effect at the next tick, without a restart."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from services.cli.workers import WorkerGroup, worker_specs
from services.common.settings import Settings
from services.ingest.feed_registry import FeedRegistry
from services.samplefeeds.server import SampleServer, start_sample_server
from tests.local_servers import FEED_SERVER_PORT

pytestmark = pytest.mark.e2e

LOGS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e-logs"


def _wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def feeds_server() -> Iterator[SampleServer]:
    with start_sample_server(FEED_SERVER_PORT) as running:
        yield running


@pytest.fixture
def scheduler_and_ingest(redis_db, monkeypatch: pytest.MonkeyPatch) -> Iterator[WorkerGroup]:  # type: ignore[no-untyped-def]
    # The child processes read their settings from the environment: tick every second and
    # poll every feed every second or two, so a removed feed would soon be polled again.
    for name, value in {"BRI_SCHEDULER_TICK_SECONDS": "1", "BRI_POLL_INTERVAL_SECONDS": "1",
                        "BRI_FEED_MIN_INTERVAL_SECONDS": "1",
                        "BRI_FEED_MAX_INTERVAL_SECONDS": "2"}.items():
        monkeypatch.setenv(name, value)
    specs = [s for s in worker_specs(Settings(), with_scheduler=True)
             if s.name in {"ingest", "scheduler"}]
    group = WorkerGroup(specs, log_dir=str(LOGS))
    group.start()
    yield group
    group.stop()


def test_feeds_added_and_removed_while_workers_run(
    scheduler_and_ingest: WorkerGroup, feeds_server: SampleServer, redis_db  # type: ignore[no-untyped-def]
) -> None:
    registry = FeedRegistry(redis_db)
    first, second = feeds_server.feed_urls[:2]

    def polled(url: str) -> bool:
        state = next((f for f in registry.all() if f.url == url), None)
        return state is not None and state.last_success_at is not None

    registry.add(first)
    assert _wait_for(lambda: polled(first), timeout=90), "the running scheduler never polled"
    registry.add(second)
    assert _wait_for(lambda: polled(second), timeout=30), "a feed added later was not polled"

    first_path, second_path = ("/" + url.split("/", 3)[3] for url in (first, second))
    assert _wait_for(lambda: feeds_server.request_count(first_path) >= 3, timeout=30)

    registry.remove(first)
    time.sleep(1.5)  # a poll already queued or running may still finish
    after_removal = feeds_server.request_count(first_path)
    second_before = feeds_server.request_count(second_path)
    time.sleep(5)
    assert feeds_server.request_count(first_path) == after_removal
    assert feeds_server.request_count(second_path) > second_before  # the other goes on
    assert first not in {f.url for f in registry.all()}  # not written back by a late poll
