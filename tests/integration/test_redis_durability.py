"""The local Redis keeps queued messages across a crash (append-only file, fsync each second)."""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from services.common.settings import Settings
from services.devservices import process, redis_server


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[Settings]:
    """A Redis of the local launcher on its own port and state directory."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(redis_port=port, state_dir=tmp_path)
    redis_server.start(settings)
    yield settings
    redis_server.stop(settings)


def test_a_queued_message_survives_redis_being_killed(own_redis: Settings) -> None:
    client = redis.Redis(port=own_redis.redis_port)
    assert client.config_get("appendfsync") == {"appendfsync": "everysec"}
    client.lpush("ingest", b'{"task": "fetch_article"}')
    time.sleep(1.5)  # past the once-a-second fsync
    pid = process.read_pid(own_redis.state_dir / "redis" / "redis.pid")
    assert pid is not None
    os.kill(pid, signal.SIGKILL)  # no shutdown save: only the append-only file remains
    deadline = time.monotonic() + 10
    while redis_server.status(own_redis).running and time.monotonic() < deadline:
        time.sleep(0.05)
    client.close()

    redis_server.start(own_redis)

    restarted = redis.Redis(port=own_redis.redis_port)
    assert restarted.lrange("ingest", 0, -1) == [b'{"task": "fetch_article"}']
    restarted.close()
