"""Subscriptions through the API and `bri subscriptions`, against the real Redis."""

from __future__ import annotations

import json
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from services.alerts import alert_log
from services.alerts.api_keys import API_KEYS_KEY, create_key
from services.alerts.atom import ATOM_NS
from services.api.app import create_app
from services.cli.main import app as cli
from services.common.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
def client(settings: Settings, redis_db) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


NEW = {
    "filter": {"countries": ["kz"], "provinces": ["gansu"], "query": "copper"},
    "events": ["pairing.new"],
    "channels": {"webhook_url": "http://127.0.0.1:9/hook", "email": "ana@example.org"},
}


def test_keys_are_stored_hashed_and_required(client, redis_db) -> None:  # type: ignore[no-untyped-def]
    _, key = create_key(redis_db, "ana")
    stored = redis_db.hget(API_KEYS_KEY, key.split("_")[1])
    assert key.split("_", 2)[2] not in stored
    assert client.get("/subscriptions").status_code == 401
    bad = client.get("/subscriptions", headers=_auth(key[:-2] + "xx"))
    assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"
    assert client.get("/subscriptions", headers=_auth(key)).json() == []


def test_create_read_update_delete_and_owners_stay_apart(client, redis_db) -> None:  # type: ignore[no-untyped-def]
    _, ana = create_key(redis_db, "ana")
    _, bo = create_key(redis_db, "bo")
    created = client.post("/subscriptions", json=NEW, headers=_auth(ana))
    assert created.status_code == 201, created.text
    sub = created.json()
    assert sub["filter"]["countries"] == ["KZ"] and sub["filter"]["provinces"] == ["Gansu"]
    assert len(sub["channels"]["webhook_secret"]) > 20  # generated, shown once
    listed = client.get("/subscriptions", headers=_auth(ana)).json()
    assert [s["id"] for s in listed] == [sub["id"]]
    assert listed[0]["channels"]["webhook_secret"] == "********"
    assert client.get(f"/subscriptions/{sub['id']}", headers=_auth(bo)).status_code == 404
    assert client.get("/subscriptions", headers=_auth(bo)).json() == []

    changed = dict(NEW, events=["pairing.new", "article.matching"])
    updated = client.put(f"/subscriptions/{sub['id']}", json=changed, headers=_auth(ana))
    assert updated.status_code == 200 and updated.json()["events"] == ["article.matching", "pairing.new"]
    assert client.put(f"/subscriptions/{sub['id']}", json=changed, headers=_auth(bo)).status_code == 404
    assert client.delete(f"/subscriptions/{sub['id']}", headers=_auth(bo)).status_code == 404
    assert client.delete(f"/subscriptions/{sub['id']}", headers=_auth(ana)).status_code == 204
    assert client.get("/subscriptions", headers=_auth(ana)).json() == []


@pytest.mark.parametrize(("body", "field"), [
    (dict(NEW, channels={"webhook_url": "http://169.254.169.254/latest/meta-data/"}),
     "channels.webhook_url"),
    (dict(NEW, channels={"webhook_url": "http://10.0.0.7/hook"}), "channels.webhook_url"),
    (dict(NEW, filter={"countries": ["XX"]}), "filter"),
    (dict(NEW, events=["everything"]), "events.0"),
    (dict(NEW, channels={"email": "not-an-address"}), "channels.email"),
])
def test_bad_subscriptions_are_refused_naming_the_field(client, redis_db, body, field) -> None:  # type: ignore[no-untyped-def]
    _, key = create_key(redis_db, "ana")
    response = client.post("/subscriptions", json=body, headers=_auth(key))
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


def test_the_atom_feed_opens_with_the_feed_token_or_the_owner_key(client, redis_db) -> None:  # type: ignore[no-untyped-def]
    _, key = create_key(redis_db, "ana")
    _, other = create_key(redis_db, "bo")
    sub = client.post("/subscriptions", json=NEW, headers=_auth(key)).json()
    alert_log.append(redis_db, {
        "alert_id": f"{sub['id']}:e1", "subscription_id": sub["id"], "event_id": "e1",
        "event": "pairing.new", "summary": "New pairing: Gansu - KZ", "evidence": "x",
        "pairing": {"province": "Gansu", "country": "KZ", "sectors": []},
        "article": {"id": "a1", "title": "T", "url": "https://n.example/a1", "published": None},
        "created_at": "2026-11-02T00:00:00+00:00",
    }, at=1.0)
    url = f"/subscriptions/{sub['id']}/alerts.atom"
    assert client.get(url).status_code == 404
    assert client.get(url, headers=_auth(other)).status_code == 404
    by_key = client.get(url, headers=_auth(key))
    by_token = client.get(url, params={"token": sub["feed_token"]})
    assert by_key.status_code == by_token.status_code == 200
    assert by_token.headers["content-type"].startswith("application/atom+xml")
    entries = ET.fromstring(by_token.content).findall(f"{{{ATOM_NS}}}entry")
    assert len(entries) == 1


def test_the_cli_manages_subscriptions_with_a_key(redis_db) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    made = runner.invoke(cli, ["apikey", "create", "ana"])
    assert made.exit_code == 0, made.output
    key = made.stdout.strip().splitlines()[0]
    refused = runner.invoke(cli, ["subscriptions", "list", "--key", "bri_nope_nope"])
    assert refused.exit_code == 1
    created = runner.invoke(cli, ["subscriptions", "create", "--key", key, "-c", "KZ",
                                  "--email", "ana@example.org", "-e", "article.matching"])
    assert created.exit_code == 0, created.output
    sub = json.loads(created.stdout)
    assert sub["owner"] == "ana" and sub["events"] == ["article.matching"]
    updated = runner.invoke(cli, ["subscriptions", "update", sub["id"], "--key", key, "-p", "Gansu"],
                            env={"BRI_API_KEY": ""})
    assert updated.exit_code == 0, updated.output
    assert json.loads(updated.stdout)["filter"] == {
        "provinces": ["Gansu"], "countries": ["KZ"], "sectors": [], "query": None}
    listed = runner.invoke(cli, ["subscriptions", "list"], env={"BRI_API_KEY": key})
    assert sub["id"] in listed.stdout
    bad = runner.invoke(cli, ["subscriptions", "create", "--key", key,
                              "--webhook", "http://192.168.1.1/hook"])
    assert bad.exit_code == 1 and "private" in bad.output
    deleted = runner.invoke(cli, ["subscriptions", "delete", sub["id"], "--key", key])
    assert deleted.exit_code == 0
    assert "no subscriptions" in runner.invoke(cli, ["subscriptions", "list", "--key", key]).stdout
