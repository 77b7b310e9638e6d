"""Trains the pairing model on the development set and writes services/classify/data/pairing_model.json.

Every candidate (province, country) of every development passage (see
services/classify/pairing_candidates.py) is labelled by the passage's gold pairings and
described by its features (services/classify/pairing_features.py). A logistic regression
is fitted to them; its regularisation and decision threshold are chosen by 5-fold
cross-validation over passages (a passage's candidates stay in one fold): the threshold
with the best pairing F1 whose precision is at least 0.95, where one reaches it, else the
best F1. Scores count a gold pairing that no candidate covers as missed, exactly as
`bri eval` does. Gradient boosting is cross-validated beside it for comparison.

Only the development set is read: the held-out sets are never used for training or
choosing anything. Needs the dev extras (scikit-learn, numpy); the workers read the
written JSON with a dot product in plain Python.

Usage: python scripts/train_pairing_model.py [--output PATH] [--quiet]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from services.classify.classifier import CLASSIFIER_VERSION, Classifier
from services.classify.gazetteer import load_json
from services.classify.pairing_model import FEATURES_FILE

REPO_ROOT = Path(__file__).resolve().parent.parent
DEVSET = REPO_ROOT / "services" / "classify" / "data" / "devset.jsonl"
OUTPUT = REPO_ROOT / "services" / "classify" / "data" / "pairing_model.json"
FOLDS = 5
SEED = 0
MIN_PRECISION = 0.95
REGULARISATION = (0.1, 0.3, 1.0, 3.0, 10.0)
DECIMALS = 6


@dataclass
class Passage:
    lang: str
    gold: set[tuple[str, str]]
    rules: set[tuple[str, str]]
    keys: list[tuple[str, str]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


def read_devset(names: list[str]) -> tuple[list[Passage], np.ndarray, np.ndarray]:
    classifier = Classifier(pairing_model=False)
    index = {name: column for column, name in enumerate(names)}
    passages: list[Passage] = []
    rows: list[list[float]] = []
    labels: list[int] = []
    for line in DEVSET.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        scored: list = []
        found = classifier.classify(record["text"], record.get("title", ""), scored=scored)
        gold = {(p["province"], p["country"]) for p in record.get("pairings", [])}
        passage = Passage(
            lang=record.get("lang", "en"),
            gold=gold,
            rules={(p.province, p.country) for p in found.pairings},
        )
        for candidate, features in scored:
            unknown = set(features) - set(index)
            if unknown:
                raise SystemExit(f"features missing from {FEATURES_FILE}: {sorted(unknown)}")
            vector = [0.0] * len(names)
            for name, value in features.items():
                vector[index[name]] = value
            key = (candidate.province, candidate.country)
            passage.keys.append(key)
            passage.rows.append(len(rows))
            rows.append(vector)
            labels.append(int(key in gold))
        passages.append(passage)
    return passages, np.array(rows), np.array(labels)


def score(passages: list[Passage], chosen: list[set[tuple[str, str]]]) -> dict[str, float]:
    tp = fp = fn = 0
    for passage, found in zip(passages, chosen, strict=True):
        tp += len(found & passage.gold)
        fp += len(found - passage.gold)
        fn += len(passage.gold - found)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3), "gold": tp + fn}


def accepted(passages: list[Passage], probabilities: np.ndarray, threshold: float) -> list[set]:
    return [
        {key for key, row in zip(p.keys, p.rows, strict=True) if probabilities[row] >= threshold}
        for p in passages
    ]


def best_threshold(passages: list[Passage], probabilities: np.ndarray) -> tuple[float, dict]:
    """The threshold with the best F1 at precision >= MIN_PRECISION, else the best F1: the
    middle of the run of neighbouring thresholds that score it, so that a candidate scored
    a little differently from those seen in training falls on the same side."""
    best: tuple[tuple[int, float], float, float, dict] | None = None
    run_open = False
    for threshold in sorted(set(np.round(probabilities, DECIMALS).tolist())):
        if not 0.0 < threshold < 1.0:
            continue
        result = score(passages, accepted(passages, probabilities, threshold))
        rank = (int(result["precision"] >= MIN_PRECISION), result["f1"])
        if best is None or rank > best[0]:
            best = (rank, threshold, threshold, result)
            run_open = True
        elif rank == best[0] and run_open:
            best = (rank, best[1], threshold, result)
        else:
            run_open = False
    if best is None:
        raise SystemExit("no usable threshold: the development set has no candidates")
    _rank, low, high, result = best
    return round((low + high) / 2, DECIMALS), result


def out_of_fold(passages: list[Passage], x: np.ndarray, y: np.ndarray, make) -> np.ndarray:
    probabilities = np.zeros(len(y))
    folds = KFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(passages):
        train_rows = [row for i in train for row in passages[i].rows]
        test_rows = [row for i in test for row in passages[i].rows]
        if not test_rows:
            continue
        model = make()
        model.fit(x[train_rows], y[train_rows])
        probabilities[test_rows] = model.predict_proba(x[test_rows])[:, 1]
    return probabilities


def logistic(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=5000, solver="lbfgs")


def by_language(passages: list[Passage], chosen: list[set]) -> dict[str, dict[str, float]]:
    scores = {"all": score(passages, chosen)}
    for lang in sorted({p.lang for p in passages}):
        pairs = [(p, c) for p, c in zip(passages, chosen, strict=True) if p.lang == lang]
        scores[lang] = score([p for p, _ in pairs], [c for _, c in pairs])
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    say = (lambda *a: None) if args.quiet else print
    warnings.filterwarnings("ignore", category=FutureWarning)

    names = list(load_json(FEATURES_FILE)["features"])
    passages, x, y = read_devset(names)
    say(f"{len(passages)} passages, {len(y)} candidates, {int(y.sum())} of them gold pairings")
    say(f"gold pairings no candidate covers: {sum(len(p.gold - set(p.keys)) for p in passages)}")

    rules = [p.rules for p in passages]
    tried: dict[float, tuple[float, dict, np.ndarray]] = {}
    for c in REGULARISATION:
        probabilities = out_of_fold(passages, x, y, lambda c=c: logistic(c))
        threshold, result = best_threshold(passages, probabilities)
        tried[c] = (threshold, result, probabilities)
        say(f"logistic regression C={c:<5} cross-validated: {result} at threshold {threshold}")
    chosen_c = max(tried, key=lambda c: (tried[c][1]["precision"] >= MIN_PRECISION, tried[c][1]["f1"], -c))
    threshold, _result, probabilities = tried[chosen_c]
    boosted = out_of_fold(passages, x, y, lambda: HistGradientBoostingClassifier(random_state=SEED))
    boosted_threshold, boosted_result = best_threshold(passages, boosted)
    say(f"gradient boosting cross-validated: {boosted_result} at threshold {boosted_threshold}")

    cv_model = by_language(passages, accepted(passages, probabilities, threshold))
    cv_rules = by_language(passages, rules)
    say(f"\nchosen: logistic regression C={chosen_c}, threshold {threshold}")
    say(f"{'':<8}{'rules only (P / R / F1)':>28}{'model, 5-fold CV (P / R / F1)':>34}")
    for lang in cv_model:
        r, m = cv_rules[lang], cv_model[lang]
        say(
            f"{lang:<8}{r['precision']:>12.3f} {r['recall']:.3f} {r['f1']:.3f}"
            f"{m['precision']:>20.3f} {m['recall']:.3f} {m['f1']:.3f}   ({m['gold']} gold)"
        )

    final = logistic(chosen_c).fit(x, y)
    model = {
        "about": "Pairing model of the classifier (services/classify/pairing_model.py): a logistic "
        "regression over the candidate features of pairing_features.json, written by "
        "scripts/train_pairing_model.py from devset.jsonl alone. A candidate is a pairing "
        "when 1 / (1 + exp(-(intercept + sum of coefficient x feature))) >= threshold.",
        "classifier_version": CLASSIFIER_VERSION,
        "training_set": DEVSET.name,
        "training_set_sha256": hashlib.sha256(DEVSET.read_bytes()).hexdigest(),
        "model": f"logistic regression, C={chosen_c}",
        "features": names,
        "coefficients": [round(float(w), DECIMALS) for w in final.coef_[0]],
        "intercept": round(float(final.intercept_[0]), DECIMALS),
        "threshold": threshold,
        "cross_validation": {
            "folds": FOLDS,
            "model": cv_model,
            "rules_only": cv_rules,
            "gradient_boosting": boosted_result,
        },
    }
    args.output.write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    say(f"\nwrote {args.output}")


if __name__ == "__main__":
    main()
