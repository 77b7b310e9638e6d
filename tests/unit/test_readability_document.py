"""readability's Document with lighter cleaning (services.ingest.readability_document)."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from readability import Document

from services.ingest.readability_document import ArticleDocument

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "extract"
PROSE = (
    "The provincial government signed a cooperation agreement with the visiting delegation, "
    "covering rail freight, customs clearance and a new logistics park near the border."
)
SCRIPTED_PAGE = (
    "<html><head><title>Story</title></head><body>"
    "<div class='menu'><a href='javascript:void(0)' onclick='openMenu()'>Menu</a></div>"
    "<article><h2 onmouseover='track()'>Rail freight grows</h2>"
    + "".join(f"<p onclick='x()'>{PROSE} <a href=' /more '>More</a> ({n})</p>" for n in range(6))
    + "<iframe src=' https://www.youtube.com '></iframe>"
    "<iframe src='javascript:alert(1)'>fallback</iframe>"
    "<p style='display:none'>Hidden teaser text that is never shown to readers at all.</p>"
    "</article><footer>Contact us</footer></body></html>"
)


def _tree(markup: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(markup)


def _text(summary: str) -> str:
    return " ".join(lxml.html.fragment_fromstring(summary, create_parent="div").text_content().split())


@pytest.mark.parametrize(
    ("markup", "phrase"),
    [((FIXTURES / "news_article.html").read_text(encoding="utf-8"), "Gansu"), (SCRIPTED_PAGE, PROSE)],
    ids=["news-page", "scripted-page"],
)
def test_summary_text_is_readabilitys_own(markup: str, phrase: str) -> None:
    ours = ArticleDocument(_tree(markup)).summary(html_partial=True)
    theirs = Document(_tree(markup)).summary(html_partial=True)
    assert _text(ours) == _text(theirs)
    assert phrase in _text(ours)


def test_a_video_iframe_is_kept_and_a_javascript_one_dropped() -> None:
    summary = ArticleDocument(_tree(SCRIPTED_PAGE)).summary(html_partial=True)
    # readability marks a kept video iframe with the text "VIDEO"; the javascript: one
    # goes with its fallback text, as with readability's own cleaning.
    assert "VIDEO" in _text(summary)
    assert "fallback" not in _text(summary)
    assert "Hidden teaser" not in _text(summary)


def test_a_url_to_resolve_links_against_is_refused() -> None:
    with pytest.raises(TypeError):
        ArticleDocument(_tree(SCRIPTED_PAGE), url="https://example.com/")
