"""Main text and metadata of a fetched article page.

The main text comes from trafilatura, cross-checked with readability-lxml: the two
libraries fail in different ways, so where they agree on the article, the parts only
trafilatura kept at the start or end of the text are page furniture (related links,
newsletter boxes, share bars) and are dropped, and a run of prose paragraphs only
readability found (an article split in two by an ad or a widget) is added back.
Metadata (title, author, dates, canonical URL, language) comes from ``page_metadata``.
"""

from __future__ import annotations

import codecs
import functools
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import charset_normalizer
import lxml.html
import trafilatura
from bs4.dammit import EncodingDetector
from lxml import etree
from readability.readability import Unparseable

from services.ingest.page_metadata import read_metadata
from services.ingest.readability_document import ArticleDocument

log = logging.getLogger(__name__)

# Only this much of a document is parsed (bytes, or characters for text input); the rest
# is dropped. Article text sits near the top, and the cap bounds time and memory on
# hostile or runaway pages.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# How much of the document is searched for a charset declaration and fed to detection.
ENCODING_SAMPLE_BYTES = 64 * 1024
# libxml2's nesting limit; deeper content is not parsed (see _parse).
MAX_DEPTH = 255
# Share of control characters above which decoded "text" is binary data.
MAX_CONTROL_CHAR_RATIO = 0.02

# The cross-check only applies when readability read the same article: it must contain
# at least this share of trafilatura's words.
MIN_AGREEMENT = 0.5
# A paragraph counts as already present when this share of its word 4-grams is found.
MIN_COVERAGE = 0.5
# Readability's time grows with the element count; past this many elements (news pages
# have a few thousand) the page is left to trafilatura alone, which halves the worst case.
CROSS_CHECK_MAX_ELEMENTS = 20_000
# Paragraphs only readability found are added back only as a run of this many prose
# paragraphs of at least RESCUE_MIN_WORDS words each; single stray ones are captions,
# teasers and author bios far more often than article text.
RESCUE_MIN_PARAGRAPHS = 5
RESCUE_MIN_WORDS = 25

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive or office document"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "an executable"),
    (b"OggS", "an Ogg media file"),
    (b"ID3", "an MP3 audio file"),
    (b"\x00\x00\x00\x18ftyp", "an MP4 media file"),
    (b"\x00\x00\x00\x20ftyp", "an MP4 media file"),
)
_FEED_ROOTS = {
    "rss": "an RSS feed",
    "feed": "an Atom feed",
    "rdf:rdf": "an RDF/RSS feed",
    "svg": "an SVG image",
}

# WHATWG decodes these labels with a superset encoding; pages rely on the superset's
# extra characters (curly quotes in "iso-8859-1", rare hanzi in "gb2312").
_SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
    # A declaration readable as ASCII cannot be UTF-16/32, whatever it says.
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
    "utf-32": "utf-8",
    "utf-32-le": "utf-8",
    "utf-32-be": "utf-8",
}
_LABEL_ALIASES = {
    "x-gbk": "gb18030",
    "x-sjis": "cp932",
    "x-user-defined": "cp1252",
    "x-mac-roman": "mac-roman",
    "unicode": "utf-8",
}

_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_MARKUP_RE = re.compile(r"<(?:!doctype|[a-z][a-z0-9:-]*[\s/>])", re.IGNORECASE)
_ROOT_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!doctype[^>]*>\s*|<\?[^>]*>\s*)*<([a-z][\w:.-]*)",
    re.IGNORECASE | re.DOTALL,
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_WORD_RE = re.compile(r"\w+")
_SENTENCE_END = (".", "!", "?", '"', "\u201d", "\u2019", ")", "\u2026", ":")

# Blocks of readability's output that end a paragraph; text between them is one paragraph.
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "figure", "figcaption"})


@dataclass(frozen=True)
class Extraction:
    title: str
    text: str  # main text, paragraphs separated by "\n\n"
    author: str | None
    published: datetime | None  # timezone-aware (UTC if the page gives no zone)
    canonical_url: str | None  # absolute, from <link rel=canonical> or og:url
    language: str | None  # primary subtag, e.g. "en"
    site_name: str | None
    description: str | None


