"""readability-lxml's Document, with its page cleaning cut to what the text depends on.

Before each pass, readability cleans the page with an lxml Cleaner whose ``javascript``
option rewrites every link of the page (``javascript:`` URLs emptied) and deletes every
``on*`` event attribute, two walks over the whole tree in Python that take a third of
readability's time on news pages. The extractor keeps only the text of readability's
summary (and class names, to skip captions), and the one link readability itself reads
is an iframe's ``src`` (a video iframe is kept). So this Document cleans with the same
Cleaner minus the ``javascript`` option, then cleans the iframes alone of javascript: the
summary's text is the same, only link and event-handler attribute values in its markup
may differ.
"""

from __future__ import annotations

from typing import Any

from lxml.html import HtmlElement
from lxml_html_clean import Cleaner
from readability import Document
from readability.readability import REGEXES

# readability's own cleaner (readability.cleaners.html_cleaner), settings copied except
# ``javascript``; see the module docstring.
_CLEANER = Cleaner(
    scripts=True,
    javascript=False,
    comments=True,
    style=True,
    links=True,
    meta=False,
    add_nofollow=False,
    page_structure=False,
    processing_instructions=True,
    embedded=False,
    frames=False,
    forms=False,
    annoying_tags=False,
    remove_tags=None,
    remove_unknown_tags=False,
    safe_attrs_only=False,
)
# The javascript part of readability's cleaning alone, for iframes.
_IFRAME_CLEANER = Cleaner(
    scripts=False,
    javascript=True,
    comments=False,
    style=False,
    inline_style=False,
    links=False,
    meta=False,
    add_nofollow=False,
    page_structure=False,
    processing_instructions=False,
    embedded=False,
    frames=False,
    forms=False,
    annoying_tags=False,
    remove_tags=None,
    remove_unknown_tags=False,
    safe_attrs_only=False,
)


class ArticleDocument(Document):
    """A readability Document of an already parsed page, cleaned as described above.

    Only for trees (the extractor parses once) and without ``url``: link targets are
    never made absolute, as they are not read.
    """

    def __init__(self, tree: HtmlElement, **options: Any) -> None:
        if "url" in options:
            raise TypeError("ArticleDocument does not resolve links against a url")
        super().__init__(tree, **options)

    def _parse(self, input: HtmlElement) -> HtmlElement:
        # readability.Document._parse for a tree input without url, step for step, but
        # with _CLEANER and the iframe-only javascript cleaning. Every pass cleans a fresh copy
        # (clean_html copies), so a second, less ruthless pass starts from the page again.
        doc = input
        self.encoding = "utf-8"
        for elem in doc.xpath("//*[@hidden]"):
            elem.drop_tree()
        for elem in doc.xpath("//*[@style]"):
            if REGEXES["displayNoneRe"].search(elem.get("style")):
                elem.drop_tree()
        doc = _CLEANER.clean_html(doc)
        for iframe in list(doc.iter("iframe")):
            _IFRAME_CLEANER(iframe)
        doc.resolve_base_href(handle_failures=self.handle_failures)
        return doc
