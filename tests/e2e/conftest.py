"""Fixtures shared by the end-to-end tests: the pipeline's workers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.cli.workers import WorkerGroup, worker_specs

# Worker logs stay after the run, so a failed end-to-end test can be read afterwards.
LOGS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e-logs"


@pytest.fixture
def workers(redis_db, es, settings) -> Iterator[WorkerGroup]:  # type: ignore[no-untyped-def]
    """Every stage's worker as a real Celery process, without the periodic poll."""
    group = WorkerGroup(worker_specs(settings, with_scheduler=False), log_dir=str(LOGS))
    group.start()
    yield group
    group.stop()
