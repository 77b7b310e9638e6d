"""`bri eval` over several sets: each set and each language is its own column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.classify.evaluation import Example, load_examples
from services.classify.evaluation_sets import (
    LabelledSet,
    columns,
    format_kinds,
    format_side_by_side,
    load_set,
)
from services.cli.main import app
from services.common.contracts import Labels, Pairing

GANSU_KZ = "Gansu signed an agreement with Kazakhstan to build a copper smelter."
NOTHING = "The weather was mild all week."


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def _pairing(text: str, lang: str = "", **extra: object) -> dict:
    record: dict = {
        "text": text, "relevant": True, "provinces": ["Gansu"], "countries": ["KZ"],
        "sectors": [], "pairings": [{"province": "Gansu", "country": "KZ", "sectors": []}],
        **extra,
    }
    if lang:
        record["lang"] = lang
    return record


@pytest.fixture
def sets(tmp_path: Path) -> tuple[Path, Path]:
    dev = _write(tmp_path / "devset.jsonl", [_pairing(GANSU_KZ), _pairing(NOTHING)])
    heldout = tmp_path / "heldout"
    heldout.mkdir()
    extra = {"id": "x-1", "source_url": "https://example.org/a", "kinds": ["direct"]}
    _write(heldout / "en.jsonl", [_pairing(GANSU_KZ, "en", **extra)])
    _write(heldout / "zh.jsonl", [_pairing(NOTHING, "zh", kinds=["negative"])])
    return dev, heldout


def _fake_classify(text: str, title: str) -> Labels:
    """Finds the Gansu-Kazakhstan pairing only in the passage that states it."""
    if text == GANSU_KZ:
        return Labels(relevant=True, provinces=["Gansu"], countries=["KZ"],
                      pairings=[Pairing(province="Gansu", country="KZ")],
                      classifier_version="test")
    return Labels(relevant=False, classifier_version="test")


def test_held_out_fields_are_read_and_kept(sets: tuple[Path, Path]) -> None:
    _, heldout = sets
    (example,) = load_examples(heldout / "en.jsonl")
    assert (example.id, example.lang, example.source_url) == ("x-1", "en", "https://example.org/a")
    assert example.kinds == {"direct"}


def test_each_set_and_language_is_a_column(sets: tuple[Path, Path]) -> None:
    dev, heldout = sets
    found = columns([load_set(dev), load_set(heldout)], _fake_classify)
    assert [c.name for c in found] == ["dev", "held-out", "held-out:en", "held-out:zh"]
    by_name = {c.name: c.report for c in found}
    # One pairing of two found in each set; all of the English one, none of the Chinese.
    assert by_name["dev"].pairings.recall == pytest.approx(0.5)
    assert by_name["held-out"].pairings.recall == pytest.approx(0.5)
    assert by_name["held-out:en"].pairings.recall == pytest.approx(1.0)
    assert by_name["held-out:zh"].pairings.recall == pytest.approx(0.0)
    table = format_side_by_side(found).splitlines()
    assert table[1].split() == ["dev", "held-out", "held-out:en", "held-out:zh"]
    recall_row = next(line for line in table if line.startswith("pairings recall"))
    assert recall_row.split()[2:] == ["0.500", "0.500", "1.000", "0.000"]


def test_the_command_prints_sets_side_by_side(sets: tuple[Path, Path]) -> None:
    dev, heldout = sets
    result = CliRunner().invoke(app, ["eval", str(dev), str(heldout), "--kinds"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split() == ["dev", "held-out", "held-out:en", "held-out:zh"]
    passages = next(line for line in lines if line.startswith("passages"))
    assert passages.split()[1:] == ["2", "2", "1", "1"]
    direct = next(line for line in lines if line.startswith("direct"))
    assert direct.split()[3:5] == ["1.000", "(1)"]  # held-out's English passage found
    # The Chinese passage states a pairing the classifier misses.
    negative = next(line for line in lines if line.startswith("negative"))
    assert negative.split()[3:5] == ["0.000", "(1)"]


def test_passages_stating_no_pairing_count_the_wrong_ones() -> None:
    negative = Example(text=GANSU_KZ, relevant=False, kinds=frozenset({"negative"}))
    table = format_kinds([LabelledSet("held-out", [negative])], _fake_classify)
    row = next(line for line in table.splitlines() if line.startswith("negative"))
    assert row.split()[1:4] == ["1", "wrong", "(1)"]


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code != 0
    assert "no *.jsonl" in result.output
