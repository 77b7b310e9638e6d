"""A local HTTP server for the sample corpus, standing in for news sites in demos and tests.

Routes:
  /feeds/<name>      RSS and Atom feeds from ``data/feeds``
  /articles/<name>   article pages from ``data/articles``
  /opml.xml          the OPML list of the feeds
  /slow?seconds=N    answers after N seconds (``&trickle=1``: headers at once, body dripped)
  /huge?mb=N         streams N megabytes of HTML (``&length=0``: no Content-Length)

Every document carries a strong ETag and a Last-Modified date and honours conditional
GETs, because the ingest service's polling relies on them. Test hooks (overrides,
forced failures) are all off until a test turns them on.

Run in the foreground with ``python -m services.samplefeeds.server --port 8765``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from services.samplefeeds.corpus import BASE_URL_PLACEHOLDER, DATA_DIR, FEED_NAMES

HOST = "127.0.0.1"
MAX_SLOW_SECONDS = 600.0
MAX_HUGE_MB = 1024.0
CHUNK_BYTES = 64 * 1024

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
OPML_CONTENT_TYPE = CONTENT_TYPES[".opml"]
# Where each URL prefix finds its files; the key is the first path segment.
DOCUMENT_DIRS = {"feeds": "feeds", "articles": "articles"}


class TraversalError(ValueError):
    """A request path tried to leave the data directory."""


@dataclass(frozen=True)
class PathStats:
    requests: int = 0
    not_modified: int = 0


@dataclass(frozen=True)
class Document:
    body: bytes
    content_type: str
    last_modified: int  # whole seconds since the epoch, as HTTP dates carry no more

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


@dataclass
class _Failure:
    status: int
    remaining: int | None
    retry_after: int | None


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def http_date(timestamp: float) -> str:
    return formatdate(timestamp, usegmt=True)


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses weak comparison (RFC 9110 13.1.2), so W/ prefixes are ignored."""
    candidates = [tag.strip() for tag in header.split(",")]
    return any(tag == "*" or tag.removeprefix("W/") == etag for tag in candidates)


def is_not_modified(headers: Any, etag: str, last_modified: int) -> bool:
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        # When both are sent, the ETag decides (RFC 9110 13.2.2).
        return etag_matches(if_none_match, etag)
    if_modified_since = headers.get("If-Modified-Since")
    if not if_modified_since:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since).timestamp()
    except (TypeError, ValueError, IndexError):
        return False
    return last_modified <= since


def split_request_path(raw_path: str) -> list[str]:
    """Decoded path segments; refuses any attempt to climb out of the served folders."""
    segments = [s for s in unquote(urlsplit(raw_path).path).split("/") if s]
    for segment in segments:
        if segment in {".", ".."} or "\\" in segment or "\x00" in segment:
            raise TraversalError(raw_path)
    return segments


