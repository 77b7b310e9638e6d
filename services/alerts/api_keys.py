"""API keys for managing subscriptions: created per owner, stored only as salted hashes.

A key reads ``bri_<key id>_<secret>``. The id finds the stored record; the secret is
checked against sha256(salt + secret) in constant time. A fast hash is enough here
because the secret is 32 random bytes, not a password a person chose: there is nothing
for a slow hash to protect against guessing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

import redis

API_KEYS_KEY = "bri:apikeys"
PREFIX = "bri"


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    owner: str
    created_at: float


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode()).hexdigest()


def create_key(client: redis.Redis, owner: str) -> tuple[ApiKey, str]:
    """Store a new key for ``owner``; returns it with the plain key, shown only this once."""
    owner = owner.strip()
    if not owner:
        raise ValueError("an API key needs an owner name")
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    record = ApiKey(key_id=key_id, owner=owner, created_at=time.time())
    client.hset(API_KEYS_KEY, key_id, json.dumps(
        {"owner": owner, "salt": salt, "hash": _digest(salt, secret), "created_at": record.created_at}))
    return record, f"{PREFIX}_{key_id}_{secret}"


def verify_key(client: redis.Redis, presented: str) -> ApiKey | None:
    """The key's record if ``presented`` is a valid key, else None."""
    parts = presented.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    _, key_id, secret = parts
    raw = client.hget(API_KEYS_KEY, key_id)
    if raw is None:
        return None
    data = json.loads(raw)
    if not hmac.compare_digest(data["hash"], _digest(data["salt"], secret)):
        return None
    return ApiKey(key_id=key_id, owner=data["owner"], created_at=data["created_at"])


def revoke_key(client: redis.Redis, key_id: str) -> bool:
    return bool(client.hdel(API_KEYS_KEY, key_id))
