"""The newsmon_facts spaCy component: the number ... kind, causative and toll shapes read here, and
numbers, weapons and victims by their readers (the rules: see the package docstring)."""

from __future__ import annotations

from typing import cast

from spacy.language import Language
from spacy.tokens import Doc

from newsmon.nlp.facts.numbers import Found, Number, NumberReader, sentence_index
from newsmon.nlp.facts.rules import FactRules
from newsmon.nlp.facts.victims import VictimReader
from newsmon.nlp.facts.weapons import WeaponEnds, WeaponReader
from newsmon.nlp.phrases import lower_tokens
from newsmon.nlp.token_view import token_view
from newsmon.records import Fact, FactKind

if not Doc.has_extension("newsmon_facts"):
    Doc.set_extension("newsmon_facts", default=None)


class FactExtractor:
    """The component: the facts of a language's rules, none for a language without."""

    def __init__(self, rules: FactRules | None) -> None:
        self.reader = FactReader(rules) if rules is not None else None

    def __call__(self, doc: Doc) -> Doc:
        doc._.newsmon_facts = self.extract(doc)
        return doc

    def extract(self, doc: Doc) -> list[Fact]:
        if self.reader is None or len(doc) == 0:
            return []
        return self.reader.extract(doc)


class FactReader:
    """The facts of one language's rules in a doc."""

    def __init__(self, rules: FactRules) -> None:
        self.rules = rules
        self.numbers = NumberReader(rules)
        self.weapons = WeaponReader(rules)
        self.victims = (
            VictimReader(rules.victims, rules.lower_bound_cues, self.numbers.skip_age)
            if rules.victims is not None
            else None
        )

    def extract(self, doc: Doc) -> list[Fact]:
        view = token_view(doc)
        lower = view.lower
        is_word = [
            alpha or (not punct and not space and not num and "-" in word)
            for alpha, punct, space, num, word in zip(
                view.is_alpha, view.is_punct, view.is_space, view.like_num, lower, strict=True
            )
        ]
        numbers = self.numbers.read(lower, view.text)
        ends = {number.end: number for number in numbers.values()}
        found: dict[tuple[str, int], Found] = {}
        weapon_ends: WeaponEnds = {}

        def add(*facts: Found) -> None:
            for fact in facts:
                # two readings of one number: the larger took in more of a list ("killed four classmates and himself")
                held = found.get((fact.kind, fact.number.start))
                if held is None or fact.number.value > held.number.value:
                    found[(fact.kind, fact.number.start)] = fact

        for number in numbers.values():
            weapon_counts = self.weapons.counts_at(lower, numbers, ends, number, weapon_ends)
            if weapon_counts:
                add(*weapon_counts)
                continue
            kind_hit = self._kind_after(lower, is_word, numbers, number)
            if kind_hit is not None:
                kind, kind_end = kind_hit
                add(Found(kind, number, number.start, kind_end, None))
        starts = self.rules.verb_starts
        for i in range(len(lower)):
            if lower[i] not in starts:
                continue
            for table, links in ((self.rules.causatives, False), (self.rules.tolls, True)):
                hit = table.at(lower, i)
                if hit is None:
                    continue
                end, kind = hit
                count = self.numbers.number_after(lower, numbers, end, allow_links=links)
                if links and count is not None and any(start == count.start for _, start in found):
                    continue  # "le bilan est de 30 blessés": the noun after the number tells the kind
                if count is not None:
                    noun = count.end < len(lower) and lower[count.end] in self.rules.person_nouns
                    add(Found(kind, count, i, count.end + (1 if noun else 0), None))
        selves: list[Found] = []
        if self.victims is not None:
            people, selves = self.victims.read(lower, view.text, numbers)
            add(*people)
        background = self.numbers.background_sentences(lower, view.sent_start)
        sentence_of = sentence_index(view.sent_start)
        kept = [f for f in found.values() if sentence_of[f.number.start] not in background]
        if self.victims is not None:
            kept = self.victims.settle(kept, selves, lower, sentence_of)
        facts = [self._fact(doc, lower, f) for f in kept]
        facts.sort(key=lambda f: (f.start, f.kind))
        return facts

    def _fact(self, doc: Doc, lower: list[str], found: Found) -> Fact:
        cue_start = self.rules.lower_bound_cues.ending_at(lower, found.number.start)
        start = found.start if cue_start is None else min(found.start, cue_start)
        span = doc[start : found.end]
        return Fact(
            kind=cast("FactKind", found.kind),  # a kind of facts.json, which Fact validates
            number=found.number.value,
            lower_bound=found.number.vague or cue_start is not None,
            text=span.text,
            start=span.start_char,
            end=span.end_char,
            qualifier=found.qualifier,
        )

    def _kind_after(
        self, lower: list[str], is_word: list[bool], numbers: dict[int, Number], number: Number
    ) -> tuple[str, int] | None:
        r = self.rules
        k = number.end
        gap = 0
        while k < len(lower) and gap <= r.max_gap:
            hit = r.kinds.at(lower, k)
            if hit is not None:
                end, kind = hit
                # "3 gunmen killed 5 people": the verb takes the number after it, not this one
                verb = r.causatives.at(lower, k)
                if verb is not None and self.numbers.number_after(lower, numbers, verb[0], allow_links=False):
                    return None
                if self.victims is not None and self.victims.counts_agents(lower, numbers, number.end, k, end):
                    return None  # "two men shot a woman"
                return kind, end
            past_age = self.numbers.skip_age(lower, k)
            if past_age > k:  # "Two men, aged 25 and 30, were killed", "Dua warga berusia 40 tahun tewas"
                gap += 1
                k = past_age
                continue
            if k in numbers or not is_word[k] or lower[k] in r.clause_breakers:
                return None
            if number.value != 1 and lower[k] in r.singular_words:
                return None  # "Channel 12 said a child was shot", "4 A child was shot": not a count
            if r.weapon_at(lower, k) is not None:
                return None
            gap += 1
            k += 1
        return None


@Language.factory(
    "newsmon_facts",
    default_config={"rules_language": None},
    assigns=["doc._.newsmon_facts"],
)
def make_fact_extractor(nlp: Language, name: str, rules_language: str | None) -> FactExtractor:
    """`rules_language` picks the entry of data/facts.json; languages without one extract nothing."""
    lang = rules_language or nlp.lang
    return FactExtractor(FactRules.for_language(lang, lower_tokens(nlp)) if lang else None)
