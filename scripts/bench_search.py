"""Search latency through the HTTP API over 100,000 generated articles.

Indexes generated articles into their own alias (reused when already full), starts
`bri api` against it, and sends a mixed query set (free text, label filters, date
ranges, facets, date sort, second pages) from 1 and from 8 concurrent clients. Each
level runs several rounds; the report gives the median over rounds of p50 and p95, the
throughput, and the 8-client/1-client ratios. Target: p95 <= 100 ms with one client.

Usage: python scripts/bench_search.py [--docs N] [--alias NAME] [--reindex]
                                      [--requests N] [--rounds N] [--clients 1 8]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from bench_search_corpus import build_index, document_count

from services.common.es_client import elasticsearch_client
from services.common.settings import get_settings

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 100.0

Params = list[tuple[str, str]]

# What analysts do all day, in rough proportion: free text, text with filters, filters
# alone, date-sorted monitoring, and the second page of a search. Every first page asks
# for facets, as the web page does.
QUERY_MIX: list[Params] = [
    [("q", "copper")],
    [("q", "railway freight")],
    [("q", '"industrial park"')],
    [("q", "smelt* +Kazakhstan -coal")],
    [("q", "cooperation | partnership")],
    [("q", "power plant agreement")],
    [("q", "pipeline"), ("country", "RU")],
    [("q", "copper"), ("province", "Gansu"), ("sector", "nonferrous-metals")],
    [("q", "textile"), ("province", "Xinjiang"), ("relevant", "true")],
    [("q", "investment"), ("published_from", "2025-01-01"), ("published_to", "2025-06-30")],
    [("province", "Jiangsu")],
    [("country", "KZ"), ("country", "UZ")],
    [("sector", "railways"), ("sector", "logistics")],
    [("province", "Yunnan"), ("country", "LA"), ("relevant", "true")],
    [("relevant", "true"), ("sort", "date")],
    [("q", "hydropower"), ("sort", "date")],
    [("sector", "energy"), ("published_from", "2024-06-01"), ("sort", "date")],
    [],
]


@dataclass
class Level:
    clients: int
    p50: list[float]
    p95: list[float]
    throughput: list[float]
    took: list[float]
    errors: int


def main() -> int:
    args = _arguments()
    settings = get_settings().model_copy(update={"index_alias": args.alias})
    es = elasticsearch_client(settings)
    present = document_count(es, args.alias)
    if args.reindex or present < args.docs:
        print(f"indexing {args.docs:,} generated articles into {args.alias} "
              f"({present:,} there before)")
        started = time.monotonic()
        build_index(es, settings, args.docs)
        print(f"  done in {time.monotonic() - started:.0f}s")
    else:
        print(f"reusing {args.alias}: {present:,} articles (--reindex to rebuild)")
    stats = es.indices.stats(index=args.alias, metric="store,segments")["_all"]["primaries"]
    print(f"index: {document_count(es, args.alias):,} articles, "
          f"{stats['store']['size_in_bytes'] / 2**20:.0f} MiB, {stats['segments']['count']} segments")

    port = args.port or _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_api(args.alias, port)
    try:
        _wait_healthy(base, server)
        queries = _with_second_pages(base, QUERY_MIX)
        print(f"{len(queries)} queries in the mix; {args.requests} requests per round, "
              f"{args.rounds} rounds per level, {args.warmup} warm-up requests")
        _run(base, queries, clients=1, requests=args.warmup)  # warm caches and connections
        levels = [_level(base, queries, clients, args) for clients in args.clients]
        pairings = _pairings_latency(base)
    finally:
        _stop(server)
    _report(levels, pairings)
    single = levels[0]
    return 0 if single.clients != 1 or statistics.median(single.p95) <= TARGET_P95_MS else 1


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--alias", default="bri-bench", help="index alias of the benchmark data")
    parser.add_argument("--reindex", action="store_true", help="rebuild the index even if full")
    parser.add_argument("--requests", type=int, default=400, help="requests per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--port", type=int, default=0, help="API port (default: a free one)")
    return parser.parse_args()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_api(alias: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BRI_INDEX_ALIAS": alias, "BRI_LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        [sys.executable, "-m", "services.cli.main", "api", "--host", "127.0.0.1",
         "--port", str(port)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL,
    )


def _wait_healthy(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the API exited with code {server.returncode}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the API did not become healthy within 60s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _with_second_pages(base: str, mix: list[Params]) -> list[Params]:
    """The mix plus, for a few of its searches, their second page (facets off, as the page asks)."""
    queries = list(mix)
    with httpx.Client(base_url=base, timeout=30) as client:
        for params in mix[::3]:
            body = client.get("/search", params=params).json()
            if body.get("next_cursor"):
                queries.append([*params, ("cursor", body["next_cursor"]), ("facets", "false")])
    return queries


def _run(
    base: str, queries: list[Params], clients: int, requests: int
) -> tuple[list[float], list[float], float, int]:
    """Send ``requests`` requests from ``clients`` threads; latencies and ES took in ms."""
    latencies: list[float] = []
    took: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_client = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]

    def client_loop(index: int) -> None:
        nonlocal errors
        mine: list[float] = []
        mine_took: list[float] = []
        failed = 0
        with httpx.Client(base_url=base, timeout=30) as client:
            for n in range(per_client[index]):
                params = queries[(index * 7 + n) % len(queries)]
                started = time.perf_counter()
                response = client.get("/search", params=params)
                body = response.json()
                mine.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    failed += 1
                else:
                    mine_took.append(float(body["took_ms"]))
        with lock:
            latencies.extend(mine)
            took.extend(mine_took)
            errors += failed

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return latencies, took, requests / elapsed, errors


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _level(base: str, queries: list[Params], clients: int, args: argparse.Namespace) -> Level:
    level = Level(clients, [], [], [], [], 0)
    for round_number in range(1, args.rounds + 1):
        latencies, took, throughput, errors = _run(base, queries, clients, args.requests)
        level.p50.append(_percentile(latencies, 0.50))
        level.p95.append(_percentile(latencies, 0.95))
        level.throughput.append(throughput)
        level.took.append(statistics.median(took) if took else 0.0)
        level.errors += errors
        print(f"  {clients} client(s), round {round_number}: p50 {level.p50[-1]:.1f} ms, "
              f"p95 {level.p95[-1]:.1f} ms, {throughput:.0f} req/s, errors {errors}")
    return level


def _pairings_latency(base: str) -> dict[str, float]:
    latencies = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for params in ([], [("province", "Gansu")], [("q", "copper")], [("sector", "energy")]) * 10:
            started = time.perf_counter()
            client.get("/pairings", params=params).raise_for_status()
            latencies.append((time.perf_counter() - started) * 1000)
    return {"p50": _percentile(latencies, 0.5), "p95": _percentile(latencies, 0.95)}


def _report(levels: list[Level], pairings: dict[str, float]) -> None:
    print("\nsearch latency through the API (median over rounds)")
    print(f"{'clients':>7} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'ES took p50':>12} {'errors':>7}")
    for level in levels:
        print(f"{level.clients:>7} {statistics.median(level.p50):>8.1f} "
              f"{statistics.median(level.p95):>8.1f} {statistics.median(level.throughput):>7.0f} "
              f"{statistics.median(level.took):>10.1f}ms {level.errors:>7}")
    if len(levels) > 1:
        first, last = levels[0], levels[-1]
        ratio = _ratios(first, last)
        print(f"{last.clients} vs {first.clients} client(s): p50 x{ratio['p50']:.2f}, "
              f"p95 x{ratio['p95']:.2f}, throughput x{ratio['throughput']:.2f}")
    print(f"pairings (1 client): p50 {pairings['p50']:.1f} ms, p95 {pairings['p95']:.1f} ms")
    single = next((level for level in levels if level.clients == 1), None)
    if single:
        p95 = statistics.median(single.p95)
        verdict = "met" if p95 <= TARGET_P95_MS else "NOT met"
        print(f"target p95 <= {TARGET_P95_MS:.0f} ms with 1 client: {verdict} ({p95:.1f} ms)")


def _ratios(first: Level, last: Level) -> dict[str, Any]:
    return {
        "p50": statistics.median(last.p50) / statistics.median(first.p50),
        "p95": statistics.median(last.p95) / statistics.median(first.p95),
        "throughput": statistics.median(last.throughput) / statistics.median(first.throughput),
    }


if __name__ == "__main__":
    sys.exit(main())
