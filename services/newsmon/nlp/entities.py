"""newsmon_entities: PER, LOC and ORG spans from gazetteers and capitalisation rules.

No statistical model: places and organisations come from the gazetteer (places.py), persons from
two rules — a role cue followed by capitalised words ("Presiden Rusia Vladimir Putin", "Mayor
Vitali Klitschko") and, where the language allows it, two or three capitalised words that do not
open a sentence and are not a known place or organisation. A name found once is then recognised
everywhere in the article, and a surname alone ("Putin") — or a first name no one else in the
article has ("Perry") — is linked to the full name.

Places: a one-word town smaller than SMALL_TOWN_POPULATION counts only when the article names its
country (surnames are towns somewhere), and a one-word city right before a surname is a first name
("Vladimir Putin"). Each LOC span carries its resolved place (places.resolve_place) or None.

Statistical entities: when a trained spaCy `ner` ran before this component (enricher.py, for
languages with a model in newsmon/nlp/models/), its PER/LOC/ORG spans are merged with the rule
entities, which are found first and as before:
  - the rule that takes two or three capitalised words for a person is off (the model does that
    job better); role-cue persons, gazetteer places and organisations are found as before;
  - a statistical span that overlaps no rule entity is added (this is what fills the persons and
    organisations the rules miss);
  - a statistical span that overlaps rule entities replaces them only if it strictly contains
    every one of them (the longer span wins: "Bank Indonesia" ORG over the place "Indonesia",
    "Kabupaten Pati" LOC over "Pati", "Barack Obama" PER over the town "Obama", "Stephen R. Covey"
    over the cue person "Stephen R"), except that a rule (role-cue) person is replaced only by a
    statistical person, and a person span never swallows a place that opens it ("Rusia Vladimir
    Putin", "Kyiv Vitaliy Klitschko" stay a place and a person) unless it is a one-word city
    followed by one word, as the rules read "Paris Hilton"; same span, shorter or crossing: the
    rule entity is kept (so a gazetteer LOC, which carries coordinates, wins over a statistical LOC
    of the same span). A longer statistical LOC takes the resolved place (coordinates, canonical
    name) of the gazetteer place it contains, and is not taken when it contains two ("Ukraina
    Kyiv" stays two places);
  - the canonical name of a statistical entity is its surface text, whitespace collapsed and
    without a possessive "'s"; statistical persons then take part in the linking of repeated
    mentions, so a surname alone gets the full name seen in the article (a one-word statistical
    person does not seed that linking, nor does a statistical person's first name).
A statistical LOC or ORG made only of words of a person found in the article ("Putin" tagged LOC)
is dropped, so that the mention is linked to the person. Leading and trailing punctuation is
trimmed from statistical spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from newsmon.nlp._data import load_json
from newsmon.nlp.phrases import Tokenize, lower_tokens, split_on_spaces
from newsmon.nlp.places import (
    MAX_NAME_TOKENS,
    SMALL_TOWN_POPULATION,
    Gazetteer,
    GazetteerEntry,
    fold_token,
    get_gazetteer,
    resolve_place,
)
from newsmon.nlp.token_view import token_view

# Labels taken from a statistical `ner` that runs before this component.
STATISTICAL_LABELS = frozenset({"PER", "LOC", "ORG"})

if not Span.has_extension("newsmon_canonical"):
    Span.set_extension("newsmon_canonical", default=None)
if not Span.has_extension("newsmon_place"):
    Span.set_extension("newsmon_place", default=None)

# Words between a role cue and the name it introduces ("kepala pemerintahan militer Kyiv X").
MAX_CUE_FILLERS = 4
MAX_NAME_LENGTH = 4
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’\-.]*$")
_OPENING_PUNCT = frozenset("\"'“”‘’«»„‹›([{-–—•*")
# Lower-case words that occur inside place and organisation names (Port-au-Prince, Bosnia dan
# Herzegovina, Committee of the Red Cross, Rio de Janeiro, Frankfurt am Main).
_NAME_CONNECTORS = frozenset(
    "of the and for on upon dan untuk de del la le les las los da do dos das di du des al el au aux "
    "sur en y et und am an im bin -".split()
)


@dataclass(frozen=True)
class PersonRules:
    cues: frozenset[tuple[str, ...]]
    cue_lengths: dict[str, tuple[int, ...]]  # first word -> cue lengths, longest first
    honorifics: frozenset[str]
    role_words: frozenset[str]
    org_heads: frozenset[str]
    blocked_words: frozenset[str]  # never part of a name: not-name words, org heads, cues, roles
    stop_words: frozenset[str]  # not part of a name unless a cue introduces it
    name_particles: frozenset[str]
    sequence_persons: bool

    @classmethod
    def for_language(
        cls, lang: str, stop_words: frozenset[str], tokenize: Tokenize = split_on_spaces
    ) -> PersonRules:
        data = load_json("person_rules.json")
        rules = data.get(lang) or data["xx"]
        cues = frozenset(tokenize(c) for c in rules["cues"])
        role_words = frozenset(w.lower() for w in rules["role_words"])
        org_heads = frozenset(w.lower() for h in rules["org_heads"] for w in h.split())
        blocked = (
            frozenset(w.lower() for w in rules["not_name_words"])
            | org_heads
            | role_words
            | frozenset(c[0] for c in cues if len(c) == 1)
            | frozenset(h.lower() for h in rules["honorifics"])
        )
        return cls(
            cues=cues,
            cue_lengths={
                first: tuple(sorted({len(c) for c in cues if c[0] == first}, reverse=True))
                for first in {c[0] for c in cues}
            },
            honorifics=frozenset(rules["honorifics"]),
            role_words=role_words,
            org_heads=org_heads,
            blocked_words=blocked,
            stop_words=stop_words,
            name_particles=frozenset(rules["name_particles"]),
            sequence_persons=bool(rules["sequence_persons"]),
        )


@dataclass
class _Tokens:
    """Per-document views of the tokens that every rule reads."""

    text: list[str]
    lower: list[str]
    folded: list[str]
    trailing_space: list[bool]
    is_space: list[bool]
    sentence_initial: list[bool]
    lowercase_words: set[str]  # words the article itself writes in lower case

    @classmethod
    def of(cls, doc: Doc) -> _Tokens:
        view = token_view(doc)
        initial = [False] * len(view)
        at_start = True
        for i, text in enumerate(view.text):
            if view.sent_start[i]:
                at_start = True
            if view.is_space[i]:
                if "\n" in text:
                    at_start = True  # a paragraph or a heading line starts here
                continue
            if at_start and (text[0] in _OPENING_PUNCT or view.is_punct[i]):
                continue
            initial[i] = at_start
            at_start = False
        return cls(
            text=view.text,
            lower=view.lower,
            folded=[fold_token(s) for s in view.text],
            trailing_space=view.trailing_space,
            is_space=view.is_space,
            sentence_initial=initial,
            lowercase_words={s for s in view.text if s.islower()},
        )


@dataclass
class _Match:
    start: int
    end: int
    label: str
    canonical: str
    entry: GazetteerEntry | None = None
    statistical: bool = False  # found by the statistical model


class EntityRecognizer:
    def __init__(
        self,
        lang: str,
        stop_words: frozenset[str],
        tokenize: Tokenize = split_on_spaces,
        gazetteer: Gazetteer | None = None,
        statistical_ner: bool = False,
    ) -> None:
        self.lang = lang
        # A statistical `ner` runs before this component: it replaces the capitalised-run rule.
        self.statistical_ner = statistical_ner
        self.rules = PersonRules.for_language(lang, frozenset(w.lower() for w in stop_words), tokenize)
        self.gazetteer = gazetteer or get_gazetteer()

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        # Entities a statistical `ner` set before this component (none in a rules-only pipeline).
        statistical = [s for s in doc.ents if s.label_ in STATISTICAL_LABELS]
        tokens = _Tokens.of(doc)
        known = self._gazetteer_matches(tokens)
        taken = [False] * len(doc)
        for m in known:
            for i in range(m.start, m.end):
                taken[i] = True
        known = self._drop_small_towns_out_of_context(known, taken)
        known = self._release_first_name_cities(tokens, known, taken)
        persons = self._cue_persons(tokens, known, taken)
        if self.rules.sequence_persons and not self.statistical_ner:
            persons += self._sequence_persons(tokens, taken)
        known = [m for m in known if not self._is_person_word(tokens, m, persons, taken)]
        if statistical:
            known, persons = self._merge_statistical(tokens, statistical, known, persons, taken)
            known = [m for m in known if not self._is_person_word(tokens, m, persons, taken)]
        persons += self._repeated_persons(tokens, persons, taken)
        spans = self._spans(doc, known + persons)
        doc.ents = filter_spans(spans)
        return doc

    # -- gazetteer ------------------------------------------------------------------------------
    def _gazetteer_matches(self, tokens: _Tokens) -> list[_Match]:
        matches: list[_Match] = []
        n = len(tokens.text)
        max_chars = self.gazetteer.max_chars
        i = 0
        while i < n:
            first = tokens.text[i]
            if tokens.is_space[i] or not first[:1].isupper():
                i += 1
                continue
            best: tuple[int, GazetteerEntry] | None = None
            raw, folded = "", ""
            for j in range(i, min(n, i + MAX_NAME_TOKENS)):
                if tokens.is_space[j]:
                    break
                if j > i and tokens.text[j].islower() and tokens.lower[j] not in _NAME_CONNECTORS:
                    break  # names are capitalised words, with a few small joining words
                raw += tokens.text[j]
                folded += tokens.folded[j]
                if len(raw) > max_chars:
                    break
                entry = self.gazetteer.lookup(raw, folded, self.lang)
                if entry is not None:
                    best = (j + 1, entry)
                if not tokens.trailing_space[j]:
                    continue
                raw += " "
                folded += " "
            if best is None:
                i += 1
                continue
            end, entry = best
            # A lone capitalised word opening a sentence is a place only if the article never
            # writes it in lower case (keeps "Nice weather ..." or "Sumber ..." out).
            if end - i == 1 and tokens.sentence_initial[i] and tokens.lower[i] in tokens.lowercase_words:
                i += 1
                continue
            matches.append(_Match(i, end, entry.label, entry.canonical, entry))
            i = end
        return matches

    @staticmethod
    def _drop_small_towns_out_of_context(known: list[_Match], taken: list[bool]) -> list[_Match]:
        countries = _context_countries(known)
        kept = []
        for m in known:
            if m.entry is not None and m.label == "LOC" and m.end - m.start == 1:
                cities = [c for c in m.entry.candidates if c.feature == "city"]
                if len(cities) == len(m.entry.candidates) and max(c.population for c in cities) < SMALL_TOWN_POPULATION:
                    if not any(c.country_code in countries for c in cities):
                        taken[m.start] = False
                        continue
            kept.append(m)
        return kept

    @staticmethod
    def _is_one_word_city(m: _Match) -> bool:
        return _is_one_word_city(m)

    def _is_person_word(self, tokens: _Tokens, m: _Match, persons: list[_Match], taken: list[bool]) -> bool:
        """A one-word city that is also the first or last word of a person found in this article
        ("Perry" after "Perry Warjiyo") is that person, not the place: free it for linking."""
        if not self._is_one_word_city(m):
            return False
        word = tokens.text[m.start]
        for p in persons:
            if p.end - p.start >= 2 and word in (tokens.text[p.start], tokens.text[p.end - 1]):
                taken[m.start] = False
                return True
        return False

    def _release_first_name_cities(self, tokens: _Tokens, known: list[_Match], taken: list[bool]) -> list[_Match]:
        """A one-word city directly followed by exactly one name word is a first name and a
        surname ("Vladimir Putin", "Paris Hilton"), not a place; before two name words it is a
        place qualifying the name ("Walikota Kyiv Vitaliy Klitschko")."""
        kept = []
        for m in known:
            if self._is_one_word_city(m) and tokens.trailing_space[m.start]:
                after = m.end
                if after < len(tokens.text) and self._name_run(tokens, after, taken) == after + 1:
                    taken[m.start] = False
                    continue
            kept.append(m)
        return kept

    # -- statistical entities ------------------------------------------------------------------------
    def _merge_statistical(
        self, tokens: _Tokens, statistical: list[Span], known: list[_Match], persons: list[_Match], taken: list[bool]
    ) -> tuple[list[_Match], list[_Match]]:
        """Add the statistical model's entities to the rule entities (module docstring: "Statistical
        entities"). Returns the new (known, persons); marks the tokens of accepted spans taken."""
        rules = known + persons
        owner: dict[int, _Match] = {}
        for m in rules:
            for i in range(m.start, m.end):
                owner[i] = m
        # Words of the persons found (by the rules or the model): a non-person statistical span made
        # of them ("Putin" as LOC) is left to the linking of repeated mentions.
        person_words = {w for m in persons for w in tokens.text[m.start : m.end]}
        person_words.update(tokens.text[i] for s in statistical if s.label_ == "PER" for i in range(s.start, s.end))
        dropped: set[int] = set()  # ids of rule matches a longer statistical span replaces
        added: list[_Match] = []
        for span in sorted(statistical, key=lambda s: (s.start - s.end, s.start)):
            start, end = _trim(tokens, span.start, span.end)
            if end <= start:
                continue
            if any(taken[i] and i not in owner for i in range(start, end)):
                continue  # overlaps a statistical span accepted before
            if span.label_ != "PER" and all(tokens.text[i] in person_words for i in range(start, end)):
                continue
            overlapped = {id(owner[i]): owner[i] for i in range(start, end) if i in owner}
            entry = None
            if overlapped:
                if not all(_may_replace(span.label_, start, end, m) for m in overlapped.values()):
                    continue
                places = [m for m in overlapped.values() if m.label == "LOC" and m.entry is not None]
                if span.label_ == "LOC" and len(places) > 1:
                    continue  # "Ukraina Kyiv": two places, each with its coordinates
                dropped.update(overlapped)
                for m in overlapped.values():
                    for i in range(m.start, m.end):
                        owner.pop(i, None)
                if span.label_ == "LOC" and places:  # "Kabupaten Pati": the place of the name in it
                    entry = places[0].entry
            for i in range(start, end):
                taken[i] = True
            added.append(_Match(start, end, span.label_, _normalise_name(_join(tokens, start, end)), entry, True))
        known = [m for m in known if id(m) not in dropped] + [m for m in added if m.label != "PER"]
        persons = [m for m in persons if id(m) not in dropped] + [m for m in added if m.label == "PER"]
        return known, persons

    # -- persons -----------------------------------------------------------------------------------
    def _is_name_word(self, tokens: _Tokens, i: int, taken: list[bool], *, after_cue: bool = False) -> bool:
        """Could token i be part of a person's name? Right after a role cue, a capitalised word is
        trusted even if it is also an ordinary word of the language ("Gubernur Oleh Syniehubov")."""
        text = tokens.text[i]
        if taken[i] or not text[:1].isupper() or not any(ch.islower() for ch in text):
            return False
        if not _NAME_WORD.match(text):
            return False
        lower = tokens.lower[i]
        if lower in self.rules.blocked_words:
            return False
        if after_cue:
            return True
        return lower not in self.rules.stop_words and lower not in tokens.lowercase_words

    def _name_run(self, tokens: _Tokens, start: int, taken: list[bool], *, after_cue: bool = False) -> int:
        """End of the longest name starting at `start` (== start when there is none)."""
        n = len(tokens.text)
        end = start
        j = start
        while j < n and end - start < MAX_NAME_LENGTH:
            if self._is_name_word(tokens, j, taken, after_cue=after_cue):
                j += 1
                end = j
            elif (
                end > start
                and tokens.text[j] in self.rules.name_particles
                and j + 1 < n
                and self._is_name_word(tokens, j + 1, taken, after_cue=after_cue)
            ):
                j += 1
            else:
                break
        return end

    def _cue_at(self, tokens: _Tokens, i: int) -> int:
        """End of a role cue or honorific starting at i, or i when there is none."""
        if tokens.text[i] in self.rules.honorifics:
            return i + 1
        for length in self.rules.cue_lengths.get(tokens.lower[i], ()):
            if tuple(tokens.lower[i : i + length]) in self.rules.cues:
                return i + length
        return i

    def _cue_persons(self, tokens: _Tokens, known: list[_Match], taken: list[bool]) -> list[_Match]:
        match_at = {m.start: m for m in known}
        persons: list[_Match] = []
        n = len(tokens.text)
        i = 0
        while i < n:
            j = self._cue_at(tokens, i) if not taken[i] else i
            if j == i:
                i += 1
                continue
            j = self._skip_cue_fillers(tokens, j, match_at, taken)
            end = self._name_run(tokens, j, taken, after_cue=True) if j < n else j
            if end > j:
                surname = match_at.get(end)
                # "Ministerpräsident Markus Söder": a one-word city right after the name, closing
                # the capitalised run, is the surname.
                if (
                    surname is not None
                    and self._is_one_word_city(surname)
                    and tokens.trailing_space[end - 1]
                    and (end + 1 >= n or not tokens.text[end + 1][:1].isupper())
                ):
                    known.remove(surname)
                    end += 1
                persons.append(_Match(j, end, "PER", _join(tokens, j, end)))
                for k in range(j, end):
                    taken[k] = True
                i = end
            else:
                i += 1
        return persons

    def _skip_cue_fillers(self, tokens: _Tokens, j: int, match_at: dict[int, _Match], taken: list[bool]) -> int:
        """Past the role words, places and organisations between a cue and its name."""
        n = len(tokens.text)
        fillers = 0
        comma_seen = False
        while j < n and fillers <= MAX_CUE_FILLERS:
            if j in match_at:
                j = match_at[j].end
            elif tokens.lower[j] in self.rules.role_words or tokens.lower[j] in ("'s", "’s"):
                j += 1
            elif tokens.text[j] == "," and not comma_seen:
                comma_seen = True
                j += 1
                continue
            elif tokens.lower[j] in self.rules.org_heads and tokens.text[j][:1].isupper():
                # "Ekonom Bank Mandiri Andry Asmoro": an organisation head and one name word,
                # when at least two capitalised words remain for the person.
                run = self._name_run(tokens, j + 1, taken)
                if run - (j + 1) < 3:
                    break
                j += 2
            else:
                break
            fillers += 1
        return j

    def _sequence_persons(self, tokens: _Tokens, taken: list[bool]) -> list[_Match]:
        persons: list[_Match] = []
        n = len(tokens.text)
        i = 0
        while i < n:
            if not self._is_name_word(tokens, i, taken):
                i += 1
                continue
            end = self._name_run(tokens, i, taken)
            words = sum(1 for k in range(i, end) if tokens.text[k] not in self.rules.name_particles)
            # part of a longer capitalised run (an organisation, a title): not a person on its own
            next_is_capital = end < n and tokens.text[end][:1].isupper() and not tokens.is_space[end]
            prev_is_capital = (
                i > 0
                and tokens.text[i - 1][:1].isupper()
                and not tokens.sentence_initial[i - 1]
                and tokens.lower[i - 1] not in tokens.lowercase_words
            )
            if 2 <= words <= 3 and not tokens.sentence_initial[i] and not next_is_capital and not prev_is_capital:
                persons.append(_Match(i, end, "PER", _join(tokens, i, end)))
                for k in range(i, end):
                    taken[k] = True
            i = max(end, i + 1)
        return persons

    def _repeated_persons(self, tokens: _Tokens, persons: list[_Match], taken: list[bool]) -> list[_Match]:
        """Other mentions of names already found: the full name again, or one of its words alone
        (the surname, or the first name when no other person shares it)."""
        # A one-word statistical person ("Twitter" mistaken for one) does not seed the linking.
        seeds = [m for m in persons if not (m.statistical and m.end - m.start < 2)]
        if not seeds:
            return []
        full_names: dict[tuple[str, ...], str] = {}
        by_surname: dict[str, set[str]] = {}
        for m in seeds:
            words = tuple(tokens.text[m.start : m.end])
            full_names.setdefault(words, m.canonical)
            by_surname.setdefault(words[-1], set()).add(m.canonical)
        # "Putin" and "Vladimir Putin": the single word belongs to the longer name.
        canonical_of_surname: dict[str, str] = {}
        for surname, names in by_surname.items():
            longest = max(names, key=lambda s: len(s.split()))
            if all(longest.endswith(other) for other in names):
                canonical_of_surname[surname] = longest
        for m in persons:
            surname = tokens.text[m.end - 1]
            if surname in canonical_of_surname:
                m.canonical = canonical_of_surname[surname]
        # Indonesian news often calls a person by the first name after the full name ("ujar Perry").
        by_first_name: dict[str, set[str]] = {}
        for m in seeds:
            if m.end - m.start >= 2 and not m.statistical:  # the model's first words are less sure
                by_first_name.setdefault(tokens.text[m.start], set()).add(m.canonical)
        for first, names in by_first_name.items():
            if len(names) == 1 and first not in canonical_of_surname and first not in by_surname:
                canonical_of_surname[first] = next(iter(names))
        for m in persons:  # a one-word statistical person: "Perry" after "Perry Warjiyo"
            if m.end - m.start == 1 and tokens.text[m.start] in canonical_of_surname:
                m.canonical = canonical_of_surname[tokens.text[m.start]]
        found: list[_Match] = []
        n = len(tokens.text)
        longest_name = max(len(words) for words in full_names)
        i = 0
        while i < n:
            if taken[i] or not tokens.text[i][:1].isupper():
                i += 1
                continue
            hit = None
            for length in range(min(longest_name, n - i), 1, -1):
                words = tuple(tokens.text[i : i + length])
                if words in full_names and not any(taken[i : i + length]):
                    hit = (i + length, canonical_of_surname.get(words[-1], full_names[words]))
                    break
            if hit is None and tokens.text[i] in canonical_of_surname:
                # "Oleh karena itu" opening a sentence is not Oleh Syniehubov
                ordinary = tokens.lower[i] in self.rules.stop_words or tokens.lower[i] in tokens.lowercase_words
                if not (ordinary and tokens.sentence_initial[i]):
                    hit = (i + 1, canonical_of_surname[tokens.text[i]])
            if hit is None:
                i += 1
                continue
            end, canonical = hit
            found.append(_Match(i, end, "PER", canonical))
            for k in range(i, end):
                taken[k] = True
            i = end
        return found

    # -- output -------------------------------------------------------------------------------------
    def _spans(self, doc: Doc, matches: list[_Match]) -> list[Span]:
        countries = _context_countries(matches)
        spans = []
        for m in matches:
            span = Span(doc, m.start, m.end, label=m.label)
            canonical = m.canonical
            if m.label == "LOC" and m.entry is not None:
                resolved = resolve_place(m.entry.candidates, countries)
                if resolved is not None:
                    span._.newsmon_place = resolved.to_place()
                    canonical = resolved.name
                elif len({c.name for c in m.entry.candidates}) != 1:
                    canonical = span.text
            span._.newsmon_canonical = canonical
            spans.append(span)
        return spans


