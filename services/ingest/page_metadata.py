"""Article metadata read from a page's markup: title, author, dates, canonical URL, language.

Publishers state the same facts in several places of uneven quality. Structured data
(JSON-LD) is written for search engines and is usually the cleanest; OpenGraph and plain
meta tags come next; visible elements (<h1>, <time>, <title>) are the last resort.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

# A JSON-LD block larger than this is not metadata; skipping it bounds parse time and memory.
MAX_JSON_LD_CHARS = 512 * 1024
# Nodes visited per JSON-LD block; hostile blocks can nest or repeat without end.
MAX_JSON_LD_NODES = 5000
# Longest string accepted as a title, author or site name; longer ones are page text.
MAX_FIELD_CHARS = 500

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "analysisnewsarticle",
        "backgroundnewsarticle",
        "opinionnewsarticle",
        "reportagenewsarticle",
        "reviewnewsarticle",
        "askpublicnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "report",
        "techarticle",
        "scholarlyarticle",
    }
)

PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "article.published",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "date",
)
AUTHOR_META = (
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
)
LANGUAGE_META = ("content-language", "og:locale", "language", "dc.language", "dcterms.language")

_LANG_RE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$", re.IGNORECASE)
_HTML_TAG_RE = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_BYLINE_RE = re.compile(r"^\s*(?:by|von|par|por|di|door)\s+", re.IGNORECASE)
_TITLE_SEPARATORS = (" | ", " - ", " \u2013 ", " \u2014 ", " :: ", " \u00b7 ")
_EPOCH_RE = re.compile(r"^\d{10}(?:\d{3})?$")
_OFFSET_SPACE_RE = re.compile(r"\s+(?=[+-]\d{2}:?\d{2}$|Z$)")
_JSON_WRAPPER_RE = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$|^\s*<!--|-->\s*$")


@dataclass(frozen=True)
class PageMetadata:
    title: str
    author: str | None
    published: datetime | None
    canonical_url: str | None
    language: str | None
    site_name: str | None
    description: str | None
    # Every headline-like string the page shows, so the text extractor can drop a repeated
    # headline from the start of the body.
    headlines: tuple[str, ...] = ()


Element = lxml.html.HtmlElement

# Text inside these is code or markup for later, never part of a visible title or name.
_NON_TEXT_TAGS = frozenset({"script", "style", "template"})


def _elements(root: Element, tag: str) -> list[Element]:
    return list(root.iter(tag))


def _first(root: Element, tag: str) -> Element | None:
    return next(root.iter(tag), None)


def _with_itemprop(root: Element, value: str) -> list[Element]:
    """Elements whose itemprop is ``value`` (any case), in document order."""
    # XPath finds the few elements with an itemprop in C; a walk over every element in
    # Python cost more than the rest of the metadata.
    tagged = root.xpath("descendant-or-self::*[@itemprop]")
    return [e for e in tagged if str(e.get("itemprop", "")).lower() == value]


def _has_token(element: Element, attribute: str, token: str) -> bool:
    # rel is a space-separated list: rel="author nofollow" is an author link.
    return token in (element.get(attribute) or "").split()


def _text(element: Element) -> str:
    """The element's text and its descendants', joined with spaces (scripts and styles left out)."""
    parts: list[str] = []
    hidden = 0
    for event, node in etree.iterwalk(element, events=("start", "end")):
        code = node.tag in _NON_TEXT_TAGS and node is not element
        if event == "start":
            if code:
                hidden += 1
            elif not hidden and node.text:
                parts.append(node.text)
            continue
        if code:
            hidden -= 1
        if not hidden and node is not element and node.tail:
            parts.append(node.tail)
    return " ".join(parts)


def plain_text(html: str) -> str:
    """The text of an HTML fragment (a feed entry's summary), whitespace collapsed."""
    if not html:
        return ""
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
    root = etree.HTML(html, parser=parser)
    return " ".join(_text(root).split()) if root is not None else ""


def read_metadata(page: Element, markup: str, url: str | None = None) -> PageMetadata:
    """Metadata of one HTML page; fields the page does not state are None (title: "").

    ``page`` is the tree the extractor parsed from ``markup`` (one parse serves both); it
    is only read here, so it must be read before the main-text libraries prune it.
    """
    metas = _meta_values(page)
    article = _json_ld_article(page)
    site_name = _first_text(
        metas.get("og:site_name"), metas.get("application-name"), _name_of(article.get("publisher"))
    )
    headlines = _headlines(page, metas, article)
    return PageMetadata(
        title=_without_site_name(headlines[0], site_name) if headlines else "",
        author=_author(page, metas, article),
        published=_published(page, metas, article),
        canonical_url=_canonical(page, metas, url),
        language=_language(markup, metas, article),
        site_name=site_name,
        description=_first_text(
            metas.get("og:description"),
            metas.get("description"),
            metas.get("twitter:description"),
            _text_value(article.get("description")),
        ),
        headlines=tuple(dict.fromkeys(h for h in headlines if h)),
    )


def parse_date(value: str | None) -> datetime | None:
    """A timezone-aware datetime from the date formats pages use; UTC when no zone is given."""
    if not value:
        return None
    value = " ".join(value.split())
    parsed = _parse_iso(value) or _parse_rfc2822(value) or _parse_epoch(value)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    # CMS placeholders (0001-01-01, 2099-12-31) are not publication dates.
    if parsed.year < 1970 or parsed > datetime.now(UTC) + timedelta(days=2):
        return None
    return parsed


def normalise_language(value: str | None) -> str | None:
    """Primary language subtag, lower-cased: "en-US", "en_GB" and "EN" all give "en"."""
    if not value:
        return None
    match = _LANG_RE.match(value.strip().split(",")[0].strip())
    return match.group(1).lower() if match else None


# --- meta tags -----------------------------------------------------------------------------


def _meta_values(page: Element) -> dict[str, str]:
    """First non-empty content of each meta key (property, name, itemprop or http-equiv)."""
    values: dict[str, str] = {}
    for meta in _elements(page, "meta"):
        content = _clean(meta.get("content"))
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if isinstance(key, str) and key.strip():
                values.setdefault(key.strip().lower(), content)
    return values


# --- JSON-LD -------------------------------------------------------------------------------


def _json_ld_article(page: Element) -> dict[str, Any]:
    """The first article-typed JSON-LD node of the page, with @id references resolvable."""
    scripts = [s for s in _elements(page, "script") if "ld+json" in str(s.get("type", "")).lower()]
    nodes = [node for script in scripts for node in _json_ld_nodes(script)]
    by_id: dict[str, dict[str, Any]] = {}
    for node in nodes:
        # A bare {"@id": ...} is a reference, not the node it names.
        if isinstance(node.get("@id"), str) and len(node) > 1:
            by_id.setdefault(node["@id"], node)
    for node in nodes:
        if _types(node) & ARTICLE_TYPES:
            return _resolved(node, by_id)
    return {}


def _json_ld_nodes(script: Element) -> Iterator[dict[str, Any]]:
    text = script.text or ""
    if not text.strip() or len(text) > MAX_JSON_LD_CHARS:
        return
    try:
        data = json.loads(_JSON_WRAPPER_RE.sub("", text), strict=False)
    except (ValueError, RecursionError):
        # Broken JSON-LD is common and never a reason to fail the page.
        return
    stack: list[Any] = [data]
    visited = 0
    while stack and visited < MAX_JSON_LD_NODES:
        item = stack.pop()
        visited += 1
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            stack.extend(reversed([v for v in item.values() if isinstance(v, dict | list)]))


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    # "schema:NewsArticle" and "http://schema.org/NewsArticle" name the same type.
    return {re.split(r"[/:#]", n)[-1].lower() for n in names if isinstance(n, str)}


def _resolved(node: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The node with one level of {"@id": ...} references replaced by the nodes they name."""

    def resolve(value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"@id"}:
            return by_id.get(value["@id"], value)
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    return {key: resolve(value) for key, value in node.items()}


def _name_of(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return _text_value(value)


def _text_value(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return _clean(value)
    return None


# --- fields --------------------------------------------------------------------------------


def _headlines(page: Element, metas: dict[str, str], article: dict[str, Any]) -> list[str]:
    """Headline candidates, best first; the page <title> without its site-name suffix."""
    h1 = _first(page, "h1")
    title = _first(page, "title")
    candidates = [
        metas.get("og:title"),
        _text_value(article.get("headline")),
        metas.get("twitter:title"),
        metas.get("headline"),
        _clean(_text(title)) if title is not None else None,
        _clean(_text(h1)) if h1 is not None else None,
    ]
    return [c for c in candidates if c and len(c) <= MAX_FIELD_CHARS]


def _without_site_name(title: str, site_name: str | None) -> str:
    if not site_name:
        return title
    for separator in _TITLE_SEPARATORS:
        head, _, tail = title.rpartition(separator)
        if head.strip() and tail.strip().lower() == site_name.lower():
            return head.strip()
    return title


def _author(page: Element, metas: dict[str, str], article: dict[str, Any]) -> str | None:
    names = _person_names(article.get("author"))
    if not names:
        # Meta tags repeat one byline under several keys: the first real name is enough.
        names = [v for key in AUTHOR_META if _clean_person(v := metas.get(key))][:1]
    if not names:
        names = [_itemprop_author(tag) for tag in _with_itemprop(page, "author")]
    if not names:
        names = [_text(tag) for tag in _elements(page, "a") if _has_token(tag, "rel", "author")]
    cleaned = [name for raw in names if (name := _clean_person(raw))]
    return ", ".join(dict.fromkeys(cleaned)) or None


def _person_names(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in values:
        if isinstance(item, dict):
            item = item.get("name")
        if isinstance(item, str):
            names.append(item)
    return names


def _itemprop_author(tag: Element) -> str:
    if tag.tag == "meta":
        return str(tag.get("content") or "")
    name = next((e for e in tag.iterdescendants(etree.Element) if e.get("itemprop") == "name"), None)
    if name is not None:
        return str(name.get("content") or _text(name))
    return _text(tag)


def _clean_person(raw: str | None) -> str | None:
    name = _clean(raw)
    if not name or len(name) > MAX_FIELD_CHARS:
        return None
    # article:author is often a profile URL, which is not a name.
    if re.match(r"^(https?:)?//|^www\.", name, re.IGNORECASE):
        return None
    return _BYLINE_RE.sub("", name).strip() or None


def _published(page: Element, metas: dict[str, str], article: dict[str, Any]) -> datetime | None:
    candidates: list[str | None] = [_text_value(article.get("datePublished"))]
    candidates += [metas.get(key) for key in PUBLISHED_META]
    for tag in _with_itemprop(page, "datepublished"):
        candidates.append(_first_text(tag.get("content"), tag.get("datetime"), _text(tag)))
    times = _elements(page, "time")
    candidates += [t.get("datetime") for t in times if "pubdate" in t.attrib]
    candidates += [t.get("datetime") for t in times]
    for candidate in candidates:
        if isinstance(candidate, str) and (parsed := parse_date(candidate)):
            return parsed
    return None


def _canonical(page: Element, metas: dict[str, str], url: str | None) -> str | None:
    base = url or ""
    base_tag = next((b for b in page.iter("base") if b.get("href") is not None), None)
    if base_tag is not None:
        base = urljoin(base, str(base_tag.get("href")).strip())
    hrefs = [
        str(link.get("href") or "")
        for link in _elements(page, "link")
        if _has_token(link, "rel", "canonical")
    ]
    hrefs.append(metas.get("og:url") or "")
    for href in hrefs:
        # Whitespace inside URLs is a copy-paste artefact in templates, never meaningful.
        href = "".join(href.split())
        if not href:
            continue
        absolute = urljoin(base, href)
        parts = urlsplit(absolute)
        if parts.scheme in ("http", "https") and parts.netloc:
            return absolute
    return None


def _language(markup: str, metas: dict[str, str], article: dict[str, Any]) -> str | None:
    candidates = [_html_lang(markup)]
    candidates += [metas.get(key) for key in LANGUAGE_META]
    candidates.append(_text_value(article.get("inLanguage")))
    for candidate in candidates:
        if language := normalise_language(candidate):
            return language
    return None


def _html_lang(markup: str) -> str | None:
    # The markup's first <html> start tag, parsed on its own, whatever the parser made of
    # a page with several.
    match = _HTML_TAG_RE.search(markup, 0, 64 * 1024)
    if not match:
        return None
    html = etree.HTML(match.group(0))
    if html is None:
        return None
    lang = html.get("lang") or html.get("xml:lang")
    return lang if isinstance(lang, str) else None


# --- helpers -------------------------------------------------------------------------------


def _parse_iso(value: str) -> datetime | None:
    value = _OFFSET_SPACE_RE.sub("", value)
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _parse_rfc2822(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def _parse_epoch(value: str) -> datetime | None:
    if not _EPOCH_RE.match(value):
        return None
    seconds = int(value) / (1000 if len(value) == 13 else 1)
    return datetime.fromtimestamp(seconds, UTC)


def _first_text(*values: Any) -> str | None:
    for value in values:
        if isinstance(value, str) and (text := _clean(value)):
            return text
    return None


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None
