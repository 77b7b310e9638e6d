"""Chinese and Russian wording of links, places and sectors.

Each passage is written for its test; none is in the development set.
"""

from __future__ import annotations

from services.classify.classifier import classify
from services.common.contracts import Labels


def _pairs(labels: Labels) -> set[tuple[str, str]]:
    return {(p.province, p.country) for p in labels.pairings}


def test_a_chinese_cargo_list_does_not_make_its_sectors() -> None:
    labels = classify("一列满载汽车配件和棉纱的中欧班列从成都开往波兰罗兹。")
    assert _pairs(labels) == {("Sichuan", "PL")}
    assert labels.sectors == ["logistics"]