class ExtractionError(ValueError):
    """The document is not an HTML article page; the message says what was wrong."""


def extract_article(
    html: str | bytes, url: str | None = None, charset: str | None = None
) -> Extraction:
    """Main text and metadata of an article page given as markup or raw bytes.

    ``charset`` is the one the HTTP Content-Type header named, if any. Only the first
    MAX_DOCUMENT_BYTES are read. Raises ExtractionError for empty input, binary data,
    non-HTML documents and pages without any text.
    """
    markup = _markup(html, charset)
    tree, too_deep = _parse(markup)
    metadata = read_metadata(tree, markup, url)
    paragraphs = main_text_paragraphs(tree, metadata.headlines)
    if not paragraphs:
        reason = f" (tags nest deeper than {MAX_DEPTH} levels; the rest was not read)"
        raise ExtractionError("no article text found in the page" + (reason if too_deep else ""))
    return Extraction(
        title=metadata.title,
        text="\n\n".join(paragraphs),
        author=metadata.author,
        published=metadata.published,
        canonical_url=metadata.canonical_url,
        language=metadata.language,
        site_name=metadata.site_name,
        description=metadata.description,
    )


# --- input ---------------------------------------------------------------------------------


def _markup(document: str | bytes, charset: str | None) -> str:
    if isinstance(document, bytes | bytearray | memoryview):
        data = bytes(document[:MAX_DOCUMENT_BYTES])
        if not data.strip():
            raise ExtractionError("empty document")
        _reject_binary_signature(data)
        text = decode_html(data, charset)
    elif isinstance(document, str):
        text = document[:MAX_DOCUMENT_BYTES]
    else:
        raise TypeError(f"expected str or bytes, got {type(document).__name__}")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ExtractionError("empty document")
    _reject_non_html(text)
    return text


def _reject_binary_signature(data: bytes) -> None:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise ExtractionError(f"not HTML: the document is {kind}")


def _reject_non_html(text: str) -> None:
    sample = text[:4096]
    if len(_CONTROL_RE.findall(sample)) > MAX_CONTROL_CHAR_RATIO * len(sample):
        raise ExtractionError("not HTML: the document is binary data")
    root = _ROOT_RE.match(text[:ENCODING_SAMPLE_BYTES])
    if root and (kind := _FEED_ROOTS.get(root.group(1).lower())):
        raise ExtractionError(f"not HTML: the document is {kind}")
    if not _MARKUP_RE.search(text):
        raise ExtractionError("not HTML: no markup found in the document")


def decode_html(data: bytes, http_charset: str | None = None) -> str:
    """Text of an HTML document given as bytes; never fails on wrong or missing charsets.

    Order: byte-order mark, then UTF-8 (valid UTF-8 is almost never anything else, and
    pages and servers often declare a legacy charset they no longer use), then the
    charset of the HTTP header, then the one declared in the page, then statistical
    detection; as a last resort the named or declared charset with replacement characters.
    Detection alone misreads pages whose little text sits in much markup, so a charset
    the server names is worth having.
    """
    body, bom_encoding = EncodingDetector.strip_byte_order_mark(data)
    if bom_encoding:
        return body.decode(bom_encoding, errors="replace")
    named = _codec(http_charset) if http_charset else None
    declared = _declared_encoding(data)
    for encoding in ("utf-8", named, declared):
        if encoding and (text := _decode_strict(data, encoding)) is not None:
            return text
    # Detection is statistical and the slowest step, so it only runs when needed.
    detected = _detected_encoding(data)
    if detected and (text := _decode_strict(data, detected)) is not None:
        return text
    return data.decode(named or declared or detected or "cp1252", errors="replace")


def _declared_encoding(data: bytes) -> str | None:
    label = EncodingDetector.find_declared_encoding(
        data[:ENCODING_SAMPLE_BYTES], is_html=True, search_entire_document=True
    )
    return _codec(label) if label else None


def _detected_encoding(data: bytes) -> str | None:
    best = charset_normalizer.from_bytes(data[:ENCODING_SAMPLE_BYTES]).best()
    return _codec(best.encoding) if best is not None else None


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    try:
        name = codecs.lookup(_LABEL_ALIASES.get(label, label)).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _decode_strict(data: bytes, encoding: str) -> str | None:
    # Incremental, so a multi-byte character cut by the size cap does not fail the decode.
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        return decoder.decode(data, final=False)
    except UnicodeDecodeError:
        return None


