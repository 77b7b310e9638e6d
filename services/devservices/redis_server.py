"""A local Redis from Debian's redis-server package: installed when missing, run on loopback."""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from services.common.settings import Settings
from services.devservices import process
from services.devservices.errors import ServiceError


@dataclass(frozen=True)
class RedisStatus:
    running: bool
    version: str | None
    pid: int | None


def ensure_installed() -> str:
    binary = shutil.which("redis-server")
    if binary:
        return binary
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "redis-server"], check=True, capture_output=True
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ServiceError(f"redis-server is not installed and apt-get failed: {exc}") from exc
    binary = shutil.which("redis-server")
    if not binary:
        raise ServiceError("apt-get installed redis-server but it is not on PATH")
    return binary


def start(settings: Settings, wait_seconds: float = 30.0) -> RedisStatus:
    current = status(settings)
    if current.running:
        return current
    binary = ensure_installed()
    home = settings.state_dir / "redis"
    home.mkdir(parents=True, exist_ok=True)
    command = [
        binary,
        "--bind", "127.0.0.1",
        "--port", str(settings.redis_port),
        "--dir", str(home),
        # Queued messages and feed state must survive a restart, as in production
        # (docker-compose.yml): every write is logged, fsynced once a second, so a crash
        # loses at most the last second.
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--daemonize", "no",
        "--save", "",
    ]
    process.spawn_detached(command, home / "redis.log", home / "redis.pid")
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        current = status(settings)
        if current.running:
            return current
        time.sleep(0.1)
    raise ServiceError(f"redis did not answer PING within {wait_seconds:.0f}s; see {home}/redis.log")


def stop(settings: Settings) -> bool:
    return process.stop(settings.state_dir / "redis" / "redis.pid")


def status(settings: Settings) -> RedisStatus:
    pid = process.read_pid(settings.state_dir / "redis" / "redis.pid")
    # No retries: a status probe must answer "down" at once, not after backing off.
    client = redis.Redis(
        host="127.0.0.1", port=settings.redis_port, socket_timeout=1, retry=Retry(NoBackoff(), 0)
    )
    try:
        info = client.info("server")
    except redis.RedisError:
        return RedisStatus(running=False, version=None, pid=pid)
    finally:
        client.close()
    return RedisStatus(running=True, version=str(info.get("redis_version")), pid=pid)
