"""Main-text extraction quality and speed on the article-extraction benchmark corpus.

Scores follow scrapinghub/article-extraction-benchmark: texts are split into word
tokens, tokens into 4-word shingles; each page gets precision and recall of shingles
(true/false positives and false negatives normalised by their sum, so long pages do not
weigh more); precision and recall are averaged over pages; F1 comes from the averages.

Usage: python scripts/bench_extraction.py [--corpus PATH] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura
from bs4 import BeautifulSoup
from readability import Document
from readability.readability import Unparseable

from services.ingest.extract import ExtractionError, extract_article

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpora" / "article-extraction"
SHINGLE_SIZE = 4
# The benchmark's tokens: runs of word characters, case kept.
TOKEN_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Page:
    page_id: str
    url: str
    html: bytes
    expected: str


@dataclass
class Result:
    name: str
    counts: list[tuple[float, float, float]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def main() -> int:
    args = _arguments()
    pages = load_pages(args.corpus, args.limit)
    if not pages:
        print(f"no pages found in {args.corpus}", file=sys.stderr)
        return 1
    # Library warnings about individual pages would drown the table.
    logging.disable(logging.ERROR)
    results = run(pages, EXTRACTORS)
    print_report(results, len(pages), args.corpus)
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="folder with ground-truth.json and html/*.html.gz"
    )
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    return parser.parse_args()


def load_pages(corpus: Path, limit: int | None = None) -> list[Page]:
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth)[:limit]:
        html = gzip.decompress((corpus / "html" / f"{page_id}.html.gz").read_bytes())
        item = truth[page_id]
        pages.append(Page(page_id, item.get("url", ""), html, item.get("articleBody") or ""))
    return pages


# --- extractors ----------------------------------------------------------------------------
# Each takes the page's raw bytes and URL. The libraries get text decoded as UTF-8, as the
# benchmark's own runners do (all pages are UTF-8); ours gets bytes, as in the service.


def ours(html: bytes, url: str) -> str:
    try:
        return extract_article(html, url).text
    except ExtractionError:
        return ""


def trafilatura_defaults(html: bytes, url: str) -> str:
    return trafilatura.extract(html.decode("utf-8")) or ""


def trafilatura_no_comments(html: bytes, url: str) -> str:
    # The settings of the benchmark repository's trafilatura runner.
    return trafilatura.extract(html.decode("utf-8"), include_comments=False) or ""


def readability_alone(html: bytes, url: str) -> str:
    try:
        summary = Document(html.decode("utf-8")).summary(html_partial=True)
    except Unparseable:
        return ""
    return BeautifulSoup(summary, "lxml").get_text(" ", strip=True)


def get_text_baseline(html: bytes, url: str) -> str:
    return BeautifulSoup(html.decode("utf-8"), "html.parser").get_text(" ", strip=True)


Extractor = Callable[[bytes, str], str]
EXTRACTORS: dict[str, Extractor] = {
    "ours (services.ingest.extract)": ours,
    "trafilatura (defaults)": trafilatura_defaults,
    "trafilatura (no comments)": trafilatura_no_comments,
    "readability-lxml": readability_alone,
    "BeautifulSoup get_text": get_text_baseline,
}
TIME_REFERENCE = "trafilatura (defaults)"


def run(pages: list[Page], extractors: dict[str, Extractor]) -> list[Result]:
    results = [Result(name) for name in extractors]
    for page in pages:
        # Interleaved per page, so machine noise hits every extractor alike.
        for result, extractor in zip(results, extractors.values(), strict=True):
            started = time.perf_counter()
            text = extractor(page.html, page.url)
            result.seconds.append(time.perf_counter() - started)
            result.counts.append(shingle_counts(page.expected, text))
    return results


# --- scoring -------------------------------------------------------------------------------


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = TOKEN_RE.findall(text or "")
    if len(tokens) < SHINGLE_SIZE:
        # A text shorter than one shingle is one shingle of all its tokens.
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + SHINGLE_SIZE]) for i in range(len(tokens) - SHINGLE_SIZE + 1))


def shingle_counts(expected: str, predicted: str) -> tuple[float, float, float]:
    """True positives, false positives, false negatives of one page, summing to 1."""
    truth, guess = shingles(expected), shingles(predicted)
    tp = sum((truth & guess).values())
    fp = sum((guess - truth).values())
    fn = sum((truth - guess).values())
    total = tp + fp + fn
    if not total:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def scores(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(precision, recall, F1). A page with no predicted shingles has no precision and
    one with no expected shingles no recall: the benchmark leaves them out of that mean."""
    p_values = [precision(*c) for c in counts if c[0] + c[1] > 0]
    r_values = [recall(*c) for c in counts if c[0] + c[2] > 0]
    p = statistics.mean(p_values) if p_values else 0.0
    r = statistics.mean(r_values) if r_values else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1


# --- report --------------------------------------------------------------------------------


def print_report(results: list[Result], page_count: int, corpus: Path) -> None:
    print(f"corpus: {corpus} ({page_count} pages)")
    print(f"{'extractor':<32} {'F1':>6} {'precision':>10} {'recall':>7} {'median ms':>10}")
    medians = {}
    for result in results:
        p, r, f1 = scores(result.counts)
        medians[result.name] = statistics.median(result.seconds) * 1000
        print(f"{result.name:<32} {f1:>6.3f} {p:>10.3f} {r:>7.3f} {medians[result.name]:>10.1f}")
    ours_name = results[0].name
    ratio = medians[ours_name] / medians[TIME_REFERENCE]
    print(f"median time ratio, {ours_name} / {TIME_REFERENCE}: {ratio:.2f}")


if __name__ == "__main__":
    sys.exit(main())
