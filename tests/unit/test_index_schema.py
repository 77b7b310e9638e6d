"""Which template changes make an existing index stale (and so call for a migration)."""

from __future__ import annotations

import copy

from services.common.settings import Settings
from services.index.migration import next_index_name
from services.index.schema import DIGEST_KEY, template_body, template_digest


def _digest(settings: Settings) -> str:
    return str(template_body(settings)["template"]["mappings"]["_meta"][DIGEST_KEY])


def test_live_settings_do_not_make_an_index_stale() -> None:
    base = Settings()
    changed = base.model_copy(update={"index_replicas": 2, "index_shards": 3,
                                      "index_refresh_interval": "5s"})
    assert _digest(changed) == _digest(base)
    assert template_body(changed)["template"]["settings"]["refresh_interval"] == "5s"


def test_a_mapping_or_analysis_change_makes_an_index_stale() -> None:
    body = template_body(Settings())
    mapped = copy.deepcopy(body)
    mapped["template"]["mappings"]["properties"]["text"]["fields"] = {
        "exact": {"type": "text", "analyzer": "standard"}}
    analysed = copy.deepcopy(body)
    analysed["template"]["settings"]["analysis"]["normalizer"]["lowercase_keyword"]["filter"] = []
    digests = {template_digest(body), template_digest(mapped), template_digest(analysed)}
    assert len(digests) == 3


def test_the_next_index_is_the_next_generation() -> None:
    assert next_index_name("bri-articles-000001") == "bri-articles-000002"
    assert next_index_name("bri-articles-000099") == "bri-articles-000100"
