"""Phrase lookups around a match: the longest whole-word phrase, and any phrase at all."""

from __future__ import annotations

from services.classify.phrases import PhraseSet, Substrings


def test_longest_suffix_is_the_longest_whole_word_phrase() -> None:
    phrases = PhraseSet(["in ", "held in ", "venue of "])
    assert phrases.longest_suffix("talks held in ") == len("held in ")
    # "held in " ends "beheld in " but not as whole words: the shorter "in " does.
    assert phrases.longest_suffix("he beheld in ") == len("in ")
    assert phrases.longest_suffix("signed with ") == 0
    assert phrases.longest_suffix("") == 0


def test_one_character_phrases_are_found_after_longer_ones() -> None:
    phrases = PhraseSet(["经", "途经", "via "])
    assert phrases.longest_suffix("列车途经") == 2
    assert phrases.longest_suffix("列车经") == 1
    assert phrases.longest_suffix("经") == 1
    assert phrases.longest_suffix("trains via ") == len("via ")


def test_longest_prefix_is_the_longest_whole_word_phrase() -> None:
    phrases = PhraseSet(["the two sides", "the two", "双方"])
    assert phrases.longest_prefix("the two sides agreed") == len("the two sides")
    # "the two sides" opens "the two sidesteps" but not as whole words.
    assert phrases.longest_prefix("the two sidesteps") == len("the two")
    assert phrases.longest_prefix("双方同意") == 2
    assert phrases.longest_prefix("they agreed") == 0


def test_substrings_finds_any_phrase_anywhere() -> None:
    transit = Substrings(["via ", "途经", "(a.k.a.)"])
    assert transit.found_in("trains running via Khorgos")
    assert transit.found_in("列车途经兰州")
    assert transit.found_in("Horgos (a.k.a.) port")  # phrases are literal, not patterns
    assert not transit.found_in("trains running to Almaty")
    assert not Substrings([]).found_in("anything at all")
