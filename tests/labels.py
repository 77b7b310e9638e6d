"""Views of a classifier's labels that tests compare against."""

from __future__ import annotations

from services.common.contracts import Labels


def pair_keys(labels: Labels) -> set[tuple[str, str]]:
    """The (province, country) of each pairing, sectors aside."""
    return {(p.province, p.country) for p in labels.pairings}
