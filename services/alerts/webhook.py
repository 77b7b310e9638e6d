"""Webhook delivery: a signed JSON POST.

The body is signed with HMAC-SHA256 under the subscription's secret and the signature
sent as ``X-BRI-Signature: sha256=<hex>``, so the receiver can tell our alerts from
forged ones. Redirects are not followed: they could lead past the address check.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx

from services.alerts.url_guard import UnsafeWebhookURL, check_webhook_url
from services.common.errors import PermanentError, TransientError

SIGNATURE_HEADER = "X-BRI-Signature"


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(alert: dict[str, Any]) -> bytes:
    return json.dumps(alert, ensure_ascii=False, sort_keys=True).encode()


def post_alert(url: str, secret: str, alert: dict[str, Any], *, allowed_hosts: str,
               timeout: float, user_agent: str) -> None:
    try:
        check_webhook_url(url, allowed_hosts)
    except UnsafeWebhookURL as exc:
        raise PermanentError(str(exc)) from exc
    body = encode(alert)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(body, secret),
        "User-Agent": user_agent,
        "X-BRI-Alert-Id": alert["alert_id"],
    }
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=timeout,
                              follow_redirects=False)
    except httpx.HTTPError as exc:
        raise TransientError(f"webhook {url} unreachable: {exc}") from exc
    if response.is_success:
        return
    message = f"webhook {url} answered HTTP {response.status_code}"
    # The receiver may recover from overload or an outage; other refusals will repeat.
    if response.status_code in (408, 425, 429) or response.status_code >= 500:
        raise TransientError(message)
    raise PermanentError(message)
