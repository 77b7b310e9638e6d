"""The fetcher against a real HTTP server on 127.0.0.1 misbehaving in the usual ways."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from services.ingest.http_fetch import FetchLimits, PermanentFetchError, TransientFetchError, fetch

LIMITS = FetchLimits(max_bytes=64 * 1024, timeout_seconds=2, deadline_seconds=3, user_agent="test")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/feed":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            body = b"<rss/>"
            self.send_response(200)
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/declared-huge":
            self.send_response(200)
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
        elif self.path == "/chunked-huge":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"x" * 16384
            try:
                for _ in range(100):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.5)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif self.path == "/gone":
            self.send_error(404)
        elif self.path == "/busy":
            self.send_error(503)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_conditional_get_gets_304_with_the_etag(server: str) -> None:
    first = fetch(f"{server}/feed", LIMITS)
    assert first.status == 200 and first.etag == '"v1"' and first.content == b"<rss/>"
    second = fetch(f"{server}/feed", LIMITS, etag=first.etag)
    assert second.not_modified and second.content == b""


def test_declared_oversize_is_refused_before_reading(server: str) -> None:
    with pytest.raises(PermanentFetchError, match="exceeds the 65536-byte limit"):
        fetch(f"{server}/declared-huge", LIMITS)


def test_undeclared_oversize_is_cut_off_while_streaming(server: str) -> None:
    with pytest.raises(PermanentFetchError, match="exceeds"):
        fetch(f"{server}/chunked-huge", LIMITS)


def test_a_dripping_server_hits_the_overall_deadline(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(TransientFetchError, match="still incomplete"):
        fetch(f"{server}/drip", LIMITS)
    assert time.monotonic() - started < 10


def test_client_errors_are_permanent_and_server_errors_transient(server: str) -> None:
    with pytest.raises(PermanentFetchError, match="HTTP 404"):
        fetch(f"{server}/gone", LIMITS)
    with pytest.raises(TransientFetchError, match="HTTP 503"):
        fetch(f"{server}/busy", LIMITS)


def test_unreachable_host_is_transient_and_named() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TransientFetchError, match=f"127.0.0.1:{port}.*unreachable"):
        fetch(f"http://127.0.0.1:{port}/feed", LIMITS)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://x.example/feed", "not a url"])
def test_only_http_urls_are_fetched(url: str) -> None:
    with pytest.raises(PermanentFetchError, match="only http and https"):
        fetch(url, LIMITS)
