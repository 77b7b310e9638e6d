import json

from services.common.settings import Settings
from services.index.documents import document_version, to_document
from services.index.schema import TEMPLATE_FILE, template_body
from tests.builders import classified


def test_every_document_field_is_mapped_so_strict_mapping_never_rejects_it() -> None:
    mapping = json.loads(TEMPLATE_FILE.read_text())["template"]["mappings"]["properties"]
    document = to_document(classified())
    assert set(document) <= set(mapping)
    assert set(document["pairings"][0]) <= set(mapping["pairings"]["properties"])


def test_labels_become_filterable_keywords_and_pairing_keys() -> None:
    document = to_document(classified(provinces=("Gansu", "Qinghai"), countries=("TM", "KZ")))
    assert document["provinces"] == ["Gansu", "Qinghai"]
    assert document["countries"] == ["KZ", "TM"]
    assert document["pairing_keys"] == ["Gansu|KZ", "Gansu|TM", "Qinghai|KZ", "Qinghai|TM"]


def test_a_later_fetch_has_a_higher_version() -> None:
    from datetime import UTC, datetime, timedelta

    earlier = classified(fetched_at=datetime(2026, 1, 1, tzinfo=UTC))
    later = classified(fetched_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(milliseconds=5))
    assert document_version(later) > document_version(earlier)


def test_template_applies_configured_alias_and_shards() -> None:
    body = template_body(Settings(index_alias="news", index_shards=3, index_replicas=1))
    assert body["index_patterns"] == ["news-0*"]
    assert body["template"]["settings"]["number_of_shards"] == 3
    assert body["template"]["mappings"]["properties"]["text"]["analyzer"] == "english"
