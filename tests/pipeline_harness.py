"""Driving the real pipeline under faults, and checking that nothing was lost or duplicated.

Shared by the fault tests (tests/e2e/test_faults.py) and the soak run (scripts/soak.py):
the environment that makes redelivery quick, killing and restarting one stage's worker
(with its pool children), and the reconciliation of what the feeds served against what
Elasticsearch holds, what is still queued and what was dead-lettered.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
from elasticsearch import Elasticsearch

from services.cli.pipeline_status import queue_lengths
from services.cli.workers import WorkerGroup
from services.common import dead_letter, inflight
from services.common.settings import Settings

# Kombu's Redis transport: delivered-but-unacknowledged messages and their delivery times,
# and the list a message goes to when its exchange has no binding (it would be lost there).
UNACKED_INDEX_KEY = "unacked_index"
UNDELIVERABLE_KEY = "ae.undeliver"


def fault_environment(redis_url: str, loopback_host: str) -> dict[str, str]:
    """Settings for a run whose faults must heal within minutes, not hours."""
    return {
        "BRI_REDIS_URL": redis_url,
        # A killed worker's messages come back after this many seconds.
        "BRI_BROKER_VISIBILITY_TIMEOUT_SECONDS": "12",
        # An article not indexed this long after its poll is sent again.
        "BRI_PIPELINE_RESEND_AFTER_SECONDS": "45",
        "BRI_TASK_MAX_RETRIES": "8",
        "BRI_TASK_RETRY_BACKOFF_MAX_SECONDS": "8",
        "BRI_SCHEDULER_TICK_SECONDS": "2",
        "BRI_POLL_INTERVAL_SECONDS": "4",
        "BRI_FEED_MIN_INTERVAL_SECONDS": "2",
        "BRI_FEED_MAX_INTERVAL_SECONDS": "10",
        "BRI_FEED_BACKOFF_BASE_SECONDS": "2",
        "BRI_FEED_BACKOFF_MAX_SECONDS": "8",
        "BRI_HTTP_TIMEOUT_SECONDS": "3",
        "BRI_HTTP_TOTAL_DEADLINE_SECONDS": "6",
        "BRI_ELASTICSEARCH_TIMEOUT_SECONDS": "5",
        "BRI_FETCH_ALLOWED_HOSTS": loopback_host,
        "BRI_LOG_LEVEL": "INFO",
    }


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants (a prefork worker's pool children too)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found.extend(process_tree(int(child)))
    return found


def kill_worker(group: WorkerGroup, name: str) -> None:
    """SIGKILL one stage's worker and its children, as a crash or the OOM killer would."""
    proc = group.processes[name]
    for pid in process_tree(proc.pid):
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=10)


class Supervisor:
    """Restarts workers that exit, as `bri workers` does; faults go through it."""

    def __init__(self, group: WorkerGroup) -> None:
        self.group = group
        self.restarted: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="supervisor", daemon=True)

    def __enter__(self) -> Supervisor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopping.wait(0.5):
            with self._lock:
                self.restarted.extend(self.group.restart_exited())

    def crash(self, stages: list[str], down_seconds: float = 1.0) -> None:
        """SIGKILL every worker of the named stages (a CPU stage may run as several:
        extract-1, extract-2, ...), leave them down a moment, start them again."""
        with self._lock:
            names = [spec.name for spec in self.group.specs
                     if spec.stage in stages and spec.name in self.group.processes]
            for name in names:
                kill_worker(self.group, name)
            time.sleep(down_seconds)
            for name in names:
                self.group.start_one(name)

    def retire(self, name: str) -> None:
        """Stop a worker for good (the scheduler, before the final count)."""
        with self._lock:
            proc = self.group.processes.pop(name, None)
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=20)


def indexed_urls(es: Elasticsearch, settings: Settings) -> list[str]:
    """The canonical URL of every stored document (one entry per document)."""
    es.indices.refresh(index=settings.index_alias)
    urls: list[str] = []
    response = es.search(index=settings.index_alias, size=1000, scroll="1m",
                         source=["canonical_url"], query={"match_all": {}})
    while True:
        hits = response["hits"]["hits"]
        if not hits:
            break
        urls.extend(hit["_source"]["canonical_url"] for hit in hits)
        response = es.scroll(scroll_id=response["_scroll_id"], scroll="1m")
    es.clear_scroll(scroll_id=response["_scroll_id"])
    return urls


def waiting_messages(client: redis.Redis) -> dict[str, int]:
    """Every place a message can wait: the stage queues, unacked, and the undeliverable list."""
    lengths = queue_lengths(client)
    lengths["unacked-index"] = int(client.zcard(UNACKED_INDEX_KEY))
    lengths["undeliverable"] = int(client.llen(UNDELIVERABLE_KEY))
    return lengths


