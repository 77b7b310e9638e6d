"""Properties over arbitrary input: the extractor and the classifier never crash, and every
pairing's evidence is exactly the text at its offsets.

Arbitrary text almost never names a province, a country and a cooperation cue in one
sentence, so the generated text mixes random characters with gazetteer names, cue words
and the characters that break offset bookkeeping (case changes that alter length,
combining marks, wide punctuation, line breaks). Example counts come from the Hypothesis
profile in tests/conftest.py (modest: CI has two cores); `--hypothesis-profile=thorough`
runs many more.
"""

from __future__ import annotations

import contextlib
import math

from hypothesis import given
from hypothesis import strategies as st

from services.classify.classifier import get_classifier
from services.ingest.extract import ExtractionError, extract_article

NEWS_WORDS = [
    "Gansu", "Kazakhstan", "Xinjiang", "Urumqi", "Henan", "Morocco", "Anhui", "Chile", "Qinghai",
    "Turkmenistan", "Guangxi", "Vietnam", "Lang Son", "Xi'an", "Shaanxi", "Beijing", "Shanghai",
    "Shanghai Cooperation Organisation", "Hefei", "Tashkent", "Uzbekistan", "Astana", "Kazakh",
    " province ", " signed an agreement with ", " will build a copper smelter in ", " cooperation ",
    " investment ", " freight train to ", " opened a plant in ", " and ", " said ", " officials ",
    " company from ", " capacity cooperation ", " Belt and Road ", "steel", "railway", "solar",
    ". ", ", ", "; ", "\n", "\n\n", " (", ") ", "“", "”", "—", "…", "Dr. ", "U.S. ", "No. 5 ",
    "İ", "ß", "ﬁ", "e\u0301", "Ǆ", "ΐ", "\u00a0", "\u3002", "\uff0c", "甘肃", "哈萨克斯坦", "Ганьсу",
]
news_text = st.lists(st.one_of(st.sampled_from(NEWS_WORDS), st.text(max_size=12)),
                     max_size=60).map("".join)

HTML_PIECES = [
    "<html>", "</html>", "<head>", "<body>", "<title>", "</title>", "<article>", "</article>",
    "<div>", "</div>", "<p>", "</p>", "<br>", "<script>", "</script>", "<style>", "</style>",
    "<!--", "-->", "<![CDATA[", "]]>", "&amp;", "&#0;", "&#x110000;", "&nbsp;", "&bogus;",
    "<meta charset='utf-16'>", "<meta charset='nonsense'>", "<meta property='og:title' content='",
    "<link rel='canonical' href='javascript:x'>", "<time datetime='99999-99-99'>", "<h1>",
    "</h1>", "<a href='", "'>", "\x00", "\ufeff", "<", ">", "\"", "<noscript>", "<svg><text>",
    "<table><tr><td>", "<base href='::'>", "<html lang='zz-'>",
]
html_text = st.lists(st.one_of(st.sampled_from(HTML_PIECES), news_text), max_size=40).map("".join)


@given(html_text)
def test_the_extractor_never_crashes_on_arbitrary_html(html: str) -> None:
    try:
        article = extract_article(html, "https://news.example/a")
    except ExtractionError:
        return  # the named "no article text" error, dead-lettered with its reason
    assert isinstance(article.text, str) and "\x00" not in article.text


@given(st.binary(max_size=4096), st.one_of(st.none(), st.sampled_from(
    ["utf-8", "gbk", "koi8-r", "utf-16", "x-nonsense", "", "windows-1252"])))
def test_the_extractor_never_crashes_on_arbitrary_bytes(data: bytes, charset: str | None) -> None:
    with contextlib.suppress(ExtractionError):  # the named "no article text" error
        extract_article(data, "https://news.example/a", charset)


@given(text=news_text, title=st.one_of(st.just(""), news_text))
def test_every_pairing_evidence_is_the_text_at_its_offsets(text: str, title: str) -> None:
    labels = get_classifier().classify(text, title=title)
    for pairing in labels.pairings:
        if pairing.start is None:  # evidence in the title
            assert pairing.end is None
            assert pairing.evidence in f"{title}\n{text}"
            continue
        assert pairing.end is not None
        assert 0 <= pairing.start <= pairing.end <= len(text)
        assert text[pairing.start : pairing.end] == pairing.evidence


@given(st.text(max_size=2000))
def test_the_classifier_never_crashes_on_arbitrary_text(text: str) -> None:
    labels = get_classifier().classify(text)
    assert math.isfinite(labels.relevance)
    assert all(p.start is None or 0 <= p.start <= (p.end or 0) <= len(text) for p in labels.pairings)


def test_the_generated_news_text_does_produce_pairings() -> None:
    """Guards the property above from passing vacuously on text that never pairs."""
    text = "Gansu province signed an agreement with Kazakhstan on a copper smelter."
    assert get_classifier().classify(text).pairings
