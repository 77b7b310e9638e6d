"""An index made from an older template is moved onto the current one without losing
or setting back any article, while the alias keeps serving reads and writes."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from services.index.bulk_writer import BulkWriter
from services.index.documents import document_version, to_document
from services.index.migration import migrate, next_index_name
from services.index.schema import drop_index, ensure_index, template_body, write_index
from services.search.query import SearchRequest
from services.search.searcher import search_articles
from tests.builders import classified


def _older_deployment(es, settings) -> str:  # type: ignore[no-untyped-def]
    """The alias on an index of the template before it lost the .exact subfields."""
    drop_index(es, settings)
    es.indices.delete_index_template(name=f"{settings.index_alias}-template")
    old = copy.deepcopy(template_body(settings)["template"])
    old["mappings"].pop("_meta")
    old["mappings"]["properties"]["text"]["fields"] = {
        "exact": {"type": "text", "analyzer": "standard"}}
    index = f"{settings.index_alias}-000001"
    es.indices.create(index=index, settings=old["settings"], mappings=old["mappings"],
                      aliases={settings.index_alias: {"is_write_index": True}})
    return index


def _write(writer: BulkWriter, message) -> str:  # type: ignore[no-untyped-def]
    return writer.write(message.article.article_id, to_document(message),
                        document_version(message), 30)


def test_an_older_index_is_migrated_with_every_article_and_version(es, settings) -> None:
    old = _older_deployment(es, settings)
    writer = BulkWriter(es, settings.index_alias)
    earlier = datetime.now(UTC) - timedelta(hours=1)
    messages = [classified(url=f"https://news.example/story-{i}.html", fetched_at=earlier)
                for i in range(30)]
    for message in messages:
        assert _write(writer, message) == "created"

    result = migrate(es, settings, settle_seconds=0)

    assert result is not None and result.old_index == old
    assert result.new_index == next_index_name(old) == f"{settings.index_alias}-000002"
    assert result.copied == 30
    assert write_index(es, settings.index_alias) == result.new_index
    assert not es.indices.exists(index=old)
    mapping = es.indices.get_mapping(index=result.new_index)[result.new_index]["mappings"]
    assert "fields" not in mapping["properties"]["text"]  # the current template's mapping
    # Search and lookups through the alias see every article, its labels and its version.
    found = search_articles(es, settings.index_alias,
                            SearchRequest(text='"copper smelters"', size=50, facets=True))
    assert found["total"] == 30
    assert "<mark>" in found["hits"][0]["snippets_html"][0]
    assert found["facets"]["provinces"] == [{"value": "Gansu", "count": 30}]
    one = es.get(index=settings.index_alias, id=messages[0].article.article_id)
    assert one["_version"] == document_version(messages[0])
    assert one["_source"]["pairing_keys"] == ["Gansu|KZ"]
    # An older fetch of the same article is still recognised as stale on the new index.
    older = classified(url=messages[0].article.url, fetched_at=earlier - timedelta(minutes=5))
    assert _write(writer, older) == "stale"
    assert migrate(es, settings, settle_seconds=0) is None  # nothing left to do


def test_an_article_rewritten_during_the_migration_is_not_set_back(
    es, settings, monkeypatch
) -> None:
    _older_deployment(es, settings)
    writer = BulkWriter(es, settings.index_alias)
    first = classified(fetched_at=datetime.now(UTC) - timedelta(hours=1))
    _write(writer, first)
    newer = classified(title="Gansu and Kazakhstan deepen cooperation (updated)")
    move_alias = es.indices.update_aliases

    def move_then_rewrite(**kwargs):  # type: ignore[no-untyped-def]
        # A newer fetch written right after the alias moved, before the catch-up copy
        # brings the old index's (older) version of the same article over again.
        response = move_alias(**kwargs)
        assert _write(writer, newer) == "updated"
        return response

    monkeypatch.setattr(es.indices, "update_aliases", move_then_rewrite)
    result = migrate(es, settings, settle_seconds=0)

    assert result is not None
    stored = es.get(index=settings.index_alias, id=first.article.article_id)
    assert stored["_source"]["title"].endswith("(updated)")
    assert stored["_version"] == document_version(newer)


def test_an_interrupted_migration_is_finished_by_running_it_again(es, settings) -> None:
    old = _older_deployment(es, settings)
    writer = BulkWriter(es, settings.index_alias)
    early = classified(url="https://news.example/early.html",
                       fetched_at=datetime.now(UTC) - timedelta(hours=1))
    _write(writer, early)
    # Interrupted right after the alias moved: the new index has the bulk copy only and
    # an article written to the old index just before the switch is not in it yet.
    ensure_index(es, settings)  # the current template again
    new = next_index_name(old)
    es.indices.create(index=new)
    es.index(index=new, id=early.article.article_id, document=to_document(early),
             version=document_version(early), version_type="external", refresh=True)
    late = classified(url="https://news.example/late.html")
    _write(writer, late)
    es.indices.update_aliases(actions=[
        {"remove": {"index": old, "alias": settings.index_alias}},
        {"add": {"index": new, "alias": settings.index_alias, "is_write_index": True}},
    ])

    result = migrate(es, settings, settle_seconds=0)

    assert result is not None and result.caught_up == 1
    assert not es.indices.exists(index=old)
    es.indices.refresh(index=settings.index_alias)
    assert es.count(index=settings.index_alias)["count"] == 2
    assert es.exists(index=settings.index_alias, id=late.article.article_id)


def test_a_current_index_is_left_alone(es, settings) -> None:
    before = write_index(es, settings.index_alias)
    assert migrate(es, settings, settle_seconds=0) is None
    assert write_index(es, settings.index_alias) == before


def test_a_changed_refresh_interval_reaches_the_existing_index(es, settings) -> None:
    index = write_index(es, settings.index_alias)
    ensure_index(es, settings.model_copy(update={"index_refresh_interval": "7s"}))
    live = es.indices.get_settings(index=index)[index]["settings"]["index"]
    assert live["refresh_interval"] == "7s"
    assert write_index(es, settings.index_alias) == index  # no new index for a live setting
