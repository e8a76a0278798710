"""newsmon_facts: casualty counts (killed, injured, missing) and weapon counts (drones, missiles).

Rules over tokens, from data/facts.json, for Indonesian, English, German, French and Spanish (a
language without an entry gets no facts), in four shapes:
  number ... kind        "Setidaknya dua orang telah tewas", "13 terluka", "five people were killed",
                         "13 Menschen wurden verletzt", "faisant au moins 5 morts", "un muerto"
  causative number       "menewaskan 5 orang", "killing at least 12", "tötete 5 Menschen", "a tué 5
                         personnes", "mató a 5 personas", "murieron 12 personas" (the verb first)
  toll link number       "jumlah korban tewas mencapai 20", "the death toll rose to 35", "die Zahl der
                         Toten stieg auf 12", "le bilan s'élève à 37", "la cifra de muertos asciende a 37"
                         (unless a casualty noun after the number tells the kind: "le bilan est de 30
                         blessés" counts injured)
  number weapon          "menembak jatuh atau mencegat 69 drone" (qualifier from a nearby verb, also a
                         separable one: "schoss 69 Drohnen ab"); "69 von 90 Drohnen abgefangen" counts
                         69 intercepted of 90 launched; "90 drones, dont 69 ont été abattus" counts the
                         69 of the drones; coordinated counts share a verb ("lanzó 90 drones y 6 misiles")
Numbers are digits, grouped by the language's thousands separator ("1.200" in de/es/id, "1,200" in
en, "1 200" in fr; "2,5" is never a count), or words, several ("dua puluh satu", "treinta y dos",
"vingt et un") or one ("einundzwanzig", "vingt-trois", "veintitrés"); an article ("ein", "une",
"un") counts one only before a person, a casualty word or a weapon ("ein Toter", "une femme").
A lower-bound cue (setidaknya, at least) marks only the number it directly precedes: in
"at least two killed and 13 injured" the 13 is read as given. Reporters repeat the cue when they
mean it for both figures, and the alert must not claim a bound the text does not state.
Numbers next to a unit, a month, an age or a percent sign are never counts ("the 1500 block",
"Channel 12", "3 yr old"), nor is a number that a singular verb or "a" follows ("12 was shot"), and
sentences that name a bare year are background ("the 2023 quake killed more than 50,000"), not this
event; a year inside a full date ("Posted: Friday, June 26, 2015") is a dateline and is not.

Victims (the "victims" entry of a language): most casualty reports count people with words, not
digits, and these rules read them:
  person predicate       "a man was shot and killed", "a 17-year-old was wounded", "both victims were
                         taken to a hospital", "a man and a woman were shot", "pria itu tewas di tempat"
  was predicate          "Jonas Pike, 23, was pronounced dead": "was" before a casualty verb is one
                         person whoever the subject ("nobody was hurt" and "was not hurt" are not)
  verb person            "police shot and killed a man", "killing Jane Doe and John Roe" (2),
                         "found a man suffering from a gunshot wound", "sent five people to the hospital"
  event                  "the fatal shooting of ..." (one death), "before taking his own life"
Passive verbs need an auxiliary: "a man was shot" is a victim, "a man shot ..." the shooter, and a
number that a verb with an object follows counts the agents ("two men shot a woman": 1 injured).
Kind "hit" (shot, or taken to a hospital, fate not told) never leaves this module: the most hit,
less the most killed, become one injured figure ("four people were shot, one fatally": 1 killed,
3 injured; "a man was shot ... he died": 1 killed, 0 injured), unless the hit are said to be others
("three other people were also shot"). A killer's own death is added to the deaths he caused when
one sentence tells both ("killed his wife and two children before killing himself": 4).
Every mention is a fact; the alert takes the largest per kind, so a person named again ("the
victim") is never counted twice. Suspects are counted like anyone else, as casualty tolls (and the
Gun Violence Archive) do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, TypeVar

from spacy.language import Language
from spacy.tokens import Doc

from newsmon.nlp.resources import load_json
from newsmon.nlp.phrases import Tokenize, lower_tokens
from newsmon.nlp.token_view import token_view
from newsmon.records import Fact

if not Doc.has_extension("newsmon_facts"):
    Doc.set_extension("newsmon_facts", default=None)

_PLAIN_DIGITS = re.compile(r"^[1-9]\d{0,6}$|^0$")
_GROUPED_DIGITS = re.compile(r"^[1-9]\d{0,2}(?:[.,]\d{3})+$")
_HYPHENS = frozenset({"-", "–", "—"})
_CLAUSE_END = frozenset({".", "!", "?", ";", ":", ","})
_SENTENCE_END = frozenset({".", "!", "?", ";"})
_THREE_DIGITS = re.compile(r"^\d{3}$")
_SPLIT = "..."  # "schoss ... ab": a verb and its particle around the count
MAX_QUALIFIER_DISTANCE = 6
MAX_PARTICLE_DISTANCE = 8
MAX_ADDRESS_WORDS = 4
MAX_FOLLOW_UP_DISTANCE = 8
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
            if len(key) == length and key in self.values:  # near the end the slice is shorter
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


def _whole_phrases(mapping: dict[str, list[str]]) -> dict[str, list[str]]:
    return {kind: [p for p in items if _SPLIT not in p] for kind, items in mapping.items()}


def _split_table(mapping: dict[str, list[str]], tokenize: Tokenize) -> PhraseTable[tuple[tuple[str, ...], str]]:
    """German separable verbs: "schoss ... ab" is the verb before the count and its particle after
    the weapon ("schoss 69 Drohnen ab"); the table maps the verb to (particle, kind)."""
    phrases = {}
    for kind, items in mapping.items():
        for phrase in items:
            if _SPLIT in phrase:
                head, particle = (part.strip() for part in phrase.split(_SPLIT, 1))
                phrases[tokenize(head)] = (tokenize(particle), kind)
    return PhraseTable(phrases)


def _compound_pieces(data: dict) -> dict[str, int | tuple[str, int] | None]:
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
    pieces.update({j: None for j in joiners})
    return pieces


def _grouped_digits(separators: list[str]) -> re.Pattern:
    """ "1.200" is 1200 where "." groups thousands (de, es, id) and 1.2 where it is the decimal
    mark (en); a space-grouped "1 200" is two tokens and is joined in _number_at."""
    marks = "".join(re.escape(s) for s in separators if not s.isspace())
    return re.compile(rf"^[1-9]\d{{0,2}}(?:[{marks}]\d{{3}})+$") if marks else re.compile(r"(?!)")


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
    months: frozenset[str] = frozenset()
    singular_words: frozenset[str] = frozenset()
    victims: VictimRules | None = None
    # numbers: see _number_at and _Sum
    articles: frozenset[str] = frozenset()
    number_connectors: frozenset[str] = frozenset()
    compound_pieces: dict[str, int | tuple[str, int] | None] = field(default_factory=dict)
    grouped_digits: re.Pattern = _GROUPED_DIGITS
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

    def _first_words(self, key: str, tables: tuple[PhraseTable, ...]) -> frozenset[str]:
        cached = self.__dict__.get(key)
        if cached is None:
            cached = frozenset(phrase[0] for table in tables for phrase in table.values)
            object.__setattr__(self, key, cached)
        return cached

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
            qualifiers=_kind_table(_whole_phrases(data["weapon_qualifiers"]), tokenize),
            blocked_after=frozenset(data["blocked_after"]),
            blocked_before=frozenset(data["blocked_before"]),
            person_nouns=frozenset(data["person_nouns"]),
            clause_breakers=frozenset(data["clause_breakers"]),
            max_gap=int(data["max_gap"]),
            months=frozenset(data.get("months", [])),
            singular_words=frozenset(data.get("singular_words", [])),
            victims=VictimRules.from_data(data["victims"], tokenize) if "victims" in data else None,
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
    whose fate the phrase does not tell; see FactExtractor._settle_hits."""

    determiners: PhraseTable[int]
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
        cached = self.__dict__.get("_triggers")
        if cached is None:
            tables = (
                self.determiners, self.standalone, self.events, self.suicides,
                self.finding_verbs, self.object_verbs, self.intransitive,
            )
            words = {phrase[0] for table in tables for phrase in table.values}
            words |= self.singular_nouns | set(self.subject_pronouns) | self.singular_auxiliaries
            cached = frozenset(words)
            object.__setattr__(self, "_triggers", cached)
        return cached

    @classmethod
    def from_data(cls, data: dict, tokenize: Tokenize) -> VictimRules:
        return cls(
            determiners=_word_table(data["determiners"], tokenize),
            standalone=_word_table(data["standalone"], tokenize),
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
            ordinals=_word_table(data["ordinals"], tokenize),
            finding_verbs=_word_table(data["finding_verbs"], tokenize),
            partitive_pronouns=frozenset(data["partitive_pronouns"]),
            age_units=frozenset(data["age_units"]),
            not_names=frozenset(data["not_names"]),
            death_tails=_word_table(data["death_tails"], tokenize),
            fatal_words=frozenset(data["fatal_words"]),
            needs_person=_word_table(data["needs_person"], tokenize),
            survivable_words=frozenset(data["survivable_words"]),
            then_words=frozenset(data["then_words"]),
            self_pronouns=frozenset(data.get("self_pronouns", [])),
            relatives=frozenset(data.get("relatives", [])),
            suicides=_word_table(data.get("suicides", []), tokenize),
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


class _Sum:
    """A number read word by word: a multiplier multiplies what came before it ("dua puluh",
    "deux cents", "dos mil"), and a smaller value follows a round one ("twenty five", "cent vingt",
    "mil doscientos"), never any other ("five two" is two numbers)."""

    __slots__ = ("total", "current", "group", "last")

    def __init__(self, group: int = 0) -> None:
        self.total = self.current = 0
        self.group = self.last = group

    @property
    def value(self) -> int:
        return self.total + self.current + self.group

    def accepts(self, value: int) -> bool:
        return not self.value or (self.last % 10 == 0 and value < self.last)

    def joins(self, value: int) -> bool:
        """A connector ("-", "y", "et") only joins a tens word and a smaller one: "treinta y dos"."""
        return self.last >= 20 and self.last % 10 == 0 and value < self.last

    def add(self, value: int) -> None:
        if value >= 1000:
            self.total += value  # "seribu", "mil" on their own
        else:
            self.group += value
        self.last = value

    def multiply(self, factor: int | str) -> None:
        if factor == "teen":
            self.current += self.group + 10
            self.last = 1  # nothing is added to "dua belas" but a multiplier
        elif factor >= 1000:
            self.total += ((self.current + self.group) or 1) * factor  # "tausend" alone is 1000
            self.current = 0
            self.last = factor
        else:
            self.current += (self.group or 1) * factor
            self.last = factor
        self.group = 0


def _compound_reader(pieces: dict[str, int | tuple[str, int] | None]):
    """value(word): the number a word made of `pieces` stands for ("einundzwanzig" = ein + und +
    zwanzig = 21, "zweihundert" = 2 x 100, "vingt-trois", "veintitrés" = veinti + trés), None for
    any word that is not such a compound of two pieces or more. Pieces follow each other as words
    do (a smaller value after a round one), and German puts a unit before "und" and its tens
    ("dreiundvierzig"); "cinq-six" (five or six) is no number."""
    by_first: dict[str, list[str]] = {}
    for piece in sorted(pieces, key=len, reverse=True):
        by_first.setdefault(piece[:1], []).append(piece)

    def split(word: str, start: int, after_joiner: bool) -> list[str] | None:
        if start == len(word):
            return [] if not after_joiner else None
        for piece in by_first.get(word[start], ()):
            if word.startswith(piece, start):
                joiner = pieces[piece] is None
                if joiner and start == 0:
                    continue  # "-et-" in "soixante-et-onze" is two joiners, but a word never starts with one
                rest = split(word, start + len(piece), joiner)
                if rest is not None:
                    return [piece, *rest]
        return None

    @lru_cache(maxsize=16384)
    def value(word: str) -> int | None:
        if len(word) < 4 or word[:1] not in by_first:
            return None
        parts = split(word, 0, False)
        if parts is None or len(parts) < 2:
            return None
        number = _Sum()
        after_joiner = False
        for part in parts:
            piece = pieces[part]
            if piece is None:
                after_joiner = True
                continue
            if isinstance(piece, tuple):
                number.multiply(piece[1])
            elif number.accepts(piece) or (after_joiner and number.last < 10 and piece >= 20 and piece % 10 == 0):
                number.add(piece)
            else:
                return None
            after_joiner = False
        return number.value or None

    return value


class FactExtractor:
    def __init__(self, rules: FactRules | None) -> None:
        self.rules = rules
        self._compound = _compound_reader(rules.compound_pieces) if rules and rules.compound_pieces else None

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
        numbers = self._numbers(lower, view.text)
        ends = {number.end: number for number in numbers.values()}
        found: dict[tuple[str, int], _Found] = {}
        weapon_ends: dict[int, _Number] = {}  # where each weapon count ends -> the count

        def add(kind: str, number: _Number, start: int, end: int, qualifier: str | None = None) -> None:
            found.setdefault((kind, number.start), _Found(kind, number, start, end, qualifier))

        for number in numbers.values():
            weapon = self._weapon_after(lower, number.end)
            if weapon is not None:
                weapon_end, kind = weapon
                qualifier, q_start, q_end = self._qualifier_near(lower, numbers, number.start, weapon_end, weapon_ends)
                of = number.start - 1
                part = ends.get(of) if of > 0 and lower[of] in self.rules.partitive_links else None
                if part is not None:
                    # "69 von 90 Drohnen abgefangen": 69 intercepted of the 90 launched
                    add(kind, part, min(part.start, q_start), max(weapon_end, q_end), qualifier)
                    add(kind, number, number.start, weapon_end, "launched" if qualifier == "intercepted" else None)
                    weapon_ends[weapon_end] = number
                    continue
                add(kind, number, min(number.start, q_start), max(weapon_end, q_end), qualifier)
                weapon_ends[weapon_end] = number
                continue
            follow_up = self._weapon_follow_up(lower, numbers, weapon_ends, number)
            if follow_up is not None:
                kind, qualifier, end = follow_up
                add(kind, number, number.start, end, qualifier)
                continue
            kind_hit = self._kind_after(lower, is_word, numbers, number)
            if kind_hit is not None:
                kind, kind_end = kind_hit
                add(kind, number, number.start, kind_end)
        starts = self.rules.verb_starts
        for i in range(len(lower)):
            if lower[i] not in starts:
                continue
            for table, links in ((self.rules.causatives, False), (self.rules.tolls, True)):
                hit = table.at(lower, i)
                if hit is None:
                    continue
                end, kind = hit
                number = self._number_after_link(lower, numbers, end, allow_links=links)
                if links and number is not None and any(start == number.start for _, start in found):
                    continue  # "le bilan est de 30 blessés": the noun after the number tells the kind
                if number is not None:
                    noun = number.end < len(lower) and lower[number.end] in self.rules.person_nouns
                    add(kind, number, i, number.end + (1 if noun else 0))
        selves: list[_Found] = []
        if self.rules.victims is not None:
            self._victims(lower, view.text, numbers, add, selves)
        background = self._sentences_with_a_year(lower, view.sent_start)
        sentence_of = _sentence_index(view.sent_start)
        kept = [f for f in found.values() if sentence_of[f.number.start] not in background]
        kept += self._murder_suicides(kept, selves, sentence_of)
        facts = [self._fact(doc, lower, f) for f in self._settle_hits(kept, lower, sentence_of)]
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
    def _numbers(self, lower: list[str], text: list[str]) -> dict[int, _Number]:
        numbers: dict[int, _Number] = {}
        i = 0
        r = self.rules
        starts = r.number_starts
        compounds = bool(r.compound_pieces)
        while i < len(lower):
            word = lower[i]
            candidate = word in starts or word[:1].isdigit() or (compounds and self._compound(word) is not None)
            number = self._number_at(lower, i) if candidate else None
            if number is None:
                i += 1
                continue
            if self._is_count(lower, text, number):
                numbers[number.start] = number
            i = number.end
        return numbers

    def _number_at(self, lower: list[str], i: int) -> _Number | None:
        """A count written in digits ("13", "1.200", "1 200", "5 ribu") or words ("dua belas",
        "twenty-five", "treinta y dos", "einundzwanzig", "puluhan") starting at token i."""
        r = self.rules
        vague = r.vague_numbers.at(lower, i)
        if vague is not None:
            return _Number(i, vague[0], vague[1], True)
        digits = self._digits_at(lower, i)
        if digits is not None:
            value, j = digits
            number = _Sum(value)
            words_allowed = False  # "13 dua" is two numbers, but "5 ribu" is one
        else:
            number, j = _Sum(), i
            words_allowed = True
        while j < len(lower):
            word = lower[j]
            if j > i and word in r.multipliers and number.value:  # "deux cents", "dos mil"
                number.multiply(r.multipliers[word])
                j += 1
                continue
            if not words_allowed:
                break
            written = self._written_at(lower, j)
            if written is not None and number.accepts(written[1]):
                number.add(written[1])
                j = written[0]
                continue
            if j > i and (word in _HYPHENS or word in r.number_connectors):
                # "twenty-five", "treinta y dos", "vingt et un", never "dos y tres"
                after = self._written_at(lower, j + 1)
                if after is not None and number.joins(after[1]):
                    number.add(after[1])
                    j = after[0]
                    continue
            break
        if j == i:
            return None
        if j == i + 1 and lower[i] in r.articles and not self._counted_thing_at(lower, j):
            return None  # "ein", "une", "un" count only before a person, a casualty or a weapon
        return _Number(i, j, number.value, False)

    def _written_at(self, lower: list[str], j: int) -> tuple[int, int] | None:
        """(end, value) of a number word or phrase at token j, or of one compound word."""
        if j >= len(lower):
            return None
        phrase = self.rules.number_words.at(lower, j)
        if phrase is not None:
            return phrase
        if self.rules.compound_pieces:
            value = self._compound(lower[j])
            if value is not None:
                return j + 1, value
        return None

    def _digits_at(self, lower: list[str], i: int) -> tuple[int, int] | None:
        """(value, end) of a number in digits: "13", "1.200" where "." groups thousands, "1 200"
        where a space does, "12." at the end of a German sentence (elsewhere an ordinal: "13. März")."""
        r = self.rules
        word = lower[i]
        if _PLAIN_DIGITS.match(word):
            value, j = int(word), i + 1
            while r.space_grouping and len(word) <= 3:
                k = j + 1 if j < len(lower) and lower[j].isspace() and "\n" not in lower[j] else j
                if k >= len(lower) or not _THREE_DIGITS.match(lower[k]):
                    break
                value, j, word = value * 1000 + int(lower[k]), k + 1, "000"
            return value, j
        if r.grouped_digits.match(word):
            return int(re.sub(r"\D", "", word)), i + 1
        if r.ordinal_dot and word.endswith(".") and _PLAIN_DIGITS.match(word[:-1]):
            after = lower[i + 1] if i + 1 < len(lower) else None
            if after is None or after.isspace() or after in r.sentence_openers:
                return int(word[:-1]), i + 1
        return None

    def _counted_thing_at(self, lower: list[str], k: int) -> bool:
        """A person noun ("ein Mann", "une personne", "a 34-Jähriger"), a casualty word ("un mort",
        "ein Toter") or a weapon ("eine Drohne") at token k."""
        r = self.rules
        if k >= len(lower):
            return False
        word = lower[k]
        return (
            word in r.person_nouns
            or word.rsplit("-", 1)[-1] in r.person_nouns
            or r.kinds.at(lower, k) is not None
            or self._weapon_at(lower, k) is not None
        )

    def _is_count(self, lower: list[str], text: list[str], number: _Number) -> bool:
        """False for ages, dates, years, durations, measures, shares, addresses and identifiers."""
        r = self.rules
        after = number.end
        while after < len(lower) and lower[after] in _HYPHENS:
            after += 1
        if after < len(lower) and lower[after] in r.blocked_after:
            return False
        if r.date_joiners:  # "el 13 de marzo"
            k = after
            while k < len(lower) and lower[k] in r.date_joiners:
                k += 1
            if k > after and k < len(lower) and lower[k].rstrip(".") in r.months:
                return False
        before = number.start - 1
        while before >= 0 and lower[before] in _HYPHENS:
            before -= 1
        if before >= 0 and lower[before] in r.blocked_before:
            return False
        if (r.street_words or r.street_suffixes) and self._after_a_street(lower, text, number.start):
            return False
        if _is_year(lower[number.start]) and number.end - number.start == 1:
            return after < len(lower) and lower[after] in r.person_nouns  # "2000 orang" is a count
        return True

    def _after_a_street(self, lower: list[str], text: list[str], start: int) -> bool:
        """A house number: "Hauptstraße 12", "calle Mayor 12", "avenida de la Paz 7"."""
        r = self.rules
        for k in range(start - 1, max(-1, start - 1 - MAX_ADDRESS_WORDS), -1):
            word = lower[k]
            if word in r.street_words or (len(word) > 4 and word.endswith(r.street_suffixes)):
                return True
            if not (text[k][:1].isupper() or word in r.date_joiners or word in r.street_name_joiners):
                return False
        return False

    def _sentences_with_a_year(self, lower: list[str], sent_start: list[bool]) -> set[int]:
        sentence_of = _sentence_index(sent_start)
        years = set()
        for i, word in enumerate(lower):
            if self.rules.ordinal_dot:
                word = word.rstrip(".")  # "im Jahr 2015." ends a German sentence
            if _is_year(word) and not (i + 1 < len(lower) and lower[i + 1] in self.rules.person_nouns):
                if self._in_full_date(lower, i):
                    continue  # "Posted: Friday, June 26, 2015", "26 Juni 2015": a dateline, not the past
                years.add(sentence_of[i])
        return years

    def _in_full_date(self, lower: list[str], i: int) -> bool:
        """A year after a month and a day: "June 26, 2015", "Jan. 5, 2015", "26 Juni 2015",
        "26. Juni 2015", "26 de junio de 2015"."""
        months, joiners = self.rules.months, self.rules.date_joiners

        def skip_back(k: int) -> int:
            while k >= 0 and (lower[k] == "," or lower[k] in joiners):
                k -= 1
            return k

        def is_day(word: str) -> bool:
            word = word.rstrip(".")
            return word.isdigit() and len(word) <= 2

        k = skip_back(i - 1)
        before = skip_back(k - 1) if k >= 1 else -1
        if before < 0:
            return False
        if is_day(lower[k]):
            return lower[before].rstrip(".") in months
        return lower[k].rstrip(".") in months and is_day(lower[before])

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
                # "two men shot a woman", "3 teens killed him", "two men shot a video": the number
                # counts the agents (not after an auxiliary: "four were shot the night before")
                v = r.victims
                passive = v is None or any(lower[g] in v.auxiliaries for g in range(number.end, k))
                if not passive and end < len(lower):
                    if self._object_after(lower, numbers, end) is not None or v.determiners.at(lower, end) is not None:
                        return None
                return kind, end
            if k in numbers or not is_word[k] or lower[k] in r.clause_breakers:
                return None
            if number.value != 1 and lower[k] in r.singular_words:
                return None  # "Channel 12 said a child was shot", "4 A child was shot": not a count
            if self._weapon_at(lower, k) is not None:
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

    # -- victims: people named by words, not digits --------------------------------------------------
    def _victims(
        self, lower: list[str], text: list[str], numbers: dict[int, _Number], add, selves: list[_Found]
    ) -> None:
        v = self.rules.victims
        n = len(lower)
        covered = said = 0
        triggers = v.triggers
        for i in range(n):
            word = lower[i]
            if word not in triggers and i not in numbers:
                continue
            # a person inside a subject already read ("a man and a woman were shot") is not another
            subject = self._subject(lower, numbers, i) if i >= said else None
            if subject is not None:
                number, end = subject
                hit = self._predicate(lower, self._skip_apposition(lower, end), n, plural=number.value > 1)
                if hit is not None:
                    add(hit[0], self._ordinal(lower, number, hit[0]), i, hit[1])
                    said = end
                    continue
            if word in v.singular_auxiliaries and not any(
                lower[j] in v.no_subject for j in range(max(0, i - 2), i)
            ):
                # "Kevin Barbee was pronounced dead", "the 23-year-old was shot": one person
                hit = self._predicate(lower, i, n) if self._someone_before(lower, text, i) else None
                if hit is not None and v.needs_person.at(lower, hit[2]) != (hit[1], True):
                    add(hit[0], _Number(i, i + 1, 1, False), i, hit[1])
                    continue
            event = v.events.at(lower, i)
            if event is not None and not (i > 0 and lower[i - 1] in v.negations):
                add(event[1], _Number(i, event[0], 1, False), i, event[0])
                continue
            suicide = v.suicides.at(lower, i)
            if suicide is not None:  # "before taking his own life"
                add("killed", _Number(i, suicide[0], 1, False), i, suicide[0])
                selves.append(_Found("killed", _Number(i, suicide[0], 1, False), i, suicide[0], None))
                continue
            finding = v.finding_verbs.at(lower, i)
            if finding is not None:
                # "police found a man shot", "the shooting sent two people to the hospital"
                people = self._people(lower, numbers, finding[0])
                if people is not None:
                    hit = self._predicate(lower, people[1], n, auxiliary=True)
                    if hit is not None:
                        add(hit[0], self._ordinal(lower, people[0], hit[0]), i, hit[1])
                        continue
            verb = v.object_verbs.at(lower, i) if i >= covered else None
            if verb is not None:
                k = verb[0]
                cue = self.rules.lower_bound_cues.at(lower, k)
                k = cue[0] if cue else k
                target = self._object_after(lower, numbers, k)
                if target is None and text[i].islower() and not (i > 0 and lower[i - 1] in v.modifier_stops):
                    target = self._names(lower, text, k)  # not in a Title Case headline, nor "the shooting"
                if target is not None:
                    kind, end = verb[1], target[1]
                    tail = v.death_tails.at(lower, end)
                    if tail is not None:  # "shot himself to death", "left a teen dead"
                        kind, end = "killed", tail[0]
                    add(kind, self._ordinal(lower, target[0], kind), i, end)
                    if kind == "killed" and lower[k] in v.self_pronouns:
                        selves.append(_Found(kind, target[0], i, end, None))
                    covered = verb[0]  # "fatally wounded X" is not also "wounded X"
                    continue
            dying = v.intransitive.at(lower, i)
            if dying is not None and self._name_before(lower, text, i):
                add(dying[1], _Number(i, i + 1, 1, False), i, dying[0])  # "Graham died"

    def _someone_before(self, lower, text, i: int) -> bool:
        """The subject of "was" at i may be a person: a name, a person noun, a pronoun, an age, "who"
        ("the bill was killed in committee" is not a death)."""
        v = self.rules.victims
        j = i - 1
        for _ in range(3):  # "Jonas Pike, 23, was", "Ann Roe, 18, a student at Elm High, was"
            if j < 0 or lower[j] != ",":
                break
            for k in range(j - 1, max(-1, j - 9), -1):
                if lower[k] == ",":
                    j = k - 1
                    break
                if lower[k] in _SENTENCE_END:
                    return False
            else:
                return False
            if j >= 1 and lower[j].isdigit() and lower[j - 1] == ",":
                j -= 2  # the age before the aside
        if j < 0:
            return False
        if v.predicates.at(lower, j) is not None:
            return True  # "the boy who was shot was pronounced dead"
        word = lower[j]
        if word in v.singular_nouns or word in v.subject_pronouns or word in v.age_nouns or word in v.relatives:
            return True
        return text[j][:1].isupper() and text[j].isalpha() and word not in v.not_names

    def _name_before(self, lower, text, i: int) -> bool:
        """A person's name ends just before token i: "Graham died", "Damon Sochko, 16, died"."""
        j = i - 1
        if j >= 3 and lower[j] == "," and lower[j - 1].isdigit() and lower[j - 2] == ",":
            j -= 3  # the age
        v = self.rules.victims
        if j <= 0 or not (text[j][:1].isupper() and text[j].isalpha()):
            return False
        return lower[j] not in v.not_names and lower[j] not in v.subject_pronouns

    def _ordinal(self, lower, number: _Number, kind: str) -> _Number:
        """ "a fifth victim was shot" tells that five were hit; "a second man died" tells of one death
        only for certain (the first may have been hit, not killed)."""
        ordinal = self.rules.victims.ordinals.at(lower, number.start)
        if ordinal is None or ordinal[0] != number.end:
            return number
        return _Number(number.start, number.end, ordinal[1] if kind == "hit" else 1, False)

    def _names(self, lower, text, k: int) -> tuple[_Number, int] | None:
        """Named people after a verb: "killing Jane Doe, 18, and John Roe, 20" counts 2."""
        v = self.rules.victims
        count, end, n = 0, k, len(lower)
        if k + 5 < n and lower[k].isdigit() and lower[k + 1] in _HYPHENS and lower[k + 4] in v.age_nouns:
            end = k + 5  # "4-year-old Summer Miller"
        while True:
            j = end
            while j < n and j - end < 4 and text[j][:1].isupper() and text[j].isalpha() and lower[j] not in v.not_names:
                j += 1
            if j == end:
                break
            count, end = count + 1, j
            if end + 2 < n and lower[end] == "," and lower[end + 1].isdigit() and lower[end + 2] == ",":
                end += 3  # the age
            elif end + 2 < n and lower[end] == "," and lower[end + 1].isdigit():
                end += 2
            if end < n and lower[end] == ",":
                end += 1
            if end < n and lower[end] == "and":
                end += 1
            elif end < n and text[end][:1].isupper() and end > j:
                continue
            else:
                break
        while end > k and lower[end - 1] in (",", "and"):
            end -= 1
        return (_Number(k, end, count, False), end) if count else None

    def _object_after(self, lower, numbers, k: int) -> tuple[_Number, int] | None:
        """The people a verb acts on: "shot a man", "killed his wife and her mother", "wounded him"."""
        v = self.rules.victims
        if k >= len(lower):
            return None
        if lower[k] in v.object_pronouns:
            return _Number(k, k + 1, v.object_pronouns[lower[k]], False), k + 1
        return self._people(lower, numbers, k)

    def _subject(self, lower, numbers, i: int) -> tuple[_Number, int] | None:
        v = self.rules.victims
        if i >= len(lower):
            return None
        if lower[i] in v.subject_pronouns:
            return _Number(i, i + 1, v.subject_pronouns[lower[i]], False), i + 1
        alone = v.standalone.at(lower, i)
        if alone is not None:
            people = self._people(lower, numbers, i)
            return people if people is not None else (_Number(i, alone[0], alone[1], False), alone[0])
        return self._people(lower, numbers, i)

    def _people(self, lower, numbers, i: int) -> tuple[_Number, int] | None:
        """A person phrase and the ones coordinated with it: "a man and a woman" counts 2."""
        first = self._person(lower, numbers, i)
        if first is None:
            return None
        number, end = first
        total, vague = number.value, number.vague
        while end + 1 < len(lower) and lower[end] in ("and", ","):
            k = end + 1
            if lower[end] == "," and lower[k] == "and":
                k += 1
            more = self._person(lower, numbers, k) or self._bare_person(lower, numbers, k)
            if more is None:
                break
            total += more[0].value
            vague = vague or more[0].vague
            end = more[1]
        return _Number(number.start, number.end if total == number.value else end, total, vague), end

    def _bare_person(self, lower, numbers, i: int) -> tuple[_Number, int] | None:
        """A conjunct without a determiner: "a man, woman and 6-year-old boy"."""
        v = self.rules.victims
        for k in range(i, min(len(lower), i + v.max_modifiers + 1)):
            if lower[k] in v.singular_nouns:
                return _Number(i, k + 1, 1, False), k + 1
            if lower[k] in v.modifier_stops or not (lower[k].isalnum() or lower[k] in _HYPHENS) or k in numbers:
                return None
        return None

    def _person(self, lower, numbers, i: int) -> tuple[_Number, int] | None:
        """ "a man", "a 17-year-old boy", "a 17-year-old", "two women", "both victims",
        "pria itu" (a noun with a following determiner, for Indonesian)."""
        v = self.rules.victims
        n = len(lower)
        if i >= n:  # a phrase cut off by the end of the text: "... shot a man, and"
            return None
        if i in numbers:
            number = numbers[i]
            count, j = number.value, number.end
            if j + 1 < n and lower[j] == "of" and lower[j + 1] in v.partitive_pronouns:
                return number, j + 2  # "two of them"
            if j + 1 < n and lower[j] == "of" and lower[j + 1] == "the":
                # "three of the victims", "one of the men"
                k = j + 2
                while k < n and k - j <= v.max_modifiers and lower[k] not in v.plural_nouns:
                    if lower[k] in v.modifier_stops or not lower[k].isalpha():
                        return None
                    k += 1
                return (number, k + 1) if k < n and lower[k] in v.plural_nouns else None
        else:
            det = v.determiners.at(lower, i)
            if det is None:
                # Indonesian: "pria itu", "korban tersebut", and a few nouns on their own ("Pria tewas
                # ditembak"); several victims are "kedua korban", "para korban", "tiga korban"
                counted = i > 0 and (i - 1 in numbers or lower[i - 1] in v.plural_markers)
                if lower[i] not in v.singular_nouns or counted:
                    return None
                if i + 1 < n and lower[i + 1] in v.post_determiners:
                    return _Number(i, i + 2, 1, False), i + 2
                if lower[i] in v.bare_subjects:
                    return _Number(i, i + 1, 1, False), i + 1
                return None
            count, j = det[1], det[0]
            number = _Number(i, j, count, False)
        if count < 1:
            return None
        nouns = v.singular_nouns if count == 1 else v.plural_nouns
        k = j
        age_end = 0
        while k < n and k - j <= v.max_modifiers:
            word = lower[k]
            if word in nouns:
                if k + 1 < n and lower[k + 1] in nouns and lower[k + 1] not in v.modifier_stops:
                    k += 1  # "an adult male", "a security guard"
                return number, k + 1
            if word in v.modifier_stops or not (word.isalnum() or word in _HYPHENS) or k in numbers:
                break
            if (
                v.predicates.at(lower, k) is not None
                or v.intransitive.at(lower, k) is not None
                or v.hospital_verbs.at(lower, k) is not None
            ):
                break
            if word in v.age_nouns and k - j >= 2 and (lower[k - 1] in _HYPHENS or lower[k - 1] in v.age_units):
                age_end = k + 1
            k += 1
        # "a 17-year-old was shot": the age stands for the person
        if count == 1 and age_end:
            return number, age_end
        return None

    def _skip_apposition(self, lower, end: int) -> int:
        """ "A man, 23, was shot", "The victim, identified as John Smith, died": skip the aside."""
        if end < len(lower) and lower[end] == ",":
            for k in range(end + 1, min(len(lower), end + 9)):
                if lower[k] == ",":
                    return k + 1
                if lower[k] in _CLAUSE_END:
                    break
        return end

    def _predicate(
        self, lower, k: int, n: int, auxiliary: bool = False, plural: bool | None = None
    ) -> tuple[str, int, int] | None:
        """What happened to the subject, read from token k: (kind, end, start of the predicate).
        `auxiliary`: the passive needs none ("found a man shot"); `plural`: the subject's number, which
        the verb must agree with ("a 34-year-old woman were" is the end of a longer subject)."""
        v = self.rules.victims
        for _ in range(7):
            if k >= n or lower[k] in v.negations:
                return None
            if plural is not None and lower[k] in (v.singular_auxiliaries if plural else v.plural_auxiliaries):
                return None
            hit = v.intransitive.at(lower, k)
            if hit is None and auxiliary:
                hit = v.predicates.at(lower, k)
            if hit is not None:
                if hit[1] == "hit":
                    later = self._later_death(lower, hit[0], n)
                    if later is not None:
                        return "killed", later, k
                return hit[1], hit[0], k
            verb = v.hospital_verbs.at(lower, k)
            if verb is not None:
                words = range(k, min(n, verb[0] + 6))
                if any(lower[x] in v.hospital_words for x in words):
                    kind = verb[1]
                    if any(lower[x] in v.fatal_words for x in words):
                        kind = "killed"  # "suffered fatal gunshot wounds"
                    elif any(lower[x] in v.survivable_words for x in words):
                        kind = "injured"  # "suffered non-life-threatening injuries"
                    return kind, verb[0], k
            if lower[k] in v.auxiliaries:
                auxiliary = True
            elif lower[k] not in v.fillers:
                return None
            k += 1
        return None

    def _murder_suicides(self, found: list[_Found], selves: list[_Found], sentence_of: list[int]) -> list[_Found]:
        """ "shot and killed his wife and two children before killing himself": the killer is one more
        death than those he killed, when the sentence names both (the toll of 3 + 1)."""
        more = []
        for own in selves:
            sentence = sentence_of[own.start]
            others = [
                f for f in found
                if f.kind == "killed"
                and f.end <= own.start
                and sentence_of[f.start] == sentence
                and f.number.start != own.number.start
            ]
            if others:
                victims = max(others, key=lambda f: f.number.value)
                n = victims.number
                total = _Number(n.start, n.end, n.value + 1, n.vague)
                more.append(_Found("killed", total, victims.start, own.end, None))
        return more

    def _later_death(self, lower, k: int, n: int) -> int | None:
        """ "was shot and died", "was shot in the head and later died": the end of the death."""
        v = self.rules.victims
        for j in range(k, min(n, k + 10)):
            if lower[j] in _SENTENCE_END:
                return None
            if lower[j] in v.then_words:
                m = j + 1
                while m < n and lower[m] in v.fillers:
                    m += 1
                dying = v.intransitive.at(lower, m)
                return dying[0] if dying is not None and dying[1] == "killed" else None
        return None

    def _settle_hits(self, found: list[_Found], lower: list[str], sentence_of: list[int]) -> list[_Found]:
        """People shot or hurt whose fate the phrase does not tell ("a man was shot", "four people were
        shot", "was taken to a hospital") are injured unless the article counts them among the dead:
        the hit, less the most killed, are injured ("two men were shot, one fatally": 1 and 1).
        Hits said to be others ("three other people were also shot", "another man was hit") are not
        among the dead. The injured figure is the largest so settled, its span the hit's."""
        hits = [f for f in found if f.kind == "hit"]
        if not hits:
            return found
        rest = [f for f in found if f.kind != "hit"]
        deaths = [f for f in rest if f.kind == "killed"]
        dead = max((f.number.value for f in deaths), default=0)
        others = self.rules.victims.others
        best: tuple[int, _Found] | None = None
        for hit in hits:
            distinct = any(lower[k] in others for k in range(hit.start, hit.end))
            injured = hit.number.value if distinct else hit.number.value - dead
            if injured > 0 and (best is None or injured > best[0]):
                best = (injured, hit)
        if best is not None:
            injured, hit = best
            n = hit.number
            rest.append(_Found("injured", _Number(n.start, n.end, injured, n.vague), hit.start, hit.end, None))
        return rest

    def _weapon_after(self, lower: list[str], k: int) -> tuple[int, str] | None:
        """(end, kind) of a weapon right after a number, past a few adjectives: "69 russische Drohnen"."""
        skipped = 0
        while k < len(lower) and skipped < 2 and lower[k] in self.rules.weapon_modifiers:
            k += 1
            skipped += 1
        return self._weapon_at(lower, k)

    def _weapon_at(self, lower: list[str], k: int) -> tuple[int, str] | None:
        """A weapon word at token k, or a compound ending in one ("Kampfdrohnen", "Shahed-Drohnen")."""
        r = self.rules
        hit = r.weapons.at(lower, k)
        if hit is not None or not r.weapon_suffixes or k >= len(lower):
            return hit
        word = lower[k]
        for suffix, kind in r.weapon_suffixes:
            if len(word) > len(suffix) and word.endswith(suffix):
                return k + 1, kind
        return None

    def _weapon_follow_up(
        self, lower, numbers, weapon_ends: dict[int, _Number], number: _Number
    ) -> tuple[str, str, int] | None:
        """A part of the weapons just counted, told by its verb alone: "90 drones, dont 69 ont été
        abattus", "90 Drohnen, davon wurden 69 abgeschossen", "90 drones, of which 69 were shot
        down": (kind, qualifier, end of the qualifier). Not when it outnumbers that count ("145
        drones et 4 missiles, dont 118 ...": of them all, not of the missiles)."""
        for end in range(number.start, max(-1, number.start - MAX_FOLLOW_UP_DISTANCE - 1), -1):
            if end in weapon_ends:
                break
            if end < number.start and (end in numbers or lower[end] in _SENTENCE_END):
                return None
        else:
            return None
        whole = weapon_ends[end]
        qualifier = self._qualifier_after(lower, numbers, number.end)
        if qualifier is None or number.value > whole.value:
            return None
        return self._weapon_after(lower, whole.end)[1], qualifier[0], qualifier[1]

    def _qualifier_after(self, lower, numbers, k: int, coordinated: bool = False) -> tuple[str, int] | None:
        """(qualifier, end) of a launched/intercepted verb soon after token k, in the same clause;
        `coordinated`: also past weapon counts joined to this one ("112 Drohnen und sechs
        Marschflugkörper eingesetzt")."""
        r = self.rules
        j, limit = k, k + r.qualifier_window
        while j < min(len(lower), limit):
            if lower[j] in _CLAUSE_END:
                return None
            if j in numbers:
                other = self._coordinated_weapon(lower, numbers[j]) if coordinated else None
                if other is None:
                    return None
                limit += other - j
                j = other
                continue
            hit = r.qualifiers.at(lower, j)
            if hit is not None:
                return hit[1], hit[0]
            j += 1
        return None

    def _coordinated_weapon(self, lower, number: _Number) -> int | None:
        """End of "und sechs Marschflugkörper" when `number` counts weapons after a conjunction."""
        if number.start == 0 or lower[number.start - 1] not in self.rules.clause_breakers:
            return None
        weapon = self._weapon_after(lower, number.end)
        return weapon[0] if weapon is not None else None

    def _qualifier_near(
        self, lower, numbers, number_start: int, weapon_end: int, weapon_ends: dict[int, _Number]
    ) -> tuple[str | None, int, int]:
        """The launched/intercepted verb of this count, in the same clause: a separable verb around it
        ("schoss 69 Drohnen ab"), or right after the weapon ("40 drone yang diluncurkan", "69 drones
        were shot down") or, failing that, before the number ("menembak jatuh atau mencegat 69
        drone"), or after weapon counts joined to it ("112 Drohnen und sechs Marschflugkörper
        eingesetzt", but "meluncurkan 40 rudal dan 12 drone ditembak jatuh": the verb before wins),
        never past another number."""
        r = self.rules
        hit_after = self._qualifier_after(lower, numbers, weapon_end)
        after = (hit_after[0], number_start, hit_after[1]) if hit_after is not None else None
        before = None
        k, limit = number_start - 1, number_start - 1 - MAX_QUALIFIER_DISTANCE
        if k > 0 and lower[k] in r.clause_breakers and k in weapon_ends:
            earlier = weapon_ends[k]  # "lanzó 90 drones y 6 misiles": the verb of the first count
            limit -= k - earlier.start
            k = earlier.start - 1
        for k in range(k, max(-1, limit), -1):
            if lower[k] in _CLAUSE_END or k in numbers:
                break
            split = r.split_qualifiers.at(lower, k)
            if split is not None and split[0] <= number_start:
                particle, kind = split[1]
                particle_end = self._particle_after(lower, weapon_end, particle)
                if particle_end is not None:
                    return kind, k, particle_end
            hit = r.qualifiers.at(lower, k)
            if hit is not None and hit[0] <= number_start and before is None:
                before = (hit[1], k, number_start)
        if after is None and before is None:
            shared = self._qualifier_after(lower, numbers, weapon_end, coordinated=True)
            after = (shared[0], number_start, shared[1]) if shared is not None else None
        return after or before or (None, number_start, weapon_end)

    def _particle_after(self, lower, k: int, particle: tuple[str, ...]) -> int | None:
        """End of the particle of a separable verb later in the clause ("... 69 Drohnen ab")."""
        for j in range(k, min(len(lower), k + MAX_PARTICLE_DISTANCE)):
            if lower[j] in _CLAUSE_END:
                return None
            if tuple(lower[j : j + len(particle)]) == particle:
                return j + len(particle)
        return None


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
