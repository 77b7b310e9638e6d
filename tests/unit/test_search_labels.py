import json
from pathlib import Path

import pytest

from services.search.labels import vocabulary
from services.search.query import InvalidSearch

CLASSIFY_DATA = Path(__file__).resolve().parents[2] / "services" / "classify" / "data"


def test_the_vocabulary_is_the_label_contract() -> None:
    vocab = vocabulary()
    assert len(vocab.provinces) == 34 and len(set(vocab.provinces)) == 34
    assert len(vocab.sectors) == 17 and len(set(vocab.sectors)) == 17
    assert vocab.countries["KZ"] == "Kazakhstan"
    assert not {"CN", "TW", "HK", "MO"} & set(vocab.countries)


def test_the_vocabulary_agrees_with_the_classifier_data() -> None:
    # Search filters must accept exactly what the classifier can output.
    provinces = json.loads((CLASSIFY_DATA / "provinces.json").read_text(encoding="utf-8"))
    sectors = json.loads((CLASSIFY_DATA / "sectors.json").read_text(encoding="utf-8"))
    assert set(vocabulary().provinces) == set(provinces["provinces"])
    assert set(vocabulary().sectors) == set(sectors["sectors"])


def test_values_match_whatever_their_case() -> None:
    vocab = vocabulary()
    assert vocab.province("hong kong") == "Hong Kong"
    assert vocab.sector("NonFerrous-Metals") == "nonferrous-metals"
    assert vocab.country(" kz ") == "KZ"


def test_an_unknown_value_is_refused_with_the_choices() -> None:
    with pytest.raises(InvalidSearch, match="Gansu, Guangdong") as raised:
        vocabulary().province("Gansuu")
    assert raised.value.field == "province"
