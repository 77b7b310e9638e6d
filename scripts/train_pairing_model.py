"""Trains the pairing model on the development set and writes services/classify/data/pairing_model.json.

Every candidate (province, country) of every development passage (see
services/classify/pairing_candidates.py) is labelled by the passage's gold pairings and
described by its features (services/classify/pairing_features.py). A logistic regression
is fitted to them; its regularisation and its two decision thresholds (one for
candidates a rule linked, one for those none did) are chosen by 5-fold cross-validation
over passages (a passage's candidates stay in one fold): the pair with the best pairing
F1 whose precision is at least 0.95, where one reaches it, else the best F1, with the
threshold for candidates no rule linked never below 0.8. Scores
count a gold pairing that no candidate covers as missed, exactly as `bri eval` does; the
cross-validated scores are printed per language beside the rules' own. Gradient boosting
is cross-validated beside it for comparison.

Only the development set is read: the held-out sets are never used for training or
choosing anything. Needs the dev extras (scikit-learn, numpy); the workers read the
written JSON with a dot product in plain Python.

Usage: python scripts/train_pairing_model.py [--output PATH] [--quiet]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

REPO_ROOT = Path(__file__).resolve().parent.parent
# Train this checkout's classifier, not whichever copy the environment installed.
sys.path.insert(0, str(REPO_ROOT))

from services.classify.classifier import CLASSIFIER_VERSION, Classifier  # noqa: E402
from services.classify.gazetteer import load_json  # noqa: E402
from services.classify.pairing_model import FEATURES_FILE  # noqa: E402

DEVSET = REPO_ROOT / "services" / "classify" / "data" / "devset.jsonl"
OUTPUT = REPO_ROOT / "services" / "classify" / "data" / "pairing_model.json"
FOLDS = 5
SEED = 0
MIN_PRECISION = 0.95
# The least threshold for pairs no rule linked. Cross-validation overrates them, for the
# development set's own wording is what the features were written for (over all 426
# passages it picks 0.4): a model trained on the first 353 passages, scored on the 73
# later ones of new real wording, kept 0.96-1.00 precision taking such pairs from 0.8
# up, but fell to 0.91-0.93 taking them from 0.5, for 0.02-0.05 more recall.
MIN_NO_RULE_THRESHOLD = 0.8
# Weaker regularisation (C 3 and 10) scores a point or two better in cross-validation on
# the 512 passages but links co-occurring names in unseen text: the example article got
# five list pairings for a province it only names, and an attributed quote became a link.
REGULARISATION = (0.1, 0.3, 1.0)
GRID = np.round(np.arange(0.05, 0.96, 0.01), 2)
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


def accepted(
    passages: list[Passage], probabilities: np.ndarray, ruled: np.ndarray, thresholds: tuple[float, float]
) -> list[set]:
    """Each passage's accepted pairs: candidates a rule linked at the first threshold, the
    others at the second."""
    linked, unlinked = thresholds
    return [
        {
            key
            for key, row in zip(p.keys, p.rows, strict=True)
            if probabilities[row] >= (linked if ruled[row] else unlinked)
        }
        for p in passages
    ]


def best_thresholds(
    passages: list[Passage], probabilities: np.ndarray, ruled: np.ndarray, y: np.ndarray
) -> tuple[tuple[float, float], dict]:
    """The pair of thresholds (for candidates a rule linked, for the others) with the best
    F1 at precision >= MIN_PRECISION, overall and among the accepted candidates no rule
    linked, else the best F1 (the second threshold never below MIN_NO_RULE_THRESHOLD);
    among equals, the most cautious threshold for candidates no rule linked."""
    gold = sum(len(p.gold) for p in passages)
    positive = y == 1
    best: tuple[tuple[int, float, float], tuple[float, float]] | None = None
    for linked in GRID:
        accept_linked = ruled & (probabilities >= linked)
        tp_linked = int((accept_linked & positive).sum())
        fp_linked = int((accept_linked & ~positive).sum())
        for unlinked in GRID[GRID >= MIN_NO_RULE_THRESHOLD]:
            accept = ~ruled & (probabilities >= unlinked)
            tp = tp_linked + int((accept & positive).sum())
            fp = fp_linked + int((accept & ~positive).sum())
            precision = tp / (tp + fp) if tp + fp else 1.0
            recall = tp / gold if gold else 1.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            # The precision target holds for the pairs no rule linked on their own too: the
            # development set holds few co-occurrence traps, so the model knows them least.
            tp_unlinked = tp - tp_linked
            unlinked_precision = (
                tp_unlinked / (tp - tp_linked + fp - fp_linked) if tp + fp > tp_linked + fp_linked else 1.0
            )
            reached = precision >= MIN_PRECISION and unlinked_precision >= MIN_PRECISION
            rank = (int(reached), round(f1, 9), float(unlinked))
            if best is None or rank > best[0]:
                best = (rank, (float(linked), float(unlinked)))
    if best is None:
        raise SystemExit("no usable threshold: the development set has no candidates")
    thresholds = best[1]
    return thresholds, score(passages, accepted(passages, probabilities, ruled, thresholds))


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
    ruled = x[:, names.index("rule_none")] == 0
    say(f"{len(passages)} passages, {len(y)} candidates, {int(y.sum())} of them gold pairings")
    say(f"gold pairings no candidate covers: {sum(len(p.gold - set(p.keys)) for p in passages)}")

    rules = [p.rules for p in passages]
    tried: dict[float, tuple[float, dict, np.ndarray]] = {}
    for c in REGULARISATION:
        probabilities = out_of_fold(passages, x, y, lambda c=c: logistic(c))
        thresholds, result = best_thresholds(passages, probabilities, ruled, y)
        tried[c] = (thresholds, result, probabilities)
        say(f"logistic regression C={c:<5} cross-validated: {result} at thresholds {thresholds}")
    chosen_c = max(tried, key=lambda c: (tried[c][1]["precision"] >= MIN_PRECISION, tried[c][1]["f1"], -c))
    thresholds, _result, probabilities = tried[chosen_c]
    boosted = out_of_fold(passages, x, y, lambda: HistGradientBoostingClassifier(random_state=SEED))
    boosted_thresholds, boosted_result = best_thresholds(passages, boosted, ruled, y)
    say(f"gradient boosting cross-validated: {boosted_result} at thresholds {boosted_thresholds}")

    cv_model = by_language(passages, accepted(passages, probabilities, ruled, thresholds))
    cv_rules = by_language(passages, rules)
    say(f"\nchosen: logistic regression C={chosen_c}, thresholds {thresholds}")
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
        "when p = 1 / (1 + exp(-(intercept + sum of coefficient x feature))) reaches 'threshold' "
        "(a candidate a rule linked) or 'threshold_no_rule' (one no rule linked).",
        "classifier_version": CLASSIFIER_VERSION,
        "training_set": DEVSET.name,
        "training_set_sha256": hashlib.sha256(DEVSET.read_bytes()).hexdigest(),
        "model": f"logistic regression, C={chosen_c}",
        "features": names,
        "coefficients": [round(float(w), DECIMALS) for w in final.coef_[0]],
        "intercept": round(float(final.intercept_[0]), DECIMALS),
        "threshold": thresholds[0],
        "threshold_no_rule": thresholds[1],
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