def _parse(markup: str) -> tuple[lxml.html.HtmlElement, bool]:
    """The page's tree, and whether libxml2 stopped at its nesting limit.

    The limit stays on: past it, the libraries walking the tree in Python would recurse
    deeper than the interpreter allows.
    """
    # lxml refuses text that still carries an XML encoding declaration, and NULs end
    # libxml2's input early.
    markup = _XML_DECLARATION_RE.sub("", markup, count=1).replace("\x00", "")
    parser = _parser()
    try:
        tree = lxml.html.document_fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"not HTML: {exc}") from exc
    too_deep = any(
        e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT and "depth" in e.message.lower()
        for e in parser.error_log
    )
    if too_deep:
        log.info("page nests tags deeper than %d levels; the rest was not read", MAX_DEPTH)
    return tree, too_deep


# lxml.html picks each element's Python class in a Python method, called again whenever an
# element is reached afresh, and the extraction libraries reach every element many times.
# The same classes from a lookup in C; only the form controls' subclasses (FormElement,
# InputElement, ...) become plain HtmlElements, and nothing here uses their extras.
_ELEMENT_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def _parser() -> lxml.html.HTMLParser:
    # One per parse: parsers keep their error log, and workers may run threads.
    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False
    )
    parser.set_element_class_lookup(_ELEMENT_CLASSES)
    return parser


# --- main text -----------------------------------------------------------------------------


def main_text_paragraphs(tree: lxml.html.HtmlElement, headlines: Sequence[str] = ()) -> list[str]:
    """Paragraphs of the article's main text, without a repeated headline at the start.

    ``tree`` is consumed: readability prunes it in place.
    """
    # Counted in C; the parser keeps no comments or processing instructions, so these are
    # all the nodes readability walks.
    element_count = int(tree.xpath("count(descendant-or-self::*)"))
    primary = _without_headline(trafilatura_paragraphs(tree), headlines)
    if element_count > CROSS_CHECK_MAX_ELEMENTS:
        return primary
    secondary = _without_headline(readability_paragraphs(tree), headlines)
    return combine(primary, secondary)


def trafilatura_paragraphs(tree: lxml.html.HtmlElement) -> list[str]:
    # fast=True skips trafilatura's own fallback extractors: readability is consulted
    # below anyway, and on news pages the fallbacks add boilerplate more often than text.
    text = trafilatura.extract(
        tree,
        fast=True,
        favor_recall=True,
        include_comments=False,
        include_tables=True,
        output_format="txt",
    )
    return _paragraphs((text or "").split("\n"))


def readability_paragraphs(tree: lxml.html.HtmlElement) -> list[str]:
    try:
        summary = ArticleDocument(tree).summary(html_partial=True)
    except Unparseable as exc:
        log.debug("readability found no article: %s", exc)
        return []
    if not summary.strip():
        return []
    try:
        article = lxml.html.fragment_fromstring(summary, create_parent="div", parser=_parser())
    except (etree.ParserError, ValueError, AssertionError):
        # lxml asserts ("too many bodies") when readability's summary of an empty page
        # is a bare <html></html>: no article there either.
        return []
    return _paragraphs(_block_texts(article))


def _block_texts(root: lxml.html.HtmlElement) -> Iterable[str]:
    """Text of each block of a tree, walking it without recursion."""
    parts: list[str] = []
    skipping = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        # Captions repeat beside the text they illustrate and are not article text.
        skip = tag in _SKIPPED_TAGS or "caption" in (element.get("class") or "")
        if event == "start":
            if skip:
                skipping += 1
            if tag in _BLOCK_TAGS and parts:
                yield "".join(parts)
                parts.clear()
            if not skipping and element.text and tag:
                parts.append(element.text)
            continue
        if skip:
            skipping -= 1
        if tag in _BLOCK_TAGS and parts:
            yield "".join(parts)
            parts.clear()
        if not skipping and element.tail and element is not root:
            parts.append(element.tail)
    if parts:
        yield "".join(parts)


