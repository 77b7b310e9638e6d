"""Soak: the whole pipeline over generated feeds for a set time, with faults injected at random.

Serves generated feeds on 127.0.0.1 (new articles every round) plus the hostile feeds,
runs every worker and the scheduler, and every ``--fault-every`` seconds (on average)
injects one fault: SIGKILL of the ingest, classify or index worker, or of all workers at
once; Elasticsearch stopped for a while; Redis restarted. When the time is up it stops
publishing, waits for the pipeline to settle and prints the reconciliation: served,
indexed, lost, duplicates, messages left waiting, dead letters with their reasons. Exits
non-zero on any loss, duplicate or message left behind.

Uses its own Redis database and index alias, never a deployment's data.

Usage: python scripts/soak.py [--minutes 10] [--feeds 8] [--per-round 1] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

FAULTS = ("kill-ingest", "kill-extract", "kill-classify", "kill-index", "kill-all", "es-outage",
          "redis-restart")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--feeds", type=int, default=8)
    parser.add_argument("--per-round", type=int, default=1, help="new articles per feed per round")
    parser.add_argument("--round-seconds", type=float, default=5.0)
    parser.add_argument("--fault-every", type=float, default=40.0, help="mean seconds between faults")
    parser.add_argument("--es-outage-seconds", type=float, default=30.0)
    parser.add_argument("--faults", default=",".join(FAULTS), help="comma-separated subset")
    parser.add_argument("--settle-seconds", type=float, default=240.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--redis-db", type=int, default=12)
    args = parser.parse_args(argv)
    faults = [f for f in args.faults.split(",") if f]
    unknown = set(faults) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults {sorted(unknown)}; known: {', '.join(FAULTS)}")

    from services.samplefeeds.generated import HOSTILE_KINDS, start_generated_server

    with start_generated_server(args.feeds, seed=args.seed) as site:
        port = site.base_url.rsplit(":", 1)[1]
        base_redis = os.environ.get("BRI_REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
        from tests.pipeline_harness import fault_environment

        os.environ.update(fault_environment(f"{base_redis}/{args.redis_db}", f"127.0.0.1:{port}"))
        os.environ.setdefault("BRI_INDEX_ALIAS", "bri-soak")
        os.environ["BRI_LOG_LEVEL"] = "WARNING"
        return _soak(args, faults, site, HOSTILE_KINDS)


def _soak(args: argparse.Namespace, faults: list[str], site: Any, hostile: tuple[str, ...]) -> int:
    import redis

    from services.cli.workers import WorkerGroup, worker_specs
    from services.common.es_client import elasticsearch_client
    from services.common.settings import get_settings
    from services.devservices import elasticsearch_node, redis_server
    from services.index.schema import drop_index, ensure_index
    from services.ingest.feed_registry import FeedRegistry
    from tests import pipeline_harness as harness

    settings = get_settings()
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    es = elasticsearch_client(settings)
    client.flushdb()
    drop_index(es, settings)
    ensure_index(es, settings)
    registry = FeedRegistry(client)
    for url in site.feed_urls():
        registry.add(url)
    for kind in hostile:
        registry.add(site.hostile_url(kind))

    log_dir = REPO_ROOT / "artifacts" / "soak-logs"
    state = settings.state_dir / "soak"
    state.mkdir(parents=True, exist_ok=True)
    specs = worker_specs(settings.model_copy(update={"state_dir": state}))
    group = WorkerGroup(specs, log_dir=str(log_dir))
    group.start()
    try:
        with harness.Supervisor(group) as supervisor:
            actions = _fault_actions(supervisor, settings, sorted({s.stage for s in specs}), args)
            injected = _publish_and_inject(site, actions, faults, args)
            result = harness.final_reconciliation(
                supervisor, site.served_urls(), es, client, settings,
                timeout=args.settle_seconds,
                may_fail=site.broken_urls(),
            )
    finally:
        group.stop()
        elasticsearch_node.start(settings)
        redis_server.start(settings)
    print(f"\nsoak: {args.minutes:g} min, {len(injected)} faults injected "
          f"({', '.join(f'{f} x{injected.count(f)}' for f in sorted(set(injected)))})")
    print(result.report())
    if supervisor.restarted:
        print("workers that exited by themselves and were restarted: "
              + ", ".join(f"{name} (code {code})" for name, code in supervisor.restarted))
    for kind in hostile:
        feed = registry.get_by_url(site.hostile_url(kind))
        print(f"  hostile {kind:10} {feed.last_error}")
    return 0 if result.exact else 1


def _fault_actions(
    supervisor: Any, settings: Any, stages: list[str], args: argparse.Namespace
) -> dict[str, Callable[[], None]]:
    from services.devservices import elasticsearch_node, redis_server

    def es_outage() -> None:
        elasticsearch_node.stop(settings)
        time.sleep(args.es_outage_seconds)
        elasticsearch_node.start(settings)

    def redis_restart() -> None:
        redis_server.stop(settings)
        time.sleep(2)
        redis_server.start(settings)  # its AOF brings back the queues

    return {
        "kill-ingest": lambda: supervisor.crash(["ingest"]),
        "kill-extract": lambda: supervisor.crash(["extract"]),
        "kill-classify": lambda: supervisor.crash(["classify"]),
        "kill-index": lambda: supervisor.crash(["index"]),
        "kill-all": lambda: supervisor.crash(stages),
        "es-outage": es_outage,
        "redis-restart": redis_restart,
    }


def _publish_and_inject(
    site: Any, actions: dict[str, Callable[[], None]], faults: list[str],
    args: argparse.Namespace,
) -> list[str]:
    """New articles every round until the time is up, a random fault now and then."""
    rng = random.Random(args.seed)
    injected: list[str] = []
    started = time.monotonic()
    end = started + args.minutes * 60
    next_fault = started + rng.expovariate(1 / args.fault_every) if faults else end + 1
    while time.monotonic() < end:
        site.publish(args.per_round)
        if rng.random() < 0.2:  # now and then a link to a page that answers 404
            site.publish_broken(rng.randrange(args.feeds))
        round_end = time.monotonic() + args.round_seconds
        while time.monotonic() < min(round_end, end):
            if time.monotonic() >= next_fault:
                fault = rng.choice(faults)
                print(f"[{time.monotonic() - started:6.0f}s] {fault}", flush=True)
                actions[fault]()
                injected.append(fault)
                next_fault = time.monotonic() + rng.expovariate(1 / args.fault_every)
            time.sleep(0.2)
    print(f"[{time.monotonic() - started:6.0f}s] publishing stopped; settling", flush=True)
    return injected


if __name__ == "__main__":
    sys.exit(main())
