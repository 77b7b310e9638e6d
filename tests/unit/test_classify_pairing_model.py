"""The learned pairing decision: its data file, its decisions on typical wordings, and
that training reproduces the shipped file."""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.classify.classifier import CLASSIFIER_VERSION, Classifier
from services.classify.gazetteer import load_json
from services.classify.pairing_features import FEATURE_MAXIMUM
from services.classify.pairing_model import PairingModel

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA = REPO_ROOT / "services" / "classify" / "data"
MODEL = DATA / "pairing_model.json"


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(pairing_model=True)


def pairs(classifier: Classifier, text: str, title: str = "") -> set[tuple[str, str]]:
    return {(p.province, p.country) for p in classifier.classify(text, title).pairings}


def test_model_file_matches_its_training_set_version_and_features() -> None:
    model = json.loads(MODEL.read_text(encoding="utf-8"))
    assert model["classifier_version"] == CLASSIFIER_VERSION, "retrain: scripts/train_pairing_model.py"
    devset = (DATA / "devset.jsonl").read_bytes()
    assert model["training_set_sha256"] == hashlib.sha256(devset).hexdigest(), (
        "the development set changed since the model was trained: scripts/train_pairing_model.py"
    )
    assert model["features"] == list(load_json("pairing_features.json")["features"])
    assert len(model["coefficients"]) == len(model["features"])
    assert 0.0 < model["threshold"] < 1.0
    loaded = PairingModel.load()
    assert loaded.version == CLASSIFIER_VERSION
    assert loaded.probability({"rule_clause": 1.0, "cooperation_between": 1.0, "same_sentence": 1.0}) > (
        loaded.probability({"rule_none": 1.0, "sentence_gap_2": 1.0})
    )


def test_a_clear_direct_pairing_is_kept(classifier: Classifier) -> None:
    text = (
        "A non-ferrous metals group from Gansu signed an agreement with Kazakhstan to build "
        "a copper smelter near Balkhash."
    )
    labels = classifier.classify(text)
    assert [(p.province, p.country) for p in labels.pairings] == [("Gansu", "KZ")]
    pairing = labels.pairings[0]
    assert pairing.sectors == ["nonferrous-metals"]
    assert pairing.start is not None and text[pairing.start : pairing.end] == pairing.evidence


def test_a_link_across_sentences_is_kept_with_both_sentences_as_evidence(classifier: Classifier) -> None:
    text = (
        "Weichai, a state-owned engine maker from Shandong, reported record profits on Friday. "
        "The company will open an assembly plant in Mexico next year."
    )
    labels = classifier.classify(text)
    assert [(p.province, p.country) for p in labels.pairings] == [("Shandong", "MX")]
    assert labels.pairings[0].evidence == text


def test_beijing_as_the_government_pairs_nothing(classifier: Classifier) -> None:
    text = (
        "Beijing and Astana signed 20 cooperation agreements worth $5 billion on Monday, the "
        "Chinese foreign ministry said. Officials in Sichuan welcomed the news."
    )
    assert pairs(classifier, text, "China and Kazakhstan sign deals") == set()
    text = (
        "Beijing signed a framework agreement with Kazakhstan on energy cooperation, the foreign "
        "ministry said. In other news, Gansu's apple harvest rose 5 percent."
    )
    assert pairs(classifier, text) == set()


def test_a_multilateral_summit_list_pairs_no_country_with_its_host(classifier: Classifier) -> None:
    # The host province is where the summit happened; the rules alone link it to every member.
    text = (
        "Leaders of Russia, Kazakhstan, Kyrgyzstan, Tajikistan and Uzbekistan met at the Shanghai "
        "Cooperation Organisation summit in Qingdao, Shandong province, and signed agreements on "
        "security cooperation and trade."
    )
    assert pairs(classifier, text) == set()
    text = (
        "The Shanghai Cooperation Organisation summit opened in Tianjin on Sunday. Heads of state "
        "from India, Pakistan, Iran and Belarus signed a joint declaration on investment cooperation."
    )
    assert pairs(classifier, text) == set()


