"""How labels are stored in an article's index document.

The index stage writes these fields with each new document and reclassification rewrites
them in place, so both take them from here and an indexed article looks the same
whichever wrote it last.
"""

from __future__ import annotations

from typing import Any

from services.common.contracts import Labels


def pairing_key(province: str, country: str, sector: str | None = None) -> str:
    """"Province|CC", or "Province|CC|sector" for a pairing in one sector."""
    return f"{province}|{country}" if sector is None else f"{province}|{country}|{sector}"


def label_fields(labels: Labels) -> dict[str, Any]:
    return {
        "relevant": labels.relevant,
        "relevance": labels.relevance,
        "provinces": sorted(labels.provinces),
        "countries": sorted(labels.countries),
        "sectors": sorted(labels.sectors),
        "pairing_keys": sorted({pairing_key(p.province, p.country) for p in labels.pairings}),
        "pairings": [
            {
                "key": pairing_key(p.province, p.country),
                "province": p.province,
                "country": p.country,
                "sectors": sorted(p.sectors),
                "evidence": p.evidence,
                "start": p.start,
                "end": p.end,
            }
            for p in labels.pairings
        ],
        "classifier_version": labels.classifier_version,
    }
