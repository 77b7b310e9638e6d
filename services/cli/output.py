"""Printing search hits and labels for people reading a terminal."""

from __future__ import annotations

import html
import re
from typing import Any

import typer

_MARK = re.compile(r"</?mark>")


def _highlight(fragment: str) -> str:
    # Fragments span paragraph breaks; a terminal line reads better without them.
    parts = _MARK.split(" ".join(fragment.split()))
    # Odd parts sat between <mark> and </mark>.
    return "".join(
        typer.style(html.unescape(p), bold=True) if i % 2 else html.unescape(p)
        for i, p in enumerate(parts)
    )


def print_hits(response: dict[str, Any]) -> None:
    total = response["hits"]["total"]["value"]
    hits = response["hits"]["hits"]
    typer.echo(f"{total} matching article(s); showing {len(hits)}\n")
    for rank, hit in enumerate(hits, start=1):
        doc = hit["_source"]
        title_fragments = hit.get("highlight", {}).get("title")
        title = _highlight(title_fragments[0]) if title_fragments else doc.get("title", "")
        published = (doc.get("published") or "")[:10] or "undated"
        typer.echo(f"{rank:>2}. {title}  [{published}]")
        typer.echo(f"    {doc.get('canonical_url')}")
        typer.echo(
            f"    provinces: {', '.join(doc.get('provinces', [])) or '-'}"
            f" | countries: {', '.join(doc.get('countries', [])) or '-'}"
            f" | sectors: {', '.join(doc.get('sectors', [])) or '-'}"
            f" | relevant: {'yes' if doc.get('relevant') else 'no'}"
        )
        for pairing in doc.get("pairings", []):
            sectors = ", ".join(pairing.get("sectors", [])) or "unspecified sectors"
            typer.echo(f"    pairing: {pairing['province']} <-> {pairing['country']} ({sectors})")
        for fragment in hit.get("highlight", {}).get("text", [])[:2]:
            typer.echo(f"    … {_highlight(fragment)} …")
        typer.echo("")
