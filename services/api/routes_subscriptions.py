"""Alert subscriptions: create, list, read, replace and delete them, and read their Atom feed.

Managing subscriptions takes an API key (``bri apikey create OWNER``) sent as
``Authorization: Bearer <key>``; an owner sees only their own subscriptions. The Atom
feed also opens with the subscription's ``feed_token`` in the query string, because
feed readers cannot send that header.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from services.alerts import alert_log
from services.alerts.api_keys import ApiKey, verify_key
from services.alerts.atom import render_feed
from services.alerts.subscriptions import (
    InvalidSubscription,
    Subscription,
    SubscriptionInput,
    SubscriptionStore,
    prepare,
)
from services.api.dependencies import RedisDep, SettingsDep
from services.api.errors import error_response

router = APIRouter(prefix="/subscriptions", tags=["subscriptions"])

UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}
SECRET_MASK = "********"


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _caller(request: Request, redis: RedisDep) -> ApiKey:
    presented = _bearer(request)
    if presented is None:
        raise HTTPException(401, "an API key is required: Authorization: Bearer <key>",
                            headers=UNAUTHORIZED)
    key = verify_key(redis, presented)
    if key is None:
        raise HTTPException(401, "the API key is not valid", headers=UNAUTHORIZED)
    return key


CallerDep = Annotated[ApiKey, Depends(_caller)]


def _owned(store: SubscriptionStore, subscription_id: str, caller: ApiKey) -> Subscription:
    sub = store.get(subscription_id)
    # Someone else's subscription is "not found": its existence is not theirs to learn.
    if sub is None or sub.owner != caller.owner:
        raise HTTPException(404, f"no subscription {subscription_id}")
    return sub


def _shown(sub: Subscription, reveal_secret: bool = False) -> dict[str, Any]:
    data = sub.model_dump()
    if data["channels"]["webhook_secret"] and not reveal_secret:
        data["channels"]["webhook_secret"] = SECRET_MASK
    return data


def _prepared(data: SubscriptionInput, settings: SettingsDep) -> SubscriptionInput | Response:
    try:
        return prepare(data, settings.webhook_allowed_hosts)
    except InvalidSubscription as exc:
        return error_response(422, "invalid_parameter", str(exc), field=exc.field)


@router.post("", status_code=201)
def create_subscription(data: SubscriptionInput, caller: CallerDep, redis: RedisDep,
                        settings: SettingsDep) -> Any:
    """A new subscription; the answer shows its webhook secret and feed token this once."""
    prepared = _prepared(data, settings)
    if isinstance(prepared, Response):
        return prepared
    return _shown(SubscriptionStore(redis).create(caller.owner, prepared), reveal_secret=True)


@router.get("")
def list_subscriptions(caller: CallerDep, redis: RedisDep) -> list[dict[str, Any]]:
    return [_shown(sub) for sub in SubscriptionStore(redis).owned(caller.owner)]


@router.get("/{subscription_id}")
def get_subscription(subscription_id: str, caller: CallerDep, redis: RedisDep) -> dict[str, Any]:
    return _shown(_owned(SubscriptionStore(redis), subscription_id, caller))


@router.put("/{subscription_id}")
def replace_subscription(subscription_id: str, data: SubscriptionInput, caller: CallerDep,
                         redis: RedisDep, settings: SettingsDep) -> Any:
    """Replace filter, events and channels; an omitted webhook secret keeps the current one."""
    store = SubscriptionStore(redis)
    sub = _owned(store, subscription_id, caller)
    if data.channels.webhook_secret in (None, SECRET_MASK):
        data = data.model_copy(update={"channels": data.channels.model_copy(
            update={"webhook_secret": sub.channels.webhook_secret})})
    prepared = _prepared(data, settings)
    if isinstance(prepared, Response):
        return prepared
    return _shown(store.replace(sub, prepared))


@router.delete("/{subscription_id}", status_code=204)
def delete_subscription(subscription_id: str, caller: CallerDep, redis: RedisDep) -> Response:
    store = SubscriptionStore(redis)
    sub = _owned(store, subscription_id, caller)
    store.delete(sub)
    alert_log.drop(redis, sub.id)
    return Response(status_code=204)


@router.get("/{subscription_id}/alerts.atom", response_class=Response,
            responses={200: {"content": {"application/atom+xml": {}}}})
def alerts_feed(
    subscription_id: str, request: Request, redis: RedisDep,
    token: Annotated[str | None, Query(description="the subscription's feed_token")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    """The subscription's alerts as Atom, newest first."""
    sub = SubscriptionStore(redis).get(subscription_id)
    allowed = False
    if sub is not None and token is not None:
        allowed = hmac.compare_digest(token, sub.feed_token)
    elif sub is not None and (presented := _bearer(request)):
        key = verify_key(redis, presented)
        allowed = key is not None and key.owner == sub.owner
    if sub is None or not allowed:
        raise HTTPException(404, f"no subscription {subscription_id}")
    body = render_feed(sub, alert_log.recent(redis, sub.id, limit), str(request.url))
    return Response(body, media_type="application/atom+xml")
