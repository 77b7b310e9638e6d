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


def test_a_worker_killed_holding_the_restore_lock_delays_redelivery_only_briefly(
    redis_db, settings  # type: ignore[no-untyped-def]
) -> None:
    """Kombu's restore sweep runs under a Redis lock; a worker SIGKILLed inside the sweep
    leaves the lock behind. Its messages must still come back soon after the visibility
    timeout, not after kombu's default five-minute lock expiry."""
    import time

    from kombu import Connection

    from services.common.celery_app import transport_options
    from services.common.redis_transport import TRANSPORT

    options = transport_options(visibility_timeout=2)
    doomed = Connection(settings.redis_url, transport=TRANSPORT, transport_options=options)
    queue = doomed.SimpleQueue("restore-test")
    queue.put({"n": 1})
    taken = queue.get(timeout=5)
    assert taken.payload == {"n": 1}
    # The worker dies holding the message and the sweep's lock: no ack, no release, no close.
    expiry = options.get("unacked_mutex_expire", 300)  # kombu's own default when unset
    lock = redis_db.lock("unacked_mutex", timeout=expiry)
    assert lock.acquire(blocking=False)

    survivor = Connection(settings.redis_url, transport=TRANSPORT, transport_options=options)
    try:
        channel = survivor.default_channel
        returned = survivor.SimpleQueue("restore-test")
        deadline = time.monotonic() + 20
        message = None
        while message is None and time.monotonic() < deadline:
            channel.qos.restore_visible(num=10, interval=1)
            try:
                message = returned.get(timeout=0.5)
            except returned.Empty:
                continue
        assert message is not None, "the dead worker's message never came back"
        assert message.payload == {"n": 1}
        message.ack()
        returned.close()
    finally:
        survivor.release()
    assert redis_db.hlen("unacked") == 0
