"""Classifier speed: articles per second on one core for ~5 KB English articles.

Mixes of articles, each concatenated to about 5 KB: ``news``, the main texts extracted
from the sample corpus (``services/samplefeeds/data/articles``), all of them about
capacity cooperation; ``dense``, those texts together with the English passages of the
development set, nearly every one of which states a pairing (a 5 KB article then holds a
dozen or more link sentences, as a provincial deals round-up does); and, where the
third-party extraction corpus is present (``../shared/corpora/article-extraction``),
``general``: the article bodies of its English news pages, about anything, as most of
what a news feed carries. Every timing is the median of several runs;
baselines run in the same invocation on the same articles, so the ratio holds whatever
the machine:

- ``lower+in``: ``str.lower()`` and one ``in`` test per English province and city name,
  the least any gazetteer lookup has to do;
- ``regex-per-name``: one compiled word-bounded regex per English place name
  (provinces, cities, countries), the naive matcher.

Usage: python scripts/bench_classify.py [--runs N] [--articles N] [--size BYTES]
                                       [--general-corpus DIR]

To compare with another version, run this script against that tree's modules, on the
same articles: ``PYTHONPATH=OTHER_TREE python scripts/bench_classify.py`` (the version
measured is printed first).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from services.classify import classifier as classifier_module
from services.classify.classifier import classify, get_classifier
from services.classify.gazetteer import COUNTRY, PROVINCE, all_terms
from services.ingest.extract import extract_article

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTICLES = REPO_ROOT / "services" / "samplefeeds" / "data" / "articles"
DEVSET = REPO_ROOT / "services" / "classify" / "data" / "devset.jsonl"
GENERAL_CORPUS = REPO_ROOT.parent / "shared" / "corpora" / "article-extraction"
TARGET_PER_SECOND = 2000


def corpus_texts() -> list[str]:
    texts = []
    for path in sorted(ARTICLES.glob("*.html")):
        extraction = extract_article(path.read_bytes(), url=f"https://example.org/{path.name}")
        texts.append(f"{extraction.title}\n{extraction.text}")
    return _english(texts)


def devset_texts() -> list[str]:
    records = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines()]
    return _english([f"{r.get('title', '')}\n{r['text']}" for r in records])


def general_texts(corpus: Path) -> list[str]:
    """Article bodies of the extraction corpus's ground truth; none if it is absent."""
    truth = corpus / "ground-truth.json"
    if not truth.is_file():
        return []
    records = json.loads(truth.read_text(encoding="utf-8")).values()
    return _english([r.get("articleBody") or "" for r in records if r.get("articleBody")])


def _english(texts: list[str]) -> list[str]:
    # The target is stated for English news.
    return [t for t in texts if sum(c.isascii() for c in t) > 0.95 * len(t)]


def build_articles(texts: list[str], count: int, size: int) -> list[str]:
    """``count`` articles of about ``size`` characters, each a different rotation of texts."""
    articles = []
    for index in range(count):
        parts: list[str] = []
        length = 0
        position = index * 7
        while length < size:
            text = texts[position % len(texts)]
            parts.append(text)
            length += len(text) + 1
            position += 1
        articles.append("\n".join(parts)[:size])
    return articles


def lower_and_in() -> Callable[[str], object]:
    names = sorted({
        t.entry.alias.lower() for t in all_terms()
        if t.entry.kind == PROVINCE and t.entry.alias.isascii()
    })

    def run(text: str) -> object:
        lowered = text.lower()
        return [name for name in names if name in lowered]

    return run


def regex_per_name() -> Callable[[str], object]:
    names = sorted({
        t.entry.alias for t in all_terms()
        if t.entry.kind in (PROVINCE, COUNTRY) and t.entry.alias.isascii()
    })
    patterns = [re.compile(r"\b" + re.escape(name) + r"\b", re.IGNORECASE) for name in names]

    def run(text: str) -> object:
        return [p.pattern for p in patterns if p.search(text)]

    return run


def per_second(function: Callable[[str], object], articles: list[str], runs: int) -> float:
    """Median articles per second over ``runs`` passes."""
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        for article in articles:
            function(article)
        rates.append(len(articles) / (time.perf_counter() - started))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--general-corpus", type=Path, default=GENERAL_CORPUS)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    news_texts = corpus_texts()
    mixes = {
        "news": build_articles(news_texts, args.articles, args.size),
        "dense": build_articles(news_texts + devset_texts(), args.articles, args.size),
    }
    general = general_texts(args.general_corpus)
    if general:
        mixes["general"] = build_articles(general, args.articles, args.size)
    else:
        print(f"no extraction corpus at {args.general_corpus}: the general mix is left out")
    started = time.perf_counter()
    get_classifier()
    build_seconds = time.perf_counter() - started
    # Comparing two versions means running this script against another tree's modules
    # (PYTHONPATH): say which classifier was measured.
    print(f"classifier {classifier_module.CLASSIFIER_VERSION} from "
          f"{Path(classifier_module.__file__).resolve().parent}")
    print(f"one core; median of {args.runs} runs; matcher built in {build_seconds:.2f} s; "
          f"target {TARGET_PER_SECOND:,} articles/s")

    def classifier(text: str) -> object:
        return classify(text)

    lower_in, per_name = lower_and_in(), regex_per_name()
    for mix, articles in mixes.items():
        links = statistics.mean(len(classify(a).pairings) for a in articles)
        size = statistics.mean(len(a.encode()) for a in articles)
        ours = per_second(classifier, articles, args.runs)
        print(f"\n{mix}: {len(articles)} articles of {size / 1000:.1f} KB, "
              f"{links:.1f} pairings per article on average")
        print(f"  {'classifier':<22}{ours:>10,.0f} articles/s   "
              f"{'meets' if ours >= TARGET_PER_SECOND else 'misses'} the target")
        baselines = {
            "lower+in (provinces)": per_second(lower_in, articles, args.runs),
            # The naive matcher is slow: a sample of the articles is enough to time it.
            "regex-per-name": per_second(per_name, articles[:40], 3),
        }
        for name, rate in baselines.items():
            print(f"  {name:<22}{rate:>10,.0f} articles/s   classifier is {ours / rate:.2f}x this")


if __name__ == "__main__":
    main()
