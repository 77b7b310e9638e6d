"""The broker transport publishes and acknowledges on one reused Redis client per channel."""

from __future__ import annotations

import pytest

from services.common.celery_app import create_app
from services.common.redis_transport import Channel

pytestmark = pytest.mark.integration


def test_messages_flow_and_the_channel_reuses_its_client(redis_db) -> None:  # type: ignore[no-untyped-def]
    app = create_app("transport-test")
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        assert isinstance(channel, Channel)
        queue = connection.SimpleQueue("transport-test")
        for n in range(3):
            queue.put({"n": n})
        received = []
        for _ in range(3):
            message = queue.get(timeout=5)
            received.append(message.payload["n"])
            message.ack()
        queue.close()
        assert received == [0, 1, 2]
        assert channel._create_client() is channel._create_client()
    assert redis_db.hlen("unacked") == 0
