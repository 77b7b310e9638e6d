"""The sample corpus and its local server: what the demo and the ingest tests stand on."""

from __future__ import annotations

import http.client
import json
import re
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup

from services.samplefeeds.corpus import (
    DUPLICATED_ARTICLE,
    FEED_NAMES,
    article_names,
    labels_by_file,
    load_labels,
)
from services.samplefeeds.server import SampleServer, start_sample_server

# The label vocabulary of DESIGN.md ("Labels"), copied here so the corpus is checked
# against the contract itself rather than against any one service's reading of it.
PROVINCES = {
    "Anhui", "Beijing", "Chongqing", "Fujian", "Gansu", "Guangdong", "Guangxi", "Guizhou",
    "Hainan", "Hebei", "Heilongjiang", "Henan", "Hong Kong", "Hubei", "Hunan", "Inner Mongolia",
    "Jiangsu", "Jiangxi", "Jilin", "Liaoning", "Macau", "Ningxia", "Qinghai", "Shaanxi",
    "Shandong", "Shanghai", "Shanxi", "Sichuan", "Taiwan", "Tianjin", "Tibet", "Xinjiang",
    "Yunnan", "Zhejiang",
}
SECTORS = {
    "steel", "nonferrous-metals", "building-materials", "railways", "electric-power", "energy",
    "chemicals", "textiles", "automotive", "telecommunications", "construction-machinery",
    "aerospace", "shipbuilding", "agriculture", "mining", "water-resources", "logistics",
}
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
UTM = "utm_source=rss"

Response = tuple[int, http.client.HTTPMessage, bytes]


@pytest.fixture(scope="module")
def server() -> Iterator[SampleServer]:
    with start_sample_server() as running:
        yield running


@pytest.fixture(autouse=True)
def pristine(server: SampleServer) -> Iterator[None]:
    server.reset()
    yield
    server.reset()


