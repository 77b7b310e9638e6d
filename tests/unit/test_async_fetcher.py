"""The ingest workers' pooled fetcher: connections are reused and a host is never hammered."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from services.common.settings import Settings
from services.ingest.async_fetcher import AsyncFetcher
from services.ingest.http_fetch import FetchLimits
from tests.local_servers import fetch_limits_allowing


def _limits(server: CountingServer) -> FetchLimits:
    return fetch_limits_allowing(f"127.0.0.1:{server.server_address[1]}", timeout_seconds=5,
                                 deadline_seconds=10)


class CountingServer(ThreadingHTTPServer):
    """Counts TCP connections and the most requests it was ever answering at once."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), CountingHandler)
        self.lock = threading.Lock()
        self.connections = 0
        self.in_flight = 0
        self.most_in_flight = 0

    def process_request(self, request: object, client_address: object) -> None:
        with self.lock:
            self.connections += 1
        super().process_request(request, client_address)  # type: ignore[arg-type]


class CountingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as news sites offer it
    server: CountingServer

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.in_flight += 1
            self.server.most_in_flight = max(self.server.most_in_flight, self.server.in_flight)
        if self.path.startswith("/slow"):
            time.sleep(0.05)
        body = b"<rss/>"
        with self.server.lock:
            self.server.in_flight -= 1
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[CountingServer]:
    httpd = CountingServer()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _url(server: CountingServer, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def test_one_after_another_fetches_share_one_connection(server: CountingServer) -> None:
    fetcher = AsyncFetcher(Settings())
    try:
        for n in range(20):
            assert fetcher.fetch(_url(server, f"/feed-{n}"), _limits(server)).content == b"<rss/>"
    finally:
        fetcher.close()

    assert server.connections == 1


def test_many_threads_at_once_never_exceed_the_per_host_limit(server: CountingServer) -> None:
    fetcher = AsyncFetcher(Settings(http_per_host_concurrency=3))
    try:
        with ThreadPoolExecutor(24) as pool:
            results = list(pool.map(
                lambda n: fetcher.fetch(_url(server, f"/slow-{n}"), _limits(server)), range(48)))
    finally:
        fetcher.close()

    assert all(result.status == 200 for result in results)
    assert server.most_in_flight == 3  # in parallel, but never more than the limit
    assert server.connections <= 3
