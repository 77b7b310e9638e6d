"""Pipeline throughput: feeds in, searchable articles out, through the real workers.

Serves N generated RSS feeds x M article pages (~8 KB real article HTML, each page made
unique) plus Q quiet feeds without items from a local HTTP server with ETags, registers
them, starts every stage worker (``bri workers`` without the scheduler) against its own
Redis database and index alias, and for each run:

1. first poll: one scheduler tick (``poll_due_feeds`` through the broker) until all N x M
   new articles are searchable in Elasticsearch -> end-to-end articles/s;
2. all-304 cycle: every feed due again, one tick, until every feed has answered 304 and
   the queues are empty -> feeds/min.

It reads each worker's CPU time (its whole process tree, from /proc) around the first
poll, giving CPU ms per article per stage; the ceiling for this machine is
cores / CPU-seconds per article, and the achieved share is the measured rate over it.
Elasticsearch's and Redis's CPU are shown beside it (a second ceiling includes them).
Queue depths are sampled throughout (the deepest queue is the bottleneck), and so is the
RSS of each worker (peak per worker; in ``--loop-minutes`` mode RSS after every run, to
show it stays flat).

Usage: python scripts/bench_pipeline.py [--feeds 50] [--articles 40] [--quiet-feeds 2000]
       [--runs 3] [--loop-minutes 20]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The feed server's port, the one loopback address fetching may reach (inherited by the
# workers; fetching refuses loopback otherwise).
FEED_SERVER_PORT = _free_port()
os.environ["BRI_FETCH_ALLOWED_HOSTS"] = f"127.0.0.1:{FEED_SERVER_PORT}"
# Own Redis database and alias, so a local deployment's data is never touched.
os.environ.setdefault("BRI_REDIS_URL", "redis://127.0.0.1:6379/12")
os.environ.setdefault("BRI_INDEX_ALIAS", "bri-pipebench")
os.environ.setdefault("BRI_LOG_LEVEL", "WARNING")

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import redis  # noqa: E402

from services.cli.workers import WorkerGroup, worker_specs  # noqa: E402
from services.common.celery_app import create_app  # noqa: E402
from services.common.es_client import elasticsearch_client  # noqa: E402
from services.common.routing import TASK_POLL_DUE_FEEDS, TASK_QUEUES  # noqa: E402
from services.common.settings import get_settings  # noqa: E402
from services.index.schema import drop_index, ensure_index  # noqa: E402
from services.ingest.feed_registry import FeedRegistry  # noqa: E402
from services.samplefeeds.corpus import DATA_DIR  # noqa: E402
from services.samplefeeds.server import SampleServer, start_sample_server  # noqa: E402

TARGET_ARTICLES_PER_S = 60.0
TARGET_CEILING_SHARE = 0.70
TARGET_FEEDS_PER_MIN = 10_000.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
KOMBU_UNACKED = "unacked"  # kombu's Redis transport: delivered, not yet acknowledged


# -- generated corpus --------------------------------------------------------------------


class BenchCorpus:
    """Feeds and pages served as overrides of the sample server; a new generation each run."""

    def __init__(self, server: SampleServer, feeds: int, articles: int, quiet: int) -> None:
        self.server = server
        self.feeds, self.articles, self.quiet = feeds, articles, quiet
        self.templates = sorted((DATA_DIR / "articles").glob("*.html"))
        self.generation = 0

    @property
    def feed_urls(self) -> list[str]:
        busy = [self.server.url(f"/bench/feed-{i}.xml") for i in range(self.feeds)]
        return busy + [self.server.url(f"/bench/quiet-{i}.xml") for i in range(self.quiet)]

    def publish_generation(self) -> None:
        """New articles in every busy feed, a new build date in every quiet one."""
        self.generation += 1
        gen = self.generation
        for i in range(self.feeds):
            items = []
            for j in range(self.articles):
                template = self.templates[(i * self.articles + j) % len(self.templates)]
                slug = template.stem
                path = f"/bench/g{gen}/f{i}/{j}-{slug}.html"
                page = template.read_text(encoding="utf-8")
                page = page.replace(f"{{base_url}}/articles/{slug}.html", f"{{base_url}}{path}")
                page = page.replace("<title>", f"<title>No. {gen}.{i}.{j}: ", 1)
                self.server.set_override(path, page.encode("utf-8"), "text/html; charset=utf-8")
                items.append(
                    f"<item><title>Article {gen}.{i}.{j}</title><link>{{base_url}}{path}</link>"
                    f"<guid>{{base_url}}{path}</guid><description>Item {j} of feed {i}.</description>"
                    f"<pubDate>Mon, 14 Oct 2024 09:{j % 60:02d}:00 +0000</pubDate></item>"
                )
            self.server.set_override(f"/bench/feed-{i}.xml", _rss(f"Bench feed {i}", gen, items))
        for i in range(self.quiet):
            self.server.set_override(f"/bench/quiet-{i}.xml", _rss(f"Quiet feed {i}", gen, []))

    def not_modified_answers(self) -> int:
        return sum(s.not_modified for path, s in self.server.stats().items() if path.startswith("/bench/"))


def _rss(title: str, generation: int, items: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>{{base_url}}/</link><description>benchmark</description>"
        f"<lastBuildDate>generation {generation}</lastBuildDate>{''.join(items)}</channel></rss>"
    ).encode()


# -- process accounting ------------------------------------------------------------------


def _tree(pid: int) -> list[int]:
    pids, stack = [], [pid]
    while stack:
        current = stack.pop()
        pids.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return pids


def _cpu_seconds(pid: int) -> float:
    """CPU of a process and of its children already reaped (a recycled prefork child)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return (utime + stime + cutime + cstime) / CLOCK_TICKS


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE_SIZE
    except OSError:
        return 0