def _context_countries(matches: list[_Match]) -> set[str]:
    """Countries the article names, directly or through a place that can only be in one country."""
    countries: set[str] = set()
    for m in matches:
        if m.label != "LOC" or m.entry is None:
            continue
        codes = {c.country_code for c in m.entry.candidates if c.country_code}
        if len(codes) == 1:
            countries.update(codes)
    return countries


def _is_one_word_city(m: _Match) -> bool:
    return (
        m.entry is not None
        and m.label == "LOC"
        and m.end - m.start == 1
        and all(c.feature == "city" for c in m.entry.candidates)
    )


def _may_replace(label: str, start: int, end: int, rule: _Match) -> bool:
    """May a statistical span [start, end) labelled `label` replace the rule entity it overlaps?"""
    if not (start <= rule.start and rule.end <= end and end - start > rule.end - rule.start):
        return False  # the same span, a shorter one or a crossing one: the rule entity stays
    if rule.label == "PER":
        return label == "PER"  # "Stephen R . Covey" over the cue person "Stephen R"
    if rule.label == "LOC" and label == "PER" and rule.start == start:
        # A place opening a "person" is a place qualifying the name ("Rusia Vladimir Putin", "Kyiv
        # Vitaliy Klitschko"), unless a one-word city is followed by one word ("Paris Hilton").
        return _is_one_word_city(rule) and end - start == 2
    return True


