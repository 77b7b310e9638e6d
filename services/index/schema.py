"""The articles index: its template (a data file), first index and write alias.

Readers and writers only know the alias. A mapping change reaches an existing index
through ``bri index migrate`` (services/index/migration.py), which creates
``<alias>-000002`` from the updated template, reindexes into it and moves the alias,
with no change to any service. Each index records in its mapping's ``_meta`` a digest of
the template it was made from, which is how a stale index is recognised.

What the template indexes is what searching reads: title, summary and text analysed once
(``english``, which phrase queries use too); offsets only on the two highlighted fields;
a pairing's evidence kept in ``_source`` for the pairings view but not analysed, since no
query searches it. Every other analysis would be CPU spent on each article for nothing.

Most of Elasticsearch's CPU per article is the refresh (each writes a small segment) and
the merging of those segments, not analysis: see BRI_INDEX_REFRESH_INTERVAL.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from services.common.settings import Settings

TEMPLATE_FILE = Path(__file__).parent / "data" / "articles_template.json"
DIGEST_KEY = "template_digest"

log = logging.getLogger(__name__)


def template_body(settings: Settings) -> dict[str, Any]:
    raw = TEMPLATE_FILE.read_text(encoding="utf-8")
    raw = raw.replace("{alias}", settings.index_alias)
    body = json.loads(raw)
    index_settings = body["template"]["settings"]
    index_settings["number_of_shards"] = settings.index_shards
    index_settings["number_of_replicas"] = settings.index_replicas
    index_settings["refresh_interval"] = settings.index_refresh_interval
    body["template"]["mappings"]["_meta"] = {DIGEST_KEY: template_digest(body)}
    return body


def live_settings(settings: Settings) -> dict[str, Any]:
    """The template's index settings that an existing index can take as they change."""
    fixed = ("number_of_shards", "number_of_replicas", "analysis")
    index_settings = template_body(settings)["template"]["settings"]
    return {name: value for name, value in index_settings.items() if name not in fixed}


def template_digest(body: dict[str, Any]) -> str:
    """What decides an index's mapping: the mappings and analysis, not the settings that can
    change on a live index (shard and replica counts are fixed at creation by settings)."""
    template = body["template"]
    mappings = {k: v for k, v in template["mappings"].items() if k != "_meta"}
    decisive = {"mappings": mappings, "analysis": template["settings"].get("analysis", {})}
    return hashlib.sha256(json.dumps(decisive, sort_keys=True).encode()).hexdigest()[:16]


def write_index(es: Elasticsearch, alias: str) -> str:
    """The concrete index the alias writes to."""
    aliases = es.indices.get_alias(name=alias).body
    for index, entry in aliases.items():
        if entry["aliases"][alias].get("is_write_index", len(aliases) == 1):
            return str(index)
    raise LookupError(f"alias {alias} has no write index")


def index_is_current(es: Elasticsearch, settings: Settings, index: str) -> bool:
    """Whether the index was created from the template as it is now."""
    mapping = es.indices.get_mapping(index=index).body[index]["mappings"]
    wanted = template_body(settings)["template"]["mappings"]["_meta"][DIGEST_KEY]
    return bool(mapping.get("_meta", {}).get(DIGEST_KEY) == wanted)


def ensure_index(es: Elasticsearch, settings: Settings) -> str:
    """Install the template and create the first index behind the alias if none exists.

    Safe to call from many workers at once: a lost creation race is not an error.
    """
    alias = settings.index_alias
    es.indices.put_index_template(name=f"{alias}-template", **template_body(settings))
    if es.indices.exists_alias(name=alias):
        current = write_index(es, alias)
        # Live settings (refresh, merging) reach an existing index without migrating.
        es.indices.put_settings(index=current, settings=live_settings(settings))
        if not index_is_current(es, settings, current):
            # Left in service: migrating copies every document, an operator's decision,
            # and not one for each worker starting up to race the others for.
            log.warning("index %s predates the current template; run `bri index migrate`", current)
        return alias
    first = f"{alias}-000001"
    try:
        es.indices.create(index=first, aliases={alias: {"is_write_index": True}})
    except Exception as exc:  # another worker created it between our check and create
        if "resource_already_exists_exception" not in str(exc):
            raise
    return alias


def drop_index(es: Elasticsearch, settings: Settings) -> None:
    """Delete every index behind the alias (used by tests and `bri index reset`)."""
    # Deletes name each index: Elasticsearch refuses wildcard deletes by default.
    names = list(es.indices.get(index=f"{settings.index_alias}-0*", ignore_unavailable=True))
    if names:
        es.indices.delete(index=",".join(names), ignore_unavailable=True)
