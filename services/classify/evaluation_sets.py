"""Scores several labelled sets at once and prints them side by side.

``bri eval DEV HELDOUT_DIR`` reads each path as one set: a JSON-lines file, or a folder
whose ``*.jsonl`` files together form the set. Each set is one column, named after its
file or folder ("devset" reads as "dev", "heldout" as "held-out"); passages that carry a
``lang`` add one column per language of their set, and ``kinds`` tags give an optional
table of pairing and sector scores per kind. Every column is scored alone, so a set's
column is exactly what ``bri eval`` on that set alone reports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from services.classify.evaluation import (
    FAMILIES,
    DatasetError,
    Example,
    Report,
    evaluate,
    load_examples,
)
from services.common.contracts import Labels

# Friendlier column names for the project's own sets.
_SET_NAMES = {"devset": "dev", "heldout": "held-out", "held-out": "held-out"}
_LABEL_WIDTH = 30
_COLUMN_WIDTH = 13


@dataclass(frozen=True)
class LabelledSet:
    name: str
    examples: list[Example]


def set_name(path: Path) -> str:
    stem = path.name if path.is_dir() else path.stem
    return _SET_NAMES.get(stem, stem)


def load_set(path: Path) -> LabelledSet:
    """One set from a JSON-lines file or from every ``*.jsonl`` file of a folder."""
    if not path.is_dir():
        return LabelledSet(set_name(path), load_examples(path))
    files = sorted(path.glob("*.jsonl"))
    if not files:
        raise DatasetError(f"{path}: no *.jsonl file in this folder")
    examples: list[Example] = []
    for file in files:
        try:
            examples.extend(load_examples(file))
        except DatasetError as exc:
            raise DatasetError(f"{file.name}: {exc}") from exc
    return LabelledSet(set_name(path), examples)


@dataclass(frozen=True)
class Column:
    name: str
    report: Report


def columns(
    sets: Sequence[LabelledSet], classify: Callable[[str, str], Labels]
) -> list[Column]:
    """One column per set, then one per language of that set (when it names any)."""
    found: list[Column] = []
    for labelled in sets:
        found.append(Column(labelled.name, evaluate(labelled.examples, classify)))
        languages = sorted({e.lang for e in labelled.examples if e.lang})
        for lang in languages:
            subset = [e for e in labelled.examples if e.lang == lang]
            found.append(Column(f"{labelled.name}:{lang}", evaluate(subset, classify)))
    return found


def _rows(report: Report) -> list[tuple[str, str]]:
    values: list[tuple[str, float | int]] = [("passages", report.examples)]
    for family in FAMILIES:
        score = report.families[family]
        values.append((f"{family} F1", score.f1))
        values.append((f"{family} precision", score.precision))
    values += [
        ("pairings F1", report.pairings.f1),
        ("pairings precision", report.pairings.precision),
        ("pairings recall", report.pairings.recall),
        ("pairing sectors F1", report.pairing_sectors.f1),
        ("pairing sectors recall", report.pairing_sectors.recall),
        ("relevance accuracy", report.relevance_accuracy),
    ]
    return [(name, str(v) if isinstance(v, int) else f"{v:.3f}") for name, v in values]


def _table(title: str, names: list[str], rows: list[list[str]]) -> list[str]:
    # Long column names (a set's name and what it scores) widen the columns, never run together.
    width = max(_COLUMN_WIDTH, *(len(n) + 2 for n in names))
    lines = [title, f"{'':<{_LABEL_WIDTH}}" + "".join(f"{n:>{width}}" for n in names)]
    lines += [
        f"{row[0]:<{_LABEL_WIDTH}}" + "".join(f"{cell:>{width}}" for cell in row[1:])
        for row in rows
    ]
    return lines


def format_side_by_side(found: list[Column]) -> str:
    per_column = [_rows(column.report) for column in found]
    labels = [name for name, _ in per_column[0]]
    rows = [[label, *(cells[index][1] for cells in per_column)]
            for index, label in enumerate(labels)]
    return "\n".join(_table("scores", [c.name for c in found], rows))


def format_kinds(
    sets: Sequence[LabelledSet], classify: Callable[[str, str], Labels]
) -> str:
    """Pairing F1 (or, for passages stating none, the number of pairings claimed) and
    sector F1 of the passages tagged with each kind, per set."""
    kinds = sorted({kind for labelled in sets for e in labelled.examples for kind in e.kinds})
    if not kinds:
        return "no passage carries `kinds`"
    rows: list[list[str]] = []
    for kind in kinds:
        row = [kind]
        for labelled in sets:
            subset = [e for e in labelled.examples if kind in e.kinds]
            if not subset:
                row += ["-", "-"]
                continue
            report = evaluate(subset, classify)
            # Passages without any pairing (negatives) can only claim wrong ones: count those.
            pairs = (f"{report.pairings.f1:.3f}" if report.pairings.support
                     else f"{report.pairings.fp} wrong")
            row += [f"{pairs} ({len(subset)})", f"{report.families['sectors'].f1:.3f}"]
        rows.append(row)
    names = [f"{s.name} {what}" for s in sets for what in ("pairs", "sectors")]
    return "\n".join(_table("by kind: pairings F1 or wrong pairings (passages), sectors F1",
                            names, rows))
