"""Moving the articles alias onto an index built from the current template.

An index keeps the mapping it was created with, so a template change reaches an existing
deployment only through a new index. ``migrate`` creates ``<alias>-<n+1>`` from the
template, copies every document into it, moves the alias in one atomic step and deletes
the old index. Writers keep writing through the alias the whole time:

1. the bulk copy runs while the old index still takes writes;
2. the alias moves (readers and writers switch together, never seeing two indices);
3. a catch-up copy brings over whatever reached the old index since the copy began.

Both copies keep each document's external version and skip any document the new index
already holds at that version or newer, so an article rewritten during the migration is
never set back. Running it again after an interruption finishes the job: a leftover older
index that is no longer behind the alias gets its catch-up copy and is then deleted.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from elasticsearch import Elasticsearch, helpers

from services.common.contracts import utcnow
from services.common.settings import Settings
from services.index.schema import ensure_index, index_is_current, write_index

# Documents are stamped with indexed_at a moment before their bulk request is sent (at
# most a couple of request timeouts earlier); the catch-up copy looks back this far
# beyond the migration's start so that none written around the switch is missed.
CATCH_UP_MARGIN = timedelta(minutes=10)
COPY_BATCH = 500


@dataclass(frozen=True)
class Migration:
    old_index: str
    new_index: str
    copied: int  # documents created in the new index by the bulk copy
    caught_up: int  # documents created or replaced by the catch-up copy


def next_index_name(index: str) -> str:
    """``bri-articles-000001`` -> ``bri-articles-000002``."""
    match = re.fullmatch(r"(.*-)(\d+)", index)
    if match is None:
        raise ValueError(f"index name {index!r} does not end in a generation number")
    prefix, number = match.groups()
    return f"{prefix}{int(number) + 1:0{len(number)}d}"


def migrate(
    es: Elasticsearch, settings: Settings, settle_seconds: float | None = None
) -> Migration | None:
    """Bring the alias onto the current template; None when it already is (and no older
    index is left over).

    Between moving the alias and the catch-up copy it waits ``settle_seconds`` (default:
    the Elasticsearch request timeout), the longest a bulk request that was routed to
    the old index just before the move can still be writing there.
    """
    settle = settings.elasticsearch_timeout_seconds if settle_seconds is None else settle_seconds
    alias = ensure_index(es, settings)
    current = write_index(es, alias)
    leftovers = _older_indices(es, alias, current)
    if index_is_current(es, settings, current):
        if not leftovers:
            return None
        caught_up = sum(_finish(es, old, current, since=None) for old in leftovers)
        return Migration(old_index=leftovers[-1], new_index=current, copied=0, caught_up=caught_up)
    new = next_index_name(current)
    # A new index no alias points to is what an interrupted earlier attempt left: redo it.
    es.indices.delete(index=new, ignore_unavailable=True)
    es.indices.create(index=new)
    es.cluster.health(index=new, wait_for_status="yellow", timeout="60s")
    started = utcnow()
    copied = _copy(es, current, new, query=None)["created"]
    es.indices.update_aliases(actions=[
        {"remove": {"index": current, "alias": alias}},
        {"add": {"index": new, "alias": alias, "is_write_index": True}},
    ])
    time.sleep(settle)
    caught_up = _finish(es, current, new, since=started - CATCH_UP_MARGIN)
    return Migration(old_index=current, new_index=new, copied=copied, caught_up=caught_up)


def _finish(es: Elasticsearch, old: str, new: str, since: Any) -> int:
    """The catch-up copy from an index the alias has left, then its deletion."""
    query = None if since is None else {"range": {"indexed_at": {"gte": since.isoformat()}}}
    result = _copy(es, old, new, query=query)
    es.indices.delete(index=old)
    return result["created"] + result["updated"]


def _older_indices(es: Elasticsearch, alias: str, current: str) -> list[str]:
    names = es.indices.get(index=f"{alias}-0*", ignore_unavailable=True)
    return sorted(name for name in names if name < current)


def _copy(es: Elasticsearch, source: str, dest: str, query: dict[str, Any] | None) -> dict[str, int]:
    """Copy documents keeping their external versions; one the destination already holds
    at the same or a newer version is a conflict, skipped rather than overwritten.

    Scroll plus bulk rather than the _reindex API, which lives in a module a minimal node
    (the development one) does not have; the outcome is the same.
    """
    # Only what a refresh has made visible can be read: refresh first, or the latest
    # writes to the source would be left behind.
    es.indices.refresh(index=source)
    hits = helpers.scan(
        es, index=source, query={"query": query or {"match_all": {}}}, version=True,
        size=COPY_BATCH, preserve_order=False,
    )
    actions = (
        {"_op_type": "index", "_index": dest, "_id": hit["_id"], "version": hit["_version"],
         "version_type": "external", "_source": hit["_source"]}
        for hit in hits
    )
    counts = {"created": 0, "updated": 0, "skipped": 0}
    for _, item in helpers.streaming_bulk(
        es, actions, chunk_size=COPY_BATCH, raise_on_error=False, max_retries=3,
    ):
        outcome = item["index"]
        if outcome.get("status") == 409:
            counts["skipped"] += 1
        elif outcome.get("status") in (200, 201):
            counts[str(outcome["result"])] += 1
        else:
            raise RuntimeError(f"copying {source} into {dest} failed: {outcome}")
    es.indices.refresh(index=dest)
    return counts
