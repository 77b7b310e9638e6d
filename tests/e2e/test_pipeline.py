"""Feeds in, labelled articles searchable out: real server, Redis, Celery workers, Elasticsearch."""

from __future__ import annotations

import pytest

from services.cli.pipeline_status import wait_until_idle
from services.common import dead_letter
from services.common.routing import TASK_FETCH_ARTICLE
from services.ingest.feed_registry import FeedRegistry
from services.ingest.poller import poll_feed
from services.samplefeeds.corpus import labels_by_file
from services.search.query import SearchRequest, build_query

pytestmark = pytest.mark.e2e

def _poll_all(server, registry, settings) -> list:  # type: ignore[no-untyped-def]
    from services.ingest.worker import send_links

    return [
        poll_feed(url, registry, settings,
                  send_entries=send_links)
        for url in server.feed_urls
    ]


def _search(es, settings, **kwargs) -> dict:  # type: ignore[no-untyped-def]
    es.indices.refresh(index=settings.index_alias)
    return es.search(index=settings.index_alias, **build_query(SearchRequest(**kwargs))).body


def test_sample_feeds_become_labelled_searchable_articles_exactly_once(
    workers, sample_server, redis_db, es, settings  # type: ignore[no-untyped-def]
) -> None:
    expected = labels_by_file()
    registry = FeedRegistry(redis_db)
    for url in sample_server.feed_urls:
        registry.add(url)

    first = _poll_all(sample_server, registry, settings)
    assert all(outcome.status == "updated" for outcome in first)
    assert wait_until_idle(redis_db, timeout=240), "pipeline did not drain"
    assert dead_letter.count(redis_db) == 0, dead_letter.list_letters(redis_db)
    es.indices.refresh(index=settings.index_alias)
    indexed = es.count(index=settings.index_alias)["count"]
    assert indexed == len(expected)

    # A second poll: every feed answers 304, nothing is fetched or indexed again.
    second = _poll_all(sample_server, registry, settings)
    assert [o.status for o in second] == ["not-modified"] * len(second)
    assert wait_until_idle(redis_db, timeout=60)
    es.indices.refresh(index=settings.index_alias)
    assert es.count(index=settings.index_alias)["count"] == indexed

    # A search finds a capacity-cooperation article with the labels it should carry.
    slug, truth = next(
        (slug, labels) for slug, labels in sorted(expected.items())
        if labels["relevant"] and labels["pairings"]
    )
    pairing = truth["pairings"][0]
    response = _search(es, settings, provinces=[pairing["province"]], countries=[pairing["country"]])
    hits = {hit["_source"]["canonical_url"].rsplit("/", 1)[-1]: hit["_source"]
            for hit in response["hits"]["hits"]}
    found = next((doc for name, doc in hits.items() if name.startswith(slug.split(".")[0])), None)
    assert found is not None, f"{slug} not found among {sorted(hits)}"
    assert pairing["province"] in found["provinces"]
    assert pairing["country"] in found["countries"]
    assert f"{pairing['province']}|{pairing['country']}" in found["pairing_keys"]


def test_a_page_that_cannot_be_fetched_is_dead_lettered_with_its_reason(
    workers, sample_server, redis_db, es, settings  # type: ignore[no-untyped-def]
) -> None:
    from services.ingest.worker import app as ingest_app

    missing = f"{sample_server.base_url}/articles/no-such-article.html"
    ingest_app.send_task(TASK_FETCH_ARTICLE, args=[{"url": missing, "feed_url": None}])
    assert wait_until_idle(redis_db, timeout=60)
    letters = dead_letter.list_letters(redis_db)
    assert len(letters) == 1
    assert letters[0].task == TASK_FETCH_ARTICLE
    assert "no-such-article.html" in letters[0].error and "404" in letters[0].error
    assert letters[0].args[0]["url"] == missing


def test_redelivered_messages_still_give_one_document(
    workers, redis_db, es, settings  # type: ignore[no-untyped-def]
) -> None:
    from datetime import UTC, datetime

    from services.classify.worker import app as classify_app
    from services.common import contracts
    from services.common.routing import TASK_CLASSIFY_ARTICLE
    from services.ingest.canonical_url import article_id

    url = "https://news.example/qinghai-turkmenistan-water.html"
    message = contracts.ArticleFetched(
        article_id=article_id(url), url=url, canonical_url=url,
        title="Qinghai and Turkmenistan sign water and power pact",
        text="Qinghai province signed an agreement with Turkmenistan on Tuesday to cooperate "
             "in water resources, electricity and textiles under the Belt and Road Initiative.",
        fetched_at=datetime.now(UTC),
    )
    for _ in range(3):  # the broker may deliver a message more than once
        classify_app.send_task(TASK_CLASSIFY_ARTICLE, args=[contracts.dump(message)])
    assert wait_until_idle(redis_db, timeout=60)
    es.indices.refresh(index=settings.index_alias)
    assert es.count(index=settings.index_alias)["count"] == 1
    doc = es.get(index=settings.index_alias, id=message.article_id)["_source"]
    assert "Qinghai|TM" in doc["pairing_keys"]
    assert dead_letter.count(redis_db) == 0