@dataclass
class Reconciliation:
    served: int
    indexed: int
    missing: list[str]
    duplicates: dict[str, int]
    unexpected: list[str]
    waiting: dict[str, int]
    dead_letters: list[tuple[str, str]] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return len(self.missing)

    @property
    def exact(self) -> bool:
        """Every served article stored once, nothing else stored, nothing left waiting."""
        return (not self.missing and not self.duplicates and not self.unexpected
                and sum(self.waiting.values()) == 0)

    def report(self) -> str:
        lines = [
            f"served        {self.served}",
            f"indexed       {self.indexed}",
            f"lost          {self.lost}" + (f"  e.g. {self.missing[:5]}" if self.missing else ""),
            f"duplicates    {sum(self.duplicates.values())}"
            + (f"  e.g. {list(self.duplicates)[:5]}" if self.duplicates else ""),
            f"unexpected    {len(self.unexpected)}",
            "left waiting  " + ", ".join(f"{k}={v}" for k, v in self.waiting.items()),
            f"dead letters  {len(self.dead_letters)}",
        ]
        reasons = Counter(f"{task}: {error}" for task, error in self.dead_letters)
        lines.extend(f"  {count} x {reason}" for reason, count in reasons.most_common())
        if sum(self.waiting.values()):
            lines.append("what is left")
            lines.extend(f"  {line}" for line in self.stuck)
        return "\n".join(lines)


def reconcile(
    served: set[str], es: Elasticsearch, client: redis.Redis, settings: Settings,
    may_fail: set[str] | None = None,
) -> Reconciliation:
    """Compare the served article URLs with the index; ``may_fail`` pages may be dead-lettered."""
    urls = indexed_urls(es, settings)
    counts = Counter(urls)
    letters = dead_letter.list_letters(client, limit=10_000)
    dead_urls = {_letter_url(letter.args) for letter in letters}
    allowed_dead = may_fail or set()
    return Reconciliation(
        served=len(served),
        indexed=len(counts),
        missing=sorted(served - set(counts) - (dead_urls & allowed_dead)),
        duplicates={url: n - 1 for url, n in counts.items() if n > 1},
        unexpected=sorted(set(counts) - served),
        waiting=waiting_messages(client),
        dead_letters=[(letter.task, letter.error) for letter in letters],
        stuck=stuck_messages(client),
    )


def stuck_messages(client: redis.Redis, limit: int = 20) -> list[str]:
    """Each unacknowledged message and unsettled ledger entry, so a failed run says which."""
    now = time.time()
    lines = []
    delivered = dict(client.zrange(UNACKED_INDEX_KEY, 0, limit - 1, withscores=True))
    for tag, at in delivered.items():
        raw = client.hget("unacked", tag)
        task = queue = "?"
        if raw:
            message, _exchange, queue = json.loads(raw)
            task = message.get("headers", {}).get("task", "?")
        lines.append(f"unacked {task} from {queue}, delivered {now - at:.0f}s ago")
    deadlines = client.zrange(inflight.DEADLINES_KEY, 0, limit - 1, withscores=True)
    lines.extend(f"in progress {url}, resend due in {due - now:.0f}s" for url, due in deadlines)
    lock_ttl = client.ttl("unacked_mutex")
    if lock_ttl >= 0:
        lines.append(f"the broker's restore lock is held for another {lock_ttl}s")
    return lines


def _letter_url(args: list[Any]) -> str | None:
    first = args[0] if args else None
    if isinstance(first, dict):
        article = first.get("article")
        if isinstance(article, dict):
            return str(article.get("canonical_url"))
        return str(first.get("url"))
    return str(first) if first is not None else None


def final_reconciliation(
    supervisor: Supervisor, served: set[str], es: Elasticsearch, client: redis.Redis,
    settings: Settings, timeout: float, may_fail: set[str] | None = None,
) -> Reconciliation:
    """Wait until every served article is stored (or timeout), then stop the scheduler and
    let the queues drain, so what is left waiting is what the pipeline failed to finish."""
    wait_until_reconciled(served, es, client, settings, timeout, may_fail,
                          done=lambda r: not r.missing and not r.duplicates)
    supervisor.retire("scheduler")
    wait_for(lambda: sum(waiting_messages(client).values()) == 0, timeout=60)
    return reconcile(served, es, client, settings, may_fail)


def wait_for(condition: Any, timeout: float, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())


def wait_until_reconciled(
    served: set[str], es: Elasticsearch, client: redis.Redis, settings: Settings,
    timeout: float, may_fail: set[str] | None = None,
    done: Callable[[Reconciliation], bool] | None = None,
) -> Reconciliation:
    """Poll the reconciliation until ``done`` (default: exact) or the timeout; returns the last."""
    finished = done or (lambda r: r.exact)
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = reconcile(served, es, client, settings, may_fail)
        except Exception:  # Elasticsearch or Redis still coming back
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
            continue
        if finished(result) or time.monotonic() > deadline:
            return result
        time.sleep(1)
