"""The alerts stage's Celery tasks (queue ``alerts``).

Run with ``celery -A services.alerts.worker worker -Q alerts -P threads -c 4``. The index
stage sends the events of each bulk request in one message; every event is matched against
every subscription (see matcher.py); each match is written to the subscription's Atom log
and becomes one delivery message per webhook or e-mail channel, which retries on its own
and lands in the dead-letter queue after ``BRI_TASK_MAX_RETRIES`` failures.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import redis

from services.alerts import alert_log
from services.alerts.alert_body import alert_for
from services.alerts.delivery_claims import DeliveryClaims, claim_key, lease_seconds
from services.alerts.email_sender import send_alert_email
from services.alerts.matcher import matching
from services.alerts.subscriptions import SubscriptionStore
from services.alerts.webhook import post_alert
from services.common import contracts
from services.common.celery_app import ReliableTask, create_app, redis_client, send_to_stage
from services.common.errors import TransientError
from services.common.routing import (
    TASK_ALERT_EVENTS,
    TASK_ARTICLE_INDEXED,
    TASK_DELIVER_ALERT,
    TASK_PAIRING_NEW,
)
from services.common.settings import get_settings

log = logging.getLogger(__name__)

app = create_app("alerts")


Event = contracts.PairingEvent | contracts.ArticleEvent


def _fan_out(events: list[Event]) -> int:
    """Alerts for every (subscription, event) match; each delivered once however often
    the events come (the Atom log and the delivery claims are keyed by event id)."""
    client = redis_client()
    matched = 0
    try:
        everyone = SubscriptionStore(client).all()
        for event in events:
            subs = matching(everyone, event)
            matched += len(subs)
            for sub in subs:
                alert = alert_for(sub.id, event)
                if sub.channels.atom:
                    alert_log.append(client, alert, time.time())
                if sub.channels.webhook_url:
                    _queue_delivery(sub.id, "webhook", alert)
                if sub.channels.email:
                    _queue_delivery(sub.id, "email", alert)
    except redis.RedisError as exc:
        raise TransientError(f"Redis unreachable while matching subscriptions: {exc}") from exc
    return matched


def _queue_delivery(subscription_id: str, channel: str, alert: dict[str, Any]) -> None:
    message = contracts.AlertDelivery(subscription_id=subscription_id, channel=channel,  # type: ignore[arg-type]
                                      alert=alert)
    send_to_stage(app, TASK_DELIVER_ALERT, contracts.dump(message))


@app.task(name=TASK_ALERT_EVENTS, base=ReliableTask)
def alert_events(payload: dict[str, Any]) -> int:
    """The events of one bulk request of the index stage; a retry redoes the whole batch,
    which delivers nothing twice."""
    batch = contracts.load(contracts.AlertEvents, payload)
    return _fan_out(list(batch.events))


# One event a message: what an index stage of an earlier release sends, still read so
# that messages queued across an upgrade are not lost.
@app.task(name=TASK_PAIRING_NEW, base=ReliableTask)
def pairing_new(payload: dict[str, Any]) -> int:
    return _fan_out([contracts.load(contracts.PairingEvent, payload)])


@app.task(name=TASK_ARTICLE_INDEXED, base=ReliableTask)
def article_indexed(payload: dict[str, Any]) -> int:
    return _fan_out([contracts.load(contracts.ArticleEvent, payload)])


@app.task(name=TASK_DELIVER_ALERT, base=ReliableTask)
def deliver_alert(payload: dict[str, Any]) -> str:
    message = contracts.load(contracts.AlertDelivery, payload)
    settings = get_settings()
    client = redis_client()
    sub = SubscriptionStore(client).get(message.subscription_id)
    if sub is None:
        return "subscription-deleted"
    key = claim_key(sub.id, message.alert["event_id"], message.channel)
    claims = DeliveryClaims(client, lease_seconds(settings.broker_visibility_timeout_seconds))
    token = claims.claim(key)
    if token is None:
        return "already-delivered"
    try:
        if message.channel == "webhook":
            if not sub.channels.webhook_url:
                claims.release(key, token)
                return "channel-removed"
            post_alert(sub.channels.webhook_url, sub.channels.webhook_secret or "", message.alert,
                       allowed_hosts=settings.webhook_allowed_hosts,
                       timeout=settings.webhook_timeout_seconds, user_agent=settings.user_agent)
        else:
            if not sub.channels.email:
                claims.release(key, token)
                return "channel-removed"
            send_alert_email(message.alert, sub.channels.email, settings)
    except BaseException:
        # Let the retry of this message send; nobody else has it as delivered.
        claims.release(key, token)
        raise
    claims.confirm(key)
    return "delivered"
