"""Re-labels indexed articles with the current classifier.

When the classifier or its data files change, ``CLASSIFIER_VERSION`` changes, and every
document labelled by another version is read back (``scan``), classified again from its
stored title and text, and partially updated (``bulk``): only the label fields and the
version change, so the text, dates and ids the index stage wrote stay as they were.

The index is reached only through its alias; the label fields are written by the same
``services.common.label_fields`` the index stage uses, and nothing of the index service
is imported, as stages never use each other's internals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch.helpers import bulk, scan

from services.classify.classifier import CLASSIFIER_VERSION, classify
from services.common.contracts import Labels
from services.common.label_fields import label_fields

# Reading the text is what costs: keep scroll pages moderate so a page is classified well
# within the scroll's keep-alive.
_PAGE_SIZE = 500
_SCROLL = "10m"
# A concurrent write by the index stage bumps the version; retry the partial update.
_RETRY_ON_CONFLICT = 3


@dataclass(frozen=True)
class Counts:
    seen: int
    updated: int
    failed: int
    version: str


def outdated_query(everything: bool, version: str = CLASSIFIER_VERSION) -> dict[str, Any]:
    if everything:
        return {"match_all": {}}
    # Documents without a version at all are outdated too.
    return {"bool": {"must_not": [{"term": {"classifier_version": version}}]}}


# Told how many documents were read so far and how many there are to read.
Progress = Callable[[int, int], None]


def count_outdated(client: Elasticsearch, alias: str, everything: bool = False) -> int:
    return int(client.count(index=alias, query=outdated_query(everything))["count"])


def _actions(
    client: Elasticsearch, alias: str, everything: bool, seen: list[int],
    classifier: Callable[[str, str], Labels], progress: Progress | None, total: int,
) -> Iterator[dict[str, Any]]:
    hits = scan(
        client, index=alias, query={"query": outdated_query(everything)},
        _source=["title", "text"], size=_PAGE_SIZE, scroll=_SCROLL,
    )
    for hit in hits:
        seen[0] += 1
        source = hit.get("_source", {})
        labels = classifier(source.get("text") or "", source.get("title") or "")
        if progress is not None:
            # Documents written meanwhile may push the count past the first estimate.
            progress(seen[0], max(total, seen[0]))
        yield {
            "_op_type": "update",
            # The alias may span several indices; each hit names the one holding it.
            "_index": hit["_index"],
            "_id": hit["_id"],
            "retry_on_conflict": _RETRY_ON_CONFLICT,
            "doc": label_fields(labels),
        }


def reclassify(
    client: Elasticsearch, alias: str, everything: bool = False,
    classifier: Callable[[str, str], Labels] = classify,
    progress: Progress | None = None,
) -> Counts:
    """Re-label outdated documents (all with ``everything``); the counts of what happened.

    ``progress``, if given, is called after each document is classified.
    """
    seen = [0]
    total = count_outdated(client, alias, everything) if progress is not None else 0
    updated, errors = bulk(
        client, _actions(client, alias, everything, seen, classifier, progress, total),
        chunk_size=_PAGE_SIZE, raise_on_error=False, stats_only=True,
    )
    failed = errors if isinstance(errors, int) else len(errors)
    # A run right after this one must see the new versions, not skip nothing.
    client.indices.refresh(index=alias)
    return Counts(seen=seen[0], updated=updated, failed=failed, version=CLASSIFIER_VERSION)
