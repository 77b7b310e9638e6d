"""Local receivers for alerts: a webhook endpoint and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class ReceivedPost:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class WebhookReceiver:
    """Records every POST; ``status`` decides the answer (e.g. 500 to force retries)."""

    status: int = 200
    posts: list[ReceivedPost] = field(default_factory=list)
    on_post: Callable[[ReceivedPost], None] | None = None
    tls: ssl.SSLContext | None = None  # serve https with this server context

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                post = ReceivedPost(self.path, {k.lower(): v for k, v in self.headers.items()},
                                    self.rfile.read(length), time.time())
                receiver.posts.append(post)
                if receiver.on_post:
                    receiver.on_post(post)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if self.tls:
            self.server.socket = self.tls.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.posts) >= count:
                return True
            time.sleep(0.05)
        return len(self.posts) >= count

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    """A real SMTP server on 127.0.0.1 keeping what it receives."""

    def __init__(self) -> None:
        self.mailbox = _Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    @property
    def messages(self) -> list[Message]:
        return self.mailbox.messages

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.messages) < count:
            time.sleep(0.05)
        return len(self.messages) >= count

    def close(self) -> None:
        self.controller.stop()
