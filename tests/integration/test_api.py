"""The HTTP API against the real Elasticsearch node and Redis."""

from __future__ import annotations

import socket
import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    # Starlette's test client warns that it will move to another HTTP library.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from services.api.app import create_app
from services.common.settings import Settings
from tests.search_corpus import index_corpus

pytestmark = pytest.mark.integration


@pytest.fixture
def indexed(es, settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return index_corpus(es, settings)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _ids(body: dict) -> set[str]:  # type: ignore[type-arg]
    return {hit["id"] for hit in body["hits"]}


def test_free_text_search_highlights_matches_and_counts_facets(client, indexed) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/search", params={"q": "copper"})
    assert response.status_code == 200
    body = response.json()
    assert _ids(body) == {indexed["gansu-kz"], indexed["hostile"]}
    assert body["total"] == 2
    first = next(h for h in body["hits"] if h["id"] == indexed["gansu-kz"])
    assert first["title_html"] == "Gansu and Kazakhstan open a <mark>copper</mark> smelter"
    assert any("<mark>copper</mark>" in s for s in first["snippets_html"])
    facets = body["facets"]
    assert {"value": "Gansu", "count": 2, "label": None} in facets["provinces"]
    assert {"value": "KZ", "count": 2, "label": "Kazakhstan"} in facets["countries"]
    assert {"date": "2026-11-01", "count": 1} in facets["published"]


def test_feed_markup_comes_back_escaped_except_the_marks(client, indexed) -> None:  # type: ignore[no-untyped-def]
    hit = next(h for h in client.get("/search", params={"q": "copper"}).json()["hits"]
               if h["id"] == indexed["hostile"])
    html = hit["title_html"] + "".join(hit["snippets_html"])
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in hit["title_html"]
    assert "&lt;img" in "".join(hit["snippets_html"])
    assert hit["title"].startswith("<script>")  # the plain title is data, shown as text


def test_filters_combine_every_label_given(client, indexed) -> None:  # type: ignore[no-untyped-def]
    gansu = client.get("/search", params={"province": "Gansu"}).json()
    assert _ids(gansu) == {indexed["gansu-kz"], indexed["gansu-tj"], indexed["hostile"]}
    narrowed = client.get("/search", params=[("province", "gansu"), ("sector", "mining"),
                                             ("country", "kz")]).json()
    assert _ids(narrowed) == {indexed["hostile"]}
    both = client.get("/search", params=[("country", "KZ"), ("country", "UZ")]).json()
    assert _ids(both) == {indexed["xinjiang-kz-uz"]}


def test_relevant_only_and_date_range(client, indexed) -> None:  # type: ignore[no-untyped-def]
    november = client.get("/search", params={"published_from": "2026-11-01",
                                             "published_to": "2026-11-03"}).json()
    assert _ids(november) == {indexed["gansu-kz"], indexed["football"]}
    relevant = client.get("/search", params={"published_from": "2026-11-01",
                                             "relevant": "true"}).json()
    assert _ids(relevant) == {indexed["gansu-kz"], indexed["jiangsu-kz"]}


def test_a_search_by_filters_alone_still_shows_an_opening_snippet(client, indexed) -> None:  # type: ignore[no-untyped-def]
    hit = client.get("/search", params={"province": "Qinghai"}).json()["hits"][0]
    assert hit["title_html"] is None
    assert hit["snippets_html"][0].startswith("Qinghai agreed with Turkmenistan")


def test_date_sort_puts_the_newest_first(client, indexed) -> None:  # type: ignore[no-untyped-def]
    hits = client.get("/search", params={"sort": "date"}).json()["hits"]
    published = [h["published"] for h in hits]
    assert published == sorted(published, reverse=True)
    assert hits[0]["id"] == indexed["jiangsu-kz"]


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_cursor_pages_cover_every_hit_exactly_once(client, indexed, sort) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    params: dict[str, str] = {"q": "Gansu | Kazakhstan | football | Qinghai", "sort": sort,
                              "size": "2", "facets": "false"}
    for _ in range(10):
        body = client.get("/search", params=params).json()
        assert body["facets"] is None
        seen.extend(h["id"] for h in body["hits"])
        if not body["next_cursor"]:
            break
        params["cursor"] = body["next_cursor"]
    assert sorted(seen) == sorted(indexed.values())
    assert len(seen) == len(set(seen))


def test_a_cursor_is_refused_by_a_different_search(client, indexed) -> None:  # type: ignore[no-untyped-def]
    cursor = client.get("/search", params={"size": 2}).json()["next_cursor"]
    response = client.get("/search", params={"size": 2, "cursor": cursor, "province": "Gansu"})
    assert response.status_code == 422
    assert response.json()["field"] == "cursor"
    assert "different search" in response.json()["detail"]


def test_an_article_by_id_has_its_full_text(client, indexed) -> None:  # type: ignore[no-untyped-def]
    body = client.get(f"/articles/{indexed['gansu-tj']}").json()
    assert body["text"] == "A Gansu company will build a power line and a coal mine in Tajikistan."
    assert body["pairings"] == [{"province": "Gansu", "country": "TJ", "sectors": ["energy", "mining"],
                                 "evidence": body["text"]}]
    missing = client.get("/articles/0123456789abcdef0123456789abcdef")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    assert client.get("/articles/not%20an%20id").status_code == 422


def test_pairings_are_edges_with_sectors_counts_and_dates(client, indexed) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/pairings").json()
    assert body["total_articles"] == 7
    edges = {(e["province"], e["country"]): e for e in body["edges"]}
    assert set(edges) == {("Gansu", "KZ"), ("Gansu", "TJ"), ("Qinghai", "TM"), ("Jiangsu", "KZ"),
                          ("Xinjiang", "KZ"), ("Xinjiang", "UZ")}
    gansu_kz = edges[("Gansu", "KZ")]
    assert gansu_kz["articles"] == 2
    assert gansu_kz["country_name"] == "Kazakhstan"
    assert {"sector": "mining", "articles": 1} in gansu_kz["sectors"]
    assert {"sector": "railways", "articles": 1} in gansu_kz["sectors"]
    assert gansu_kz["first_seen"].startswith("2026-07-01")
    assert gansu_kz["last_seen"].startswith("2026-11-02")
    assert body["edges"][0]["province"] == "Gansu" and body["edges"][0]["country"] == "KZ"


def test_pairings_follow_the_search_and_its_filters(client, indexed) -> None:  # type: ignore[no-untyped-def]
    by_country = client.get("/pairings", params={"country": "KZ"}).json()["edges"]
    assert {(e["province"], e["country"]) for e in by_country} == {
        ("Gansu", "KZ"), ("Jiangsu", "KZ"), ("Xinjiang", "KZ")}
    by_text = client.get("/pairings", params={"q": "textile"}).json()["edges"]
    assert {(e["province"], e["country"]) for e in by_text} == {
        ("Qinghai", "TM"), ("Xinjiang", "KZ"), ("Xinjiang", "UZ")}
    by_sector = client.get("/pairings", params={"sector": "railways"}).json()["edges"]
    assert {(e["province"], e["country"]) for e in by_sector} == {("Gansu", "KZ"), ("Jiangsu", "KZ")}


def test_search_before_anything_is_indexed_is_empty_not_an_error(client, es, settings) -> None:  # type: ignore[no-untyped-def]
    from services.index.schema import drop_index

    drop_index(es, settings)
    assert not es.indices.exists_alias(name=settings.index_alias)
    assert client.get("/search", params={"q": "copper"}).json()["total"] == 0
    assert client.get("/pairings").json()["edges"] == []


def test_health_reports_both_services(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["elasticsearch"]["ok"] and body["redis"]["ok"]


def test_vocabulary_docs_and_page_are_served(client) -> None:  # type: ignore[no-untyped-def]
    labels = client.get("/labels").json()
    assert len(labels["provinces"]) == 34 and len(labels["sectors"]) == 17
    assert {"code": "KZ", "name": "Kazakhstan"} in labels["countries"]
    assert not any(c["code"] == "CN" for c in labels["countries"])
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/search", "/articles/{article_id}", "/pairings", "/health"} <= set(paths)
    assert client.get("/docs").status_code == 200
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/static/app.js").status_code == 200


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/search", {"province": "Gansuu"}, "province"),
        ("/search", {"sector": "steelworks"}, "sector"),
        ("/search", {"country": "XX"}, "country"),
        ("/search", {"country": "CN"}, "country"),
        ("/search", {"published_from": "2026-13-01"}, "published_from"),
        ("/search", {"published_to": "yesterday"}, "published_to"),
        ("/search", {"published_from": "2026-02-01", "published_to": "2026-01-01"}, "published_from"),
        ("/search", {"cursor": "not-a-cursor"}, "cursor"),
        ("/search", {"cursor": "eyJ2IjoxfQ"}, "cursor"),
        ("/search", {"size": "101"}, "size"),
        ("/search", {"size": "0"}, "size"),
        ("/search", {"sort": "popularity"}, "sort"),
        ("/search", {"relevant": "perhaps"}, "relevant"),
        ("/pairings", {"province": "Atlantis"}, "province"),
        ("/pairings", {"limit": "5000"}, "limit"),
    ],
)
def test_invalid_input_is_refused_naming_the_field(client, path, params, field) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path, params=params)
    assert response.status_code in (400, 422), response.text
    body = response.json()
    assert body["error"] == "invalid_parameter"
    assert body["field"] == field
    assert body["detail"]


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def client_without_elasticsearch(settings: Settings) -> Iterator[TestClient]:
    down = settings.model_copy(update={"elasticsearch_url": f"http://127.0.0.1:{_unused_port()}"})
    with TestClient(create_app(down), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/search?q=copper", "/pairings",
                                  "/articles/0123456789abcdef0123456789abcdef"])
def test_elasticsearch_down_is_a_clear_503(client_without_elasticsearch, path) -> None:  # type: ignore[no-untyped-def]
    response = client_without_elasticsearch.get(path)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/json"
    assert response.headers["retry-after"]
    body = response.json()
    assert body["error"] == "search_unavailable"
    assert "Elasticsearch is not reachable" in body["detail"]
    assert "Traceback" not in response.text


def test_health_says_which_service_is_down(client_without_elasticsearch) -> None:  # type: ignore[no-untyped-def]
    response = client_without_elasticsearch.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["elasticsearch"]["ok"] is False
    assert body["redis"]["ok"] is True
