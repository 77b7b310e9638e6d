"""Webhook delivery: a signed JSON POST.

The body is signed with HMAC-SHA256 under the subscription's secret and the signature
sent as ``X-BRI-Signature: sha256=<hex>``, so the receiver can tell our alerts from
forged ones. Redirects are not followed: they could lead past the address check, and
the connection goes to an address the check accepted (see ``url_guard``), with the
URL's host name still sent as Host and, for https, as the TLS server name.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

import httpx

from services.alerts.url_guard import IPAddress, UnsafeWebhookURL, check_webhook_url
from services.common.errors import PermanentError, TransientError

SIGNATURE_HEADER = "X-BRI-Signature"


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(alert: dict[str, Any]) -> bytes:
    return json.dumps(alert, ensure_ascii=False, sort_keys=True).encode()


def post_alert(url: str, secret: str, alert: dict[str, Any], *, allowed_hosts: str,
               timeout: float, user_agent: str) -> None:
    try:
        addresses = check_webhook_url(url, allowed_hosts)
    except UnsafeWebhookURL as exc:
        raise PermanentError(str(exc)) from exc
    body = encode(alert)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(body, secret),
        "User-Agent": user_agent,
        "X-BRI-Alert-Id": alert["alert_id"],
    }
    response = _post(url, addresses, body, headers, timeout)
    if response.is_success:
        return
    message = f"webhook {url} answered HTTP {response.status_code}"
    # The receiver may recover from overload or an outage; other refusals will repeat.
    if response.status_code in (408, 425, 429) or response.status_code >= 500:
        raise TransientError(message)
    raise PermanentError(message)


def _post(url: str, addresses: list[IPAddress], body: bytes, headers: dict[str, str],
          timeout: float) -> httpx.Response:
    """POST to the checked addresses in turn (as connecting by name would), or by name."""
    parts = urlsplit(url)
    targets: list[tuple[str, dict[str, Any]]] = [(url, {})]
    if addresses:
        headers = {**headers, "Host": parts.netloc}
        extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
        targets = [(_with_address(parts, address), extensions) for address in addresses]
    failure: httpx.HTTPError | None = None
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        for target, extensions in targets:
            try:
                return client.post(target, content=body, headers=headers, extensions=extensions)
            except httpx.ConnectError as exc:
                failure = exc  # the next address may answer
            except httpx.HTTPError as exc:
                raise TransientError(f"webhook {url} unreachable: {exc}") from exc
    raise TransientError(f"webhook {url} unreachable: {failure}") from failure


def _with_address(parts: SplitResult, address: IPAddress) -> str:
    host = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))
