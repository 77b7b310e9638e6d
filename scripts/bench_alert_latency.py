"""Alert latency: from an article entering the classify queue to its webhook arriving.

Starts the classify, index and alerts workers against their own Redis database and index
alias, subscribes a local webhook receiver to every matching article, sends N articles
(each naming a province and a country) to the classify queue at a steady rate, and
reports p50/p95/max of the time until each one's webhook arrived. Target: p95 <= 2 s.

Usage: python scripts/bench_alert_latency.py [--articles 200] [--rate 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# Own Redis database and alias, so a local deployment's data is never touched.
os.environ.setdefault("BRI_REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("BRI_INDEX_ALIAS", "bri-alertbench")
os.environ.setdefault("BRI_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("BRI_LOG_LEVEL", "WARNING")

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import redis  # noqa: E402

from services.alerts.subscriptions import SubscriptionInput, SubscriptionStore, prepare  # noqa: E402
from services.cli.workers import WorkerGroup, worker_specs  # noqa: E402
from services.common import contracts  # noqa: E402
from services.common.celery_app import create_app  # noqa: E402
from services.common.es_client import elasticsearch_client  # noqa: E402
from services.common.routing import QUEUE_CLASSIFY, TASK_CLASSIFY_ARTICLE  # noqa: E402
from services.common.settings import get_settings  # noqa: E402
from services.index.schema import drop_index, ensure_index  # noqa: E402

TARGET_P95_S = 2.0
PAIRS = [("Gansu", "Kazakhstan"), ("Qinghai", "Turkmenistan"), ("Guangxi", "Mongolia"),
         ("Yunnan", "Laos"), ("Xinjiang", "Uzbekistan"), ("Jiangsu", "Ethiopia")]


class Receiver:
    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.arrivals.setdefault(json.loads(body)["article"]["id"], time.monotonic())
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def article(n: int) -> contracts.ArticleFetched:
    province, country = PAIRS[n % len(PAIRS)]
    text = (f"{province} province signed an agreement with {country} on a new copper smelter and "
            f"a power plant, deepening capacity cooperation under the Belt and Road Initiative. "
            f"Officials said project {n} would employ local engineers.")
    url = f"https://bench.example/alerts/{n}-{time.time_ns()}.html"
    return contracts.ArticleFetched(
        article_id=f"bench-{n}-{time.time_ns()}", url=url, canonical_url=url,
        title=f"{province} and {country} sign deal {n}", text=text, fetched_at=contracts.utcnow())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0, help="articles sent per second")
    args = parser.parse_args()

    settings = get_settings()
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    client.flushdb()
    es = elasticsearch_client(settings)
    drop_index(es, settings)
    ensure_index(es, settings)

    receiver = Receiver()
    SubscriptionStore(client).create("bench", prepare(SubscriptionInput.model_validate({
        "events": ["article.matching"], "channels": {"webhook_url": receiver.url, "atom": False},
    }), settings.webhook_allowed_hosts))

    specs = [s for s in worker_specs(settings, with_scheduler=False) if s.name not in ("ingest", "extract")]
    group = WorkerGroup(specs, log_dir=str(REPO_ROOT / "artifacts" / "bench-logs"))
    group.start()
    sender = create_app("bench")
    try:
        # Warm-up: worker start-up and the classifier's first build are not alert latency.
        warm = article(-1)
        sender.send_task(TASK_CLASSIFY_ARTICLE, args=[contracts.dump(warm)], queue=QUEUE_CLASSIFY)
        deadline = time.monotonic() + 120
        while warm.article_id not in receiver.arrivals and time.monotonic() < deadline:
            time.sleep(0.1)
        if warm.article_id not in receiver.arrivals:
            print("warm-up article never arrived; see artifacts/bench-logs", file=sys.stderr)
            return 1

        sent: dict[str, float] = {}
        for n in range(args.articles):
            message = article(n)
            sent[message.article_id] = time.monotonic()
            sender.send_task(TASK_CLASSIFY_ARTICLE, args=[contracts.dump(message)],
                             queue=QUEUE_CLASSIFY)
            time.sleep(1 / args.rate)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(a in receiver.arrivals for a in sent):
            time.sleep(0.1)
    finally:
        group.stop()
        drop_index(es, settings)
        client.flushdb()

    latencies = [receiver.arrivals[a] - t for a, t in sent.items() if a in receiver.arrivals]
    missing = len(sent) - len(latencies)
    if not latencies:
        print("no webhook arrived", file=sys.stderr)
        return 1
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    print(f"articles {len(sent)} at {args.rate:g}/s, webhooks {len(latencies)}, missing {missing}")
    print(f"classify queue -> webhook: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms (target p95 <= {TARGET_P95_S:g} s: "
          f"{'met' if p95 <= TARGET_P95_S and not missing else 'NOT met'})")
    return 0 if p95 <= TARGET_P95_S and not missing else 1


if __name__ == "__main__":
    raise SystemExit(main())
