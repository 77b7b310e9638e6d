"""The articles index: its template (a data file), first index and write alias.

Readers and writers only know the alias. A mapping change creates ``<alias>-000002``
from the updated template, reindexes into it and moves the alias, with no change to
any service.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from services.common.settings import Settings

TEMPLATE_FILE = Path(__file__).parent / "data" / "articles_template.json"


def template_body(settings: Settings) -> dict[str, Any]:
    raw = TEMPLATE_FILE.read_text(encoding="utf-8")
    raw = raw.replace("{alias}", settings.index_alias)
    body = json.loads(raw)
    index_settings = body["template"]["settings"]
    index_settings["number_of_shards"] = settings.index_shards
    index_settings["number_of_replicas"] = settings.index_replicas
    return body


def ensure_index(es: Elasticsearch, settings: Settings) -> str:
    """Install the template and create the first index behind the alias if none exists.

    Safe to call from many workers at once: a lost creation race is not an error.
    """
    alias = settings.index_alias
    es.indices.put_index_template(name=f"{alias}-template", **template_body(settings))
    if es.indices.exists_alias(name=alias):
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
