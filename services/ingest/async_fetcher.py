"""The ingest worker's network side: one asyncio loop and one pooled HTTP client per process.

Celery tasks are synchronous and run on the worker's threads. Each task hands its GET to
this loop and blocks until the response is read, so the task still acknowledges its
message only after it has handed its result on, while the sockets of every thread share
one connection pool (keep-alive, HTTP/2 where the server offers it through ALPN) and one
per-host limit, so that many feeds on one site never mean many parallel hits on it.
Every connection, redirect hops included, goes through the address guard.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

import httpx

from services.common.address_guard import FetchPolicy, guarded_async_client
from services.common.settings import Settings
from services.ingest.http_fetch import MAX_REDIRECTS, FetchLimits, FetchResult, fetch_async

T = TypeVar("T")


def make_async_client(settings: Settings, policy: FetchPolicy) -> httpx.AsyncClient:
    """The one place the ingest client is built: the address guard, pool size, HTTP/2,
    redirects (every hop's address checked against ``policy``)."""
    return guarded_async_client(
        policy,
        http2=True,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        limits=httpx.Limits(
            max_connections=settings.http_max_connections,
            max_keepalive_connections=settings.http_max_connections,
        ),
    )


class HostLimiter:
    """At most ``per_host`` requests in flight to one scheme://host:port (loop thread only)."""

    def __init__(self, per_host: int) -> None:
        self.per_host = per_host
        self._semaphores: dict[tuple[str, str, int | None], asyncio.Semaphore] = {}

    def slot(self, url: str) -> asyncio.Semaphore:
        parsed = httpx.URL(url)
        key = (parsed.scheme, parsed.host, parsed.port)
        if key not in self._semaphores:
            self._semaphores[key] = asyncio.Semaphore(self.per_host)
        return self._semaphores[key]


class AsyncFetcher:
    """Blocking ``fetch`` for any thread, carried out on a private event loop thread."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="bri-fetch-loop",
                                        daemon=True)
        self._thread.start()
        self._hosts = HostLimiter(settings.http_per_host_concurrency)
        # One pooled client per fetch policy (in practice one: feeds and pages share it),
        # so each request is guarded by the policy its limits carry. Loop thread only.
        self._clients: dict[FetchPolicy, httpx.AsyncClient] = {}

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def _client(self, policy: FetchPolicy) -> httpx.AsyncClient:
        if policy not in self._clients:
            self._clients[policy] = make_async_client(self._settings, policy)
        return self._clients[policy]

    def fetch(
        self,
        url: str,
        limits: FetchLimits,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """Same contract as ``http_fetch.fetch``: a result, or a FetchError naming the URL."""
        return self.submit(url, limits, etag, last_modified).result()

    def submit(
        self,
        url: str,
        limits: FetchLimits,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Future[FetchResult]:
        """Start ``fetch`` without waiting: a thread can have many GETs in flight at once
        (the per-host limit still holds), each future done with its result or FetchError."""
        return asyncio.run_coroutine_threadsafe(
            self._fetch(url, limits, etag, last_modified), self._loop)

    async def _fetch(
        self, url: str, limits: FetchLimits, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        client = self._client(limits.policy)
        try:
            slot = self._hosts.slot(url)
        except httpx.InvalidURL:
            # Not ours to judge here: fetch_async names the URL's problem.
            return await fetch_async(client, url, limits, etag, last_modified)
        async with slot:
            return await fetch_async(client, url, limits, etag, last_modified)

    async def _close_clients(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()

    def close(self) -> None:
        self._run(self._close_clients())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


_shared: AsyncFetcher | None = None
_shared_pid: int | None = None
_shared_lock = threading.Lock()


def shared_fetcher(settings: Settings) -> AsyncFetcher:
    """This process's fetcher, started on first use (a forked child starts its own)."""
    global _shared, _shared_pid
    with _shared_lock:
        if _shared is None or _shared_pid != os.getpid():
            _shared = AsyncFetcher(settings)
            _shared_pid = os.getpid()
        return _shared