def get(server: SampleServer, path: str, headers: dict[str, str] | None = None,
        method: str = "GET") -> Response:
    """A raw request: http.client neither follows redirects nor tidies the path."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def parsed_feeds(server: SampleServer) -> dict[str, feedparser.FeedParserDict]:
    return {name: feedparser.parse(server.url(f"/feeds/{name}")) for name in FEED_NAMES}


def entry_links(server: SampleServer) -> list[str]:
    return [entry.link for feed in parsed_feeds(server).values() for entry in feed.entries]


# -- feeds ------------------------------------------------------------------------------


def test_feed_urls_and_opml_list_the_same_feeds(server: SampleServer) -> None:
    assert server.feed_urls == [f"{server.base_url}/feeds/{name}" for name in FEED_NAMES]
    status, headers, body = get(server, "/opml.xml")
    assert status == 200
    assert "charset=utf-8" in headers["Content-Type"]
    outlines = BeautifulSoup(body, "xml").find_all("outline", attrs={"xmlUrl": True})
    assert [o["xmlUrl"] for o in outlines] == server.feed_urls


@pytest.mark.parametrize("name", FEED_NAMES)
def test_feed_is_served_with_base_url_filled_in(server: SampleServer, name: str) -> None:
    status, headers, body = get(server, f"/feeds/{name}")
    assert status == 200
    expected_type = "application/atom+xml" if name.endswith(".atom") else "application/rss+xml"
    assert headers["Content-Type"] == f"{expected_type}; charset=utf-8"
    text = body.decode("utf-8")
    assert "{base_url}" not in text
    assert f"{server.base_url}/articles/" in text


@pytest.mark.parametrize("name", FEED_NAMES)
def test_feed_parses_without_bozo(server: SampleServer, name: str) -> None:
    parsed = feedparser.parse(server.url(f"/feeds/{name}"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries
    for entry in parsed.entries:
        assert entry.title and entry.link and entry.id
        assert entry.get("summary")
        assert entry.get("published_parsed") or entry.get("updated_parsed")


def test_feed_kinds_are_rss_atom_and_rss(server: SampleServer) -> None:
    versions = {name: feed.version for name, feed in parsed_feeds(server).items()}
    assert versions == {
        "silk-road-wire.rss": "rss20",
        "capacity-review.atom": "atom10",
        "world-desk.rss": "rss20",
    }


def test_feeds_list_every_article_once_except_the_duplicate(server: SampleServer) -> None:
    linked = Counter(urlsplit(link).path.rsplit("/", 1)[-1] for link in entry_links(server))
    assert set(linked) == set(article_names())
    twice = {name for name, count in linked.items() if count > 1}
    assert twice == {DUPLICATED_ARTICLE}
    assert linked[DUPLICATED_ARTICLE] == 2


def test_some_links_carry_tracking_parameters(server: SampleServer) -> None:
    assert any(UTM in link for link in entry_links(server))


def test_every_linked_article_is_served(server: SampleServer) -> None:
    for link in entry_links(server):
        assert link.startswith(server.base_url)
        status, headers, body = get(server, path_of(link))
        assert status == 200, link
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert b"{base_url}" not in body


# -- article pages ----------------------------------------------------------------------


@pytest.mark.parametrize("name", article_names())
def test_article_page_has_news_metadata(server: SampleServer, name: str) -> None:
    status, _, body = get(server, f"/articles/{name}?{UTM}&utm_medium=feed")
    assert status == 200
    soup = BeautifulSoup(body, "lxml")
    assert soup.html["lang"] == "en"
    assert soup.title and soup.title.string
    # The canonical URL has no tracking parameters, whatever URL the page was reached by.
    canonical = soup.find("link", rel="canonical")["href"]
    assert canonical == server.article_url(name)
    assert soup.find("meta", property="og:url")["content"] == canonical
    assert soup.find("meta", property="og:title")["content"]
    ld = json.loads(soup.find("script", type="application/ld+json").string)
    assert ld["@type"] == "NewsArticle"
    assert ld["headline"] and ld["author"][0]["name"]
    assert datetime.fromisoformat(ld["datePublished"]).tzinfo is not None
    words = len(soup.find("article").get_text(" ", strip=True).split())
    assert 250 <= words <= 700, f"{name}: {words} words in <article>"


# -- conditional requests ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/feeds/silk-road-wire.rss", "/articles/hebei-serbia-steel.html",
                                  "/opml.xml"])
def test_etag_revalidation_gets_304_without_body(server: SampleServer, path: str) -> None:
    status, headers, _ = get(server, path)
    assert status == 200
    etag, last_modified = headers["ETag"], headers["Last-Modified"]
    assert etag.startswith('"') and not etag.startswith("W/")

    status, headers, body = get(server, path, {"If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert headers["ETag"] == etag

    status, _, body = get(server, path, {"If-Modified-Since": last_modified})
    assert (status, body) == (304, b"")
    assert server.stats()[path].requests == 3
    assert server.not_modified_count(path) == 2


def test_stale_etag_gets_the_full_document(server: SampleServer) -> None:
    path = "/feeds/world-desk.rss"
    status, _, body = get(server, path, {"If-None-Match": '"something-else"'})
    assert status == 200 and body
    assert server.not_modified_count(path) == 0


def test_head_has_validators_and_no_body(server: SampleServer) -> None:
    status, headers, body = get(server, "/feeds/capacity-review.atom", method="HEAD")
    assert status == 200 and body == b""
    assert headers["ETag"] and headers["Last-Modified"] and int(headers["Content-Length"]) > 0


# -- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/articles/../labels.json",
    "/feeds/..%2flabels.json",
    "/articles/%2e%2e/%2e%2e/server.py",
    "/feeds/..%5c..%5cserver.py",
])
def test_traversal_is_refused(server: SampleServer, path: str) -> None:
    status, _, body = get(server, path)
    assert status == 400
    assert b"labels" not in body and b"import" not in body


@pytest.mark.parametrize("path", ["/", "/labels.json", "/articles/missing.html", "/feeds/",
                                  "/articles/gansu-kazakhstan-copper-smelter.html/x"])
def test_unknown_paths_are_404(server: SampleServer, path: str) -> None:
    assert get(server, path)[0] == 404


# -- test hooks -------------------------------------------------------------------------


def test_stats_count_per_path_and_reset(server: SampleServer) -> None:
    get(server, "/feeds/world-desk.rss")
    get(server, "/feeds/world-desk.rss?utm_source=x")
    assert server.request_count("/feeds/world-desk.rss") == 2
    server.reset_stats()
    assert server.stats() == {}


def test_feed_override_serves_new_bytes_and_changes_validators(server: SampleServer) -> None:
    name = "world-desk.rss"
    _, original, _ = get(server, f"/feeds/{name}")
    server.set_feed_override(name, b"<rss><channel><link>{base_url}/</link></channel></rss>")
    status, headers, body = get(server, f"/feeds/{name}", {"If-None-Match": original["ETag"]})
    assert status == 200
    assert body == f"<rss><channel><link>{server.base_url}/</link></channel></rss>".encode()
    assert headers["ETag"] != original["ETag"]
    assert headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    # A date-only client must see the change too.
    status, _, _ = get(server, f"/feeds/{name}", {"If-Modified-Since": original["Last-Modified"]})
    assert status == 200
    server.set_feed_override(name, None)
    assert get(server, f"/feeds/{name}")[2].startswith(b"<?xml")


def test_malformed_feed_override_is_bozo(server: SampleServer) -> None:
    server.set_feed_override("silk-road-wire.rss", b"<rss><channel><item><title>broken")
    assert feedparser.parse(server.feed_urls[0]).bozo


def test_fail_path_forces_status_then_recovers(server: SampleServer) -> None:
    path = "/feeds/capacity-review.atom"
    server.fail_path(path, 503, times=2, retry_after=7)
    first = get(server, path)
    assert first[0] == 503 and first[1]["Retry-After"] == "7"
    assert get(server, path)[0] == 503
    assert get(server, path)[0] == 200
    server.fail_path(path, 500)
    assert get(server, path)[0] == 500
    server.fail_path(path, None)
    assert get(server, path)[0] == 200


def test_slow_route_waits(server: SampleServer) -> None:
    started = time.monotonic()
    status, _, body = get(server, "/slow?seconds=0.3")
    assert status == 200 and body.startswith(b"slept")
    assert time.monotonic() - started >= 0.3


def test_slow_route_can_trickle(server: SampleServer) -> None:
    started = time.monotonic()
    status, headers, body = get(server, "/slow?seconds=0.3&trickle=1")
    assert status == 200 and len(body) == int(headers["Content-Length"]) == 3
    assert time.monotonic() - started >= 0.25


@pytest.mark.parametrize("query", ["mb=1", "mb=0.5&length=0"])
def test_huge_route_streams_the_requested_size(server: SampleServer, query: str) -> None:
    status, headers, body = get(server, f"/huge?{query}")
    megabytes = float(query.split("&")[0].removeprefix("mb="))
    assert status == 200 and len(body) == int(megabytes * 1024 * 1024)
    assert ("Content-Length" in headers) == ("length=0" not in query)
    assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_bad_parameters_are_400(server: SampleServer) -> None:
    assert get(server, "/slow?seconds=soon")[0] == 400
    assert get(server, "/huge?mb=-1")[0] == 400


def test_stop_ends_a_pending_slow_request() -> None:
    running = start_sample_server()
    connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    connection.request("GET", "/slow?seconds=60")
    time.sleep(0.1)
    started = time.monotonic()
    running.stop()
    assert time.monotonic() - started < 5
    connection.close()


# -- labels -----------------------------------------------------------------------------


def test_labels_cover_every_article_exactly_once() -> None:
    files = [entry["file"] for entry in load_labels()]
    assert len(files) == len(set(files))
    assert sorted(files) == article_names()


def test_labels_use_only_the_design_vocabulary() -> None:
    for name, entry in labels_by_file().items():
        assert set(entry) <= {"file", "relevant", "provinces", "countries", "sectors",
                              "pairings", "notes"}, name
        assert isinstance(entry["relevant"], bool)
        assert set(entry["provinces"]) <= PROVINCES, name
        assert set(entry["sectors"]) <= SECTORS, name
        assert all(COUNTRY_CODE.match(code) for code in entry["countries"]), name
        assert "CN" not in entry["countries"], name
        for pairing in entry["pairings"]:
            assert set(pairing) == {"province", "country", "sectors"}, name
            assert pairing["province"] in entry["provinces"], name
            assert pairing["country"] in entry["countries"], name
            assert set(pairing["sectors"]) <= set(entry["sectors"]), name


def test_labels_are_consistent_and_sorted() -> None:
    for name, entry in labels_by_file().items():
        for field in ("provinces", "countries", "sectors"):
            assert entry[field] == sorted(set(entry[field])), (name, field)
        keys = [(p["province"], p["country"]) for p in entry["pairings"]]
        assert keys == sorted(set(keys)), name
        if not entry["relevant"]:
            assert entry["pairings"] == [], name


def test_corpus_covers_the_whole_vocabulary_it_promises() -> None:
    labels = load_labels()
    relevant = [entry for entry in labels if entry["relevant"]]
    assert len(relevant) >= 25 and len(labels) - len(relevant) >= 5
    assert {s for entry in labels for p in entry["pairings"] for s in p["sectors"]} == SECTORS
    assert any(entry["relevant"] and not entry["pairings"] for entry in labels)
    paired = {p["province"] for entry in labels for p in entry["pairings"]}
    assert len(paired) >= 20
