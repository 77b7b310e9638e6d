"""Reading the task messages waiting in a Redis-backed Celery queue, for assertions."""

from __future__ import annotations

import base64
import json
from typing import Any


def queued(redis_db, queue: str) -> list[tuple[str, Any]]:  # type: ignore[no-untyped-def]
    """(task name, first argument) of every message waiting in ``queue``, oldest first."""
    messages = []
    # The transport pushes on the left and pops on the right: the list's end is the oldest.
    for raw in reversed(redis_db.lrange(queue, 0, -1)):
        envelope = json.loads(raw)
        body = envelope["body"]
        # The body is stored as JSON text, or base64 of it, as the message's properties say.
        if envelope["properties"].get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args, _kwargs, _embed = json.loads(body)
        messages.append((envelope["headers"]["task"], args[0]))
    return messages
