"""newsmon_facts: casualty counts (killed, injured, missing) and weapon counts (drones, missiles).

Rules over tokens, from data/facts.json, in four shapes:
  number ... kind        "Setidaknya dua orang telah tewas", "13 terluka", "five people were killed"
  causative number       "menewaskan 5 orang", "killing at least 12"
  toll link number       "jumlah korban tewas mencapai 20", "the death toll rose to 35"
  number weapon          "menembak jatuh atau mencegat 69 drone" (qualifier from a nearby verb)
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
_SENTENCE_END = frozenset({".", "!", "?", ";"})
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
            qualifiers=_kind_table(data["weapon_qualifiers"], tokenize),
            blocked_after=frozenset(data["blocked_after"]),
            blocked_before=frozenset(data["blocked_before"]),
            person_nouns=frozenset(data["person_nouns"]),
            clause_breakers=frozenset(data["clause_breakers"]),
            max_gap=int(data["max_gap"]),
            months=frozenset(data.get("months", [])),
            singular_words=frozenset(data.get("singular_words", [])),
            victims=VictimRules.from_data(data["victims"], tokenize) if "victims" in data else None,
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
    def _numbers(self, lower: list[str]) -> dict[int, _Number]:
        numbers: dict[int, _Number] = {}
        i = 0
        starts = self.rules.number_starts
        while i < len(lower):
            word = lower[i]
            number = self._number_at(lower, i) if word in starts or word[:1].isdigit() else None
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
                if self._in_full_date(lower, i):
                    continue  # "Posted: Friday, June 26, 2015", "26 Juni 2015": a dateline, not the past
                years.add(sentence_of[i])
        return years

    def _in_full_date(self, lower: list[str], i: int) -> bool:
        """A year after a month and a day: "June 26, 2015", "Jan. 5, 2015", "26 Juni 2015"."""
        k = i - 1
        if k >= 0 and lower[k] == ",":
            k -= 1
        if k >= 1 and lower[k].isdigit() and len(lower[k]) <= 2:
            return lower[k - 1].rstrip(".") in self.rules.months
        if k >= 1 and lower[k].rstrip(".") in self.rules.months:
            return lower[k - 1].isdigit() and len(lower[k - 1]) <= 2
        return False

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
