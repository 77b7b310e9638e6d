"""Feed lists in OPML, the format feed readers export and import subscriptions in."""

from __future__ import annotations

from urllib.parse import urljoin

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from services.common.errors import PermanentError


class MalformedOpmlError(PermanentError):
    pass


def feed_urls_from_opml(content: bytes, base_url: str | None = None) -> list[str]:
    """Every ``xmlUrl`` of an OPML document, in order, without duplicates.

    Parsed with defusedxml: an OPML file comes from anywhere, and entity-expansion
    bombs must fail cleanly instead of eating the machine's memory.
    """
    try:
        root = ElementTree.fromstring(content)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
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
