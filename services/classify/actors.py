"""Links stated across sentences: an actor tied to its province, its work abroad next.

"Weichai, a state-owned engine maker from Shandong, reported record profits. The company
will open a plant in Mexico." The first sentence ties an actor (a company, group, yard or
delegation) to a province; one of the next ``window`` sentences of the same paragraph
refers back to it ("the company", "it", its name) before naming a foreign country, and
holds a cooperation cue. That is one link, Shandong-Mexico, with both sentences as its
evidence. Everything else stays unlinked: a person from a province ("an engineer from
Hunan"), a sentence that names a province of its own (the sentence rules read it), a
country named before the reference, or a paragraph break in between.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any, NamedTuple

from services.classify.gazetteer import COUNTRY, PROVINCE, SECTOR
from services.classify.matcher import Mention
from services.classify.pairings import Link
from services.classify.phrases import PhraseSet
from services.classify.sentences import line_around, split_line

_STRONG = 1.0 - 1e-9
_BEFORE = 60
_AFTER = 40
# The actor's name when the sentence opens with it: "Weichai, a ... maker from Shandong".
_OPENING_NAME = re.compile(r"([A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,3}),")
_NAME_AFTER_BASED = re.compile(r"[\s-]*(?:based|headquartered)\s+([A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,2})")
_WORD = re.compile(r"[^\W\d_]+")


class _Sentence(NamedTuple):
    start: int
    end: int
    mentions: list[Mention]
    has_cue: bool


class ActorLinker:
    def __init__(self, grammar: dict[str, Any]) -> None:
        spec = grammar["actors"]
        self.window = int(spec["window"])
        self.nouns = frozenset(spec["nouns"])
        self.nouns_cjk = [noun for noun in spec["nouns"] if noun[:1] >= "\u2e80"]
        self.tie_previous = PhraseSet(spec["tie_previous"])
        self.tie_previous_alone: list[str] = spec["tie_previous_alone"]
        self.tie_next = tuple(spec["tie_next"])
        self.reference_openings = tuple(spec["reference_openings"])
        self.references = spec["references"]
        self.reference_reach = int(spec["reference_reach"])

    def extract(
        self, text: str, folded: str, entities: list[Mention], cues: list[Mention]
    ) -> list[Link]:
        """Cross-sentence links in the paragraphs that name a province and a country."""
        links: list[Link] = []
        starts = [m.start for m in entities]
        cue_starts = [c.start for c in cues]
        line_stop = -1
        for cue in cues:
            if cue.start < line_stop:
                continue
            line_start, line_stop = line_around(text, cue.start)
            low = bisect_left(starts, line_start)
            inside = entities[low : bisect_left(starts, line_stop, low)]
            kinds = {m.kind for m in inside}
            if PROVINCE not in kinds or COUNTRY not in kinds:
                continue
            spans = split_line(text, line_start, line_stop)
            if len(spans) < 2:
                continue
            sentences = []
            for start, end in spans:
                first = bisect_left(starts, start)
                mentions = entities[first : bisect_left(starts, end, first)]
                cue_index = bisect_left(cue_starts, start)
                has_cue = cue_index < len(cues) and cues[cue_index].start < end
                sentences.append(_Sentence(start, end, mentions, has_cue))
            links.extend(self._paragraph_links(text, folded, sentences))
        return links

    def _paragraph_links(self, text: str, folded: str, sentences: list[_Sentence]) -> list[Link]:
        links: list[Link] = []
        for index, sentence in enumerate(sentences):
            tied = [m for m in sentence.mentions
                    if m.kind == PROVINCE and self._ties_actor(folded, sentence, m)]
            if not tied:
                continue
            name = self._actor_name(text, sentence, tied[0])
            for later in sentences[index + 1 : index + 1 + self.window]:
                if any(m.kind == PROVINCE for m in later.mentions):
                    break  # another province: a new actor, read by the sentence rules
                countries = self._referred_countries(text, folded, later, name)
                if not countries:
                    continue
                sectors = _sectors(later.mentions) or _sectors(sentence.mentions)
                provinces = dict.fromkeys(m.value for m in tied)
                for province in provinces:
                    for country in countries:
                        links.append(Link(province, country, sectors, sentence.start, later.end))
                break
        return links

    def _ties_actor(self, folded: str, sentence: _Sentence, mention: Mention) -> bool:
        """Whether the province is where an actor is from: "a shipyard in Zhoushan",
        "Shenzhen-based", "headquartered in Hefei", "a Hubei company"."""
        before = folded[max(sentence.start, mention.start - _BEFORE) : mention.start]
        after = folded[mention.end : min(sentence.end, mention.end + _AFTER)]
        # "headquartered in Hefei", "based in Jingjiang in Jiangsu province"
        if after.startswith(self.tie_next) or any(p in before for p in self.tie_previous_alone):
            return True
        tie = self.tie_previous.longest_suffix(before)
        if tie and self._has_noun(before[: len(before) - tie], last_words=4):
            return True
        # "A Hubei company", "Anhui cement makers", "山东企业": the actor follows the name.
        return self._has_noun(after, first_words=3)

    def _has_noun(self, piece: str, last_words: int = 0, first_words: int = 0) -> bool:
        if any(noun in piece for noun in self.nouns_cjk):
            return True
        words = _WORD.findall(piece)
        chosen = words[-last_words:] if last_words else words[:first_words]
        return any(word in self.nouns for word in chosen)

    @staticmethod
    def _actor_name(text: str, sentence: _Sentence, province: Mention) -> str:
        opening = _OPENING_NAME.match(text, sentence.start, province.start)
        if opening is not None and opening.start(1) == sentence.start:
            return opening.group(1)
        based = _NAME_AFTER_BASED.match(text, province.end, sentence.end)
        return based.group(1) if based is not None else ""

    def _referred_countries(
        self, text: str, folded: str, sentence: _Sentence, name: str
    ) -> list[str]:
        """Countries of a sentence that refers back to the actor before naming them."""
        if not sentence.has_cue:
            return []
        countries = [m for m in sentence.mentions if m.kind == COUNTRY]
        if not countries:
            return []
        reach = folded[sentence.start : min(countries[0].start,
                                            sentence.start + self.reference_reach)]
        refers = reach.startswith(self.reference_openings) or any(
            phrase in reach for phrase in self.references
        )
        if not refers and name:
            refers = name in text[sentence.start : countries[0].start]
        if not refers:
            return []
        return list(dict.fromkeys(m.value for m in countries))


def _sectors(mentions: list[Mention]) -> frozenset[str]:
    """Sectors a sentence names with one specific term or two generic ones."""
    weights: dict[str, float] = {}
    for mention in mentions:
        if mention.kind == SECTOR:
            weights[mention.value] = weights.get(mention.value, 0.0) + mention.entry.weight
    return frozenset(slug for slug, weight in weights.items() if weight >= _STRONG)