@dataclass
class WorkerMeter:
    """CPU of each stage (the process trees of all its workers) and RSS of each worker."""

    group: WorkerGroup
    peak_rss: dict[str, int] = field(default_factory=dict)

    def cpu(self) -> dict[str, float]:
        # A stage may run as several workers (extract-1, extract-2, ...): summed by stage.
        stage_of = {spec.name: spec.stage for spec in self.group.specs}
        by_stage: dict[str, float] = {}
        for name, proc in self.group.processes.items():
            stage = stage_of[name]
            by_stage[stage] = by_stage.get(stage, 0.0) + sum(_cpu_seconds(p) for p in _tree(proc.pid))
        return by_stage

    def rss(self) -> dict[str, int]:
        current = {name: sum(_rss_bytes(p) for p in _tree(proc.pid))
                   for name, proc in self.group.processes.items()}
        for name, value in current.items():
            self.peak_rss[name] = max(self.peak_rss.get(name, 0), value)
        return current


def _machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent on anything but idling, since boot."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    return (sum(values[:8]) - idle) / CLOCK_TICKS


def _service_cpu(client: redis.Redis, es: object) -> dict[str, float]:
    """Elasticsearch, Redis, this script (its HTTP server stands in for the news sites), and
    everything else the machine ran meanwhile (other work shares it)."""
    redis_info = client.info("cpu")
    nodes = es.nodes.stats(metric="process").body["nodes"]  # type: ignore[attr-defined]
    es_ms = sum(node["process"]["cpu"]["total_in_millis"] for node in nodes.values())
    return {"redis": float(redis_info["used_cpu_sys"]) + float(redis_info["used_cpu_user"]),
            "elasticsearch": es_ms / 1000,
            "feed server": _cpu_seconds(os.getpid()),
            "machine": _machine_busy_seconds()}


# -- one run -----------------------------------------------------------------------------


QUEUES = sorted(set(TASK_QUEUES.values()))


@dataclass
class RunResult:
    articles: int
    first_poll_s: float
    articles_per_s: float
    cycle_feeds: int
    cycle_s: float
    feeds_per_min: float
    stage_cpu: dict[str, float]  # CPU seconds during the first poll, per stage
    service_cpu: dict[str, float]
    peak_queue: dict[str, int]


