"""Decides which place-name matches really name the place.

Rules read the words around a match (``data/context.json``): "Beijing" standing for the
central government, Georgia the US state, currencies ("US dollars"), demonyms naming a
language or a person's nationality, place names inside organisation names, and names
shared by two countries ("Congo") resolved by what else the article names.
"""

from __future__ import annotations

import dataclasses
import re
from itertools import islice
from typing import Any

from services.classify.gazetteer import COUNTRY, PROVINCE
from services.classify.matcher import Mention
from services.classify.phrases import PhraseSet

_WORD = re.compile(r"[^\W_]+")
_CJK_START = "\u2e80"
_ALONE_FOLLOWERS = frozenset(",.;:)!?\"")
_WINDOW = 60
# Words joining two governments: "Beijing and Washington", "Пекин и Вашингтон", "北京和华盛顿".
_COORDINATORS = frozenset(
    {"and", "or", "&", "-", "/", "vs", "vs.", "versus", ",", "и", "или", "和", "与", "與"}
)
_NEXT_CAPITALISED = re.compile(r" ([A-Z]\w*)")
# A place coordinated right before another: "москвы и " in "мэры Москвы и Пекина", or
# a route's first end: "москва - " in "поезда Москва — Пекин" (dashes are folded to "-").
_COORDINATED_BEFORE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)? ?(?:и |and |-{1,2} ?|/)$")


def _has_cjk(word: str) -> bool:
    return any(char >= _CJK_START for char in word)


def _words(text: str, count: int) -> list[str]:
    return [match.group() for match in islice(_WORD.finditer(text, 0, _WINDOW), count)]


class _Metonym:
    """A province name that may stand for the central government ("Beijing said")."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.place_compounds = PhraseSet(spec["place_compounds"])
        self.government_compounds = PhraseSet(spec["government_compounds"])
        self.government_possessed = frozenset(spec["government_possessed"])
        self.place_words = frozenset(spec["place_words"])
        self.place_previous = PhraseSet(spec["place_previous"])
        self.government_previous = PhraseSet(spec["government_previous"])
        self.government_next = frozenset(w for w in spec["government_next"] if not _has_cjk(w))
        self.government_next_cjk = [w for w in spec["government_next"] if _has_cjk(w)]
        self.place_next_cjk = spec["place_next_text"]
        self.municipal_previous = PhraseSet(spec["municipal_previous"])

    def is_government(self, folded: str, mention: Mention, neighbours: list[Mention]) -> bool:
        if self._municipal_before(folded, mention):
            return False
        after = folded[mention.end : mention.end + _WINDOW]
        before = folded[max(0, mention.start - _WINDOW) : mention.start]
        if after.startswith("-"):
            compound = after[1:]
            place = self.place_compounds.longest_prefix(compound)
            government = self.government_compounds.longest_prefix(compound)
            if place or government:
                return government > place
        if after.startswith(("'s ", "' ")):
            possessed = _words(after[2:], 3)
            if any(word in self.government_possessed for word in possessed[:1]):
                return True
            if any(word in self.place_words for word in possessed):
                return False
            return any(word in self.government_possessed for word in possessed)
        if after[:1] and not after[0].isspace() and after[0] not in ",.;:'\")":
            if any(after.startswith(word) for word in self.place_next_cjk):
                return False
            return any(after.startswith(word) for word in self.government_next_cjk)
        next_word = _words(after, 1)
        if next_word and after[:1] == " " and next_word[0] in self.place_words:
            return False
        place = self.place_previous.longest_suffix(before)
        government = self.government_previous.longest_suffix(before)
        if place or government:
            return government > place
        if next_word and after[:1] == " " and next_word[0] in self.government_next:
            return True
        return self._coordinated_with_country(folded, mention, neighbours)

    def names_municipality(self, folded: str, mention: Mention) -> bool:
        """Whether the words next to the name make it the city itself, not merely the
        capital where national things happen: "Beijing municipal", "the Beijing-based
        firms", "Beijing's Daxing district", "北京市"."""
        if folded[mention.start : mention.end].endswith(tuple(self.place_next_cjk)):
            return True
        if self._municipal_before(folded, mention):
            return True
        after = folded[mention.end : mention.end + _WINDOW]
        if any(after.startswith(word) for word in self.place_next_cjk):
            return True
        if after.startswith("-"):
            return bool(self.place_compounds.longest_prefix(after[1:]))
        if after.startswith(("'s ", "' ")):
            after = after[1:]
        next_word = _words(after, 1)
        return bool(next_word) and after[:1] == " " and next_word[0] in self.place_words

    def _municipal_before(self, folded: str, mention: Mention) -> bool:
        """Whether the city's own officials or government precede the name: "мэр Пекина",
        "мэры Москвы и Пекина" (another city's name coordinated before it)."""
        before = folded[max(0, mention.start - _WINDOW) : mention.start]
        if self.municipal_previous.longest_suffix(before):
            return True
        coordinated = _COORDINATED_BEFORE.search(before)
        return coordinated is not None and bool(
            self.municipal_previous.longest_suffix(before[: coordinated.start()]))

    @staticmethod
    def _coordinated_with_country(folded: str, mention: Mention, neighbours: list[Mention]) -> bool:
        # "Beijing and Washington", "between Moscow and Beijing": two governments.
        for other in neighbours:
            if other.kind != COUNTRY:
                continue
            if other.end <= mention.start:
                gap = folded[other.end : mention.start]
            elif other.start >= mention.end:
                gap = folded[mention.end : other.start]
            else:
                continue
            if gap.strip() in _COORDINATORS:
                return True
        return False