class _ServerState:
    """Everything the handlers share: data location, base URL, test hooks and counters."""

    def __init__(self, data_dir: Path, verbose: bool) -> None:
        self.data_dir = data_dir
        self.base_url = ""
        self.started_at = int(time.time())
        self.stopping = threading.Event()
        self.verbose = verbose
        self._lock = threading.Lock()
        self._stats: dict[str, PathStats] = {}
        self._overrides: dict[str, Document] = {}
        self._failures: dict[str, _Failure] = {}
        self._last_override_time = 0

    # -- counters -------------------------------------------------------------------

    def count_request(self, path: str) -> None:
        with self._lock:
            old = self._stats.get(path, PathStats())
            self._stats[path] = PathStats(old.requests + 1, old.not_modified)

    def count_not_modified(self, path: str) -> None:
        with self._lock:
            old = self._stats.get(path, PathStats())
            self._stats[path] = PathStats(old.requests, old.not_modified + 1)

    def stats(self) -> dict[str, PathStats]:
        with self._lock:
            return dict(self._stats)

    def reset_stats(self) -> None:
        with self._lock:
            self._stats.clear()

    # -- overrides ------------------------------------------------------------------

    def set_override(self, path: str, body: bytes | None, content_type: str | None) -> None:
        with self._lock:
            if body is None:
                self._overrides.pop(path, None)
                return
            # Strictly increasing dates, so a client using only If-Modified-Since still
            # sees two overrides set within the same second as two changes.
            stamp = max(int(time.time()), self._last_override_time + 1)
            self._last_override_time = stamp
            self._overrides[path] = Document(
                body=self.substitute(body),
                content_type=content_type or content_type_for(path),
                last_modified=stamp,
            )

    def override(self, path: str) -> Document | None:
        with self._lock:
            return self._overrides.get(path)

    def clear_overrides(self) -> None:
        with self._lock:
            self._overrides.clear()

    # -- forced failures ------------------------------------------------------------

    def fail_path(self, path: str, status: int | None, times: int | None,
                  retry_after: int | None) -> None:
        with self._lock:
            if status is None:
                self._failures.pop(path, None)
            else:
                self._failures[path] = _Failure(status, times, retry_after)

    def take_failure(self, path: str) -> _Failure | None:
        """The failure to answer this request with, using up one of its counted times."""
        with self._lock:
            failure = self._failures.get(path)
            if failure is None:
                return None
            if failure.remaining is not None:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    del self._failures[path]
            return failure

    def clear_failures(self) -> None:
        with self._lock:
            self._failures.clear()

    # -- documents ------------------------------------------------------------------

    def substitute(self, body: bytes) -> bytes:
        return body.replace(BASE_URL_PLACEHOLDER.encode(), self.base_url.encode())

    def document(self, segments: list[str]) -> Document | None:
        """The file a path names, with the base URL filled in, or None if there is none."""
        if segments == ["opml.xml"]:
            file = self.data_dir / "opml.xml"
            content_type = OPML_CONTENT_TYPE
        elif len(segments) == 2 and segments[0] in DOCUMENT_DIRS:
            folder = (self.data_dir / DOCUMENT_DIRS[segments[0]]).resolve()
            file = (folder / segments[1]).resolve()
            if not file.is_relative_to(folder):
                raise TraversalError("/".join(segments))
            content_type = content_type_for(file.name)
        else:
            return None
        if not file.is_file():
            return None
        return Document(
            body=self.substitute(file.read_bytes()),
            content_type=content_type,
            last_modified=int(file.stat().st_mtime),
        )


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: _ServerState) -> None:
        self.state = state
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    # Open keep-alive connections are tracked so stop() can close them instead of
    # leaving handler threads blocked on idle sockets.
    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up mid-response (timeouts and size limits under test) is normal.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "SampleFeeds/1.0"

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.state.verbose:
            super().log_message(format, *args)

    # -- dispatch -------------------------------------------------------------------

    def _respond(self, *, send_body: bool) -> None:
        state = self.server.state
        path = urlsplit(self.path).path
        state.count_request(path)
        failure = state.take_failure(path)
        if failure is not None:
            self._send_failure(failure, send_body)
            return
        try:
            segments = split_request_path(self.path)
            if segments == ["slow"]:
                self._send_slow(send_body)
                return
            if segments == ["huge"]:
                self._send_huge(send_body)
                return
            document = state.override(path) or state.document(segments)
        except TraversalError:
            self._send_plain(HTTPStatus.BAD_REQUEST, "path leaves the served folders\n", send_body)
            return
        except ValueError as error:
            self._send_plain(HTTPStatus.BAD_REQUEST, f"{error}\n", send_body)
            return
        if document is None:
            self._send_plain(HTTPStatus.NOT_FOUND, "not found\n", send_body)
            return
        self._send_document(path, document, send_body)

    # -- responses ------------------------------------------------------------------

    def _send_document(self, path: str, document: Document, send_body: bool) -> None:
        if is_not_modified(self.headers, document.etag, document.last_modified):
            self.server.state.count_not_modified(path)
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._validator_headers(document.etag, document.last_modified)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", document.content_type)
        self.send_header("Content-Length", str(len(document.body)))
        self._validator_headers(document.etag, document.last_modified)
        self.end_headers()
        if send_body:
            self.wfile.write(document.body)

    def _validator_headers(self, etag: str, last_modified: int) -> None:
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", http_date(last_modified))
        # Clients may keep a copy but must revalidate, which is what conditional GETs test.
        self.send_header("Cache-Control", "no-cache")

    def _send_plain(self, status: HTTPStatus | int, text: str, send_body: bool,
                    extra_headers: dict[str, str] | None = None) -> None:
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPES[".txt"])
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _send_failure(self, failure: _Failure, send_body: bool) -> None:
        extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
        self._send_plain(failure.status, f"forced failure {failure.status}\n", send_body, extra)

    def _send_slow(self, send_body: bool) -> None:
        query = self._query()
        seconds = min(_float_param(query, "seconds", 1.0), MAX_SLOW_SECONDS)
        stopping = self.server.state.stopping
        if query.get("trickle", "0") not in {"1", "true", "yes"}:
            stopping.wait(seconds)
            self._send_plain(HTTPStatus.OK, f"slept {seconds:g} seconds\n", send_body)
            return
        # Trickle mode: each read succeeds quickly, so only a total deadline catches it.
        steps = max(1, int(seconds * 10))
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", CONTENT_TYPES[".txt"])
        self.send_header("Content-Length", str(steps))
        self.end_headers()
        if not send_body:
            return
        try:
            for _ in range(steps):
                if stopping.wait(seconds / steps):
                    break
                self.wfile.write(b".")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send_huge(self, send_body: bool) -> None:
        query = self._query()
        megabytes = min(_float_param(query, "mb", 1.0), MAX_HUGE_MB)
        total = int(megabytes * 1024 * 1024)
        with_length = query.get("length", "1") not in {"0", "false", "no"}
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", CONTENT_TYPES[".html"])
        if with_length:
            self.send_header("Content-Length", str(total))
        else:
            # Without a length the body ends when the connection does (RFC 9112 6.3).
            self.send_header("Connection", "close")
            self.close_connection = True
        self._validator_headers(f'"huge-{total}"', self.server.state.started_at)
        self.end_headers()
        if not send_body:
            return
        try:
            for chunk in _filler(total):
                if self.server.state.stopping.is_set():
                    break
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, which is what a size limit is supposed to do

    def _query(self) -> dict[str, str]:
        parsed = parse_qs(urlsplit(self.path).query)
        return {key: values[-1] for key, values in parsed.items()}


