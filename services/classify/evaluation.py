"""Scores the classifier against labelled passages: precision, recall and F1.

Scores are micro-averaged: true and false positives and false negatives are summed over
all passages before dividing. A pairing counts as found when its province and country
both match; its sectors are then scored apart, over the matched pairings only, so a
missed pairing is not also counted as missed sectors. Relevance is scored as a binary
label whose positive class is "relevant".

Labelled passages are JSON lines: ``text``, optional ``title``, ``relevant``,
``provinces``, ``countries``, ``sectors`` and ``pairings`` (``province``, ``country``,
``sectors``), labelled as the label contract of the design notes says, whatever the
classifier outputs. Optional ``id``, ``lang`` (en, zh, ru), ``source_url`` and ``kinds``
(tags naming the wording or trap a passage tests: "route", "cross-sentence",
"trap-cargo", ...) describe a passage; they let scores be broken down, never change them.
``data/devset.jsonl`` is the project's development set.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.common.contracts import Labels

FAMILIES = ("provinces", "countries", "sectors")
# Per-label scores are printed only for labels with at least this many gold examples:
# below that one passage swings the score too much to read anything from it.
MIN_LABEL_SUPPORT = 3


class DatasetError(ValueError):
    """A labelled passage is malformed; the message names its line and field."""


@dataclass(frozen=True)
class Example:
    text: str
    title: str = ""
    relevant: bool | None = None
    provinces: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    # (province, country) -> sectors of that pairing
    pairings: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    id: str = ""
    lang: str = ""
    source_url: str = ""
    kinds: frozenset[str] = frozenset()


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: Iterable[Any], found: Iterable[Any]) -> None:
        gold_set, found_set = set(gold), set(found)
        self.tp += len(gold_set & found_set)
        self.fp += len(found_set - gold_set)
        self.fn += len(gold_set - found_set)

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        # Nothing claimed means nothing claimed wrongly.
        claimed = self.tp + self.fp
        return self.tp / claimed if claimed else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.support if self.support else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "f1": round(self.f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "support": self.support,
        }


@dataclass
class Mistake:
    passage: int
    family: str
    missed: list[str]
    extra: list[str]


@dataclass
class Report:
    examples: int = 0
    families: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FAMILIES})
    labels: dict[str, dict[str, Score]] = field(default_factory=lambda: {f: {} for f in FAMILIES})
    pairings: Score = field(default_factory=Score)
    pairing_sectors: Score = field(default_factory=Score)
    relevance: Score = field(default_factory=Score)
    relevance_correct: int = 0
    relevance_labelled: int = 0
    mistakes: list[Mistake] = field(default_factory=list)

    @property
    def relevance_accuracy(self) -> float:
        return self.relevance_correct / self.relevance_labelled if self.relevance_labelled else 1.0

    def frequent_labels(self, family: str) -> dict[str, Score]:
        return {
            label: score for label, score in sorted(self.labels[family].items())
            if score.support >= MIN_LABEL_SUPPORT
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "examples": self.examples,
            "families": {f: s.as_dict() for f, s in self.families.items()},
            "labels": {
                f: {label: s.as_dict() for label, s in self.frequent_labels(f).items()}
                for f in FAMILIES
            },
            "pairings": self.pairings.as_dict(),
            "pairing_sectors": self.pairing_sectors.as_dict(),
            "relevance": self.relevance.as_dict(),
            "relevance_accuracy": round(self.relevance_accuracy, 4),
            "mistakes": [vars(m) for m in self.mistakes],
        }


def parse_example(record: dict[str, Any], line: int = 0) -> Example:
    def labels(name: str) -> frozenset[str]:
        value = record.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DatasetError(f"line {line}: `{name}` must be a list of strings")
        return frozenset(value)

    text = record.get("text")
    if not isinstance(text, str):
        raise DatasetError(f"line {line}: `text` is missing or not a string")
    relevant = record.get("relevant")
    if relevant is not None and not isinstance(relevant, bool):
        raise DatasetError(f"line {line}: `relevant` must be true or false")
    pairings: dict[tuple[str, str], frozenset[str]] = {}
    for pairing in record.get("pairings", []):
        try:
            key = (str(pairing["province"]), str(pairing["country"]))
        except (KeyError, TypeError) as exc:
            raise DatasetError(f"line {line}: a pairing needs `province` and `country`") from exc
        pairings[key] = frozenset(pairing.get("sectors", []))
    return Example(
        text=text, title=str(record.get("title", "")), relevant=relevant,
        provinces=labels("provinces"), countries=labels("countries"), sectors=labels("sectors"),
        pairings=pairings, id=str(record.get("id", "")), lang=str(record.get("lang", "")),
        source_url=str(record.get("source_url", "")), kinds=labels("kinds"),
    )


def load_examples(path: Path) -> list[Example]:
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"line {number}: not valid JSON ({exc})") from exc
        if not isinstance(record, dict):
            raise DatasetError(f"line {number}: not a JSON object")
        examples.append(parse_example(record, number))
    return examples


def evaluate(
    examples: Iterable[Example], classify: Callable[[str, str], Labels]
) -> Report:
    report = Report()
    for passage, example in enumerate(examples, start=1):
        report.examples += 1
        labels = classify(example.text, example.title)
        found = {
            "provinces": set(labels.provinces), "countries": set(labels.countries),
            "sectors": set(labels.sectors),
        }
        for family in FAMILIES:
            gold: frozenset[str] = getattr(example, family)
            report.families[family].add(gold, found[family])
            for label in gold | found[family]:
                score = report.labels[family].setdefault(label, Score())
                score.add({label} & gold, {label} & found[family])
            _note(report, passage, family, gold, found[family])
        found_pairings = {(p.province, p.country): frozenset(p.sectors) for p in labels.pairings}
        report.pairings.add(example.pairings, found_pairings)
        _note(report, passage, "pairings", {"|".join(k) for k in example.pairings},
              {"|".join(k) for k in found_pairings})
        for key in example.pairings.keys() & found_pairings.keys():
            report.pairing_sectors.add(example.pairings[key], found_pairings[key])
            _note(report, passage, "pairing_sectors:" + "|".join(key), example.pairings[key],
                  found_pairings[key])
        if example.relevant is not None:
            report.relevance.add({True} if example.relevant else set(),
                                 {True} if labels.relevant else set())
            report.relevance_labelled += 1
            report.relevance_correct += example.relevant == labels.relevant
            if example.relevant != labels.relevant:
                report.mistakes.append(Mistake(passage, "relevant", [str(example.relevant)], []))
    return report


def _note(report: Report, passage: int, family: str, gold: Iterable[str], found: Iterable[str]) -> None:
    gold_set, found_set = set(gold), set(found)
    if gold_set != found_set:
        report.mistakes.append(
            Mistake(passage, family, sorted(gold_set - found_set), sorted(found_set - gold_set))
        )


def format_report(report: Report, show_mistakes: bool = False) -> str:
    """The report as a plain-text table."""
    rows = [f"{report.examples} passages", "",
            f"{'':<34}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}"]

    def row(name: str, score: Score) -> None:
        rows.append(f"{name:<34}{score.precision:>7.3f}{score.recall:>7.3f}{score.f1:>7.3f}"
                    f"{score.support:>9}")

    for family in FAMILIES:
        row(family, report.families[family])
    row("pairings (province+country)", report.pairings)
    row("pairing sectors (matched pairs)", report.pairing_sectors)
    row("relevance", report.relevance)
    rows.append(f"{'relevance accuracy':<34}{report.relevance_accuracy:>21.3f}")
    for family in FAMILIES:
        frequent = report.frequent_labels(family)
        if frequent:
            rows += ["", f"{family}, labels with support >= {MIN_LABEL_SUPPORT}:"]
            for label, score in frequent.items():
                row("  " + label, score)
    if show_mistakes and report.mistakes:
        rows += ["", "mistakes (passage: family, missed / extra):"]
        rows += [
            f"  {m.passage}: {m.family} missed={','.join(m.missed) or '-'} "
            f"extra={','.join(m.extra) or '-'}"
            for m in report.mistakes
        ]
    return "\n".join(rows)