def _trim(tokens: _Tokens, start: int, end: int) -> tuple[int, int]:
    """A span without leading or trailing whitespace and punctuation tokens (a model's span can
    take in a quote or a comma)."""
    while start < end and (tokens.is_space[start] or not any(ch.isalnum() for ch in tokens.text[start])):
        start += 1
    while end > start and (tokens.is_space[end - 1] or not any(ch.isalnum() for ch in tokens.text[end - 1])):
        end -= 1
    return start, end


def _normalise_name(text: str) -> str:
    """The canonical form of a statistical entity: its surface text, whitespace collapsed, without
    a possessive ending ("Reuters's" -> "Reuters")."""
    text = " ".join(text.split())
    for suffix in ("'s", "’s"):
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
    return text


def _join(tokens: _Tokens, start: int, end: int) -> str:
    return "".join(tokens.text[k] + (" " if tokens.trailing_space[k] else "") for k in range(start, end)).strip()


@Language.factory(
    "newsmon_entities",
    default_config={"rules_language": None},
    assigns=["doc.ents", "span._.newsmon_canonical", "span._.newsmon_place"],
)
def make_entity_recognizer(nlp: Language, name: str, rules_language: str | None) -> EntityRecognizer:
    """`rules_language` picks the entry of data/person_rules.json (default: the pipeline's language)."""
    lang = rules_language or nlp.lang
    return EntityRecognizer(
        lang, frozenset(nlp.Defaults.stop_words), lower_tokens(nlp), statistical_ner="ner" in nlp.pipe_names
    )
