"""The loopback port test feed servers listen on, which fetching is allowed to reach.

Fetching refuses loopback addresses (services/common/address_guard.py). Tests start
their feed servers on ``FEED_SERVER_PORT`` and allow exactly ``127.0.0.1:<that port>``
(tests/conftest.py sets it before any settings are read or workers started, so worker
processes inherit it). A test with a server of its own builds its fetch limits with
``fetch_limits_allowing``.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from services.common.address_guard import AllowList, FetchPolicy, IPAddress, resolve
from services.ingest.http_fetch import FetchLimits


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


FEED_SERVER_PORT = _free_port()
FEED_SERVER_ALLOW_LIST = f"127.0.0.1:{FEED_SERVER_PORT}"


def policy_allowing(*entries: str, resolver: Any = resolve) -> FetchPolicy:
    """The fetch policy with only these allow-list entries (e.g. ``"127.0.0.1:8765"``)."""
    return FetchPolicy(allow=AllowList.parse(",".join(entries)), resolver=resolver)


def fetch_limits_allowing(*entries: str, resolver: Any = resolve, max_bytes: int = 64 * 1024,
                          timeout_seconds: float = 2, deadline_seconds: float = 3) -> FetchLimits:
    return FetchLimits(max_bytes=max_bytes, timeout_seconds=timeout_seconds,
                       deadline_seconds=deadline_seconds, user_agent="test",
                       policy=policy_allowing(*entries, resolver=resolver))


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class RecordingServer:
    """A loopback HTTP server answering each path from ``answers`` (404 otherwise) and
    recording every path requested, to show which requests were (not) made."""

    answers: dict[str, Answer] = field(default_factory=dict)
    host: str = "127.0.0.1"
    port: int = 0
    requested: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as most servers

            def do_GET(self) -> None:
                server.requested.append(self.path)
                answer = server.answers.get(self.path, Answer(status=404))
                self.send_response(answer.status)
                for name, value in answer.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer((self.host, self.port), Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    @property
    def allow_entry(self) -> str:
        return f"{self.host}:{self.port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> RecordingServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class StandInResolver:
    """A name server for test names: each lookup of a name gets the next of its answers
    (the last repeats), so a name can be re-pointed between lookups as in DNS rebinding;
    other names resolve for real. No test here may reach the internet, so public
    addresses only ever come from this stand-in."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = answers
        self.lookups: dict[str, int] = {}

    def __call__(self, host: str, port: int) -> list[IPAddress]:
        if host not in self.answers:
            return resolve(host, port)
        count = self.lookups.get(host, 0)
        self.lookups[host] = count + 1
        series = self.answers[host]
        return [ipaddress.ip_address(a) for a in series[min(count, len(series) - 1)]]
