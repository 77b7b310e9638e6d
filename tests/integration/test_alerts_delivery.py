"""Alert delivery through real alerts workers, a local webhook receiver and a real SMTP server."""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.alerts import alert_log
from services.alerts.delivery_claims import DeliveryClaims, claim_key
from services.alerts.subscriptions import SubscriptionInput, SubscriptionStore, prepare
from services.cli.pipeline_status import wait_until_idle
from services.cli.workers import WorkerGroup, WorkerSpec
from services.common import contracts, dead_letter
from services.common.routing import QUEUE_ALERTS, TASK_ALERT_EVENTS, TASK_DELIVER_ALERT
from tests.alert_receivers import SmtpServer, WebhookReceiver

pytestmark = pytest.mark.integration

LOGS = Path(__file__).resolve().parents[2] / "artifacts" / "integration-logs"


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    server = SmtpServer()
    monkeypatch.setenv("BRI_SMTP_PORT", str(server.port))  # read by the worker processes
    yield server
    server.close()


@pytest.fixture
def two_alert_workers(redis_db, smtp, settings) -> Iterator[WorkerGroup]:  # type: ignore[no-untyped-def]
    specs = [
        WorkerSpec(f"alerts-{n}", [sys.executable, "-m", "celery", "-A", "services.alerts.worker",
                                   "worker", "-Q", QUEUE_ALERTS, "-n", f"alerts{n}@%h", "-P",
                                   "threads", "-c", "4", "--loglevel", "INFO"], "alerts")
        for n in (1, 2)
    ]
    group = WorkerGroup(specs, log_dir=str(LOGS))
    group.start()
    yield group
    group.stop()


def _alerts_worker(name: str) -> WorkerGroup:
    return WorkerGroup([WorkerSpec(name, [
        sys.executable, "-m", "celery", "-A", "services.alerts.worker", "worker", "-Q",
        QUEUE_ALERTS, "-n", f"{name}@%h", "-P", "threads", "-c", "4", "--loglevel", "INFO",
    ], "alerts")], log_dir=str(LOGS))


def _subscription(redis_db, webhook_url: str, settings) -> object:  # type: ignore[no-untyped-def]
    data = prepare(SubscriptionInput.model_validate({
        "filter": {"countries": ["KZ"]},
        "events": ["pairing.new"],
        "channels": {"webhook_url": webhook_url, "email": "ana@example.org", "atom": True},
    }), settings.webhook_allowed_hosts)
    return SubscriptionStore(redis_db).create("ana", data)


def _event() -> dict:  # type: ignore[type-arg]
    return contracts.dump(contracts.PairingEvent(
        event_id="pairing.new:Gansu|KZ", province="Gansu", country="KZ",
        sectors=["nonferrous-metals"], evidence="Gansu and Kazakhstan agreed on a copper smelter.",
        first_seen=datetime(2026, 11, 2, tzinfo=UTC),
        article=contracts.ArticleRef(article_id="a1", title="Gansu and Kazakhstan",
                                     url="https://news.example/a1", text="copper smelter"),
    ))


def _batch() -> dict:  # type: ignore[type-arg]
    """The index stage's message for one bulk request: the new pairing beside the article's
    own event (which this subscription, wanting new pairings only, does not match)."""
    pairing = contracts.load(contracts.PairingEvent, _event())
    article = contracts.ArticleEvent(
        event_id="article.indexed:a1", article=pairing.article, provinces=["Gansu"],
        countries=["KZ"], sectors=["nonferrous-metals"], relevant=True,
    )
    return contracts.dump(contracts.AlertEvents(events=[pairing, article]))


def test_a_redelivered_event_reaches_each_channel_once_with_two_workers(
    two_alert_workers, webhook, smtp, redis_db, settings  # type: ignore[no-untyped-def]
) -> None:
    from services.alerts.worker import app as alerts_app

    sub = _subscription(redis_db, webhook.url, settings)
    for _ in range(2):  # the same message twice, as after a broker redelivery
        alerts_app.send_task(TASK_ALERT_EVENTS, args=[_batch()], queue=QUEUE_ALERTS)
    assert webhook.wait_for(1, timeout=30)
    assert smtp.wait_for(1, timeout=30)
    assert wait_until_idle(redis_db, timeout=30)
    assert len(webhook.posts) == 1
    assert len(smtp.messages) == 1
    assert len(alert_log.recent(redis_db, sub.id)) == 1  # type: ignore[attr-defined]
    assert dead_letter.count(redis_db) == 0

    post = webhook.posts[0]
    secret = sub.channels.webhook_secret  # type: ignore[attr-defined]
    expected = hmac.new(secret.encode(), post.body, hashlib.sha256).hexdigest()
    assert post.headers["x-bri-signature"] == f"sha256={expected}"
    body = json.loads(post.body)
    assert body["pairing"] == {"province": "Gansu", "country": "KZ", "sectors": ["nonferrous-metals"]}
    assert body["evidence"].startswith("Gansu and Kazakhstan agreed")
    assert body["article"]["url"] == "https://news.example/a1"
    mail = smtp.messages[0]
    assert mail["To"] == "ana@example.org"
    assert "Gansu - KZ" in mail["Subject"]


