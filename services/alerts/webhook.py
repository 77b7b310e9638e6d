"""Webhook delivery: a signed JSON POST.

The body is signed with HMAC-SHA256 under the subscription's secret and the signature
sent as ``X-BRI-Signature: sha256=<hex>``, so the receiver can tell our alerts from
forged ones. The URL is checked when the subscription is saved and the connection is
checked again when it is opened (``services.common.address_guard``: a name can be
re-pointed after it was accepted, and the connection goes to the address checked).
Redirects are not followed: a receiver has no reason to send one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlsplit

import httpx

from services.common.address_guard import AddressRefused, FetchPolicy, guarded_client
from services.common.errors import PermanentError, TransientError

SIGNATURE_HEADER = "X-BRI-Signature"


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(alert: dict[str, Any]) -> bytes:
    return json.dumps(alert, ensure_ascii=False, sort_keys=True).encode()


def check_webhook_url(url: str, allowed_hosts: str = "") -> None:
    """Raise AddressRefused unless ``url`` is http(s), without credentials, and reaches
    only public addresses (or ones ``allowed_hosts`` lists)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused(f"webhook URL {url!r} must be an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise AddressRefused("webhook URL must not carry credentials; sign with the secret")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise AddressRefused(f"webhook URL {url!r} has an invalid port") from exc
    try:
        FetchPolicy.for_webhooks(allowed_hosts).addresses_to_connect(parts.hostname, port)
    except AddressRefused as exc:
        raise AddressRefused(f"webhook {url}: {exc}") from exc


def post_alert(url: str, secret: str, alert: dict[str, Any], *, allowed_hosts: str,
               timeout: float, user_agent: str) -> None:
    body = encode(alert)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(body, secret),
        "User-Agent": user_agent,
        "X-BRI-Alert-Id": alert["alert_id"],
    }
    policy = FetchPolicy.for_webhooks(allowed_hosts)
    try:
        with guarded_client(policy, timeout=timeout, follow_redirects=False) as client:
            response = client.post(url, content=body, headers=headers)
    except AddressRefused as exc:
        raise PermanentError(f"webhook {url}: {exc}") from exc
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise PermanentError(f"webhook {url}: invalid URL ({exc})") from exc
    except httpx.HTTPError as exc:
        raise TransientError(f"webhook {url} unreachable: {exc}") from exc
    if response.is_success:
        return
    message = f"webhook {url} answered HTTP {response.status_code}"
    # The receiver may recover from overload or an outage; other refusals will repeat.
    if response.status_code in (408, 425, 429) or response.status_code >= 500:
        raise TransientError(message)
    raise PermanentError(message)
