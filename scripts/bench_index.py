"""Elasticsearch's CPU per indexed article, for the index template and variants of it.

Builds realistic documents once (the sample corpus's article pages through extraction
and classification, then ``to_document``; each copy gets its own id, URL and title, as
the pipeline benchmark's pages do), then for every run and every template variant bulk-
indexes them into a fresh index through the real BulkWriter, submitted at a steady rate
(default 60 articles/s, the pipeline's target) so that bulk requests are as small as the
pipeline makes them. Around each run it reads the CPU time of the Elasticsearch process
(user+sys of all its threads, from /proc), waits for the index's own refreshes and merges
to settle, and subtracts the node's idle CPU measured just before. Prints ES CPU ms per
article per variant, the median of the runs, and the index's size on disk.

Variants are run round-robin within each run so that drift on a shared machine falls on
all of them alike. ``current`` is the template on disk; ``--rev REV`` adds the template
as it was at a git revision (e.g. the one before a change) as ``rev:REV``.

Usage: python scripts/bench_index.py [--docs 600] [--rate 60] [--runs 3]
       [--variants current,no-offsets,...] [--rev main]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from services.classify.classifier import classify  # noqa: E402
from services.common.contracts import ArticleClassified, ArticleFetched, utcnow  # noqa: E402
from services.common.es_client import elasticsearch_client  # noqa: E402
from services.common.settings import get_settings  # noqa: E402
from services.devservices.process import read_pid  # noqa: E402
from services.index.bulk_writer import BulkWriter  # noqa: E402
from services.index.documents import document_version, to_document  # noqa: E402
from services.index.schema import TEMPLATE_FILE, template_body  # noqa: E402
from services.ingest.extract import extract_article  # noqa: E402
from services.samplefeeds.corpus import BASE_URL_PLACEHOLDER, articles_dir  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
INDEX_PREFIX = "bri-indexbench-"
IDLE_SAMPLE_S = 2.0
SETTLE_S = 3.0  # a few refresh intervals, for the last refresh and the merges it starts

Body = dict[str, Any]


# -- template variants ----------------------------------------------------------------------


def _props(body: Body) -> dict[str, Any]:
    return body["template"]["mappings"]["properties"]


def _no_offsets(body: Body) -> None:
    for name in ("title", "summary", "text"):
        _props(body)[name].pop("index_options", None)


def _no_exact(body: Body) -> None:
    for name in ("title", "text"):
        _props(body)[name].get("fields", {}).pop("exact", None)


def _evidence_not_indexed(body: Body) -> None:
    _props(body)["pairings"]["properties"]["evidence"] = {"type": "text", "index": False}


def _refresh(interval: str) -> Callable[[Body], None]:
    def change(body: Body) -> None:
        body["template"]["settings"]["refresh_interval"] = interval
    return change


def _merge_floor(size: str) -> Callable[[Body], None]:
    def change(body: Body) -> None:
        body["template"]["settings"]["index.merge.policy.floor_segment"] = size
    return change


def _async_translog(body: Body) -> None:
    # For comparison only: loses acknowledged writes on a crash, never to be adopted.
    body["template"]["settings"]["index.translog.durability"] = "async"


def _unchanged(body: Body) -> None:
    return None


VARIANTS: dict[str, Callable[[Body], None]] = {
    "current": _unchanged,
    "no-offsets": _no_offsets,
    "no-exact": _no_exact,
    "evidence-not-indexed": _evidence_not_indexed,
    "refresh-2s": _refresh("2s"),
    "refresh-5s": _refresh("5s"),
    "refresh-30s": _refresh("30s"),
    "merge-floor-2mb": _merge_floor("2mb"),
    "async-translog": _async_translog,
}
# The same template written through a bulk writer that waits longer for company.
WRITER_WAIT_MS: dict[str, int] = {"wait-200ms": 200, "wait-500ms": 500}
VARIANTS.update(dict.fromkeys(WRITER_WAIT_MS, _unchanged))


def variant_body(name: str) -> Body:
    settings = get_settings()
    if name.startswith("rev:"):
        raw = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "show", f"{name[4:]}:{TEMPLATE_FILE.relative_to(REPO_ROOT)}"],
            check=True, capture_output=True, text=True,
        ).stdout
        body = json.loads(raw.replace("{alias}", settings.index_alias))
        index_settings = body["template"]["settings"]
        index_settings["number_of_shards"] = settings.index_shards
        index_settings["number_of_replicas"] = settings.index_replicas
        return body
    body = copy.deepcopy(template_body(settings))
    VARIANTS[name](body)
    return body


# -- documents ------------------------------------------------------------------------------


def documents(count: int) -> list[tuple[str, dict[str, Any], int]]:
    """``count`` distinct documents made from the sample article pages, in turn."""
    pages = sorted(articles_dir().glob("*.html"))
    base: list[ArticleClassified] = []
    for page in pages:
        html = page.read_text(encoding="utf-8").replace(BASE_URL_PLACEHOLDER, "https://news.example")
        extraction = extract_article(html, f"https://news.example/articles/{page.name}")
        article = ArticleFetched(
            article_id="x", url="https://news.example/x", canonical_url="https://news.example/x",
            feed_url="https://news.example/feed.xml", title=extraction.title,
            text=extraction.text, summary=extraction.description or "",
            author=extraction.author, published=extraction.published,
            language=extraction.language, site_name=extraction.site_name, fetched_at=utcnow(),
        )
        base.append(ArticleClassified(article=article, labels=classify(article.text, article.title)))
    out = []
    for n in range(count):
        message = base[n % len(base)]
        url = f"https://news.example/bench/{n}-{pages[n % len(pages)].stem}.html"
        article = message.article.model_copy(update={
            "article_id": hashlib.sha256(url.encode()).hexdigest()[:24],
            "url": url, "canonical_url": url,
            "title": f"No. {n}: {message.article.title}",
            "fetched_at": message.article.fetched_at + timedelta(milliseconds=n),
        })
        unique = message.model_copy(update={"article": article})
        out.append((article.article_id, to_document(unique), document_version(unique)))
    return out


# -- measurement ----------------------------------------------------------------------------


def es_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


# Where the shard says its time went, as totals of each kind of operation.
SHARD_TIMES = {"indexing": ("indexing", "index_time_in_millis"),
               "refresh": ("refresh", "total_time_in_millis"),
               "merges": ("merges", "total_time_in_millis"),
               "flush": ("flush", "total_time_in_millis")}


@dataclass(frozen=True)
class RunFigures:
    cpu_ms: float  # ES process CPU per article, the node's idle CPU taken off
    bulk_requests: int
    disk_bytes: int
    idle_ms_per_s: float
    shard_ms: dict[str, float]  # per article, by SHARD_TIMES kind


def run_variant(
    es: Any, pid: int, name: str, index: str, docs: list[Any], rate: float
) -> RunFigures:
    """Index ``docs`` into a fresh index of the variant's template and measure it."""
    settings = get_settings()
    body = variant_body(name)["template"]
    es.indices.delete(index=index, ignore_unavailable=True)
    es.indices.create(index=index, settings=body["settings"], mappings=body["mappings"])
    es.cluster.health(index=index, wait_for_status="yellow")
    idle_start = es_cpu_seconds(pid)
    time.sleep(IDLE_SAMPLE_S)
    idle_rate = (es_cpu_seconds(pid) - idle_start) / IDLE_SAMPLE_S
    wait_ms = WRITER_WAIT_MS.get(name, settings.bulk_max_wait_ms)
    writer = BulkWriter(es, index, settings.bulk_max_docs, wait_ms)
    started, cpu_before = time.monotonic(), es_cpu_seconds(pid)
    futures: list[Future[str]] = []
    for n, (doc_id, document, version) in enumerate(docs):
        delay = started + n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        futures.append(writer.submit(doc_id, document, version))
    results = [future.result(timeout=120) for future in futures]
    if set(results) != {"created"}:
        raise RuntimeError(f"{name}: unexpected write results {sorted(set(results))}")
    time.sleep(SETTLE_S)
    elapsed, cpu = time.monotonic() - started, es_cpu_seconds(pid) - cpu_before
    net_ms = max(0.0, cpu - idle_rate * elapsed) * 1000 / len(docs)
    es.indices.refresh(index=index)
    if es.count(index=index)["count"] != len(docs):
        raise RuntimeError(f"{name}: not every document is searchable")
    total = es.indices.stats(index=index)["indices"][index]["total"]
    shard_ms = {kind: total[group][key] / len(docs) for kind, (group, key) in SHARD_TIMES.items()}
    es.indices.delete(index=index)
    return RunFigures(net_ms, writer.bulk_requests, int(total["store"]["size_in_bytes"]),
                      idle_rate * 1000, shard_ms)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=600)
    parser.add_argument("--rate", type=float, default=60.0, help="articles submitted per second")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--variants", default="current,no-offsets,no-exact")
    parser.add_argument("--rev", action="append", default=[], help="also a git revision's template")
    args = parser.parse_args()
    names = [v for v in args.variants.split(",") if v] + [f"rev:{r}" for r in args.rev]
    unknown = [n for n in names if not n.startswith("rev:") and n not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants {unknown}; known: {', '.join(VARIANTS)}")
    settings = get_settings()
    pid = read_pid(settings.state_dir / "elasticsearch" / "elasticsearch.pid")
    if pid is None:
        print("no Elasticsearch of `bri services up` running for this state directory", file=sys.stderr)
        return 1
    es = elasticsearch_client(settings)
    docs = documents(args.docs)
    per_doc = statistics.median(len(json.dumps(d)) for _, d, _ in docs)
    print(f"{len(docs)} documents (median {per_doc / 1000:.1f} KB of JSON) at {args.rate:g}/s, "
          f"bulk max {settings.bulk_max_docs} docs / {settings.bulk_max_wait_ms} ms; "
          f"{args.runs} run(s) of {', '.join(names)}")
    figures: dict[str, list[RunFigures]] = {name: [] for name in names}
    # A first, unreported pass: the node's JIT and caches warm up on someone else's figures.
    run_variant(es, pid, names[0], f"{INDEX_PREFIX}warmup", docs, args.rate)
    for run in range(args.runs):
        for name in names:
            slug = name.replace(":", "-").replace("/", "-").replace("~", "-").lower()
            result = run_variant(es, pid, name, f"{INDEX_PREFIX}{slug}", docs, args.rate)
            figures[name].append(result)
            print(f"  run {run + 1} {name}: {result.cpu_ms:.2f} ms/article, "
                  f"{result.bulk_requests} bulk requests, idle {result.idle_ms_per_s:.1f} ms/s",
                  flush=True)
    print("\nES CPU ms per article (median of runs; all runs) | bulk requests | MB on disk"
          " | shard ms per article: " + ", ".join(SHARD_TIMES))
    for name, values in figures.items():
        cpu = [v.cpu_ms for v in values]
        shard = " ".join(f"{statistics.median(v.shard_ms[k] for v in values):.2f}" for k in SHARD_TIMES)
        print(f"  {name:24s} {statistics.median(cpu):6.2f}  ({', '.join(f'{c:.2f}' for c in cpu)})"
              f" | {statistics.median(v.bulk_requests for v in values):.0f}"
              f" | {statistics.median(v.disk_bytes for v in values) / 1e6:.1f} | {shard}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
