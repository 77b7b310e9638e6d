"""Which subscriptions an event concerns: label filters plus a keyword check, in the worker.

Matching runs here, over every subscription, rather than in Elasticsearch's percolator:
the node this project runs on is assembled without the percolator module, and for the
hundreds of subscriptions a team keeps a loop over label sets is microseconds per event.
With many thousands of subscriptions, storing each filter as a percolator query and
percolating every article is the path to take.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from services.alerts.subscriptions import Subscription
from services.common.contracts import ArticleEvent, PairingEvent

_TERMS = re.compile(r'"([^"]+)"|(\S+)')


def keyword_terms(query: str) -> list[str]:
    """Phrases in double quotes and single words, lower-cased; an alert needs all of them."""
    return [" ".join((phrase or word).lower().split()) for phrase, word in _TERMS.findall(query)
            if (phrase or word).strip()]


def _contains_all(text: str, terms: list[str]) -> bool:
    haystack = " ".join(text.lower().split())
    return all(re.search(rf"(?<!\w){re.escape(term)}(?!\w)", haystack) for term in terms)


def _overlaps(wanted: list[str], present: Iterable[str]) -> bool:
    return not wanted or bool(set(wanted) & set(present))


def matches(sub: Subscription, event: PairingEvent | ArticleEvent) -> bool:
    f = sub.filter
    if isinstance(event, PairingEvent):
        if "pairing.new" not in sub.events:
            return False
        if not (_overlaps(f.provinces, [event.province]) and _overlaps(f.countries, [event.country])
                and _overlaps(f.sectors, event.sectors)):
            return False
    else:
        if "article.matching" not in sub.events:
            return False
        if not (_overlaps(f.provinces, event.provinces) and _overlaps(f.countries, event.countries)
                and _overlaps(f.sectors, event.sectors)):
            return False
    if f.query:
        return _contains_all(f"{event.article.title}\n{event.article.text}", keyword_terms(f.query))
    return True


def matching(subs: Iterable[Subscription], event: PairingEvent | ArticleEvent) -> list[Subscription]:
    return [sub for sub in subs if matches(sub, event)]
