"""Once per (subscription, event, channel) as the subscriber sees it.

Before sending, a worker claims the delivery with ``SET NX`` and a lease; after a
successful send the claim becomes permanent. A second worker holding a redelivered or
duplicated message finds the claim and does nothing. A failed send releases the claim
so that the retry of the same message can send; a worker that dies mid-send leaves a
lease that expires before the broker redelivers its message (``lease_seconds``), so the
redelivered message can send.
"""

from __future__ import annotations

import secrets

import redis

LEASE_SECONDS = 300
SENT = "sent"

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def lease_seconds(visibility_timeout: int) -> int:
    """How long a claim is held before it is sent: five minutes, or less when the broker
    redelivers unacknowledged messages sooner (at half its visibility timeout)."""
    return max(1, min(LEASE_SECONDS, visibility_timeout // 2))


def claim_key(subscription_id: str, event_id: str, channel: str) -> str:
    return f"bri:alerts:delivery:{subscription_id}:{channel}:{event_id}"


class DeliveryClaims:
    def __init__(self, client: redis.Redis, lease: int = LEASE_SECONDS) -> None:
        self.client = client
        self.lease = lease

    def claim(self, key: str) -> str | None:
        """A token if this worker may send now; None if sent already or being sent."""
        token = f"pending:{secrets.token_hex(8)}"
        return token if self.client.set(key, token, nx=True, ex=self.lease) else None

    def confirm(self, key: str) -> None:
        self.client.set(key, SENT)

    def release(self, key: str, token: str) -> None:
        # Only our own lease: an expired one may already belong to another worker.
        self.client.eval(_RELEASE, 1, key, token)

    def is_sent(self, key: str) -> bool:
        value = self.client.get(key)
        return value in (SENT, SENT.encode())
