"""Hostile feeds, OPML and pages: each is refused with a named reason or read sanely,
never a crash or a hang. Pages are served over real loopback HTTP and fetched the way
the ingest worker fetches them."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from services.common.errors import PermanentError
from services.common.settings import Settings
from services.ingest.article_fetcher import ArticleLink, fetch_article
from services.ingest.feed_parse import MalformedFeedError, parse_feed
from services.ingest.opml import MalformedOpmlError, feed_urls_from_opml
from services.ingest.text_limits import MAX_TITLE_CHARS
from tests.local_servers import FEED_SERVER_PORT, Answer, RecordingServer

FEED_URL = "https://feeds.example/feed.xml"
PARAGRAPH = ("<p>Gansu province and Kazakhstan signed an agreement on a copper smelter near "
             "Almaty, officials said on Monday in Lanzhou after two years of talks.</p>")
ARTICLE_TEXT_START = "Gansu province and Kazakhstan signed an agreement"


def _bomb(levels: int = 9) -> bytes:
    entities = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">\n'
                       for n in range(1, levels + 1))
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol0 "lol">\n{entities}]>\n'
            f'<rss version="2.0"><channel><title>&lol{levels};</title><item><title>&lol{levels};'
            "</title><link>https://news.example/a</link></item></channel></rss>").encode()


def _rss(items: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}'
            "</channel></rss>").encode()


XXE_FILE = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            b'<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title>'
            b"<link>https://news.example/a</link></item></channel></rss>")
XXE_PARAMETER = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY % remote SYSTEM '
                 b'"http://169.254.169.254/x.dtd"> %remote;]>\n<rss version="2.0"><channel>'
                 b"<title>t</title></channel></rss>")


def test_a_billion_laughs_feed_is_refused_at_once_naming_the_bomb() -> None:
    started = time.monotonic()
    with pytest.raises(MalformedFeedError, match="refers to other entities") as refused:
        parse_feed(_bomb(), FEED_URL)
    assert time.monotonic() - started < 1
    assert FEED_URL in str(refused.value) and "feed refused" in str(refused.value)


@pytest.mark.parametrize(("document", "reason"), [
    (XXE_FILE, r"entity xxe is external \(SYSTEM\)"),
    (XXE_PARAMETER, r"entity remote is external \(SYSTEM\)"),
    (XXE_FILE.decode().encode("utf-16"), "entity xxe is external"),  # BOM, wide characters
])
def test_external_entities_in_feeds_are_refused(document: bytes, reason: str) -> None:
    with pytest.raises(MalformedFeedError, match=reason) as refused:
        parse_feed(document, FEED_URL)
    assert "root:" not in str(refused.value)


def test_one_long_entity_repeated_is_refused_as_a_quadratic_bomb() -> None:
    long_value = "x" * 100_000
    document = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{long_value}">]>'
                f'<rss version="2.0"><channel><title>t</title>{"<item><title>&big;</title></item>" * 50}'
                "</channel></rss>").encode()
    with pytest.raises(MalformedFeedError, match="entity big is 100000 characters long"):
        parse_feed(document, FEED_URL)


def test_a_short_plain_entity_is_not_refused() -> None:
    document = (b'<!DOCTYPE rss [<!ENTITY maker "Acme &#38; Sons">]><rss version="2.0">'
                b"<channel><title>t</title><item><title>A by &maker;</title>"
                b"<link>https://news.example/a</link></item></channel></rss>")
    assert [e.link for e in parse_feed(document, FEED_URL).entries] == ["https://news.example/a"]


def test_an_article_quoting_entity_syntax_in_its_text_is_not_refused() -> None:
    items = ("<item><title>XML security</title><link>https://news.example/xml</link>"
             "<description>Never trust &lt;!ENTITY x SYSTEM &quot;file:///&quot;&gt;"
             "</description></item>")
    assert len(parse_feed(_rss(items), FEED_URL).entries) == 1


@pytest.mark.parametrize(("document", "reason"), [
    (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "x"><!ENTITY b "&a;&a;&a;">]>'
     b'<opml><body><outline xmlUrl="https://a.example/&b;"/></body></opml>', "refers to other"),
    (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b'<opml><body><outline text="&x;" xmlUrl="https://a.example/f"/></body></opml>',
     r"external \(SYSTEM\)"),
    (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x "plain">]>'
     b'<opml><body><outline text="&x;" xmlUrl="https://a.example/f"/></body></opml>',
     "declares entities"),
])
def test_opml_with_entities_is_refused_naming_why(document: bytes, reason: str) -> None:
    with pytest.raises(MalformedOpmlError, match=reason):
        feed_urls_from_opml(document)


def test_entries_without_a_fetchable_link_are_skipped_and_counted() -> None:
    items = ("<item><title>no link</title><guid isPermaLink='false'>1</guid></item>"
             "<item><title>script</title><link>javascript:alert(document.cookie)</link></item>"
             "<item><title>data</title><link>data:text/html;base64,PGgxPmhpPC9oMT4=</link></item>"
             "<item><title>mail</title><link>mailto:editor@news.example</link></item>"
             "<item><title>real</title><link>HTTPS://news.example/real</link></item>")
    feed = parse_feed(_rss(items), FEED_URL)
    assert [e.title for e in feed.entries] == ["real"]
    assert feed.warning is not None and "4 entry(ies) without an http(s) link skipped" in feed.warning


def test_a_megabyte_title_is_cut_to_a_sane_length() -> None:
    title = "Gansu and Kazakhstan " * 50_000  # about a megabyte
    items = f"<item><title>{title}</title><link>https://news.example/long</link></item>"
    entry = parse_feed(_rss(items), FEED_URL).entries[0]
    assert len(entry.title) <= MAX_TITLE_CHARS
    assert entry.title.startswith("Gansu and Kazakhstan Gansu") and entry.title.endswith("…")
    assert not entry.title[:-1].endswith(" ")


@pytest.fixture(scope="module")
def pages() -> Iterator[RecordingServer]:
    deep = "<div>" * 100_000 + PARAGRAPH * 3 + "</div>" * 100_000
    # About 4 MB, under the 5 MB page cap: the extractor has to wade through all of it.
    huge_inline = (f"<style>{'p{{color:red}}' * 70_000}</style>"
                   f"<img src='data:image/png;base64,{'A' * 2_000_000}'>"
                   f"<article>{PARAGRAPH * 3}</article><script>{'var a = 1;' * 100_000}</script>")
    nul = "<article>" + PARAGRAPH.replace("agreement", "agree\x00ment") * 3 + "</article>\x00\x00"
    russian = ("<p>Провинция Ганьсу и Казахстан подписали соглашение о сотрудничестве в области "  # noqa: RUF001
               "энергетики и металлургии, сообщили официальные лица в Ланьчжоу.</p>") * 3
    chinese = ("<p>甘肃省与哈萨克斯坦签署了有色金属和能源领域的产能合作协议"
               "，双方将在阿拉木图附近建设铜冶炼厂。</p>") * 3  # noqa: RUF001

    def page(body: str, head: str = "") -> str:
        return f"<html><head>{head}<title>Gansu and Kazakhstan</title></head><body>{body}</body></html>"

    def html(content: bytes, charset: str | None = None) -> Answer:
        kind = f"text/html; charset={charset}" if charset else "text/html"
        return Answer(body=content, headers=(("Content-Type", kind),))

    answers = {
        "/deep": html(page(deep).encode()),
        "/huge-inline": html(page(huge_inline).encode()),
        "/nul": html(page(nul).encode()),
        "/header-utf8-is-cp1251": html(page(f"<article>{russian}</article>").encode("cp1251"), "utf-8"),
        "/header-latin1-is-utf8": html(page(f"<article>{russian}</article>").encode(), "iso-8859-1"),
        "/meta-cp1251-is-utf8": html(
            page(f"<article>{russian}</article>", "<meta charset='windows-1251'>").encode()),
        "/unknown-charset-gbk": html(
            page(f"<article>{chinese}</article>", "<meta charset='gbk'>").encode("gbk"), "x-nonsense"),
        "/huge-title": html(page(f"<article>{PARAGRAPH * 3}</article>",
                                 f"<title>{'Gansu copper ' * 100_000}</title>").encode()),
    }
    with RecordingServer(answers, port=FEED_SERVER_PORT) as server:
        yield server


def _fetch(pages: RecordingServer, path: str, settings: Settings,  # type: ignore[no-untyped-def]
           title: str = ""):
    started = time.monotonic()
    try:
        return fetch_article(ArticleLink(url=pages.url(path), title=title), settings)
    finally:
        assert time.monotonic() - started < 30, f"{path} took too long"


def test_deep_nesting_is_a_named_error_not_a_crash(pages: RecordingServer, settings: Settings) -> None:
    with pytest.raises(PermanentError, match="nest deeper than 255 levels") as refused:
        _fetch(pages, "/deep", settings)
    assert "/deep" in str(refused.value)


def test_huge_inline_data_does_not_reach_the_text(pages: RecordingServer, settings: Settings) -> None:
    article = _fetch(pages, "/huge-inline", settings)
    assert article.text.startswith(ARTICLE_TEXT_START)
    assert len(article.text) < 2_000
    assert "base64" not in article.text and "var a" not in article.text


def test_nul_bytes_are_dropped_from_the_text(pages: RecordingServer, settings: Settings) -> None:
    article = _fetch(pages, "/nul", settings)
    assert "\x00" not in article.text and "\x00" not in article.title
    assert "signed an agreement" in article.text


@pytest.mark.parametrize(("path", "expected"), [
    ("/header-utf8-is-cp1251", "Провинция Ганьсу и Казахстан подписали соглашение"),
    ("/header-latin1-is-utf8", "Провинция Ганьсу и Казахстан подписали соглашение"),
    ("/meta-cp1251-is-utf8", "Провинция Ганьсу и Казахстан подписали соглашение"),
    ("/unknown-charset-gbk", "甘肃省与哈萨克斯坦签署了有色金属和能源领域的产能合作协议"),
])
def test_wrongly_declared_encodings_still_give_readable_text(
    pages: RecordingServer, settings: Settings, path: str, expected: str
) -> None:
    assert expected in _fetch(pages, path, settings).text


def test_a_huge_page_title_gives_way_to_the_feeds(pages: RecordingServer, settings: Settings) -> None:
    article = _fetch(pages, "/huge-title", settings, title="Gansu and Kazakhstan sign smelter deal")
    assert article.title == "Gansu and Kazakhstan sign smelter deal"
    assert article.text.startswith(ARTICLE_TEXT_START)
