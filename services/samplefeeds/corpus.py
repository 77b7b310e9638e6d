"""Where the sample corpus lives and how to read its ground-truth labels.

The corpus (article pages, feeds, OPML) is written with a ``{base_url}`` placeholder
wherever a URL points back at the corpus, so the same files work on whatever port
the sample server gets.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
BASE_URL_PLACEHOLDER = "{base_url}"

# Served in this order by ``SampleServer.feed_urls`` and listed in this order in the OPML.
FEED_NAMES: tuple[str, ...] = ("silk-road-wire.rss", "capacity-review.atom", "world-desk.rss")

# The one article listed by two feeds (the RSS wire and the Atom review), so that
# de-duplication by canonical URL has something to do.
DUPLICATED_ARTICLE = "henan-ethiopia-kenya-buses.html"


def articles_dir(data_dir: Path = DATA_DIR) -> Path:
    return data_dir / "articles"


def feeds_dir(data_dir: Path = DATA_DIR) -> Path:
    return data_dir / "feeds"


def article_names(data_dir: Path = DATA_DIR) -> list[str]:
    """File names of every article page, sorted."""
    return sorted(p.name for p in articles_dir(data_dir).glob("*.html"))


def load_labels(data_dir: Path = DATA_DIR) -> list[dict[str, Any]]:
    """Expected labels, one entry per article, in the shape of the design's examples."""
    return json.loads((data_dir / "labels.json").read_text(encoding="utf-8"))


def labels_by_file(data_dir: Path = DATA_DIR) -> dict[str, dict[str, Any]]:
    return {entry["file"]: entry for entry in load_labels(data_dir)}


def article_path(name: str) -> str:
    """URL path (no host) under which the server publishes an article file."""
    return f"/articles/{name}"
