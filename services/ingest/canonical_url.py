"""Canonical article URLs and the stable ids derived from them.

The same story reaches us under many URLs (tracking parameters, fragments, upper-case
hosts, a feed link that differs from the page's canonical link). Everything that dedupes
or keys a document goes through here, so one story maps to one id.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urljoin, urlsplit

from courlan import normalize_url


def normalise(url: str) -> str:
    """Lower-cased scheme and host, no fragment, no tracking parameters (utm_*, fbclid...)."""
    try:
        return normalize_url(url.strip(), strict=True)
    except ValueError:
        return url.strip()


def choose_canonical(fetched_url: str, declared: str | None) -> str:
    """The page's declared canonical URL when it is on the same site, else the fetched URL.

    A page may only speak for its own site: a hostile page declaring another site's
    article as its canonical must not be able to overwrite that article's document.
    """
    fetched = normalise(fetched_url)
    if not declared:
        return fetched
    candidate = normalise(urljoin(fetched_url, declared))
    if urlsplit(candidate).scheme not in ("http", "https"):
        return fetched
    if _site(candidate) != _site(fetched):
        return fetched
    return candidate


def article_id(canonical_url: str) -> str:
    """Stable document id: the same canonical URL always gives the same id."""
    return hashlib.sha256(normalise(canonical_url).encode("utf-8")).hexdigest()[:32]


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")
