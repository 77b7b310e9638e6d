"""Feed parsing on the project's own cases and on real third-party feed corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.ingest.feed_parse import MalformedFeedError, parse_feed

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "feeds"

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Capacity news</title>
<item><title>Gansu and Kazakhstan</title><link>/a/1.html</link><guid isPermaLink="false">id-1</guid>
<pubDate>Tue, 03 Nov 2026 08:00:00 GMT</pubDate>
<description>&lt;p&gt;Copper &lt;b&gt;smelter&lt;/b&gt;&lt;/p&gt;</description></item>
<item><title>No link</title><guid isPermaLink="false">id-2</guid></item>
</channel></rss>"""


def test_rss_entries_carry_absolute_links_keys_and_dates() -> None:
    feed = parse_feed(RSS, "https://news.example/feed.xml")
    assert feed.title == "Capacity news"
    assert len(feed.entries) == 1  # the entry without a link cannot be fetched
    entry = feed.entries[0]
    assert entry.link == "https://news.example/a/1.html"
    assert entry.key == "id-1"
    assert entry.published is not None and entry.published.year == 2026


def test_garbage_is_refused_with_a_clear_error() -> None:
    with pytest.raises(MalformedFeedError, match="malformed feed"):
        parse_feed(b"<html><body>Not a feed at all</body></html>", "https://x.example/feed")


def test_truncated_feed_keeps_what_could_be_read() -> None:
    truncated = RSS[: RSS.index(b"<item><title>No link")]
    feed = parse_feed(truncated, "https://news.example/feed.xml")
    assert [e.key for e in feed.entries] == ["id-1"]
    assert feed.warning  # feedparser says what it recovered from


@pytest.mark.skipif(not CORPORA.exists(), reason="third-party feed corpora not present")
def test_no_real_world_feed_crashes_the_parser() -> None:
    files = [p for p in CORPORA.rglob("*") if p.is_file() and p.suffix in {".xml", ".rss", ".atom", ".json"}]
    assert len(files) > 300
    for path in files:
        try:
            parse_feed(path.read_bytes(), f"https://feeds.example/{path.name}")
        except MalformedFeedError as exc:
            assert path.name in str(exc)
            assert "malformed feed" in str(exc) or "feed refused: " in str(exc)


@pytest.mark.skipif(not CORPORA.exists(), reason="third-party feed corpora not present")
def test_publishers_feeds_yield_fetchable_entries() -> None:
    """Whole feeds captured from real publishers (not single-entry fragments) give entries."""
    files = [p for p in (CORPORA / "feedjira").iterdir()
             if p.suffix in {".xml", ".rss", ".atom"} and "FirstEntry" not in p.name
             and p.stat().st_size > 4096]
    assert len(files) >= 20
    for path in files:
        feed = parse_feed(path.read_bytes(), f"https://feeds.example/{path.name}")
        assert feed.entries, path.name
        assert all(e.link.startswith(("http://", "https://")) for e in feed.entries), path.name
