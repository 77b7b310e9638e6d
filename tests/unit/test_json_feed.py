"""JSON Feed 1.0/1.1: the corpus's real JSON feeds, detection, and hostile documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.ingest import json_feed
from services.ingest.feed_parse import MalformedFeedError, parse_feed

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "feeds"
needs_corpora = pytest.mark.skipif(not CORPORA.exists(), reason="third-party feed corpora not present")


def _json_feed_files() -> list[Path]:
    """The corpus's JSON Feeds: every file naming the jsonfeed.org version, and gofeed's
    JSON feeds, which write the version as a bare number."""
    return sorted(p for p in CORPORA.rglob("*") if p.is_file()
                  and (b"jsonfeed.org" in p.read_bytes().replace(b"\\/", b"/")
                       or (p.parent.name == "gofeed" and b'"feed_url"' in p.read_bytes())))


def _feed(**fields: object) -> bytes:
    document = {"version": "https://jsonfeed.org/version/1.1", "title": "Capacity news",
                "items": []}
    document.update(fields)
    return json.dumps(document).encode()


@needs_corpora
def test_every_json_feed_of_the_corpus_is_read_with_all_its_items() -> None:
    files = _json_feed_files()
    assert {p.name for p in files} == {
        "json__example.json", "json_feed.json", "json_feed_with_escaped_uris.json",
        "parser__json__version_json_10.json", "parser__json__version_json_10_expected.json",
        "parser__json__version_json_11.json", "parser__json__version_json_11_expected.json",
        "parser__json__version_json_11_deprecated_author.json",
        "parser__json__version_json_11_deprecated_author_expected.json",
        "parser__universal__json10_feed.json", "parser__universal__json11_feed.json",
        "parser__universal__sample.json"}
    for path in files:
        document = json.loads(path.read_bytes())
        feed = parse_feed(path.read_bytes(), f"https://feeds.example/{path.name}")
        assert feed.title == document["title"]
        assert len(feed.entries) == len(document["items"]), path.name
        assert [e.link for e in feed.entries] == [i["url"] for i in document["items"]]
        assert [e.key for e in feed.entries] == [str(i["id"]) for i in document["items"]]


@needs_corpora
def test_corpus_json_feed_fields() -> None:
    example = parse_feed((CORPORA / "feedparser" / "json__example.json").read_bytes(),
                         "https://example.org/feed.json")
    second, first = example.entries
    assert second.title == "post 2" and second.summary == "This is a second item."
    assert second.author == "me"  # the feed's author stands in for the item's
    assert first.author == "you"
    assert "Hello, world!" in first.summary and "<script" not in first.summary  # sanitized

    blog = parse_feed((CORPORA / "feedjira" / "json_feed.json").read_bytes(),
                      "http://inessential.com/feed.json")
    assert blog.entries[0].published == datetime(2017, 6, 3, 5, 5, 47, tzinfo=UTC)
    assert blog.entries[0].author == "Brent Simmons"

    v11 = parse_feed((CORPORA / "feedjira" / "json_feed_with_escaped_uris.json").read_bytes(),
                     "https://lukedorny.com/feed")  # version and URLs written with \/
    assert v11.entries[0].link == "https://lukedorny.com/updates/new-font"
    assert v11.entries[0].title == "New Font" and v11.entries[0].summary == "A Journey with links"
    assert v11.entries[0].author == "Author: Luke, most likely."  # 1.1 authors
    assert all(e.published is not None for e in v11.entries)


@needs_corpora
def test_the_rest_of_the_corpus_still_goes_through_feedparser() -> None:
    json_feeds = set(_json_feed_files())
    others = [p for p in CORPORA.rglob("*") if p.is_file() and p not in json_feeds
              and p.suffix in {".xml", ".rss", ".atom", ".json"}]
    assert len(others) > 300
    assert not any(json_feed.is_json_feed(p.read_bytes()) for p in others)


def test_detected_by_content_type_or_by_its_version() -> None:
    body = _feed(items=[{"id": "1", "url": "https://news.example/a"}])
    assert json_feed.is_json_feed(body, "application/feed+json; charset=utf-8")
    assert json_feed.is_json_feed(b"[]", "application/json")
    assert json_feed.is_json_feed(b"\xef\xbb\xbf  \n" + body)  # BOM and whitespace first
    assert not json_feed.is_json_feed(b'{"version": "2.0", "items": []}')
    # A bare version number is read when a field only JSON Feed has is there too.
    assert json_feed.is_json_feed(b'{"version": "1.1", "feed_url": "https://n.example/f", "items": []}')
    assert not json_feed.is_json_feed(b'{"version": "1.0", "items": []}')
    assert not json_feed.is_json_feed(b"<?xml version='1.0'?><rss/>", "application/rss+xml")
    assert not json_feed.is_json_feed(b"\n<?xml version='1.0'?><rss/>", "application/json")
    assert [e.link for e in parse_feed(body, "https://news.example/feed.json").entries] == [
        "https://news.example/a"]


def test_json_that_is_not_a_json_feed_is_refused_by_name() -> None:
    with pytest.raises(MalformedFeedError, match="is not JSON Feed"):
        parse_feed(b'{"version": "2.0", "items": []}', "https://x.example/f", "application/json")
    with pytest.raises(MalformedFeedError, match="must be an object"):
        parse_feed(b"[1, 2]", "https://x.example/f", "application/json")
    with pytest.raises(MalformedFeedError, match="without an items array"):
        parse_feed(_feed(items={"a": 1}), "https://x.example/f")
    with pytest.raises(MalformedFeedError, match="invalid JSON"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1", "items": [', "https://x.example/f")


def test_external_url_relative_links_numeric_ids_and_undated_items() -> None:
    feed = parse_feed(_feed(items=[
        {"id": 7, "external_url": "https://elsewhere.example/story"},
        {"id": "rel", "url": "/2026/12/story.html", "date_published": "not a date",
         "date_modified": "2026-12-01T08:00:00Z", "content_text": "Gansu <and> Kazakhstan"},
        {"id": "no-link", "title": "nothing to fetch"},
        {"id": "js", "url": "javascript:alert(1)"},
        "not an item",
    ]), "https://news.example/feeds/main.json")
    assert [(e.key, e.link) for e in feed.entries] == [
        ("7", "https://elsewhere.example/story"),
        ("rel", "https://news.example/2026/12/story.html")]
    assert feed.entries[1].published == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert feed.entries[1].summary == "Gansu &lt;and&gt; Kazakhstan"
    assert feed.entries[0].published is None
    assert feed.warning == "3 item(s) without a usable url skipped"


def test_wrongly_typed_values_are_ignored_not_crashed_on() -> None:
    feed = parse_feed(_feed(title=["x"], author="me", items=[
        {"id": {"x": 1}, "url": "https://news.example/a", "title": 5, "summary": None,
         "authors": "me", "date_published": 12}]), "https://news.example/f.json")
    entry = feed.entries[0]
    assert feed.title == "" and entry.title == "" and entry.summary == ""
    assert entry.key == "https://news.example/a" and entry.author is None
    assert entry.published is None


def test_hostile_documents_fail_cleanly() -> None:
    deep = b'{"version": "https://jsonfeed.org/version/1", "items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(MalformedFeedError, match="nested"):
        parse_feed(deep, "https://x.example/f")
    shallow_but_too_deep = _feed(items=[{"url": "https://a.example/", "x": [[[[[[[[[[[[[[[[[[[[
        [[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}])
    with pytest.raises(MalformedFeedError, match="deeper than"):
        parse_feed(shallow_but_too_deep, "https://x.example/f")
    with pytest.raises(MalformedFeedError, match="not UTF-8"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1", "title": "\xff\xfe"}',
                   "https://x.example/f", "application/feed+json")
    huge_number = b'{"version": "https://jsonfeed.org/version/1", "n": ' + b"9" * 10_000 + b"}"
    with pytest.raises(MalformedFeedError, match="invalid JSON"):
        parse_feed(huge_number, "https://x.example/f")


def test_a_document_over_the_size_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_feed, "MAX_DOCUMENT_BYTES", 1000)
    body = _feed(items=[{"id": str(i), "url": f"https://news.example/{i}"} for i in range(50)])
    with pytest.raises(MalformedFeedError, match="exceeds"):
        parse_feed(body, "https://x.example/f")