def _paragraphs(lines: Iterable[str]) -> list[str]:
    cleaned = (" ".join(line.split()) for line in lines)
    return [line for line in cleaned if line]


def _without_headline(paragraphs: list[str], headlines: Sequence[str]) -> list[str]:
    """Drop leading paragraphs that repeat the headline; article bodies never start so."""
    # Padded with spaces so that only whole words match: a kicker like "Business" or the
    # headline itself inside "Headline | Site" counts, a word fragment does not.
    keys = [f" {key} " for key in (_normalised(h) for h in headlines) if key]
    start = 0
    while start < len(paragraphs):
        first = _normalised(paragraphs[start])
        if not first or not any(f" {first} " in key for key in keys):
            break
        start += 1
    return paragraphs[start:]


def combine(primary: list[str], secondary: list[str]) -> list[str]:
    """Trafilatura's paragraphs (primary), corrected with readability's (secondary)."""
    if not primary:
        return list(dict.fromkeys(secondary))
    if not secondary:
        return primary
    found_by_secondary = _ShingleSet(secondary)
    covered = [found_by_secondary.covers(p) for p in primary]
    agreed = sum(len(_words(p)) for p, c in zip(primary, covered, strict=True) if c)
    # Without a covered paragraph (primary text of no words at all agrees vacuously),
    # or below the agreement share, readability read some other part of the page.
    if not any(covered) or agreed < MIN_AGREEMENT * sum(len(_words(p)) for p in primary):
        return primary
    first = covered.index(True)
    last = len(covered) - 1 - covered[::-1].index(True)
    return _with_rescued(primary[first : last + 1], primary, secondary)


def _with_rescued(kept: list[str], primary: list[str], secondary: list[str]) -> list[str]:
    found_by_primary = _ShingleSet(primary)
    missing = {p for p in dict.fromkeys(secondary) if _is_prose(p) and not found_by_primary.covers(p)}
    if len(missing) < RESCUE_MIN_PARAGRAPHS:
        return kept
    # Rebuild in readability's order: each rescued paragraph goes after the kept
    # paragraph that readability showed just before it.
    position = {p: i for i, p in enumerate(kept)}
    kept_set = _ShingleSet(kept)
    after: dict[int, list[str]] = {}
    anchor = -1
    for paragraph in dict.fromkeys(secondary):
        if paragraph in missing:
            after.setdefault(anchor, []).append(paragraph)
        elif (match := kept_set.best_match(paragraph)) is not None:
            anchor = max(anchor, position[match])
    result = after.get(-1, [])
    for index, paragraph in enumerate(kept):
        result.append(paragraph)
        result.extend(after.get(index, []))
    return result


def _is_prose(paragraph: str) -> bool:
    return len(_words(paragraph)) >= RESCUE_MIN_WORDS and paragraph.endswith(_SENTENCE_END)


class _ShingleSet:
    """Word 4-grams of a list of paragraphs, to ask whether another paragraph is among them."""

    def __init__(self, paragraphs: Iterable[str]) -> None:
        self._owner: dict[tuple[str, ...], str] = {}
        for paragraph in paragraphs:
            for shingle in _shingles(paragraph):
                self._owner.setdefault(shingle, paragraph)

    def covers(self, paragraph: str) -> bool:
        shingles = _shingles(paragraph)
        if not shingles:
            return False
        found = sum(1 for s in shingles if s in self._owner)
        return found >= MIN_COVERAGE * len(shingles)

    def best_match(self, paragraph: str) -> str | None:
        counts: dict[str, int] = {}
        for shingle in _shingles(paragraph):
            if (owner := self._owner.get(shingle)) is not None:
                counts[owner] = counts.get(owner, 0) + 1
        return max(counts, key=counts.__getitem__) if counts else None


# The cross-check asks about each paragraph several times (coverage both ways, prose,
# anchors); a page's paragraphs fit in the cache, so each is split into words once.
@functools.lru_cache(maxsize=512)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD_RE.findall(text.lower()))


@functools.lru_cache(maxsize=512)
def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = _words(text)
    if len(words) < 4:
        return frozenset({words}) if words else frozenset()
    return frozenset(words[i : i + 4] for i in range(len(words) - 3))


def _normalised(text: str) -> str:
    return " ".join(_words(text))