def _float_param(query: dict[str, str], name: str, default: float) -> float:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    return value


def _filler(total: int) -> Iterator[bytes]:
    """``total`` bytes of plausible HTML, produced a chunk at a time."""
    head = b'<!DOCTYPE html>\n<html lang="en"><head><title>Huge page</title></head><body>\n'
    line = b"<p>This page is deliberately enormous, to test download size limits.</p>\n"
    pattern = line * (CHUNK_BYTES // len(line) + 1)
    sent = 0
    first = head[:total]
    if first:
        yield first
        sent += len(first)
    while sent < total:
        chunk = pattern[: min(CHUNK_BYTES, total - sent)]
        yield chunk
        sent += len(chunk)


class SampleServer:
    """A running sample server; stop it with ``stop()`` or by leaving a ``with`` block."""

    def __init__(self, httpd: _HTTPServer, thread: threading.Thread | None) -> None:
        self._httpd = httpd
        self._thread = thread
        self._state = httpd.state

    # -- addresses ------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return self._state.base_url

    @property
    def feed_urls(self) -> list[str]:
        return [self.url(f"/feeds/{name}") for name in FEED_NAMES]

    @property
    def opml_url(self) -> str:
        return self.url("/opml.xml")

    def url(self, path: str) -> str:
        return self.base_url + path

    def article_url(self, name: str) -> str:
        return self.url(f"/articles/{name}")

    # -- counters -------------------------------------------------------------------

    def stats(self) -> dict[str, PathStats]:
        """Requests and 304 answers per URL path (query strings are not part of the key)."""
        return self._state.stats()

    def request_count(self, path: str) -> int:
        return self._state.stats().get(path, PathStats()).requests

    def not_modified_count(self, path: str) -> int:
        return self._state.stats().get(path, PathStats()).not_modified

    def reset_stats(self) -> None:
        self._state.reset_stats()

    # -- test hooks -----------------------------------------------------------------

    def set_override(self, path: str, body: bytes | None, content_type: str | None = None) -> None:
        """Serve ``body`` at ``path`` (``{base_url}`` filled in); None restores the file."""
        self._state.set_override(path, body, content_type)

    def set_feed_override(self, name: str, body: bytes | None) -> None:
        """Serve different bytes for feed ``name`` (e.g. a broken feed, or one with a new item)."""
        self.set_override(f"/feeds/{name}", body)

    def clear_overrides(self) -> None:
        self._state.clear_overrides()

    def fail_path(self, path: str, status: int | None, *, times: int | None = None,
                  retry_after: int | None = None) -> None:
        """Answer ``path`` with ``status`` (``times`` requests, or until cleared with None)."""
        self._state.fail_path(path, status, times, retry_after)

    def clear_failures(self) -> None:
        self._state.clear_failures()

    def reset(self) -> None:
        """Back to the pristine corpus: no overrides, no failures, counters at zero."""
        self.clear_overrides()
        self.clear_failures()
        self.reset_stats()

    # -- lifecycle ------------------------------------------------------------------

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        if self._state.stopping.is_set():
            return
        self._state.stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=10)
        self._httpd.close_connections()
        self._httpd.server_close()

    def __enter__(self) -> SampleServer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()


def _bind(port: int, data_dir: Path, verbose: bool = False) -> _HTTPServer:
    httpd = _HTTPServer((HOST, port), _ServerState(data_dir, verbose))
    httpd.state.base_url = f"http://{HOST}:{httpd.server_address[1]}"
    return httpd


def start_sample_server(port: int = 0, data_dir: Path = DATA_DIR) -> SampleServer:
    """Serve the corpus from a background thread; port 0 picks a free port."""
    httpd = _bind(port, data_dir)
    thread = threading.Thread(target=httpd.serve_forever, name="samplefeeds", daemon=True)
    thread.start()
    return SampleServer(httpd, thread)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the sample news corpus on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (0: any)")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    server = SampleServer(_bind(args.port, DATA_DIR, verbose=not args.quiet), thread=None)
    print(f"Sample feeds at {server.base_url}  (OPML: {server.opml_url})", flush=True)
    for url in server.feed_urls:
        print(f"  {url}", flush=True)
    # A service manager stops us with SIGTERM; leave through the same clean path as Ctrl-C.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    raise SystemExit(main())
