"""The alert as subscribers receive it (webhook JSON body, e-mail text and Atom entry)."""

from __future__ import annotations

from typing import Any

from services.common.contracts import ArticleEvent, PairingEvent, utcnow


def alert_for(subscription_id: str, event: PairingEvent | ArticleEvent) -> dict[str, Any]:
    article = event.article
    if isinstance(event, PairingEvent):
        kind = "pairing.new"
        pairing = {"province": event.province, "country": event.country, "sectors": event.sectors}
        evidence = event.evidence
        summary = f"New pairing: {event.province} - {event.country}"
    else:
        kind = "article.matching"
        first = event.pairings[0] if event.pairings else None
        pairing = ({"province": first.province, "country": first.country, "sectors": first.sectors}
                   if first else None)
        evidence = first.evidence if first else ""
        summary = f"Matching article: {article.title}"
    return {
        "schema": "bri.alert",
        "version": 1,
        "alert_id": f"{subscription_id}:{event.event_id}",
        "subscription_id": subscription_id,
        "event_id": event.event_id,
        "event": kind,
        "summary": summary,
        "pairing": pairing,
        "evidence": evidence,
        "article": {
            "id": article.article_id,
            "title": article.title,
            "url": article.url,
            "published": article.published.isoformat() if article.published else None,
        },
        "created_at": utcnow().isoformat(),
    }


def alert_text(alert: dict[str, Any]) -> str:
    lines = [alert["summary"], ""]
    if alert.get("pairing"):
        p = alert["pairing"]
        sectors = ", ".join(p["sectors"]) or "no sector named"
        lines.append(f"Pairing: {p['province']} - {p['country']} ({sectors})")
    if alert.get("evidence"):
        lines += ["", f"\u201c{alert['evidence']}\u201d"]
    article = alert["article"]
    lines += ["", article["title"], article["url"]]
    return "\n".join(lines) + "\n"
