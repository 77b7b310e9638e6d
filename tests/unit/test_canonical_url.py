from services.ingest.canonical_url import article_id, choose_canonical, normalise


def test_tracking_parameters_and_fragments_do_not_change_the_id() -> None:
    plain = "https://news.example.com/2026/gansu-kazakhstan.html"
    tracked = "HTTPS://News.Example.com/2026/gansu-kazakhstan.html?utm_source=rss&utm_medium=feed#top"
    assert normalise(tracked) == plain
    assert article_id(tracked) == article_id(plain)


def test_meaningful_query_parameters_are_kept() -> None:
    assert article_id("https://a.example/story?id=1") != article_id("https://a.example/story?id=2")


def test_declared_canonical_on_the_same_site_wins() -> None:
    fetched = "https://www.news.example/amp/story.html?utm_campaign=x"
    assert choose_canonical(fetched, "/story.html") == "https://www.news.example/story.html"
    assert choose_canonical(fetched, "https://news.example/story.html") == "https://news.example/story.html"


def test_a_page_cannot_claim_another_sites_article() -> None:
    fetched = "https://spam.example/copy.html"
    assert choose_canonical(fetched, "https://news.example/real-story.html") == fetched


def test_non_http_canonical_is_ignored() -> None:
    fetched = "https://news.example/a.html"
    assert choose_canonical(fetched, "javascript:alert(1)") == fetched
