"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) into the same entries as RSS and Atom.

feedparser 6.0 reads no JSON, so this small reader covers what the ingest stage needs
from the spec: the feed's ``title`` and, per item, ``id``, ``url`` (or ``external_url``),
``title``, ``summary`` / ``content_text`` / ``content_html``, ``date_published`` (or
``date_modified``) and ``authors`` (1.1) or ``author`` (1.0), falling back to the
feed's own authors. Everything else in the document is ignored.

A feed comes from anywhere, so nothing about it is trusted. Fetching already caps it at
``BRI_MAX_FEED_BYTES``; here a document over ``MAX_DOCUMENT_BYTES`` (for bytes that came
another way), nested deeper than any feed needs, not UTF-8 or not valid JSON is refused
with a `MalformedFeedError` naming the problem, and values of the wrong type are ignored
(an item without a usable link is skipped, as on the XML path) — never a crash.
HTML content is sanitized with the same sanitizer feedparser applies to RSS and Atom.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import urljoin

from feedparser.sanitizer import _sanitize_html

from services.ingest.feed_types import FeedEntry, MalformedFeedError, ParsedFeed
from services.ingest.text_limits import clip_title

VERSION_PREFIX = "https://jsonfeed.org/version/1"
SUPPORTED_VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")
# Some publishers (and other readers' test feeds) write the bare number instead of the URL;
# the document is otherwise a JSON Feed, so it is read as one.
BARE_VERSIONS = ("1", "1.0", "1.1")
_BARE_VERSION_MARKERS = tuple(f'"version":"{v}"'.encode() for v in BARE_VERSIONS)
JSON_MEDIA_TYPES = ("application/feed+json", "application/json")
# Far more than any real feed nests (feed > items > item > authors > author); deeper is hostile.
MAX_DEPTH = 32
# Ten times the default feed byte cap: parse_feed can be handed bytes that no fetch limited.
MAX_DOCUMENT_BYTES = 100 * 1024 * 1024


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def is_json_feed(content: bytes, content_type: str = "") -> bool:
    """Served as JSON, or a JSON object whose version names JSON Feed 1.x.

    The version is looked for in the first kilobytes only, so an XML feed never pays for
    a JSON parse; JSON Feed publishers put ``version`` first, as the spec's examples do.
    """
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if media_type(content_type) in JSON_MEDIA_TYPES:
        # A server that labels its RSS or Atom as JSON still gets it read as XML.
        return not head.startswith(b"<")
    if not head.startswith(b"{"):
        return False
    compact = head.replace(b"\\/", b"/")
    if b'"version"' not in compact:
        return False
    if VERSION_PREFIX.encode() in compact:
        return True
    squeezed = b"".join(compact.split())
    # With a bare version, a field only JSON Feed has tells it from other JSON with a version.
    names_a_json_feed_field = b'"home_page_url"' in compact or b'"feed_url"' in compact
    return names_a_json_feed_field and any(marker in squeezed for marker in _BARE_VERSION_MARKERS)


def parse_json_feed(content: bytes, url: str) -> ParsedFeed:
    document = _load(content, url)
    version = document.get("version")
    if version not in SUPPORTED_VERSIONS and version not in BARE_VERSIONS:
        raise MalformedFeedError(
            f"{url}: malformed feed (a JSON document whose version {str(version)[:80]!r} is not "
            f"JSON Feed {' or '.join(SUPPORTED_VERSIONS)})"
        )
    items = document.get("items")
    if not isinstance(items, list):
        raise MalformedFeedError(f"{url}: malformed feed (JSON Feed without an items array)")
    feed_author = _author(document)
    entries: list[FeedEntry] = []
    skipped = 0
    for item in items:
        entry = _entry(item, url, feed_author) if isinstance(item, dict) else None
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    warning = f"{skipped} item(s) without a usable url skipped" if skipped else None
    return ParsedFeed(title=_text(document.get("title")), entries=entries, warning=warning)


def _load(content: bytes, url: str) -> dict[str, Any]:
    if len(content) > MAX_DOCUMENT_BYTES:
        raise MalformedFeedError(
            f"{url}: malformed feed (JSON document of {len(content)} bytes exceeds "
            f"{MAX_DOCUMENT_BYTES})")
    try:
        document = json.loads(content)
    except UnicodeDecodeError as exc:
        raise MalformedFeedError(f"{url}: malformed feed (JSON that is not UTF-8: {exc})") from exc
    except RecursionError as exc:
        raise MalformedFeedError(f"{url}: malformed feed (JSON nested too deeply)") from exc
    except ValueError as exc:  # JSONDecodeError, and integers too long to convert
        raise MalformedFeedError(f"{url}: malformed feed (invalid JSON: {exc})") from exc
    if not isinstance(document, dict):
        raise MalformedFeedError(f"{url}: malformed feed (JSON Feed must be an object)")
    if _depth(document) > MAX_DEPTH:
        raise MalformedFeedError(f"{url}: malformed feed (JSON nested deeper than {MAX_DEPTH})")
    return document


def _depth(value: object) -> int:
    """Nesting depth, iteratively (a recursive walk is what a hostile document would exploit)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            return level
        if isinstance(node, dict):
            stack.extend((child, level + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, level + 1) for child in node)
    return deepest


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _entry(item: dict[str, Any], feed_url: str, feed_author: str | None) -> FeedEntry | None:
    link = _text(item.get("url")) or _text(item.get("external_url"))
    if not link:
        return None
    link = urljoin(feed_url, link)
    if not link.startswith(("http://", "https://")):
        return None
    raw_id = item.get("id")
    # 1.0 feeds in the wild use numbers as ids; the spec says strings, so normalise.
    key = str(raw_id).strip() if isinstance(raw_id, (str, int)) and str(raw_id).strip() else link
    return FeedEntry(
        key=key,
        link=link,
        title=clip_title(_text(item.get("title"))),
        summary=_summary(item),
        published=_date(item.get("date_published")) or _date(item.get("date_modified")),
        author=_author(item) or feed_author,
    )


def _summary(item: dict[str, Any]) -> str:
    """HTML, like feedparser's summaries: plain-text fields escaped, HTML sanitized."""
    plain = _text(item.get("summary")) or _text(item.get("content_text"))
    if plain:
        return escape(plain)
    content_html = _text(item.get("content_html"))
    return _sanitize_html(content_html, "utf-8", "text/html") if content_html else ""


def _author(holder: dict[str, Any]) -> str | None:
    authors = holder.get("authors")
    candidates = authors if isinstance(authors, list) else [holder.get("author")]
    names = [_text(a.get("name")) for a in candidates if isinstance(a, dict)]
    names = [n for n in names if n]
    return ", ".join(names) if names else None


def _date(value: object) -> datetime | None:
    """RFC 3339, as the spec requires; anything unreadable counts as undated."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
