"""A never-seen pairing in a fetched article becomes one signed webhook, one e-mail and one
Atom entry, through the real ingest, classify, index and alerts workers."""

from __future__ import annotations

import hashlib
import hmac
import json
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from services.alerts.api_keys import create_key
from services.alerts.atom import ATOM_NS
from services.api.app import create_app
from services.cli.pipeline_status import wait_until_idle
from services.cli.workers import WorkerGroup, worker_specs
from services.common import dead_letter
from services.common.routing import TASK_FETCH_ARTICLE
from services.samplefeeds.server import start_sample_server
from tests.alert_receivers import SmtpServer, WebhookReceiver
from tests.local_servers import FEED_SERVER_PORT

pytestmark = pytest.mark.e2e

LOGS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e-logs"

ARTICLE = """<!doctype html><html><head><title>Guangxi and Mongolia sign cement plant deal</title>
<meta name="description" content="Capacity cooperation under the Belt and Road Initiative."></head>
<body><header><nav><a href="/">Home</a> | <a href="/world">World</a></nav></header>
<article><h1>Guangxi and Mongolia sign cement plant deal</h1>
<p>Guangxi Zhuang Autonomous Region signed an agreement with Mongolia to build a cement plant in
Ulaanbaatar, expanding building-materials capacity cooperation under the Belt and Road Initiative.</p>
<p>The plant will produce one million tonnes of clinker a year for Mongolian construction projects,
officials said at the signing ceremony in Nanning on Tuesday.</p>
<p>The two sides also discussed training for local engineers and long-term supply contracts for
limestone from nearby quarries.</p></article>
<footer>Copyright 2026 Example News</footer></body></html>"""


@pytest.fixture
def receivers(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[WebhookReceiver, SmtpServer]]:
    webhook, smtp = WebhookReceiver(), SmtpServer()
    monkeypatch.setenv("BRI_SMTP_PORT", str(smtp.port))  # read by the worker processes
    yield webhook, smtp
    webhook.close()
    smtp.close()


@pytest.fixture
def workers(redis_db, es, settings, receivers) -> Iterator[WorkerGroup]:  # type: ignore[no-untyped-def]
    group = WorkerGroup(worker_specs(settings, with_scheduler=False), log_dir=str(LOGS))
    group.start()
    yield group
    group.stop()


def test_a_new_pairing_alerts_the_subscriber_once_on_every_channel(
    workers, receivers, redis_db, es, settings  # type: ignore[no-untyped-def]
) -> None:
    from services.ingest.worker import app as ingest_app

    webhook, smtp = receivers
    _, key = create_key(redis_db, "ana")
    with TestClient(create_app(settings)) as api:
        created = api.post("/subscriptions", headers={"Authorization": f"Bearer {key}"}, json={
            "filter": {"countries": ["MN"]},
            "events": ["pairing.new"],
            "channels": {"webhook_url": webhook.url, "email": "ana@example.org", "atom": True},
        })
        assert created.status_code == 201, created.text
        sub = created.json()

        with start_sample_server(FEED_SERVER_PORT) as server:
            server.set_override("/articles/x.html", ARTICLE.encode())
            url = server.url("/articles/x.html")
            ingest_app.send_task(TASK_FETCH_ARTICLE, args=[{"url": url, "feed_url": None}])
            # The same page again: a second fetch must not bring a second alert.
            ingest_app.send_task(TASK_FETCH_ARTICLE, args=[{"url": url, "feed_url": None}])
            assert webhook.wait_for(1, timeout=90), "no webhook arrived"
            assert smtp.wait_for(1, timeout=30), "no e-mail arrived"
            assert wait_until_idle(redis_db, timeout=60)
        assert dead_letter.count(redis_db) == 0, dead_letter.list_letters(redis_db)

        assert len(webhook.posts) == 1
        post = webhook.posts[0]
        secret = sub["channels"]["webhook_secret"].encode()
        assert post.headers["x-bri-signature"] == \
            "sha256=" + hmac.new(secret, post.body, hashlib.sha256).hexdigest()
        alert = json.loads(post.body)
        assert alert["event"] == "pairing.new"
        assert alert["pairing"]["province"] == "Guangxi" and alert["pairing"]["country"] == "MN"
        assert "cement plant" in alert["evidence"]
        assert alert["article"]["title"] == "Guangxi and Mongolia sign cement plant deal"
        assert alert["article"]["url"].endswith("/articles/x.html")

        assert len(smtp.messages) == 1
        assert smtp.messages[0]["To"] == "ana@example.org"
        assert "Guangxi - MN" in smtp.messages[0]["Subject"]

        feed = api.get(f"/subscriptions/{sub['id']}/alerts.atom", params={"token": sub["feed_token"]})
        assert feed.status_code == 200
        assert len(ET.fromstring(feed.content).findall(f"{{{ATOM_NS}}}entry")) == 1
