"""Generated feeds on 127.0.0.1 for fault tests and soak runs: many unique articles, and hostile feeds.

Each feed ``/gen/feeds/<f>.rss`` lists every article published to it so far (newest first),
each article page ``/gen/articles/<f>-<n>.html`` has its own canonical URL and enough body
text for the extractor, so N published articles must become exactly N documents. Articles
are published in rounds (``publish``), which lets a soak run keep new work flowing.

Hostile feeds under ``/hostile/<kind>.rss`` misbehave the way real servers do:

  drip       headers at once, then one byte every ``drip_interval`` seconds, never finishing
  hang       accepts the connection and never answers
  status500  always HTTP 500
  status429  HTTP 429 with ``Retry-After``
  loop       redirects to itself, for ever
  huge       a 50 MB body (no Content-Length, so only a streaming cap stops it)
  gzipbomb   a small gzip body that inflates to 1 GB

``publish_broken`` lists an article whose page answers 404, the one kind of page a
pipeline run may rightly dead-letter.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape

HOST = "127.0.0.1"
HOSTILE_KINDS = ("drip", "hang", "status500", "status429", "loop", "huge", "gzipbomb")
HUGE_BYTES = 50 * 1024 * 1024
BOMB_INFLATED_BYTES = 1024 * 1024 * 1024
RETRY_AFTER_SECONDS = 120

# Word stock for article bodies: real places and sectors, invented companies, so the
# classifier has something to label and every article reads differently.
_PROVINCES = ("Gansu", "Qinghai", "Henan", "Anhui", "Yunnan", "Xinjiang", "Shaanxi", "Jiangsu")
_COUNTRIES = ("Kazakhstan", "Tajikistan", "Turkmenistan", "Uzbekistan", "Ethiopia", "Laos",
              "Pakistan", "Kenya", "Indonesia", "Serbia")
_SECTORS = ("a copper smelter", "a cement plant", "a solar power station", "a textile mill",
            "a railway upgrade", "an irrigation scheme", "a steel works", "a logistics park")
_VERBS = ("signed an agreement with", "opened talks with", "agreed to build a project in",
          "delivered equipment to")


@dataclass(frozen=True)
class Article:
    feed: int
    number: int
    published: float

    @property
    def slug(self) -> str:
        return f"{self.feed}-{self.number}"

    def title(self) -> str:
        rng = random.Random(self.slug)
        return (f"{rng.choice(_PROVINCES)} firm {self.slug} and {rng.choice(_COUNTRIES)} "
                f"move ahead on {rng.choice(_SECTORS)}")

    def paragraphs(self) -> list[str]:
        rng = random.Random("body" + self.slug)
        out = []
        for index in range(6):
            province, country, sector = (rng.choice(_PROVINCES), rng.choice(_COUNTRIES),
                                         rng.choice(_SECTORS))
            out.append(
                f"Officials from {province} province {rng.choice(_VERBS)} {country} on "
                f"{sector}, according to report {self.slug}-{index}. The partners said the "
                f"work would employ about {rng.randint(200, 4000)} people and should be "
                f"finished within {rng.randint(2, 9)} years, with financing arranged by "
                f"banks in both countries and suppliers chosen through open tenders."
            )
        return out


class GeneratedSite:
    """The shared state: which articles exist, plus request counters for assertions."""

    def __init__(self, feeds: int, seed: int = 0) -> None:
        self.feeds = feeds
        self.base_url = ""
        self.drip_interval = 1.0
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._articles: dict[int, list[Article]] = {f: [] for f in range(feeds)}
        self._requests: dict[str, int] = {}
        self._bomb: bytes | None = None
        self._broken: set[str] = set()
        self.rng = random.Random(seed)

    def publish(self, per_feed: int) -> list[Article]:
        """Add ``per_feed`` new articles to every feed; returns them."""
        added = []
        with self._lock:
            now = time.time()
            for feed, items in self._articles.items():
                for _ in range(per_feed):
                    item = Article(feed, len(items), now)
                    items.append(item)
                    added.append(item)
        return added

    def publish_in(self, feed: int, count: int = 1) -> list[Article]:
        """Add ``count`` new articles to one feed only."""
        with self._lock:
            items = self._articles[feed]
            added = [Article(feed, len(items) + i, time.time()) for i in range(count)]
            items.extend(added)
            return added

    def publish_broken(self, feed: int) -> Article:
        """List an article in ``feed`` whose page answers 404: it must be dead-lettered."""
        with self._lock:
            items = self._articles[feed]
            item = Article(feed, len(items), time.time())
            items.append(item)
            self._broken.add(item.slug)
            return item

    def broken_urls(self) -> set[str]:
        with self._lock:
            return {self.article_url(a) for items in self._articles.values() for a in items
                    if a.slug in self._broken}

    def articles(self) -> list[Article]:
        with self._lock:
            return [a for items in self._articles.values() for a in items]

    def feed_urls(self) -> list[str]:
        return [f"{self.base_url}/gen/feeds/{f}.rss" for f in range(self.feeds)]

    def hostile_url(self, kind: str) -> str:
        if kind not in HOSTILE_KINDS:
            raise ValueError(f"no hostile feed {kind!r}; known: {', '.join(HOSTILE_KINDS)}")
        return f"{self.base_url}/hostile/{kind}.rss"

    def article_url(self, article: Article) -> str:
        return f"{self.base_url}/gen/articles/{article.slug}.html"

    def served_urls(self) -> set[str]:
        """Canonical URLs of every article published so far (broken ones included)."""
        return {self.article_url(a) for a in self.articles()}

    def count(self, path: str) -> None:
        with self._lock:
            self._requests[path] = self._requests.get(path, 0) + 1

    def requests(self, path: str) -> int:
        with self._lock:
            return self._requests.get(path, 0)

    def feed_items(self, feed: int) -> list[Article] | None:
        with self._lock:
            items = self._articles.get(feed)
            return list(items) if items is not None else None

    def article(self, feed: int, number: int) -> Article | None:
        with self._lock:
            items = self._articles.get(feed, [])
            found = items[number] if 0 <= number < len(items) else None
            return None if found is None or found.slug in self._broken else found

    def gzip_bomb(self) -> bytes:
        with self._lock:
            if self._bomb is None:
                compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
                block = b"\0" * (1024 * 1024)
                parts = [compressor.compress(block) for _ in range(BOMB_INFLATED_BYTES // len(block))]
                self._bomb = b"".join(parts) + compressor.flush()
            return self._bomb


def render_feed(site: GeneratedSite, feed: int, items: list[Article]) -> bytes:
    entries = "".join(
        f"<item><title>{escape(a.title())}</title><link>{site.article_url(a)}</link>"
        f"<guid isPermaLink=\"false\">gen-{a.slug}</guid>"
        f"<pubDate>{formatdate(a.published, usegmt=True)}</pubDate></item>"
        for a in reversed(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Generated feed {feed}</title><link>{site.base_url}/</link>"
        f"<description>generated</description>{entries}</channel></rss>"
    ).encode()


def render_article(site: GeneratedSite, article: Article) -> bytes:
    url = site.article_url(article)
    body = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs())
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(article.title())}</title>"
        f'<link rel="canonical" href="{url}"></head><body>'
        f'<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        f"<article><h1>{escape(article.title())}</h1>{body}</article>"
        f"<footer>Generated news desk</footer></body></html>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read counters
        return

    def do_GET(self) -> None:
        site = self.server.site
        path = self.path.split("?", 1)[0]
        site.count(path)
        parts = [p for p in path.split("/") if p]
        try:
            if len(parts) == 3 and parts[:2] == ["gen", "feeds"] and parts[2].endswith(".rss"):
                self._feed(parts[2].removesuffix(".rss"))
            elif len(parts) == 3 and parts[:2] == ["gen", "articles"]:
                self._article(parts[2].removesuffix(".html"))
            elif len(parts) == 2 and parts[0] == "hostile":
                self._hostile(parts[1].removesuffix(".rss"))
            else:
                self._send(404, b"not found", "text/plain")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should with a hostile server

    def _send(self, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _feed(self, name: str) -> None:
        items = self.server.site.feed_items(int(name)) if name.isdigit() else None
        if items is None:
            self._send(404, b"no such feed", "text/plain")
            return
        body = render_feed(self.server.site, int(name), items)
        etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._send(200, body, "application/rss+xml; charset=utf-8", {"ETag": etag})

    def _article(self, slug: str) -> None:
        feed, _, number = slug.partition("-")
        article = (self.server.site.article(int(feed), int(number))
                   if feed.isdigit() and number.isdigit() else None)
        if article is None:
            self._send(404, b"no such article", "text/plain")
            return
        self._send(200, render_article(self.server.site, article), "text/html; charset=utf-8")

    def _hostile(self, kind: str) -> None:
        site = self.server.site
        if kind == "status500":
            self._send(500, b"internal error", "text/plain")
        elif kind == "status429":
            self._send(429, b"slow down", "text/plain", {"Retry-After": str(RETRY_AFTER_SECONDS)})
        elif kind == "loop":
            self.send_response(302)
            self.send_header("Location", f"{site.base_url}/hostile/loop.rss?hop={time.time_ns()}")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif kind == "hang":
            site.stopping.wait(600)
        elif kind == "drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            while not site.stopping.wait(site.drip_interval):
                self.wfile.write(b" ")
                self.wfile.flush()
        elif kind == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"<!-- filler -->" * 4096
            sent = 0
            while sent < HUGE_BYTES and not site.stopping.is_set():
                self.wfile.write(chunk)
                sent += len(chunk)
            self.close_connection = True
        elif kind == "gzipbomb":
            self._send(200, site.gzip_bomb(), "application/rss+xml", {"Content-Encoding": "gzip"})
        else:
            self._send(404, b"no such hostile feed", "text/plain")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, site: GeneratedSite) -> None:
        super().__init__((HOST, port), _Handler)
        self.site = site

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A worker killed mid-request resets its connection; that is the test, not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def start_generated_server(feeds: int, port: int = 0, seed: int = 0) -> Iterator[GeneratedSite]:
    """Serve generated feeds in a background thread; yields the site (with its base_url)."""
    site = GeneratedSite(feeds, seed)
    server = _Server(port, site)
    site.base_url = f"http://{HOST}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="generated-feeds", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
