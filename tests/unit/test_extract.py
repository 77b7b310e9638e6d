"""Main-text and metadata extraction of article pages (services.ingest.extract)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from services.ingest import extract
from services.ingest.extract import ExtractionError, decode_html, extract_article

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "extract"
NEWS_URL = "https://www.silkroaddaily.example/economy/2024/03/gansu-kazakhstan-copper?utm_source=rss"

# Non-Latin sample text lives in files: the linter flags Cyrillic letters that look Latin.
RUSSIAN = (FIXTURES / "sample_ru.txt").read_text(encoding="utf-8") + " "
CHINESE = (FIXTURES / "sample_zh.txt").read_text(encoding="utf-8")


def news_page() -> bytes:
    return (FIXTURES / "news_article.html").read_bytes()


def article_page(body: str, head: str = "", paragraphs: int = 3) -> str:
    """A small but complete article page; ``body`` is repeated as several paragraphs."""
    text = "".join(f"<p>{body} ({n})</p>" for n in range(paragraphs))
    return (
        f"<!DOCTYPE html><html><head>{head}<title>Story</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Story</h1>{text}</article>"
        f"<footer>Contact us</footer></body></html>"
    )


# --- a realistic news page -----------------------------------------------------------------


def test_news_page_metadata() -> None:
    page = extract_article(news_page(), NEWS_URL)

    assert page.title == "Gansu signs copper smelter deal with Kazakhstan"
    assert page.author == "Li Wei, Aigerim Nurlanovna"
    assert page.published == datetime(2024, 3, 5, 1, 30, tzinfo=UTC)
    assert page.published is not None and page.published.utcoffset() == timedelta(hours=8)
    assert page.canonical_url == (
        "https://www.silkroaddaily.example/economy/2024/03/gansu-kazakhstan-copper?ref=canonical"
    )
    assert page.language == "en"
    assert page.site_name == "Silk Road Daily"
    assert page.description == (
        "Gansu province and Kazakhstan agree to build a copper smelter near Karaganda."
    )


def test_news_page_text_is_the_article_in_paragraphs() -> None:
    text = extract_article(news_page(), NEWS_URL).text
    paragraphs = text.split("\n\n")

    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("Gansu province has signed an agreement with Kazakhstan")
    assert paragraphs[-1].endswith("financed by commercial banks.")
    # Line breaks inside the source paragraphs are layout, not text.
    assert all("\n" not in p and "  " not in p for p in paragraphs)


def test_news_page_text_has_no_script_style_or_page_furniture() -> None:
    text = extract_article(news_page(), NEWS_URL).text

    for marker in (
        "SCRIPT-MARKER",
        "STYLE-MARKER",
        "NAV-MARKER",
        "RELATED-MARKER",
        "NEWSLETTER-MARKER",
        "FOOTER-MARKER",
        "NOSCRIPT-MARKER",
    ):
        assert marker not in text
    for code in ("dataLayer", "renderInlineAd", "font-family", "{", "}"):
        assert code not in text
    assert "Share on Facebook" not in text
    # The headline is the title, not the first line of the body.
    assert not text.startswith("Gansu signs copper smelter deal")


def test_str_and_bytes_give_the_same_result() -> None:
    assert extract_article(news_page().decode("utf-8"), NEWS_URL) == extract_article(news_page(), NEWS_URL)


# --- metadata details ----------------------------------------------------------------------


def test_relative_canonical_url_is_resolved_against_the_page_url() -> None:
    head = '<link rel="canonical" href="../world/story-42?page=1">'
    page = extract_article(
        article_page("Some words of an article. " * 6, head), "https://news.example.org/asia/china/index.html"
    )

    assert page.canonical_url == "https://news.example.org/asia/world/story-42?page=1"


def test_canonical_url_honours_base_href_and_falls_back_to_og_url() -> None:
    body = "Some words of an article. " * 6
    with_base = '<base href="https://cdn.example.org/mirror/"><link rel="canonical" href="story">'
    og_only = '<meta property="og:url" content="https://news.example.org/og-story">'

    assert extract_article(article_page(body, with_base), "https://news.example.org/x").canonical_url == (
        "https://cdn.example.org/mirror/story"
    )
    assert extract_article(article_page(body, og_only), None).canonical_url == (
        "https://news.example.org/og-story"
    )


def test_relative_canonical_without_a_page_url_is_not_reported() -> None:
    head = '<link rel="canonical" href="/world/story-42">'
    page = extract_article(article_page("Some words of an article. " * 6, head))

    assert page.canonical_url is None


def test_metadata_from_meta_tags_when_there_is_no_json_ld() -> None:
    head = (
        '<meta property="og:locale" content="pt_BR">'
        '<meta name="author" content="By Maria Silva">'
        '<meta property="article:author" content="https://facebook.com/maria">'
        '<meta name="pubdate" content="2023-11-02 14:05:00">'
    )
    page = extract_article(article_page("Palavras de um artigo sobre o porto. " * 6, head))

    assert page.language == "pt"
    assert page.author == "Maria Silva"
    # No zone given: read as UTC, never left naive.
    assert page.published == datetime(2023, 11, 2, 14, 5, tzinfo=UTC)
    assert page.title == "Story"


def test_author_and_date_from_microdata_whatever_the_case_of_itemprop() -> None:
    body = "Some words of an article. " * 6
    page = article_page(body).replace(
        "<h1>Story</h1>",
        '<h1>Story</h1><span itemprop="Author"><span itemprop="name">Li Wei</span></span>'
        '<meta itemprop="DatePublished" content="2024-03-05T09:30:00+08:00">',
    )

    result = extract_article(page)

    assert result.author == "Li Wei"
    assert result.published == datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=8)))


def test_date_from_a_time_element_and_rfc_2822_dates() -> None:
    body = "Some words of an article. " * 6
    time_tag = article_page(body).replace(
        "<h1>Story</h1>", '<h1>Story</h1><time datetime="2022-06-01T08:00:00-05:00">1 June</time>'
    )
    rfc = article_page(body, '<meta name="date" content="Wed, 01 Jun 2022 13:00:00 GMT">')

    assert extract_article(time_tag).published == datetime(
        2022, 6, 1, 8, tzinfo=timezone(timedelta(hours=-5))
    )
    assert extract_article(rfc).published == datetime(2022, 6, 1, 13, tzinfo=UTC)


def test_broken_json_ld_and_placeholder_dates_are_ignored() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
        '<meta property="article:published_time" content="0001-01-01T00:00:00Z">'
    )
    page = extract_article(article_page("Some words of an article. " * 6, head))

    assert page.published is None
    assert page.title == "Story"


# --- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "head", "body"),
    [
        ("cp1251", '<meta charset="windows-1251">', RUSSIAN),
        ("cp1251", "", RUSSIAN),
        ("cp1251", '<meta charset="utf-8">', RUSSIAN),
        ("gbk", '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', CHINESE),
        ("gbk", "", CHINESE),
        ("utf-8", '<meta charset="iso-8859-1">', RUSSIAN),
        ("utf-16", "", RUSSIAN),
    ],
    ids=[
        "1251-declared",
        "1251-undeclared",
        "1251-declared-wrongly-as-utf8",
        "gbk-declared-gb2312",
        "gbk-undeclared",
        "utf8-declared-wrongly-as-latin1",
        "utf16-with-bom",
    ],
)
def test_bytes_in_legacy_or_misdeclared_encodings_decode_correctly(
    encoding: str, head: str, body: str
) -> None:
    page = article_page(body, head).replace("<title>Story</title>", f"<title>{body[:20]}</title>")

    result = extract_article(page.encode(encoding))

    assert body.strip() in result.text
    assert result.title == body[:20].strip()


# A page whose few words sit in much markup: too little text for detection to read.
SCRIPT_HEAVY_HEAD = "<script>" + "var x = 1; function f(a) { return a + 1; }\n" * 300 + "</script>"


@pytest.mark.parametrize(
    ("encoding", "words"),
    [
        ("koi8-r", "Ганьсу и Казахстан подписали соглашение."),
        ("cp1251", "Ганьсу и Казахстан подписали соглашение."),
        ("gbk", "甘肃与哈萨克斯坦签署合作协议。"),
        ("big5", "甘肅與哈薩克斯坦簽署合作協議。"),
        ("shift_jis", "甘粛とカザフスタンが協力する。"),
    ],
)
def test_the_charset_the_server_names_decodes_an_undeclared_page(encoding: str, words: str) -> None:
    page = article_page(words, SCRIPT_HEAVY_HEAD, paragraphs=1)

    result = extract_article(page.encode(encoding), charset=encoding.upper())

    assert words in result.text


def test_a_server_naming_latin1_for_a_utf8_page_does_not_spoil_it() -> None:
    page = article_page(RUSSIAN, '<meta charset="utf-8">')

    assert RUSSIAN.strip() in extract_article(page.encode("utf-8"), charset="iso-8859-1").text


def test_an_unknown_charset_from_the_server_gives_way_to_the_page_declaration() -> None:
    page = article_page(RUSSIAN, '<meta charset="windows-1251">' + SCRIPT_HEAVY_HEAD)

    assert RUSSIAN.strip() in extract_article(page.encode("cp1251"), charset="x-no-such").text


def test_multibyte_character_cut_by_the_size_cap_does_not_spoil_decoding() -> None:
    data = ("<html><body><p>" + RUSSIAN * 3).encode("utf-8")
    cut = data[: len(data) - 1]  # ends inside a two-byte letter

    assert decode_html(cut).startswith("<html><body><p>" + RUSSIAN * 2)


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("document", [b"", "", b"   \r\n\t", "  \n", b"\xef\xbb\xbf"])
def test_empty_input_is_an_error_naming_the_problem(document: str | bytes) -> None:
    with pytest.raises(ExtractionError, match="empty document"):
        extract_article(document)


@pytest.mark.parametrize(
    ("document", "named"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"),
        (bytes(range(256)) * 16, "binary data"),
        (b"Just a line of plain text, no markup.", "no markup"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>', "RSS feed"),
    ],
    ids=["png", "pdf", "gzip", "random-bytes", "plain-text", "rss-feed"],
)
def test_non_html_input_is_an_error_naming_the_problem(document: bytes, named: str) -> None:
    with pytest.raises(ExtractionError, match="not HTML") as error:
        extract_article(document)

    assert named in str(error.value)


def test_page_without_text_is_an_error() -> None:
    page = "<html><head><script>var story = 'not text';</script></head><body><div></div></body></html>"

    with pytest.raises(ExtractionError, match="no article text found"):
        extract_article(page)


# --- hostile pages -------------------------------------------------------------------------


def test_very_large_page_is_read_only_up_to_the_cap() -> None:
    filler = '<div class="comment"><p>' + RUSSIAN * 50 + "</p></div>\n"
    copies = extract.MAX_DOCUMENT_BYTES // len(filler.encode("utf-8")) + 2
    page = (
        news_page()
        .decode("utf-8")
        .replace("</main>", f"<section>{filler * copies}</section><p>PAST-THE-CAP-MARKER</p></main>")
    )
    data = page.encode("utf-8")
    assert len(data) > extract.MAX_DOCUMENT_BYTES

    started = time.perf_counter()
    result = extract_article(data, NEWS_URL)

    assert time.perf_counter() - started < 30
    assert result.text.startswith("Gansu province has signed an agreement")
    assert "PAST-THE-CAP-MARKER" not in result.text


def test_many_elements_stay_within_bounds() -> None:
    comments = "".join(f"<div class='c'><p>Comment {n}: no.</p></div>" for n in range(25_000))
    page = news_page().decode("utf-8").replace("</main>", f"<section>{comments}</section></main>")

    result = extract_article(page, NEWS_URL)

    assert result.text.startswith("Gansu province has signed an agreement")
    assert "Comment 100:" not in result.text


def test_readability_is_consulted_only_on_pages_within_the_element_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    consulted: list[int] = []
    real = extract.readability_paragraphs
    monkeypatch.setattr(extract, "readability_paragraphs", lambda tree: consulted.append(1) or real(tree))
    small = news_page().decode("utf-8")
    filler = "<span>x</span>" * (extract.CROSS_CHECK_MAX_ELEMENTS + 1)
    large = small.replace("</main>", f"<aside>{filler}</aside></main>")

    extract_article(small, NEWS_URL)
    assert consulted == [1]
    assert extract_article(large, NEWS_URL).text.startswith("Gansu province has signed an agreement")
    assert consulted == [1]


def test_deeply_nested_tags_after_the_article_are_harmless() -> None:
    depth = 50_000
    page = (
        news_page()
        .decode("utf-8")
        .replace("</main>", "<div>" * depth + "deep" + "</div>" * depth + "</main>")
    )

    result = extract_article(page, NEWS_URL)

    assert result.text.startswith("Gansu province has signed an agreement")
    assert result.author == "Li Wei, Aigerim Nurlanovna"


def test_article_buried_in_deep_nesting_is_a_clear_error() -> None:
    depth = 50_000
    page = "<html><body>" + "<div>" * depth + "<p>" + "Words. " * 50 + "</p>" + "</div>" * depth

    with pytest.raises(ExtractionError, match="nest deeper"):
        extract_article(page)


# --- the feed entry's summary --------------------------------------------------------------


@pytest.mark.parametrize(
    ("summary", "plain"),
    [
        ("<p>Gansu <b>signs</b> a&nbsp;copper deal &amp; more</p>", "Gansu signs a copper deal & more"),
        (
            "Line one<br>line\n\n two<!-- tracking --><script>track()</script><style>p{}</style>",
            "Line one line two",
        ),
        ('<?xml version="1.0" encoding="utf-8"?><p>Declared</p>', "Declared"),
        ("", ""),
    ],
)
def test_an_html_feed_summary_becomes_plain_text(summary: str, plain: str) -> None:
    from services.common.contracts import PageFetched
    from services.ingest.article_fetcher import extract_page

    page = PageFetched(url=NEWS_URL, final_url=NEWS_URL, body=PageFetched.pack(news_page()), summary=summary)

    article = extract_page(page)

    assert article.summary == (plain or extract_article(news_page(), NEWS_URL).description)