def test_the_setting_turns_the_model_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from services.common.settings import get_settings

    monkeypatch.setenv("BRI_PAIRING_MODEL", "off")
    get_settings.cache_clear()
    try:
        assert Classifier().pairing_model is None
    finally:
        monkeypatch.delenv("BRI_PAIRING_MODEL")
        get_settings.cache_clear()
    assert Classifier().pairing_model is not None


def test_retraining_on_the_same_data_reproduces_the_shipped_file(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    output = tmp_path / "pairing_model.json"
    subprocess.run(
        [sys.executable, "scripts/train_pairing_model.py", "--output", str(output), "--quiet"],
        cwd=REPO_ROOT,
        # the checkout's own classifier, not whichever copy the environment installed
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        check=True,
        timeout=280,
    )
    assert output.read_text(encoding="utf-8") == MODEL.read_text(encoding="utf-8")


def test_deciding_without_side_features_when_they_cannot_matter_changes_no_decision(
    classifier: Classifier,
) -> None:
    model, features = classifier.pairing_model, classifier.candidates.features
    assert model is not None
    checked = 0
    original = classifier._candidates

    def compare(*args):  # type: ignore[no-untyped-def]
        nonlocal checked
        read = original(*args)
        if read is None:
            return None
        doc, candidates = read
        for candidate in candidates:
            full = model.accepts(features.features(doc, candidate))
            assert model._accepts(features, doc, candidate) == full, candidate
            checked += 1
        return read

    classifier._candidates = compare  # type: ignore[method-assign]
    try:
        for line in (DATA / "devset.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            classifier.classify(record["text"], record.get("title", ""))
    finally:
        del classifier._candidates
    assert checked > 300


def _model(**changes: object) -> PairingModel:
    return PairingModel({**load_json("pairing_model.json"), **changes})


def _out_of_reach() -> float:
    """A probability above any score the shipped weights can give, each feature at its
    most (1 but for FEATURE_MAXIMUM's); a bound of 3 for every feature would put it past
    what a float below 1 can hold once the weights sum high enough."""
    shipped = load_json("pairing_model.json")
    highest = shipped["intercept"] + sum(
        max(weight, 0.0) * FEATURE_MAXIMUM.get(name, 1.0)
        for name, weight in zip(shipped["features"], shipped["coefficients"], strict=True))
    return 1.0 / (1.0 + math.exp(-(highest + 1.0)))


def test_reading_only_the_linked_candidates_when_no_other_can_pass_changes_no_pairing() -> None:
    # A threshold out of reach of every candidate no rule linked: the model then reads
    # only the linked ones.
    linked = Classifier(pairing_model=True)
    linked.pairing_model = _model(threshold_no_rule=_out_of_reach())
    assert not linked.pairing_model.accepts_unlinked
    every = Classifier(pairing_model=True)
    every.pairing_model = _model(threshold_no_rule=_out_of_reach())
    every.pairing_model.accepts_unlinked = True  # weigh every candidate
    read = linked.candidates.read
    compared = 0

    def compare(*args):  # type: ignore[no-untyped-def]
        # The linked candidates are those a rule linked among all, with the same mentions.
        nonlocal compared
        found = read(*args)
        assert args[-1] is True  # only the linked ones asked for
        whole = read(*args[:-1], False)
        assert (found and found[1]) == (whole and [c for c in whole[1] if c.links])
        compared += bool(found)
        return found

    linked.candidates.read = compare  # type: ignore[method-assign]
    for line in (DATA / "devset.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        text, title = record["text"], record.get("title", "")
        assert linked.classify(text, title) == every.classify(text, title), text[:80]
    assert compared > 300


def test_a_model_that_can_accept_a_pair_no_rule_linked_weighs_it() -> None:
    assert not _model(threshold_no_rule=_out_of_reach()).accepts_unlinked
    shipped = load_json("pairing_model.json")
    weights = dict(zip(shipped["features"], shipped["coefficients"], strict=True))
    weights["pair_in_title"] = 100.0
    model = _model(threshold_no_rule=_out_of_reach(),
                   coefficients=[weights[name] for name in shipped["features"]])
    assert model.accepts_unlinked
    assert model.accepts({"rule_none": 1.0, "pair_in_title": 1.0, "same_sentence": 1.0})
