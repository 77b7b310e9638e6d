"""Scale-out: two ingest and two extract workers on one Redis index every article once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.cli.pipeline_status import wait_until_idle
from services.cli.workers import WorkerGroup, stage_spec, stage_specs
from services.common import dead_letter
from services.common.routing import TASK_EXTRACT_PAGE, TASK_POLL_FEEDS
from services.common.settings import Settings
from services.ingest.feed_registry import FeedRegistry
from services.samplefeeds.corpus import labels_by_file
from services.samplefeeds.server import start_sample_server
from tests.local_servers import FEED_SERVER_PORT

pytestmark = pytest.mark.e2e

LOGS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e-logs"


@pytest.fixture
def two_of_each(redis_db, es, settings: Settings) -> Iterator[WorkerGroup]:  # type: ignore[no-untyped-def]
    # Two extraction processes run as two single-process workers, as `bri workers` starts them.
    two_processes = settings.model_copy(update={"extract_concurrency": 2, "cpu_stage_pool": "solo"})
    specs = [
        stage_spec(settings, "ingest", "ingest-a"),
        stage_spec(settings, "ingest", "ingest-b"),
        *stage_specs(two_processes, "extract"),
        stage_spec(settings, "classify"),
        stage_spec(settings, "index"),
        stage_spec(settings, "alerts"),
    ]
    group = WorkerGroup(specs, log_dir=str(LOGS))
    group.start()
    yield group
    group.stop()


def _extracted_by_node() -> dict[str, int]:
    from services.ingest.extract_worker import app as extract_app

    # Every worker on the broker answers; only the extract workers' tallies matter here.
    stats = extract_app.control.inspect(timeout=5).stats() or {}
    tallies = {node.split("@")[0]: info.get("total", {}) for node, info in stats.items()}
    return {name: total.get(TASK_EXTRACT_PAGE, 0) for name, total in tallies.items()
            if name.startswith("extract")}


def test_two_workers_per_ingest_stage_index_every_article_exactly_once(
    two_of_each, redis_db, es, settings  # type: ignore[no-untyped-def]
) -> None:
    from services.ingest.worker import app as ingest_app

    expected = labels_by_file()
    with start_sample_server(FEED_SERVER_PORT) as server:
        registry = FeedRegistry(redis_db)
        for url in server.feed_urls:
            registry.add(url)
        # The same batch twice, as a redelivery or a second scheduler would send it: both
        # ingest workers poll the same feeds at the same moment.
        for _ in range(2):
            ingest_app.send_task(TASK_POLL_FEEDS, args=[server.feed_urls])
        assert wait_until_idle(redis_db, timeout=240), "pipeline did not drain"

        by_node = _extracted_by_node()

    assert dead_letter.count(redis_db) == 0, dead_letter.list_letters(redis_db)
    es.indices.refresh(index=settings.index_alias)
    hits = es.search(index=settings.index_alias, size=1000, source=["canonical_url"])["hits"]["hits"]
    urls = Counter(hit["_source"]["canonical_url"] for hit in hits)
    assert len(hits) == len(expected)
    assert max(urls.values()) == 1
    # Both extract workers took part, and between them extracted each page once.
    assert set(by_node) == {"extract-1", "extract-2"}
    assert all(count > 0 for count in by_node.values()), by_node
    assert sum(by_node.values()) == len(expected)
