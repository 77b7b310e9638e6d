"""The learned pairing decision: which candidate (province, country) pairs are pairings.

The rules find links in the wordings they know; the model weighs every candidate of a
document (``pairing_candidates``) by its features (``pairing_features``) with the
logistic-regression weights in ``data/pairing_model.json``, written by
``scripts/train_pairing_model.py`` from the development set alone. Scoring is a dot
product over a candidate's few non-zero features, so workers need no numerical library;
a candidate no rule linked needs a higher probability than one a rule linked.
A chosen candidate keeps the evidence and sectors of its rule links; one no rule found
gets its own sentences as evidence and the sectors named there.
"""

from __future__ import annotations

import math
from typing import Any

from services.classify.actors import ActorLinker, _sectors
from services.classify.gazetteer import load_json
from services.classify.matcher import Mention
from services.classify.pairing_candidates import Candidate, generate
from services.classify.pairing_features import (
    FEATURE_MAXIMUM,
    LINKED_FEATURES,
    SIDE_FEATURES,
    Document,
    PairingFeatures,
)
from services.classify.pairings import Link

MODEL_FILE = "pairing_model.json"
FEATURES_FILE = "pairing_features.json"
# A bound must clear a threshold by more than the rounding of a sum of a few dozen terms.
_MARGIN = 1e-9


class PairingCandidates:
    """Candidates of a document with their features; what training and inference share."""

    def __init__(self, grammar: dict[str, Any], actors: ActorLinker) -> None:
        spec = load_json(FEATURES_FILE)
        self.features = PairingFeatures(spec, grammar, actors)
        self.window = self.features.window

    def read(
        self,
        text: str,
        folded: str,
        places: list[Mention],
        foreign: set[int],
        lines: dict[int, list[tuple[int, int]]],
        cues: list[Mention],
        rule_links: dict[str, list[Link]],
        title_end: int,
        linked_only: bool = False,
    ) -> tuple[Document, list[Candidate]] | None:
        """The document's candidates and what they share; None when it has none (most
        articles naming a province and a country state no link anywhere near). With
        ``linked_only``, only the pairs some rule linked (the same candidates as among all)."""
        starts = [m.start for m in places]
        keys = None
        if linked_only:
            keys = {(link.province, link.country) for found in rule_links.values() for link in found}
        candidates = generate(text, folded, places, starts, lines, rule_links, self.window, keys)
        if not candidates:
            return None
        return Document(text, folded, places, starts, foreign, cues, title_end), candidates


class PairingModel:
    def __init__(self, model: dict[str, Any]) -> None:
        self.version: str = model["classifier_version"]
        self.training_set_sha256: str = model["training_set_sha256"]
        self.names: list[str] = model["features"]
        self.weights = dict(zip(self.names, model["coefficients"], strict=True))
        self.intercept = float(model["intercept"])
        self.threshold = float(model["threshold"])
        self.threshold_no_rule = float(model["threshold_no_rule"])
        # Comparing the linear score with the thresholds' logits spares an exp per candidate.
        self._cut = _logit(self.threshold)
        self._cut_no_rule = _logit(self.threshold_no_rule)
        # The least and the most the side features can add to a score (each lies in [0, 1]).
        side = [self.weights.get(name, 0.0) for name in SIDE_FEATURES]
        self._sides_low = sum(w for w in side if w < 0)
        self._sides_high = sum(w for w in side if w > 0)
        # Whether a candidate no rule linked can reach its threshold at all, with every
        # feature it may have at its most: if not, none needs its features read.
        highest = self.intercept + self.weights.get("rule_none", 0.0) + sum(
            weight * FEATURE_MAXIMUM.get(name, 1.0)
            for name, weight in self.weights.items()
            if weight > 0 and name not in LINKED_FEATURES and name != "rule_none"
        )
        self.accepts_unlinked = highest >= self._cut_no_rule - _MARGIN

    @classmethod
    def load(cls) -> PairingModel:
        return cls(load_json(MODEL_FILE))

    def probability(self, features: dict[str, float]) -> float:
        return 1.0 / (1.0 + math.exp(-self._score(features)))

    def _score(self, features: dict[str, float]) -> float:
        weights = self.weights
        score = self.intercept
        for name, value in features.items():
            score += weights.get(name, 0.0) * value
        return score

    def accepts(self, features: dict[str, float]) -> bool:
        """Whether the candidate is a pairing. One no rule linked needs more: the model has
        seen far fewer of them."""
        cut = self._cut_no_rule if "rule_none" in features else self._cut
        return self._score(features) >= cut

    def links(
        self,
        features: PairingFeatures,
        doc: Document,
        candidates: list[Candidate],
        sector_mentions: list[Mention],
    ) -> list[Link]:
        """The links of the accepted candidates: a rule's own links, or one over the
        candidate's sentences with the sectors named in them."""
        links: list[Link] = []
        for candidate in candidates:
            if not self._accepts(features, doc, candidate):
                continue
            if candidate.links:
                for rule_links in candidate.links.values():
                    links.extend(rule_links)
                continue
            start, end = candidate.start, candidate.end
            inside = [m for m in sector_mentions if start <= m.start and m.end <= end]
            links.append(Link(candidate.province, candidate.country, _sectors(inside), start, end))
        return links

    def _accepts(self, features: PairingFeatures, doc: Document, candidate: Candidate) -> bool:
        """``accepts`` on the candidate's features, reading its side features only when
        they can change the answer: they cost the most, and the rest mostly decides."""
        if not candidate.links and not self.accepts_unlinked:
            return False
        found = features.features(doc, candidate, sides=False)
        score = self._score(found)
        cut = self._cut_no_rule if "rule_none" in found else self._cut
        if score + self._sides_low >= cut:
            return True
        if score + self._sides_high < cut:
            return False
        features.add_sides(doc, candidate, found)
        return self._score(found) >= cut


def _logit(probability: float) -> float:
    return math.log(probability / (1.0 - probability))
