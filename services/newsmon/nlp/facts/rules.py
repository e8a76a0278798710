"""The rules of one language, read from data/facts.json: FactRules (numbers, casualty and weapon
counts) and VictimRules (people counted by words), every phrase split into tokens as documents are."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from newsmon.nlp.facts.phrase_table import PhraseTable
from newsmon.nlp.phrases import Tokenize
from newsmon.nlp.resources import load_json

# Punctuation the rules read: no language's words, so not in facts.json
HYPHENS = frozenset({"-", "–", "—"})
CLAUSE_END = frozenset({".", "!", "?", ";", ":", ","})
SENTENCE_END = frozenset({".", "!", "?", ";"})

# a multiplier's factor: a number ("puluh": 10, "mil": 1000) or "teen", ten more ("dua belas": 12)
Multiplier = int | Literal["teen"]

_GROUPED_DIGITS = re.compile(r"^[1-9]\d{0,2}(?:[.,]\d{3})+$")
_SPLIT = "..."  # "schoss ... ab": a verb and its particle around the count


def _kind_table(mapping: dict[str, list[str]], tokenize: Tokenize) -> PhraseTable[str]:
    return PhraseTable({tokenize(p): kind for kind, items in mapping.items() for p in items})


def _value_table(mapping: dict[str, int], tokenize: Tokenize) -> PhraseTable[int]:
    return PhraseTable({tokenize(phrase): value for phrase, value in mapping.items()})


def _phrase_set(items: list[str], tokenize: Tokenize) -> PhraseTable[bool]:
    return PhraseTable({tokenize(p): True for p in items})


def _whole_phrases(mapping: dict[str, list[str]]) -> dict[str, list[str]]:
    return {kind: [p for p in items if _SPLIT not in p] for kind, items in mapping.items()}


def _split_table(mapping: dict[str, list[str]], tokenize: Tokenize) -> PhraseTable[tuple[tuple[str, ...], str]]:
    """German separable verbs: "schoss ... ab" is the verb before the count and its particle after
    the weapon ("schoss 69 Drohnen ab"); the table maps the verb to (particle, kind)."""
    phrases: dict[tuple[str, ...], tuple[tuple[str, ...], str]] = {}
    for kind, items in mapping.items():
        for phrase in items:
            if _SPLIT in phrase:
                head, particle = (part.strip() for part in phrase.split(_SPLIT, 1))
                phrases[tokenize(head)] = (tokenize(particle), kind)
    return PhraseTable(phrases)


def _compound_pieces(data: dict[str, Any]) -> dict[str, int | tuple[str, int] | None]:
    """What a number written as one word may be made of ("einundzwanzig", "vingt-trois",
    "veintitrés"): single-word numbers, multipliers, parts found only inside such words
    (veinti-, dieci-) and joiners (und, -), which have no value. Empty: the language writes
    no such words, and none is looked for."""
    joiners = data.get("compound_joiners", [])
    if not joiners and not data.get("compound_parts"):
        return {}
    pieces: dict[str, int | tuple[str, int] | None] = {w: v for w, v in data["number_words"].items() if " " not in w}
    pieces.update({w: ("multiplier", f) for w, f in data["multipliers"].items()})
    pieces.update(data.get("compound_parts", {}))
    pieces.update(dict.fromkeys(joiners))
    return pieces


def _grouped_digits(separators: list[str]) -> re.Pattern[str]:
    """ "1.200" is 1200 where "." groups thousands (de, es, id) and 1.2 where it is the decimal
    mark (en); a space-grouped "1 200" is two tokens and is joined by the NumberReader."""
    marks = "".join(re.escape(s) for s in separators if not s.isspace())
    return re.compile(rf"^[1-9]\d{{0,2}}(?:[{marks}]\d{{3}})+$") if marks else re.compile(r"(?!)")


@dataclass(frozen=True)
class AgeRules:
    """The words of age phrases ("aged 25 and 30", "berusia 40 tahun", "âgés de 25 ans"): see ages.py."""

    leads: PhraseTable[bool]
    weak_leads: PhraseTable[bool]  # an age only with a unit after the numbers ("de 25 ans")
    units: PhraseTable[bool]
    tails: PhraseTable[bool]  # "old" in "25 years old": where a language has them, a unit alone is no age
    joiners: frozenset[str]

    @property
    def lead_starts(self) -> frozenset[str]:
        """First words of the leads, and "(": age phrases that do not start with a number."""
        cached: frozenset[str] | None = self.__dict__.get("_lead_starts")
        if cached is None:
            cached = frozenset({"(", *(p[0] for table in (self.leads, self.weak_leads) for p in table.values)})
            object.__setattr__(self, "_lead_starts", cached)
        return cached

    @classmethod
    def from_data(cls, data: dict[str, Any], tokenize: Tokenize) -> AgeRules:
        return cls(
            leads=_phrase_set(data["leads"], tokenize),
            weak_leads=_phrase_set(data.get("weak_leads", []), tokenize),
            units=_phrase_set(data["units"], tokenize),
            tails=_phrase_set(data.get("tails", []), tokenize),
            joiners=frozenset(data["joiners"]),
        )


@dataclass(frozen=True)
class FactRules:
    number_words: PhraseTable[int]
    multipliers: dict[str, Multiplier]
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
    months: frozenset[str] = frozenset()
    singular_words: frozenset[str] = frozenset()
    victims: VictimRules | None = None
    ages: AgeRules | None = None
    background_cues: PhraseTable[bool] = field(default_factory=lambda: PhraseTable({}))
    # numbers: see NumberReader and _Sum (numbers.py)
    articles: frozenset[str] = frozenset()
    number_connectors: frozenset[str] = frozenset()
    compound_pieces: dict[str, int | tuple[str, int] | None] = field(default_factory=dict)
    grouped_digits: re.Pattern[str] = _GROUPED_DIGITS
    space_grouping: bool = False
    ordinal_dot: bool = False
    sentence_openers: frozenset[str] = frozenset()
    # numbers that are not counts: "13 de marzo", "Hauptstraße 12", "calle Mayor 12"
    date_joiners: frozenset[str] = frozenset()
    street_words: frozenset[str] = frozenset()
    street_suffixes: tuple[str, ...] = ()
    street_name_joiners: frozenset[str] = frozenset()
    # weapons: "69 russische Drohnen", "Shahed-Drohnen", "schoss 69 Drohnen ab", "69 von 90 Drohnen"
    weapon_modifiers: frozenset[str] = frozenset()
    weapon_suffixes: tuple[tuple[str, str], ...] = ()
    split_qualifiers: PhraseTable[tuple[tuple[str, ...], str]] = field(default_factory=lambda: PhraseTable({}))
    qualifier_window: int = 4
    partitive_links: frozenset[str] = frozenset()

    @property
    def verb_starts(self) -> frozenset[str]:
        """First words of the causatives and tolls: the loop over tokens skips all others."""
        return self._first_words("_verb_starts", (self.causatives, self.tolls))

    @property
    def number_starts(self) -> frozenset[str]:
        """First words of written numbers (tokens starting with a digit are tried as well)."""
        return self._first_words("_number_starts", (self.number_words, self.vague_numbers))

    def _first_words(self, key: str, tables: tuple[PhraseTable[Any], ...]) -> frozenset[str]:
        cached: frozenset[str] | None = self.__dict__.get(key)
        if cached is None:
            cached = frozenset(phrase[0] for table in tables for phrase in table.values)
            object.__setattr__(self, key, cached)
        return cached

    def weapon_at(self, lower: list[str], k: int) -> tuple[int, str] | None:
        """A weapon word at token k, or a compound ending in one ("Kampfdrohnen", "Shahed-Drohnen")."""
        hit = self.weapons.at(lower, k)
        if hit is not None or not self.weapon_suffixes or k >= len(lower):
            return hit
        word = lower[k]
        for suffix, kind in self.weapon_suffixes:
            if len(word) > len(suffix) and word.endswith(suffix):
                return k + 1, kind
        return None

    @classmethod
    def for_language(cls, lang: str, tokenize: Tokenize) -> FactRules | None:
        """Rules for `lang`, with every phrase split by `tokenize` exactly as documents are."""
        data = load_json("facts.json").get(lang)
        if data is None:
            return None
        return cls(
            number_words=_value_table(data["number_words"], tokenize),
            multipliers=dict(data["multipliers"]),
            vague_numbers=_value_table(data["vague_numbers"], tokenize),
            lower_bound_cues=_phrase_set(data["lower_bound_cues"], tokenize),
            kinds=_kind_table(data["kinds"], tokenize),
            causatives=_kind_table(data["causatives"], tokenize),
            tolls=_kind_table(data["tolls"], tokenize),
            toll_links=_phrase_set(data["toll_links"], tokenize),
            weapons=_kind_table(data["weapons"], tokenize),
            qualifiers=_kind_table(_whole_phrases(data["weapon_qualifiers"]), tokenize),
            blocked_after=frozenset(data["blocked_after"]),
            blocked_before=frozenset(data["blocked_before"]),
            person_nouns=frozenset(data["person_nouns"]),
            clause_breakers=frozenset(data["clause_breakers"]),
            max_gap=int(data["max_gap"]),
            months=frozenset(data.get("months", [])),
            singular_words=frozenset(data.get("singular_words", [])),
            victims=VictimRules.from_data(data["victims"], tokenize) if "victims" in data else None,
            ages=AgeRules.from_data(data["ages"], tokenize) if "ages" in data else None,
            background_cues=_phrase_set(data.get("background_cues", []), tokenize),
            articles=frozenset(data.get("articles", [])),
            number_connectors=frozenset(data.get("number_connectors", [])),
            compound_pieces=_compound_pieces(data),
            grouped_digits=_grouped_digits(data.get("thousands_separators", [".", ","])),
            space_grouping=" " in data.get("thousands_separators", []),
            ordinal_dot=bool(data.get("ordinal_dot", False)),
            sentence_openers=frozenset(data.get("sentence_openers", [])),
            date_joiners=frozenset(data.get("date_joiners", [])),
            street_words=frozenset(data.get("street_words", [])),
            street_suffixes=tuple(data.get("street_suffixes", [])),
            street_name_joiners=frozenset(data.get("street_name_joiners", [])),
            weapon_modifiers=frozenset(data.get("weapon_modifiers", [])),
            weapon_suffixes=tuple((s, kind) for kind, items in data.get("weapon_suffixes", {}).items() for s in items),
            split_qualifiers=_split_table(data["weapon_qualifiers"], tokenize),
            qualifier_window=int(data.get("qualifier_window", 4)),
            partitive_links=frozenset(data.get("partitive_links", [])),
        )


@dataclass(frozen=True)
class VictimRules:
    """People counted by the words that name them ("a man", "a 17-year-old", "two women", "both
    victims", "he") and what the sentence says happened to them ("was shot and killed", "died",
    "was wounded", "was taken to a hospital"). Predicates that are passive verbs need an auxiliary
    ("a man was shot": a victim; "a man shot ...": the shooter). Kind "hit" is a person shot or hurt
    whose fate the phrase does not tell; see VictimReader.settle."""

    determiners: PhraseTable[int]
    possessives: frozenset[str]  # before a number, which counts: "his two sons", "their four children"
    standalone: PhraseTable[int]
    singular_nouns: frozenset[str]
    plural_nouns: frozenset[str]
    post_determiners: frozenset[str]
    bare_subjects: frozenset[str]
    plural_markers: frozenset[str]
    subject_pronouns: dict[str, int]
    object_pronouns: dict[str, int]
    age_nouns: frozenset[str]
    modifier_stops: frozenset[str]
    max_modifiers: int
    auxiliaries: frozenset[str]
    singular_auxiliaries: frozenset[str]
    plural_auxiliaries: frozenset[str]
    fillers: frozenset[str]
    negations: frozenset[str]
    no_subject: frozenset[str]
    predicates: PhraseTable[str]
    intransitive: PhraseTable[str]
    hospital_verbs: PhraseTable[str]
    hospital_words: frozenset[str]
    events: PhraseTable[str]
    object_verbs: PhraseTable[str]
    others: frozenset[str]
    ordinals: PhraseTable[int]
    finding_verbs: PhraseTable[bool]
    partitive_pronouns: frozenset[str]
    partitive_prepositions: frozenset[str]
    definite_articles: frozenset[str]
    list_joiners: frozenset[str]
    age_units: frozenset[str]
    not_names: frozenset[str]
    death_tails: PhraseTable[bool]
    fatal_words: frozenset[str]
    needs_person: PhraseTable[bool]
    survivable_words: frozenset[str]
    then_words: frozenset[str]
    self_pronouns: frozenset[str]
    relatives: frozenset[str]
    suicides: PhraseTable[bool]

    @property
    def triggers(self) -> frozenset[str]:
        """First words of every rule that starts at a token: the others are skipped at once."""
        cached: frozenset[str] | None = self.__dict__.get("_triggers")
        if cached is None:
            tables = (
                self.determiners,
                self.standalone,
                self.events,
                self.suicides,
                self.finding_verbs,
                self.object_verbs,
                self.intransitive,
            )
            words = {phrase[0] for table in tables for phrase in table.values}
            words |= self.singular_nouns | set(self.subject_pronouns) | self.singular_auxiliaries | self.possessives
            cached = frozenset(words)
            object.__setattr__(self, "_triggers", cached)
        return cached

    @classmethod
    def from_data(cls, data: dict[str, Any], tokenize: Tokenize) -> VictimRules:
        return cls(
            determiners=_value_table(data["determiners"], tokenize),
            possessives=frozenset(data.get("possessives", [])),
            standalone=_value_table(data["standalone"], tokenize),
            singular_nouns=frozenset(data["singular_nouns"]),
            plural_nouns=frozenset(data["plural_nouns"]),
            post_determiners=frozenset(data.get("post_determiners", [])),
            bare_subjects=frozenset(data.get("bare_subjects", [])),
            plural_markers=frozenset(data.get("plural_markers", [])),
            subject_pronouns=dict(data["subject_pronouns"]),
            object_pronouns=dict(data["object_pronouns"]),
            age_nouns=frozenset(data.get("age_nouns", [])),
            modifier_stops=frozenset(data["modifier_stops"]),
            max_modifiers=int(data["max_modifiers"]),
            auxiliaries=frozenset(data["auxiliaries"]),
            singular_auxiliaries=frozenset(data["singular_auxiliaries"]),
            plural_auxiliaries=frozenset(data["plural_auxiliaries"]),
            fillers=frozenset(data["fillers"]),
            negations=frozenset(data["negations"]),
            no_subject=frozenset(data["no_subject"]),
            predicates=_kind_table(data["predicates"], tokenize),
            intransitive=_kind_table(data["intransitive"], tokenize),
            hospital_verbs=_kind_table(data["hospital_verbs"], tokenize),
            hospital_words=frozenset(data["hospital_words"]),
            events=_kind_table(data["events"], tokenize),
            object_verbs=_kind_table(data["object_verbs"], tokenize),
            others=frozenset(data["others"]),
            ordinals=_value_table(data["ordinals"], tokenize),
            finding_verbs=_phrase_set(data["finding_verbs"], tokenize),
            partitive_pronouns=frozenset(data["partitive_pronouns"]),
            partitive_prepositions=frozenset(data["partitive_prepositions"]),
            definite_articles=frozenset(data["definite_articles"]),
            list_joiners=frozenset(data["list_joiners"]),
            age_units=frozenset(data["age_units"]),
            not_names=frozenset(data["not_names"]),
            death_tails=_phrase_set(data["death_tails"], tokenize),
            fatal_words=frozenset(data["fatal_words"]),
            needs_person=_phrase_set(data["needs_person"], tokenize),
            survivable_words=frozenset(data["survivable_words"]),
            then_words=frozenset(data["then_words"]),
            self_pronouns=frozenset(data.get("self_pronouns", [])),
            relatives=frozenset(data.get("relatives", [])),
            suicides=_phrase_set(data.get("suicides", []), tokenize),
        )