def test_a_webhook_that_keeps_failing_is_dead_lettered_then_replayed(
    two_alert_workers, webhook, smtp, redis_db, settings  # type: ignore[no-untyped-def]
) -> None:
    from services.alerts.worker import app as alerts_app

    webhook.status = 503
    _subscription(redis_db, webhook.url, settings)
    alerts_app.send_task(TASK_ALERT_EVENTS, args=[_batch()], queue=QUEUE_ALERTS)
    assert wait_until_idle(redis_db, timeout=60)
    retries = settings.task_max_retries
    assert len(webhook.posts) == retries + 1  # first try and each retry, with backoff
    gaps = [b.at - a.at for a, b in zip(webhook.posts, webhook.posts[1:], strict=False)]
    assert all(gap > 0 for gap in gaps)
    letters = dead_letter.list_letters(redis_db)
    assert [letter.task for letter in letters] == [TASK_DELIVER_ALERT]
    assert "HTTP 503" in letters[0].error
    assert len(smtp.messages) == 1  # the e-mail channel is independent

    webhook.status = 200
    letter = dead_letter.take(redis_db, letters[0].id)
    assert letter is not None
    alerts_app.send_task(letter.task, args=letter.args, kwargs=letter.kwargs, queue=letter.queue)
    assert webhook.wait_for(retries + 2, timeout=30)
    assert wait_until_idle(redis_db, timeout=30)
    assert len(webhook.posts) == retries + 2


def test_an_alert_in_flight_when_its_worker_is_killed_is_delivered_by_the_next_worker(
    smtp, redis_db, settings, monkeypatch  # type: ignore[no-untyped-def]
) -> None:
    from services.alerts.worker import app as alerts_app

    visibility = 4
    # Read by the worker processes: the broker hands a dead worker's message on after this.
    monkeypatch.setenv("BRI_BROKER_VISIBILITY_TIMEOUT_SECONDS", str(visibility))
    answer = threading.Event()
    receiver = WebhookReceiver(on_post=lambda post: answer.wait(30))  # hold the first send
    sub = _subscription(redis_db, receiver.url, settings)
    first = _alerts_worker("alerts-doomed")
    second = _alerts_worker("alerts-next")
    try:
        first.start()
        alerts_app.send_task(TASK_ALERT_EVENTS, args=[_batch()], queue=QUEUE_ALERTS)
        assert receiver.wait_for(1, timeout=30)
        first.processes["alerts-doomed"].kill()  # mid-send: no ack, no confirmation
        first.processes["alerts-doomed"].wait()
        receiver.on_post = None
        answer.set()
        time.sleep(visibility + 1)

        second.start()

        assert receiver.wait_for(2, timeout=60)
        assert receiver.posts[1].headers["x-bri-alert-id"] == receiver.posts[0].headers["x-bri-alert-id"]
        assert wait_until_idle(redis_db, timeout=30)
        key = claim_key(sub.id, "pairing.new:Gansu|KZ", "webhook")  # type: ignore[attr-defined]
        assert DeliveryClaims(redis_db).is_sent(key)
        assert dead_letter.count(redis_db) == 0
    finally:
        answer.set()
        first.stop()
        second.stop()
        receiver.close()


def test_a_batch_and_an_old_single_event_message_for_one_event_make_one_atom_entry(
    redis_db, settings  # type: ignore[no-untyped-def]
) -> None:
    from services.alerts.worker import alert_events, pairing_new

    data = prepare(SubscriptionInput.model_validate({
        "filter": {"countries": ["KZ"]}, "events": ["pairing.new"], "channels": {"atom": True},
    }), settings.webhook_allowed_hosts)
    sub = SubscriptionStore(redis_db).create("ana", data)
    # A message an index stage of an earlier release queued, then the batch of the new one.
    assert pairing_new(_event()) == 1
    assert alert_events(_batch()) == 1
    assert alert_events(_batch()) == 1  # redelivered
    entries = alert_log.recent(redis_db, sub.id)
    assert [entry["event_id"] for entry in entries] == ["pairing.new:Gansu|KZ"]