def _wait(condition: Callable[[], bool], timeout: float, what: str, sample: Callable[[], None]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        sample()
        time.sleep(0.25)


def run_once(corpus: BenchCorpus, client: redis.Redis, es: object, meter: WorkerMeter,
             sender: object, alias: str, timeout: float) -> RunResult:
    registry = FeedRegistry(client)
    peak_queue = dict.fromkeys([*QUEUES, "in-progress"], 0)

    def sample() -> None:
        with client.pipeline(transaction=False) as pipe:
            for queue in QUEUES:
                pipe.llen(queue)
            pipe.hlen(KOMBU_UNACKED)
            depths = pipe.execute()
        for name, depth in zip([*QUEUES, "in-progress"], depths, strict=True):
            peak_queue[name] = max(peak_queue[name], int(depth))
        meter.rss()

    def searchable() -> int:
        # No forced refresh: a count sees what the index's own refresh made searchable.
        return int(es.count(index=alias)["count"])  # type: ignore[attr-defined]

    def indexed() -> int:
        es.indices.refresh(index=alias)  # type: ignore[attr-defined]
        return searchable()

    def idle() -> bool:
        return sum(int(client.llen(q)) for q in QUEUES) + int(client.hlen(KOMBU_UNACKED)) == 0

    corpus.publish_generation()
    already = indexed()
    expected = already + corpus.feeds * corpus.articles
    registry.make_due_now()
    cpu_before, services_before = meter.cpu(), _service_cpu(client, es)
    started = time.monotonic()
    sender.send_task(TASK_POLL_DUE_FEEDS)  # type: ignore[attr-defined]
    _wait(lambda: searchable() >= expected, timeout, "the first poll's articles", sample)
    first_poll_s = time.monotonic() - started
    cpu_after, services_after = meter.cpu(), _service_cpu(client, es)
    _wait(idle, timeout, "the queues to drain after the first poll", sample)
    count = indexed()
    if count != expected:
        raise RuntimeError(f"{count - already} articles indexed, expected {expected - already}")

    answered = corpus.not_modified_answers()
    feeds = len(corpus.feed_urls)
    registry.make_due_now()
    started = time.monotonic()
    sender.send_task(TASK_POLL_DUE_FEEDS)  # type: ignore[attr-defined]
    _wait(lambda: corpus.not_modified_answers() - answered >= feeds, timeout,
          "every feed to answer 304", sample)
    _wait(idle, timeout, "the queues to drain after the 304 cycle", sample)
    cycle_s = time.monotonic() - started
    articles = expected - already
    return RunResult(
        articles=articles,
        first_poll_s=first_poll_s,
        articles_per_s=articles / first_poll_s,
        cycle_feeds=feeds,
        cycle_s=cycle_s,
        feeds_per_min=feeds / cycle_s * 60,
        stage_cpu={name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after},
        service_cpu={name: services_after[name] - services_before[name] for name in services_after},
        peak_queue=peak_queue,
    )


# -- report ------------------------------------------------------------------------------


def _median(values: list[float]) -> float:
    return statistics.median(values)


def report(results: list[RunResult], meter: WorkerMeter, cores: int) -> bool:
    for n, r in enumerate(results, 1):
        print(f"run {n}: {r.articles} articles in {r.first_poll_s:.1f} s = {r.articles_per_s:.1f} "
              f"articles/s; 304 cycle {r.cycle_feeds} feeds in {r.cycle_s:.2f} s = "
              f"{r.feeds_per_min:,.0f} feeds/min; deepest queues "
              + ", ".join(f"{q} {d}" for q, d in r.peak_queue.items()))
    rate = _median([r.articles_per_s for r in results])
    feeds_per_min = _median([r.feeds_per_min for r in results])
    stages = list(results[0].stage_cpu)
    per_article_ms = {s: _median([r.stage_cpu[s] / r.articles * 1000 for r in results]) for s in stages}
    service_ms = {s: _median([r.service_cpu[s] / r.articles * 1000 for r in results])
                  for s in results[0].service_cpu}
    machine_ms = service_ms.pop("machine")
    server_ms = service_ms.pop("feed server")
    pipeline_ms = sum(per_article_ms.values())
    ceiling = cores / (pipeline_ms / 1000) if pipeline_ms else float("inf")
    with_services_ms = pipeline_ms + sum(service_ms.values())
    other_ms = machine_ms - with_services_ms - server_ms
    idle_share = _median([1 - r.service_cpu["machine"] / (cores * r.first_poll_s) for r in results])
    ceiling_all = cores / (with_services_ms / 1000) if with_services_ms else float("inf")
    share = rate / ceiling
    print(f"\nmedians of {len(results)} run(s), {cores} cores:")
    print(f"  end to end, first poll to searchable: {rate:.1f} articles/s")
    print(f"  all-304 cycle: {feeds_per_min:,.0f} feeds/min")
    print("  CPU ms per article, by stage: "
          + ", ".join(f"{s} {ms:.2f}" for s, ms in per_article_ms.items())
          + f" = {pipeline_ms:.2f} ms")
    print("  outside the workers: " + ", ".join(f"{s} {ms:.2f}" for s, ms in service_ms.items())
          + f"; the feed server {server_ms:.2f}; other work on the machine {max(0.0, other_ms):.2f}; "
          f"cores idle {max(0.0, idle_share):.0%} of the time")
    print(f"  ceiling (cores / worker CPU per article): {ceiling:.1f} articles/s; "
          f"achieved {share:.0%}")
    print(f"  ceiling counting Elasticsearch and Redis too: {ceiling_all:.1f} articles/s; "
          f"achieved {rate / ceiling_all:.0%}")
    # Other work shares this machine: what the pipeline achieved of the cores left to it.
    other_cores = max(0.0, other_ms) / 1000 * rate
    left = max(cores - other_cores, 0.01)
    print(f"  other work used {other_cores:.2f} cores; ceiling on the {left:.2f} cores left "
          f"(Elasticsearch and Redis counted): {left / (with_services_ms / 1000):.1f} articles/s; "
          f"achieved {rate / (left / (with_services_ms / 1000)):.0%}")
    print("  peak RSS per worker (process tree): "
          + ", ".join(f"{s} {b / 2**20:.0f} MB" for s, b in meter.peak_rss.items()))
    met = (rate >= TARGET_ARTICLES_PER_S and share >= TARGET_CEILING_SHARE
           and feeds_per_min >= TARGET_FEEDS_PER_MIN)
    print(f"  targets (>= {TARGET_ARTICLES_PER_S:g} articles/s, >= {TARGET_CEILING_SHARE:.0%} of "
          f"the ceiling, >= {TARGET_FEEDS_PER_MIN:,.0f} feeds/min): {'met' if met else 'NOT met'}")
    return met


def report_rss_flatness(history: list[dict[str, int]]) -> bool:
    """RSS after each run, compared with the one after the first (warm) run."""
    flat = True
    print("\nRSS after each run (MB): ")
    for name in history[0]:
        values = [h[name] / 2**20 for h in history]
        base = values[0]
        drift = max(abs(v - base) / base for v in values) if base else 0.0
        flat = flat and drift <= 0.10
        print(f"  {name}: " + " ".join(f"{v:.0f}" for v in values)
              + f"  (max drift from run 1: {drift:.1%})")
    print(f"  flat within 10%: {'yes' if flat else 'NO'}")
    return flat


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=50, help="feeds with new articles")
    parser.add_argument("--articles", type=int, default=40, help="new articles per feed per run")
    parser.add_argument("--quiet-feeds", type=int, default=2000,
                        help="feeds without items (they make the 304 cycle long enough to time)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--loop-minutes", type=float, default=0.0,
                        help="repeat runs for this long and report whether RSS stays flat")
    parser.add_argument("--timeout", type=float, default=900.0, help="per phase, seconds")
    args = parser.parse_args()

    settings = get_settings()
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    client.flushdb()
    es = elasticsearch_client(settings)
    drop_index(es, settings)
    ensure_index(es, settings)
    cores = os.cpu_count() or 1

    server = start_sample_server(FEED_SERVER_PORT)
    group = WorkerGroup(worker_specs(settings, with_scheduler=False),
                        log_dir=str(REPO_ROOT / "artifacts" / "bench-logs"))
    try:
        # The warm-up feed is the first bench feed with fewer articles: its generation's
        # pages have their own paths, so they never count in a run.
        warm = BenchCorpus(server, feeds=1, articles=10, quiet=0)
        corpus = BenchCorpus(server, args.feeds, args.articles, args.quiet_feeds)
        registry = FeedRegistry(client)
        group.start()
        print("workers: " + ", ".join(spec.name for spec in group.specs), flush=True)
        meter = WorkerMeter(group)
        sender = create_app("bench")

        # Warm-up: every stage answers and has built what it builds on its first message.
        registry.add(warm.feed_urls[0])
        warm_result = run_once(warm, client, es, meter, sender, settings.index_alias, args.timeout)
        print(f"warm-up: {warm_result.articles} articles through every stage in "
              f"{warm_result.first_poll_s:.1f} s", flush=True)
        corpus.generation = warm.generation
        for url in corpus.feed_urls:
            registry.add(url)

        results: list[RunResult] = []
        rss_history: list[dict[str, int]] = []
        loop_until = time.monotonic() + args.loop_minutes * 60
        while len(results) < args.runs or time.monotonic() < loop_until:
            result = run_once(corpus, client, es, meter, sender, settings.index_alias, args.timeout)
            results.append(result)
            rss_history.append(meter.rss())
            print(f"run {len(results)}: {result.articles_per_s:.1f} articles/s, "
                  f"{result.feeds_per_min:,.0f} feeds/min", flush=True)
        print()
        met = report(results, meter, cores)
        if args.loop_minutes:
            met = report_rss_flatness(rss_history) and met
    finally:
        group.stop()
        server.stop()
        drop_index(es, settings)
        client.flushdb()
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
