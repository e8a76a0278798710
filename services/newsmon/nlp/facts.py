"""newsmon_facts: casualty counts (killed, injured, missing) and weapon counts (drones, missiles).

Rules over tokens, from data/facts.json, in four shapes:
  number ... kind        "Setidaknya dua orang telah tewas", "13 terluka", "five people were killed"
  causative number       "menewaskan 5 orang", "killing at least 12"
  toll link number       "jumlah korban tewas mencapai 20", "the death toll rose to 35"
  number weapon          "menembak jatuh atau mencegat 69 drone" (qualifier from a nearby verb)
A lower-bound cue (setidaknya, at least) marks only the number it directly precedes: in
"at least two killed and 13 injured" the 13 is read as given. Reporters repeat the cue when they
mean it for both figures, and the alert must not claim a bound the text does not state.
Numbers next to a unit, a month, an age or a percent sign are never counts, and sentences that
name a year are background ("the 2023 quake killed more than 50,000"), not this event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generic, TypeVar

from spacy.language import Language
from spacy.tokens import Doc

from newsmon.nlp._data import load_json
from newsmon.nlp.phrases import Tokenize, lower_tokens
from newsmon.nlp.token_view import token_view
from newsmon.records import Fact

if not Doc.has_extension("newsmon_facts"):
    Doc.set_extension("newsmon_facts", default=None)

_PLAIN_DIGITS = re.compile(r"^[1-9]\d{0,6}$|^0$")
_GROUPED_DIGITS = re.compile(r"^[1-9]\d{0,2}(?:[.,]\d{3})+$")
_HYPHENS = frozenset({"-", "–", "—"})
_CLAUSE_END = frozenset({".", "!", "?", ";", ":", ","})
MAX_QUALIFIER_DISTANCE = 6
MAX_LINKS = 3

V = TypeVar("V")


class PhraseTable(Generic[V]):
    """Phrases (tuples of lower-case tokens) -> values, found by their first or last word."""

    def __init__(self, phrases: dict[tuple[str, ...], V]) -> None:
        self.values = dict(phrases)
        by_first: dict[str, set[int]] = {}
        by_last: dict[str, set[int]] = {}
        for phrase in self.values:
            by_first.setdefault(phrase[0], set()).add(len(phrase))
            by_last.setdefault(phrase[-1], set()).add(len(phrase))
        self._lengths_from = {w: sorted(n, reverse=True) for w, n in by_first.items()}
        self._lengths_to = {w: sorted(n, reverse=True) for w, n in by_last.items()}

    def at(self, words: list[str], i: int) -> tuple[int, V] | None:
        """(end, value) of the longest phrase starting at token i."""
        for length in self._lengths_from.get(words[i], ()) if i < len(words) else ():
            key = tuple(words[i : i + length])
            if key in self.values:
                return i + length, self.values[key]
        return None

    def ending_at(self, words: list[str], end: int) -> int | None:
        """Start of the longest phrase ending just before token `end`."""
        for length in self._lengths_to.get(words[end - 1], ()) if end > 0 else ():
            if end - length >= 0 and tuple(words[end - length : end]) in self.values:
                return end - length
        return None


def _kind_table(mapping: dict[str, list[str]], tokenize: Tokenize) -> PhraseTable[str]:
    return PhraseTable({tokenize(p): kind for kind, items in mapping.items() for p in items})


def _word_table(items, tokenize: Tokenize, value=True) -> PhraseTable:
    if isinstance(items, dict):
        return PhraseTable({tokenize(k): v for k, v in items.items()})
    return PhraseTable({tokenize(p): value for p in items})


@dataclass(frozen=True)
class FactRules:
    number_words: PhraseTable[int]
    multipliers: dict[str, int | str]
    vague_numbers: PhraseTable[int]
    lower_bound_cues: PhraseTable[bool]
    kinds: PhraseTable[str]
    causatives: PhraseTable[str]
    tolls: PhraseTable[str]
    toll_links: PhraseTable[bool]
    weapons: PhraseTable[str]
    qualifiers: PhraseTable[str]
    blocked_after: frozenset[str]
    blocked_before: frozenset[str]
    person_nouns: frozenset[str]
    clause_breakers: frozenset[str]
    max_gap: int

    @classmethod
    def for_language(cls, lang: str, tokenize: Tokenize) -> FactRules | None:
        """Rules for `lang`, with every phrase split by `tokenize` exactly as documents are."""
        data = load_json("facts.json").get(lang)
        if data is None:
            return None
        return cls(
            number_words=_word_table(data["number_words"], tokenize),
            multipliers=dict(data["multipliers"]),
            vague_numbers=_word_table(data["vague_numbers"], tokenize),
            lower_bound_cues=_word_table(data["lower_bound_cues"], tokenize),
            kinds=_kind_table(data["kinds"], tokenize),
            causatives=_kind_table(data["causatives"], tokenize),
            tolls=_kind_table(data["tolls"], tokenize),
            toll_links=_word_table(data["toll_links"], tokenize),
            weapons=_kind_table(data["weapons"], tokenize),
            qualifiers=_kind_table(data["weapon_qualifiers"], tokenize),
            blocked_after=frozenset(data["blocked_after"]),
            blocked_before=frozenset(data["blocked_before"]),
            person_nouns=frozenset(data["person_nouns"]),
            clause_breakers=frozenset(data["clause_breakers"]),
            max_gap=int(data["max_gap"]),
        )


@dataclass(frozen=True)
class _Number:
    start: int
    end: int
    value: int
    vague: bool


@dataclass(frozen=True)
class _Found:
    kind: str
    number: _Number
    start: int  # token span of the evidence
    end: int
    qualifier: str | None


class FactExtractor:
    def __init__(self, rules: FactRules | None) -> None:
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        doc._.newsmon_facts = self.extract(doc)
        return doc

    def extract(self, doc: Doc) -> list[Fact]:
        if self.rules is None or len(doc) == 0:
            return []
        view = token_view(doc)
        lower = view.lower
        is_word = [
            alpha or (not punct and not space and not num and "-" in word)
            for alpha, punct, space, num, word in zip(
                view.is_alpha, view.is_punct, view.is_space, view.like_num, lower, strict=True
            )
        ]
        numbers = self._numbers(lower)
        found: dict[tuple[str, int], _Found] = {}

        def add(kind: str, number: _Number, start: int, end: int, qualifier: str | None = None) -> None:
            found.setdefault((kind, number.start), _Found(kind, number, start, end, qualifier))

        for number in numbers.values():
            weapon = self.rules.weapons.at(lower, number.end)
            if weapon is not None:
                weapon_end, kind = weapon
                qualifier, q_start, q_end = self._qualifier_near(lower, numbers, number.start, weapon_end)
                add(kind, number, min(number.start, q_start), max(weapon_end, q_end), qualifier)
                continue
            kind_hit = self._kind_after(lower, is_word, numbers, number)
            if kind_hit is not None:
                kind, kind_end = kind_hit
                add(kind, number, number.start, kind_end)
        for i in range(len(lower)):
            for table, links in ((self.rules.causatives, False), (self.rules.tolls, True)):
                hit = table.at(lower, i)
                if hit is None:
                    continue
                end, kind = hit
                number = self._number_after_link(lower, numbers, end, allow_links=links)
                if number is not None:
                    noun = number.end < len(lower) and lower[number.end] in self.rules.person_nouns
                    add(kind, number, i, number.end + (1 if noun else 0))
        background = self._sentences_with_a_year(lower, view.sent_start)
        sentence_of = _sentence_index(view.sent_start)
        facts = [
            self._fact(doc, lower, f)
            for f in found.values()
            if sentence_of[f.number.start] not in background
        ]
        facts.sort(key=lambda f: (f.start, f.kind))
        return facts

    def _fact(self, doc: Doc, lower: list[str], found: _Found) -> Fact:
        cue_start = self.rules.lower_bound_cues.ending_at(lower, found.number.start)
        start = found.start if cue_start is None else min(found.start, cue_start)
        span = doc[start : found.end]
        return Fact(
            kind=found.kind,
            number=found.number.value,
            lower_bound=found.number.vague or cue_start is not None,
            text=span.text,
            start=span.start_char,
            end=span.end_char,
            qualifier=found.qualifier,
        )

    # -- numbers -----------------------------------------------------------------------------------
    def _numbers(self, lower: list[str]) -> dict[int, _Number]:
        numbers: dict[int, _Number] = {}
        i = 0
        while i < len(lower):
            number = self._number_at(lower, i)
            if number is None:
                i += 1
                continue
            if self._is_count(lower, number):
                numbers[number.start] = number
            i = number.end
        return numbers

    def _number_at(self, lower: list[str], i: int) -> _Number | None:
        """A count written in digits ("13", "1.200", "5 ribu") or words ("dua belas",
        "twenty-five", "puluhan") starting at token i."""
        r = self.rules
        vague = r.vague_numbers.at(lower, i)
        if vague is not None:
            return _Number(i, vague[0], vague[1], True)
        total, current, group = 0, 0, 0
        j = i
        if _PLAIN_DIGITS.match(lower[i]) or _GROUPED_DIGITS.match(lower[i]):
            group = int(re.sub(r"[.,]", "", lower[i]))
            j = i + 1
            words_allowed = False  # "13 dua" is two numbers, but "5 ribu" is one
        else:
            words_allowed = True
        while j < len(lower):
            word = lower[j]
            phrase = r.number_words.at(lower, j) if words_allowed else None
            if phrase is not None:
                group += phrase[1]
                j = phrase[0]
                continue
            if j > i and word in r.multipliers:
                factor = r.multipliers[word]
                if factor == "teen":
                    current += group + 10
                elif factor >= 1000:
                    total += (current + group) * factor
                    current = 0
                else:
                    current += group * factor
                group = 0
                j += 1
                continue
            if j > i and words_allowed and word in _HYPHENS and r.number_words.at(lower, j + 1):
                j += 1  # twenty-five
                continue
            break
        if j == i:
            return None
        return _Number(i, j, total + current + group, False)

    def _is_count(self, lower: list[str], number: _Number) -> bool:
        """False for ages, dates, years, durations, measures, shares and identifiers."""
        r = self.rules
        after = number.end
        while after < len(lower) and lower[after] in _HYPHENS:
            after += 1
        if after < len(lower) and lower[after] in r.blocked_after:
            return False
        before = number.start - 1
        while before >= 0 and lower[before] in _HYPHENS:
            before -= 1
        if before >= 0 and lower[before] in r.blocked_before:
            return False
        if _is_year(lower[number.start]) and number.end - number.start == 1:
            return after < len(lower) and lower[after] in r.person_nouns  # "2000 orang" is a count
        return True

    def _sentences_with_a_year(self, lower: list[str], sent_start: list[bool]) -> set[int]:
        sentence_of = _sentence_index(sent_start)
        years = set()
        for i, word in enumerate(lower):
            if _is_year(word) and not (i + 1 < len(lower) and lower[i + 1] in self.rules.person_nouns):
                years.add(sentence_of[i])
        return years

    # -- shapes ----------------------------------------------------------------------------------------
    def _kind_after(self, lower, is_word, numbers, number: _Number) -> tuple[str, int] | None:
        r = self.rules
        k = number.end
        gap = 0
        while k < len(lower) and gap <= r.max_gap:
            hit = r.kinds.at(lower, k)
            if hit is not None:
                end, kind = hit
                # "3 gunmen killed 5 people": the verb takes the number after it, not this one
                verb = r.causatives.at(lower, k)
                if verb is not None and self._number_after_link(lower, numbers, verb[0], allow_links=False):
                    return None
                return kind, end
            if k in numbers or not is_word[k] or lower[k] in r.clause_breakers:
                return None
            if r.weapons.at(lower, k) is not None:
                return None
            gap += 1
            k += 1
        return None

    def _number_after_link(self, lower, numbers, k: int, *, allow_links: bool) -> _Number | None:
        r = self.rules
        links = 0
        while k < len(lower) and links < MAX_LINKS:
            cue = r.lower_bound_cues.at(lower, k)
            if cue is not None:
                k = cue[0]
                continue
            if k in numbers:
                return numbers[k]
            link = r.toll_links.at(lower, k) if allow_links else None
            if link is None:
                return None
            k = link[0]
            links += 1
        return None

    def _qualifier_near(self, lower, numbers, number_start: int, weapon_end: int) -> tuple[str | None, int, int]:
        """The launched/intercepted verb of this count, in the same clause: right after the weapon
        ("40 drone yang diluncurkan", "69 drones were shot down") or, failing that, before the
        number ("menembak jatuh atau mencegat 69 drone"), never past another number."""
        r = self.rules
        for k in range(weapon_end, min(len(lower), weapon_end + 4)):
            if lower[k] in _CLAUSE_END or k in numbers:
                break
            hit = r.qualifiers.at(lower, k)
            if hit is not None:
                return hit[1], number_start, hit[0]
        for k in range(number_start - 1, max(-1, number_start - 1 - MAX_QUALIFIER_DISTANCE), -1):
            if lower[k] in _CLAUSE_END or k in numbers:
                break
            hit = r.qualifiers.at(lower, k)
            if hit is not None and hit[0] <= number_start:
                return hit[1], k, number_start
        return None, number_start, weapon_end


def _is_year(word: str) -> bool:
    return len(word) == 4 and word.isdigit() and 1800 <= int(word) <= 2100


def _sentence_index(sent_start: list[bool]) -> list[int]:
    index, current = [], -1
    for start in sent_start:
        current += 1 if start else 0
        index.append(max(current, 0))
    return index


@Language.factory(
    "newsmon_facts",
    default_config={"rules_language": None},
    assigns=["doc._.newsmon_facts"],
)
def make_fact_extractor(nlp: Language, name: str, rules_language: str | None) -> FactExtractor:
    """`rules_language` picks the entry of data/facts.json; languages without one extract nothing."""
    return FactExtractor(FactRules.for_language(rules_language or nlp.lang, lower_tokens(nlp)))
