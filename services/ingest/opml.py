"""Feed lists in OPML, the format feed readers export and import subscriptions in."""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import formatdate
from urllib.parse import urljoin
from xml.etree import ElementTree as BuildTree

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from services.common.errors import PermanentError
from services.ingest.xml_entities import dangerous_entity


class MalformedOpmlError(PermanentError):
    pass


def feed_urls_from_opml(content: bytes, base_url: str | None = None) -> list[str]:
    """Every ``xmlUrl`` of an OPML document, in order, without duplicates.

    Parsed with defusedxml: an OPML file comes from anywhere, and entity-expansion
    bombs must fail cleanly instead of eating the machine's memory.
    """
    if entity_problem := dangerous_entity(content):
        raise MalformedOpmlError(f"OPML document refused: {entity_problem}")
    try:
        root = ElementTree.fromstring(content)
    except DefusedXmlException as exc:  # any entity at all: OPML has no use for them
        raise MalformedOpmlError(
            f"OPML document refused: it declares entities or external references ({exc})"
        ) from exc
    except ElementTree.ParseError as exc:
        raise MalformedOpmlError(f"not a readable OPML document ({exc})") from exc
    if root.tag.lower() != "opml":
        raise MalformedOpmlError(f"not an OPML document (root element is <{root.tag}>)")
    urls: list[str] = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue
        absolute = urljoin(base_url, url) if base_url else url
        if absolute.startswith(("http://", "https://")) and absolute not in urls:
            urls.append(absolute)
    return urls


def opml_document(feeds: Iterable[tuple[str, str]], title: str = "BRI Monitor feeds") -> bytes:
    """OPML 2.0 listing ``(url, title)`` feeds, readable by feed readers and `bri feeds import`.

    Built as a tree, so titles and URLs are escaped whatever characters they hold.
    """
    root = BuildTree.Element("opml", version="2.0")
    head = BuildTree.SubElement(root, "head")
    BuildTree.SubElement(head, "title").text = title
    BuildTree.SubElement(head, "dateCreated").text = formatdate(usegmt=True)
    body = BuildTree.SubElement(root, "body")
    for url, feed_title in feeds:
        label = feed_title or url
        BuildTree.SubElement(body, "outline", type="rss", text=label, title=label, xmlUrl=url)
    BuildTree.indent(root)
    return BuildTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
