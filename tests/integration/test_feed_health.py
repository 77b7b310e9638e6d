"""Feed health for people: `GET /feeds`, `bri feeds list` and `bri feeds export`, on real
Redis after real polls of a local feed sample_server."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's test client warns about its HTTP library
    from fastapi.testclient import TestClient

from services.api.app import create_app
from services.cli.main import app as cli
from services.ingest import poller
from services.ingest.feed_registry import FeedRegistry
from services.samplefeeds.server import SampleServer

pytestmark = pytest.mark.integration


@pytest.fixture
def polled(sample_server: SampleServer, feed_registry: FeedRegistry, settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Three feeds: one healthy (a 200 then a 304), one failing (503), one gone (410)."""
    healthy, failing, gone = sample_server.feed_urls
    for url in sample_server.feed_urls:
        feed_registry.add(url)

    def poll(url: str) -> None:
        poller.poll_feed(url, feed_registry, settings, send_entries=lambda messages: None)

    poll(healthy)
    feed_registry.make_due_now()
    poll(healthy)
    sample_server.fail_path("/" + failing.split("/", 3)[3], 503)
    poll(failing)
    sample_server.fail_path("/" + gone.split("/", 3)[3], 410)
    poll(gone)
    return {"healthy": healthy, "failing": failing, "gone": gone}


@pytest.fixture
def client(settings) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_get_feeds_reports_each_feeds_health(client: TestClient, polled: dict[str, str]) -> None:
    response = client.get("/feeds")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 3 and body["states"] == {"active": 1, "failing": 1, "gone": 1}
    feeds = {f["url"]: f for f in body["feeds"]}
    healthy = feeds[polled["healthy"]]
    assert healthy["state"] == "active" and healthy["last_status"] == 304
    assert healthy["not_modified_share"] == 0.5  # one 200, one 304
    assert healthy["last_success_at"] and healthy["next_poll_at"] > healthy["last_success_at"]
    assert healthy["entries_seen"] > 0 and healthy["title"]
    assert healthy["consecutive_failures"] == 0 and healthy["last_error"] is None

    failing = feeds[polled["failing"]]
    assert failing["state"] == "failing" and failing["consecutive_failures"] == 1
    assert "HTTP 503" in failing["last_error"] and failing["last_success_at"] is None
    assert failing["last_status"] == 503 and failing["next_poll_at"]

    gone = feeds[polled["gone"]]
    assert gone["state"] == "gone" and gone["next_poll_at"] is None
    assert "410" in gone["gone_reason"]


def test_get_feeds_filters_by_state_and_refuses_unknown_states(
    client: TestClient, polled: dict[str, str]
) -> None:
    only_gone = client.get("/feeds", params={"state": "gone"}).json()
    assert [f["url"] for f in only_gone["feeds"]] == [polled["gone"]]
    refused = client.get("/feeds", params={"state": "sleeping"})
    assert refused.status_code == 422 and refused.json()["field"] == "state"


def test_feeds_list_prints_a_table_and_json(polled: dict[str, str]) -> None:
    runner = CliRunner()
    table = runner.invoke(cli, ["feeds", "list"])
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split() == ["STATE", "FAILS", "304s", "/DAY", "LAST", "OK", "NEXT", "FEED"]
    row = next(line for line in lines if line.endswith(polled["healthy"]))
    assert row.split()[:3] == ["active", "0", "50%"]
    assert any("HTTP 503" in line for line in lines)
    assert any(line.strip().startswith("gone:") and "410" in line for line in lines)

    listed = json.loads(runner.invoke(cli, ["feeds", "list", "--json"]).output)
    assert {f["url"]: f["state"] for f in listed} == {
        polled["healthy"]: "active", polled["failing"]: "failing", polled["gone"]: "gone"}

    revived = runner.invoke(cli, ["feeds", "add", polled["gone"]])
    assert revived.exit_code == 0 and revived.output.startswith("revived (was gone)")
    again = json.loads(runner.invoke(cli, ["feeds", "list", "--json"]).output)
    assert next(f for f in again if f["url"] == polled["gone"])["state"] == "active"


def test_exported_opml_imports_back_into_an_empty_registry(
    polled: dict[str, str], feed_registry: FeedRegistry, redis_db, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    runner = CliRunner()
    target = tmp_path / "subs.opml"
    exported = runner.invoke(cli, ["feeds", "export", str(target), "--include-gone"])
    assert exported.exit_code == 0, exported.output
    titles = {f.url: f.title for f in feed_registry.all()}
    assert titles[polled["healthy"]]  # a title read from the feed goes into the export
    assert titles[polled["healthy"]].encode() in target.read_bytes()

    without_gone = runner.invoke(cli, ["feeds", "export"])
    assert polled["gone"] not in without_gone.output and polled["healthy"] in without_gone.output

    redis_db.flushdb()
    imported = runner.invoke(cli, ["feeds", "import", str(target)])
    assert imported.exit_code == 0, imported.output
    assert "3 added" in imported.output
    assert sorted(f.url for f in feed_registry.all()) == sorted(polled.values())