class _SenseRule:
    """A country name that is also another place ("Atlanta, Georgia")."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.entity = spec["entity"]
        self.alias = spec["alias"]
        self.previous = PhraseSet(spec["previous"])
        self.next = PhraseSet(spec["next"])
        self.one_sense = bool(spec.get("one_sense_per_article"))

    def apply(self, folded: str, mentions: list[Mention]) -> set[int]:
        """Indexes of ``mentions`` that are not the country."""
        own = [
            (i, m) for i, m in enumerate(mentions)
            if m.value == self.entity and m.kind == COUNTRY
        ]
        bare = [(i, m) for i, m in own if folded[m.start : m.end] == self.alias]
        other_names = len(own) > len(bare)
        rejected = {
            i for i, m in bare
            if self.previous.longest_suffix(folded[max(0, m.start - _WINDOW) : m.start])
            or self.next.longest_prefix(folded[m.end : m.end + _WINDOW])
        }
        if rejected and self.one_sense and not other_names:
            return {i for i, _ in bare}
        return rejected


class Disambiguator:
    def __init__(self, context: dict[str, Any]) -> None:
        self.metonyms = {
            name: _Metonym(spec) for name, spec in context["metonyms"].items() if name != "about"
        }
        # The names of those (gazetteer values): a cheap first test for each mention.
        self.metonym_names = frozenset(self.metonyms)
        self.sense_rules = [_SenseRule(spec) for spec in context["sense_rules"]]
        self.organisation_words = frozenset(context["organisation_words"])
        self.short_name_after = frozenset(context["short_name_after"])
        # The first two characters of every currency phrase (the whole of a shorter one).
        self.currency_starts = frozenset(phrase[:2] for phrase in context["currency_next"])
        self.currency_next = re.compile(
            "|".join(
                re.escape(phrase) + (r"(?!\w)" if phrase[-1].isalnum() else "")
                for phrase in context["currency_next"]
            )
        )
        demonyms = context["demonyms"]
        self.demonym_reject_next = frozenset(demonyms["reject_next"])
        self.demonym_reject_compounds = PhraseSet(demonyms["reject_compounds"])
        self.demonym_reject_previous = PhraseSet(demonyms["reject_previous"])
        self.demonym_reject_previous_alone = PhraseSet(demonyms["reject_previous_when_alone"])

    def apply(self, text: str, folded: str, mentions: list[Mention]) -> list[Mention]:
        """The mentions that name a place, with shared names resolved to one country."""
        drop: set[int] = set()
        short_names: set[str] = set()
        shared = False
        currency_starts = self.currency_starts
        for index, mention in enumerate(mentions):
            kind = mention.kind
            if kind != PROVINCE and kind != COUNTRY:
                continue
            entry = mention.entry
            if entry.candidates:
                shared = True
            # Most names are followed by nothing that could start an organisation's name
            # (" Times") or a currency ("$", " dollars"): test that before any pattern runs.
            end = mention.end
            following = folded[end : end + 2]
            if (
                following in currency_starts
                or following[:1] in currency_starts
                or (text[end : end + 1] == " " and "A" <= text[end + 1 : end + 2] <= "Z")
            ) and (
                self._inside_organisation_name(text, mention)
                or self.currency_next.match(folded, end)
            ):
                drop.add(index)
            elif text[mention.start - 1 : mention.start] == "(" and self._short_name(text, mention):
                drop.add(index)
                short_names.add(text[mention.start : mention.end])
            elif kind == PROVINCE and mention.value in self.metonyms:
                neighbours = mentions[max(0, index - 1) : index + 2]
                if self.metonyms[mention.value].is_government(folded, mention, neighbours):
                    drop.add(index)
            elif entry.role == "demonyms" and self._not_the_country(folded, mention):
                drop.add(index)
        if short_names:
            # A company's short name, once given, names the company wherever it recurs:
            # "Hebei Iron and Steel (Hegang) ... Hegang will keep all workers".
            drop.update(i for i, m in enumerate(mentions) if text[m.start : m.end] in short_names)
        for rule in self.sense_rules:
            drop |= rule.apply(folded, mentions)
        kept = [m for i, m in enumerate(mentions) if i not in drop] if drop else mentions
        return _resolve_shared_names(kept) if shared else kept

    def capital_not_party(self, folded: str, mention: Mention) -> bool:
        """Whether a mention of a name that can stand for the central government
        ("Beijing") should be no party to a link: it is, unless the words next to it make
        it the city. Named bare, it is the capital where national deals are signed, state
        visits paid and decisions taken ("Putin visits Beijing", "a grant from Beijing"),
        which links no province to anyone."""
        metonym = self.metonyms.get(mention.value) if mention.kind == PROVINCE else None
        return metonym is not None and not metonym.names_municipality(folded, mention)

    def _short_name(self, text: str, mention: Mention) -> bool:
        """Whether the place, alone in parentheses after a company's name, is that
        company's short name: "Hebei Iron and Steel (Hegang) has signed"."""
        if text[mention.end : mention.end + 1] != ")":
            return False
        before = text[max(0, mention.start - 40) : mention.start - 1].split()
        return bool(before) and before[-1] in self.short_name_after

    def _inside_organisation_name(self, text: str, mention: Mention) -> bool:
        # "Lanzhou University", "Japan Times": the place names an organisation.
        following = _NEXT_CAPITALISED.match(text, mention.end)
        return following is not None and following.group(1) in self.organisation_words

    def _not_the_country(self, folded: str, mention: Mention) -> bool:
        after = folded[mention.end : mention.end + _WINDOW]
        before = folded[max(0, mention.start - _WINDOW) : mention.start]
        if after.startswith("-") and self.demonym_reject_compounds.longest_prefix(after[1:]):
            return True
        if after[:1] == " ":
            next_word = _WORD.search(after)
            if next_word is not None and next_word.group() in self.demonym_reject_next:
                return True
        if self.demonym_reject_previous.longest_suffix(before):
            return True
        stripped = after.lstrip()
        alone = (not stripped or stripped[0] in _ALONE_FOLLOWERS
                 or stripped.startswith(("and ", "or ")))
        return alone and bool(self.demonym_reject_previous_alone.longest_suffix(before))


def _resolve_shared_names(mentions: list[Mention]) -> list[Mention]:
    """'Congo' is the DRC or the Republic of the Congo: whichever the article names."""
    named = {m.value for m in mentions if m.kind == COUNTRY and not m.entry.candidates}
    resolved = []
    for mention in mentions:
        candidates = mention.entry.candidates
        if candidates:
            code = next((c for c in candidates if c in named), candidates[0])
            if code != mention.value:
                entry = dataclasses.replace(mention.entry, value=code)
                mention = dataclasses.replace(mention, entry=entry, value=code)
        resolved.append(mention)
    return resolved
