"""Starting the pipeline's Celery workers (and the feed scheduler) as child processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from services.common.metrics import MULTIPROC_ENV
from services.common.routing import (
    QUEUE_ALERTS,
    QUEUE_CLASSIFY,
    QUEUE_EXTRACT,
    QUEUE_INDEX,
    QUEUE_INGEST,
)
from services.common.settings import Settings


@dataclass(frozen=True)
class WorkerSpec:
    name: str  # distinct within a group, e.g. "extract-2"
    args: list[str]
    stage: str  # the stage it serves ("scheduler" for the periodic poll)


@dataclass(frozen=True)
class Stage:
    module: str
    queue: str
    pool: str  # Celery pool: "threads" for stages that wait, "prefork" for CPU work
    concurrency: Callable[[Settings], int]


# Ingest threads wait on the network; extraction and classification are CPU, so they run
# as processes; index and alerts threads wait on Elasticsearch and on deliveries.
STAGES: dict[str, Stage] = {
    "ingest": Stage("services.ingest.worker", QUEUE_INGEST, "threads",
                    lambda s: s.ingest_concurrency),
    "extract": Stage("services.ingest.extract_worker", QUEUE_EXTRACT, "prefork",
                     lambda s: s.extract_concurrency),
    "classify": Stage("services.classify.worker", QUEUE_CLASSIFY, "prefork",
                      lambda s: s.classify_concurrency),
    "index": Stage("services.index.worker", QUEUE_INDEX, "threads", lambda s: s.index_concurrency),
    "alerts": Stage("services.alerts.worker", QUEUE_ALERTS, "threads", lambda s: s.alerts_concurrency),
}


def stage_spec(settings: Settings, stage: str, node: str | None = None,
               concurrency: int | None = None) -> WorkerSpec:
    """A worker of one stage, sized by its BRI_*_CONCURRENCY setting unless ``concurrency``
    is given; several of a stage need distinct ``node`` names."""
    definition = STAGES[stage]
    name = node or stage
    if concurrency is None:
        concurrency = definition.concurrency(settings)
    # One process of CPU work runs in the worker itself: no pool child, no pipe to it.
    pool = "solo" if definition.pool == "prefork" and concurrency == 1 else definition.pool
    return WorkerSpec(name, [sys.executable, "-m", "celery", "-A", definition.module, "worker",
                             "-Q", definition.queue, "-n", f"{name}@%h", "-P", pool,
                             "-c", str(concurrency), "--loglevel", settings.log_level], stage)


def stage_specs(settings: Settings, stage: str) -> list[WorkerSpec]:
    """The workers of one stage on this host.

    A CPU stage of N processes is one prefork worker of N children, or, with
    ``cpu_stage_pool`` "solo", N single-process workers named STAGE-1..STAGE-N, each taking
    its messages from Redis itself instead of through its parent's pipe (the pipeline
    benchmark compares the two: it sums a stage's CPU over all its workers).
    """
    definition = STAGES[stage]
    processes = definition.concurrency(settings)
    if definition.pool != "prefork" or processes == 1 or settings.cpu_stage_pool == "prefork":
        return [stage_spec(settings, stage)]
    return [stage_spec(settings, stage, f"{stage}-{n}", concurrency=1) for n in range(1, processes + 1)]


def worker_specs(settings: Settings, with_scheduler: bool = True) -> list[WorkerSpec]:
    """Every stage's workers, each stage sized by its BRI_*_CONCURRENCY setting."""
    level = settings.log_level
    celery = [sys.executable, "-m", "celery"]
    specs = [spec for stage in STAGES for spec in stage_specs(settings, stage)]
    if with_scheduler:
        schedule = settings.state_dir / "celerybeat-schedule"
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        specs.append(
            WorkerSpec("scheduler", [*celery, "-A", "services.ingest.worker", "beat", "-s",
                                     str(schedule), "--loglevel", level], "scheduler")
        )
    return specs


def _worker_environment() -> dict[str, str]:
    """This environment without an inherited metrics directory: each worker makes its own,
    so that one worker's /metrics never sums another's counters."""
    return {key: value for key, value in os.environ.items() if key != MULTIPROC_ENV}


class WorkerGroup:
    """The workers as child processes; stopping the group stops them all, warmly."""

    def __init__(self, specs: list[WorkerSpec], log_dir: str | None = None) -> None:
        self.specs = specs
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self) -> None:
        for spec in self.specs:
            self.start_one(spec.name)

    def start_one(self, name: str) -> None:
        spec = next(s for s in self.specs if s.name == name)
        output = None
        if self.log_dir:
            os.makedirs(self.log_dir, exist_ok=True)
            output = open(os.path.join(self.log_dir, f"{spec.name}.log"), "ab")  # noqa: SIM115
        self.processes[spec.name] = subprocess.Popen(
            spec.args, stdout=output, stderr=subprocess.STDOUT if output else None,
            env=_worker_environment(),
        )

    def restart_exited(self) -> list[tuple[str, int]]:
        """Start again every worker that exited; returns (name, exit code) of each.

        A worker can die of a broker hiccup (Kombu's Redis transport crashes a worker on
        some connection losses: "Unrecoverable error" while restoring unacknowledged
        messages during a Redis restart); like the container restart policy in
        docker-compose, the group brings it back rather than leaving its stage unserved.
        """
        exited = [(name, code) for name, proc in self.processes.items()
                  if (code := proc.poll()) is not None]
        for name, _ in exited:
            self.start_one(name)
        return exited

    def wait(self, max_restarts_per_minute: int = 5) -> int:
        """Block until Ctrl-C, restarting workers that exit; a worker that keeps exiting
        (more than ``max_restarts_per_minute``) stops the group with its exit code."""
        restarts: list[float] = []
        try:
            while True:
                for name, code in self.restart_exited():
                    now = time.monotonic()
                    restarts = [t for t in restarts if now - t < 60] + [now]
                    print(f"worker {name} exited with code {code}; restarted", file=sys.stderr)
                    if len(restarts) > max_restarts_per_minute:
                        print("workers keep exiting; stopping", file=sys.stderr)
                        return code or 1
                time.sleep(0.5)
        except KeyboardInterrupt:
            return 0
        finally:
            self.stop()

    def stop(self, timeout: float = 20.0) -> None:
        for proc in self.processes.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)  # warm shutdown: finish the task in hand
        deadline = time.monotonic() + timeout
        for proc in self.processes.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
