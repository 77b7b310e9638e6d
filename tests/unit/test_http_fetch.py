"""The fetchers against a real HTTP server on 127.0.0.1 misbehaving in the usual ways.

Every case runs twice: through the one-off ``http_fetch.fetch`` and through the ingest
workers' pooled ``AsyncFetcher``, which must keep every limit of the first.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from services.common import contracts
from services.common.settings import Settings
from services.ingest.article_fetcher import ArticleLink, download_page, extract_page, fetch_article
from services.ingest.async_fetcher import AsyncFetcher
from services.ingest.http_fetch import (
    FetchResult,
    PermanentFetchError,
    TransientFetchError,
)
from services.ingest.http_fetch import fetch as http_fetch
from tests.local_servers import FEED_SERVER_ALLOW_LIST, FEED_SERVER_PORT, fetch_limits_allowing

Fetch = Callable[..., FetchResult]

LIMITS = fetch_limits_allowing(FEED_SERVER_ALLOW_LIST)


# Undeclared in the page, and too little text in too much script for detection.
KOI8_PAGE = (
    "<html><head><title>Ганьсу и Казахстан</title><script>"
    + "var x = 1; function f(a) { return a + 1; }\n" * 300
    + "</script></head><body><article><p>Провинция Ганьсу и Казахстан подписали соглашение."
    "</p></article></body></html>"
)


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
        elif self.path == "/koi8-page":
            body = KOI8_PAGE.encode("koi8-r")
            self.send_response(200)
            self.send_header("Content-Type", 'text/html; charset="KOI8-R"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/gone":
            self.send_error(404)
        elif self.path == "/busy":
            self.send_error(503)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", FEED_SERVER_PORT), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def pooled(settings: Settings) -> Iterator[AsyncFetcher]:
    fetcher = AsyncFetcher(settings)
    yield fetcher
    fetcher.close()


@pytest.fixture(params=["one-off", "pooled"])
def fetch(request: pytest.FixtureRequest) -> Fetch:
    if request.param == "one-off":
        return http_fetch
    return request.getfixturevalue("pooled").fetch


def test_conditional_get_gets_304_with_the_etag(server: str, fetch: Fetch) -> None:
    first = fetch(f"{server}/feed", LIMITS)
    assert first.status == 200 and first.etag == '"v1"' and first.content == b"<rss/>"
    second = fetch(f"{server}/feed", LIMITS, etag=first.etag)
    assert second.not_modified and second.content == b""


def test_declared_oversize_is_refused_before_reading(server: str, fetch: Fetch) -> None:
    with pytest.raises(PermanentFetchError, match="exceeds the 65536-byte limit"):
        fetch(f"{server}/declared-huge", LIMITS)


def test_undeclared_oversize_is_cut_off_while_streaming(server: str, fetch: Fetch) -> None:
    with pytest.raises(PermanentFetchError, match="exceeds"):
        fetch(f"{server}/chunked-huge", LIMITS)


def test_a_dripping_server_hits_the_overall_deadline(server: str, fetch: Fetch) -> None:
    started = time.monotonic()
    with pytest.raises(TransientFetchError, match="still incomplete"):
        fetch(f"{server}/drip", LIMITS)
    assert time.monotonic() - started < 10


def test_client_errors_are_permanent_and_server_errors_transient(server: str, fetch: Fetch) -> None:
    with pytest.raises(PermanentFetchError, match="HTTP 404"):
        fetch(f"{server}/gone", LIMITS)
    with pytest.raises(TransientFetchError, match="HTTP 503"):
        fetch(f"{server}/busy", LIMITS)


def test_unreachable_host_is_transient_and_named(fetch: Fetch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TransientFetchError, match=f"127.0.0.1:{port}.*unreachable"):
        fetch(f"http://127.0.0.1:{port}/feed", fetch_limits_allowing(f"127.0.0.1:{port}"))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://x.example/feed", "not a url"])
def test_only_http_urls_are_fetched(url: str, fetch: Fetch) -> None:
    with pytest.raises(PermanentFetchError, match="only http and https"):
        fetch(url, LIMITS)


def test_an_article_is_decoded_with_the_charset_its_server_names(
    server: str, settings: Settings
) -> None:
    article = fetch_article(ArticleLink(url=f"{server}/koi8-page"), settings)

    assert article.title == "Ганьсу и Казахстан"
    assert "Провинция Ганьсу и Казахстан подписали соглашение." in article.text


@pytest.mark.parametrize(
    ("content_type", "charset"),
    [
        ('text/html; charset="GBK"', "gbk"),
        ("text/html;charset=windows-1251", "windows-1251"),
        ("text/html", None),
        ("", None),
    ],
)
def test_the_charset_is_read_from_the_content_type(content_type: str, charset: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    result = FetchResult(url="u", final_url="u", status=200, content=b"", headers=headers)

    assert result.charset == charset


def test_a_page_keeps_its_bytes_and_charset_on_the_way_to_the_extract_queue(
    server: str, settings: Settings, pooled: AsyncFetcher
) -> None:
    page = download_page(ArticleLink(url=f"{server}/koi8-page"), settings, pooled.fetch)
    wire = json.loads(json.dumps(contracts.dump(page)))  # what the broker carries

    article = extract_page(contracts.load(contracts.PageFetched, wire))

    assert article.title == "Ганьсу и Казахстан"
    assert "Провинция Ганьсу и Казахстан подписали соглашение." in article.text
    assert len(page.body) < len(KOI8_PAGE)  # compressed on the wire
