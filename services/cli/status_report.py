"""`bri status`: queue depths and lag, workers alive, and throughput over the last minute."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

import redis

from services.common import dead_letter, throughput
from services.common.queue_stats import QueueState, in_progress, queue_states
from services.common.worker_presence import WorkerPresence, live_workers


@dataclass(frozen=True)
class StatusReport:
    taken_at: float
    queues: list[QueueState]
    in_progress: int
    dead_letters: int
    workers: list[WorkerPresence]
    window_seconds: int
    finished: dict[str, dict[str, int]]  # stage -> outcome -> tasks in the window

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def gather(client: redis.Redis) -> StatusReport:
    now = time.time()
    return StatusReport(
        taken_at=now,
        queues=queue_states(client, now=now),
        in_progress=in_progress(client),
        dead_letters=dead_letter.count(client),
        workers=live_workers(client),
        window_seconds=throughput.WINDOW_SECONDS,
        finished=throughput.last_window(client, now=now),
    )


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.1f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}m"
    return f"{seconds / 3600:.1f}h"


def render(report: StatusReport) -> list[str]:
    lines = [f"{'queue':<12}{'waiting':>9}  oldest"]
    lines += [f"{q.queue:<12}{q.waiting:>9}  {_age(q.oldest_age_seconds)}" for q in report.queues]
    lines.append(f"in progress {report.in_progress}, dead letters {report.dead_letters}")
    lines.append("")
    if report.workers:
        lines.append(f"workers alive: {len(report.workers)}")
        for w in report.workers:
            port = f":{w.metrics_port}/metrics" if w.metrics_port else "no metrics"
            lines.append(f"  {w.node:<32} {w.stage:<9} pid {w.pid:<7} {port:<15} "
                         f"beat {_age(report.taken_at - w.last_seen)} ago, "
                         f"up {_age(report.taken_at - w.started_at)}")
    else:
        lines.append("workers alive: none (start them with `bri workers`)")
    lines.append("")
    lines.append(f"finished in the last {report.window_seconds}s:")
    if not report.finished:
        lines.append("  nothing")
    for stage, outcomes in sorted(report.finished.items()):
        total = sum(outcomes.values())
        detail = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
        lines.append(f"  {stage:<12}{total:>7} tasks ({total / report.window_seconds:.1f}/s; {detail})")
    return lines
