"""A subscription's alerts as an Atom 1.0 feed (ElementTree escapes every text and attribute)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from services.alerts.alert_body import alert_text
from services.alerts.subscriptions import Subscription

ATOM_NS = "http://www.w3.org/2005/Atom"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def render_feed(sub: Subscription, alerts: list[dict[str, Any]], self_url: str) -> bytes:
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "id", f"urn:bri-monitor:subscription:{sub.id}")
    _sub(feed, "title", f"BRI Monitor alerts for {sub.owner} ({sub.id})")
    _sub(feed, "updated", alerts[0]["created_at"] if alerts else sub.updated_at)
    _sub(feed, "link", rel="self", href=self_url)
    author = _sub(feed, "author")
    _sub(author, "name", "BRI Monitor")
    for alert in alerts:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"urn:bri-monitor:alert:{alert['alert_id']}")
        _sub(entry, "title", alert["summary"])
        _sub(entry, "updated", alert["created_at"])
        _sub(entry, "link", href=alert["article"]["url"])
        _sub(entry, "category", term=alert["event"])
        _sub(entry, "content", alert_text(alert), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
