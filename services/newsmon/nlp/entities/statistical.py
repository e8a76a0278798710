"""The merge of a trained model's PER, LOC and ORG spans with the rule entities (package docstring:
"Statistical entities")."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from spacy.tokens import Span

from newsmon.nlp.entities.gazetteer_matches import GazetteerMatcher
from newsmon.nlp.entities.names import NameWords
from newsmon.nlp.entities.rules import PersonRules
from newsmon.nlp.entities.tokens import Match, Tokens, is_one_word_city

# Labels taken from a statistical `ner` that runs before this component.
STATISTICAL_LABELS = frozenset({"PER", "LOC", "ORG"})
# Names carry at most one lower-case word besides connectors ("Santa Marta sabrewing", "Mount
# Druitt station"); a model span with two has run on into the sentence.
MAX_LOWER_CASE_NAME_WORDS = 2


@dataclass(frozen=True)
class StatisticalMerger:
    """Merges the model's entities into the rule entities of one article."""

    rules: PersonRules
    names: NameWords
    gazetteer: GazetteerMatcher  # for the watchlist entry of a span spelled as an alias
    # Words of the language written in lower case (training/lexicon.py, built from the NER data).
    lowercase_words: frozenset[str]

    def merge(
        self, tokens: Tokens, statistical: list[Span], known: list[Match], persons: list[Match], taken: list[bool]
    ) -> tuple[list[Match], list[Match]]:
        """Add the statistical model's entities to the rule entities. Returns the new (known,
        persons); marks the tokens of accepted spans taken."""
        _yield_organisation_heads(statistical, persons, taken)
        rules = known + persons
        owner: dict[int, Match] = {}
        for m in rules:
            for i in range(m.start, m.end):
                owner[i] = m
        # Words of the persons found (by the rules or the model): a non-person statistical span made
        # of them ("Putin" as LOC) is left to the linking of repeated mentions.
        person_words = {w for m in persons for w in tokens.text[m.start : m.end]}
        person_words.update(tokens.text[i] for s in statistical if s.label_ == "PER" for i in range(s.start, s.end))
        dropped: set[int] = set()  # ids of rule matches a longer statistical span replaces
        added: list[Match] = []
        for span in sorted(statistical, key=lambda s: (s.start - s.end, s.start)):
            start, end = self._trim(tokens, span.start, span.end)
            if end <= start:
                continue
            if self._runs_into_prose(tokens, start, end):
                continue
            if self._is_a_common_word(tokens, start, end, owner):
                continue  # "Lebaran", "Disaster" (of "Disaster and Emergency ..."): a word, not a name
            if tokens.sentence_initial[start] and tokens.lower[start] in self.lowercase_words:
                # "Terjadi ...", "Attacks on Kiev": the sentence's first word, not part of a name
                rest = start + 1
                while rest < end and (tokens.is_space[rest] or tokens.text[rest] in self.rules.name_connectors):
                    rest += 1
                if rest == end or (rest in owner and (owner[rest].start, owner[rest].end) == (rest, end)):
                    continue
            words = [tokens.lower[i] for i in range(start, end) if tokens.text[i].isalpha()]
            if words and all(w in self.rules.page_furniture for w in words):
                continue  # a "Tautan Sumber" or "Baca juga" line, not a name
            if any(taken[i] and i not in owner for i in range(start, end)):
                continue  # overlaps a statistical span accepted before
            if span.label_ != "PER" and all(tokens.text[i] in person_words for i in range(start, end)):
                continue
            overlapped = {id(owner[i]): owner[i] for i in range(start, end) if i in owner}
            # "Mayor Brandon Johnson": the span keeps the office, the canonical name is the person's,
            # as for the persons the cue rule finds.
            name_start = self.names.after_role_cue(tokens, start, end) if span.label_ == "PER" else start
            match = Match(
                start, end, span.label_, self._normalise_name(tokens.span_text(name_start, end)), statistical=True
            )
            if overlapped:
                if not all(_may_replace(span.label_, start, end, m) for m in overlapped.values()):
                    continue
                places = [m for m in overlapped.values() if m.label == "LOC" and m.entry is not None]
                districts = [m for m in overlapped.values() if m.district]
                if len(places) > 1 and (span.label_ == "LOC" or self._joins_places(tokens, places)):
                    # "Ukraina Kyiv", "Attacks on Kiev and Kharkiv": two places, each with its
                    # coordinates ("Bosnia and Herzegovina" is one gazetteer place).
                    continue
                dropped.update(overlapped)
                for m in overlapped.values():
                    for i in range(m.start, m.end):
                        owner.pop(i, None)
                if span.label_ == "LOC" and places:  # "Kabupaten Pati": the place of the name in it
                    match.entry = places[0].entry
                elif span.label_ == "LOC" and len(districts) == 1:  # "Kecamatan Long Pahangai"
                    match.district, match.enclosing = True, districts[0].enclosing
            elif span.label_ != "LOC":
                # A statistical person or organisation spelled as a watchlist alias is that entry.
                entry = self.gazetteer.lookup(tokens, start, end)
                if entry is not None and entry.watchlist_id is not None and entry.label == span.label_:
                    match.canonical, match.entry, match.watchlist_id = entry.canonical, entry, entry.watchlist_id
            for i in range(start, end):
                taken[i] = True
            added.append(match)
        known = [m for m in known if id(m) not in dropped] + [m for m in added if m.label != "PER"]
        persons = [m for m in persons if id(m) not in dropped] + [m for m in added if m.label == "PER"]
        return known, persons

    def _joins_places(self, tokens: Tokens, places: list[Match]) -> bool:
        """Does a conjunction stand between two of the places ("Kiev and Kharkiv")?"""
        ordered = sorted(places, key=lambda m: m.start)
        return any(
            tokens.lower[i] in self.rules.list_conjunctions
            for left, right in itertools.pairwise(ordered)
            for i in range(left.end, right.start)
        )

    def _is_a_common_word(self, tokens: Tokens, start: int, end: int, owner: dict[int, Match]) -> bool:
        """Is the span one word inside a sentence that the language writes in lower case, and no
        rule entity? (A sentence's first word is judged below, with what follows it.)"""
        return (
            end - start == 1
            and not tokens.sentence_initial[start]
            and start not in owner
            and tokens.lower[start] in self.lowercase_words
        )

    def _runs_into_prose(self, tokens: Tokens, start: int, end: int) -> bool:
        """Has the span run on into the sentence: does it mix capitalised words with
        MAX_LOWER_CASE_NAME_WORDS or more lower-case words other than name connectors?"""
        words = [tokens.text[i] for i in range(start, end) if any(ch.isalpha() for ch in tokens.text[i])]
        if not any(w[:1].isupper() for w in words):
            return False
        lower = [w for w in words if w[:1].islower() and w.lower() not in self.rules.name_connectors]
        return len(lower) >= MAX_LOWER_CASE_NAME_WORDS

    def _trim(self, tokens: Tokens, start: int, end: int) -> tuple[int, int]:
        """A span without leading or trailing whitespace and punctuation tokens (a model's span can
        take in a quote or a comma), nor a trailing connector ("Attacks on Kiev and": no name ends so)
        or possessive, nor an unclosed parenthesis: the ")" right after it is taken in, else the span
        ends before the "(" ."""
        while start < end and (tokens.is_space[start] or not any(ch.isalnum() for ch in tokens.text[start])):
            start += 1
        while end > start:
            last = end - 1
            if tokens.is_space[last] or not any(ch.isalnum() for ch in tokens.text[last]):
                if self._closes_the_name(tokens, start, last):
                    break
            elif tokens.text[last] not in (*self.rules.name_connectors, *self.rules.possessives):
                break  # connectors are lower case only ("The Who", "Bank of America"); "Chicago 's" is Chicago
            end -= 1
        opened = next((i for i in range(end - 1, start - 1, -1) if tokens.text[i] in "()"), None)
        if opened is not None and tokens.text[opened] == "(":  # "Indeks Harga Saham Gabungan (IHSG"
            if end < len(tokens.text) and tokens.text[end] == ")":
                return start, end + 1  # with its acronym: "Mahkamah Konstitusi (MK)"
            return self._trim(tokens, start, opened)
        return start, end

    def _closes_the_name(self, tokens: Tokens, start: int, last: int) -> bool:
        """Is punctuation token `last` the end of the name: the ")" of "(PPP)" or the "." of "Jr ."?"""
        text = tokens.text[last]
        if text == ")":
            return "(" in tokens.text[start:last]
        return (
            text == "." and last > start and tokens.lower[last - 1].rstrip(".") in self.rules.abbreviations_ending_names
        )

    def _normalise_name(self, text: str) -> str:
        """The canonical form of a statistical entity: its surface text, whitespace collapsed, without
        a possessive ending ("Reuters's" -> "Reuters")."""
        text = " ".join(text.split())
        for suffix in self.rules.possessives:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
        return text


def _may_replace(label: str, start: int, end: int, rule: Match) -> bool:
    """May a statistical span [start, end) labelled `label` replace the rule entity it overlaps?"""
    if not (start <= rule.start and rule.end <= end and end - start > rule.end - rule.start):
        return False  # the same span, a shorter one or a crossing one: the rule entity stays
    if rule.watchlist_id is not None:
        # The watchlist takes precedence; only a longer organisation holding a watchlist one is
        # another organisation ("United Nations Security Council").
        return rule.label == "ORG" and label == "ORG"
    if rule.label == "PER":
        return label == "PER"  # "Stephen R . Covey" over the cue person "Stephen R"
    if rule.label == "LOC" and label == "PER" and rule.start == start:
        # A place opening a "person" is a place qualifying the name ("Rusia Vladimir Putin", "Kyiv
        # Vitaliy Klitschko"), unless a one-word city is followed by one word ("Paris Hilton").
        return is_one_word_city(rule) and end - start == 2
    return True


def _yield_organisation_heads(statistical: list[Span], persons: list[Match], taken: list[bool]) -> None:
    """A rule person whose head the model reads as an organisation or place and whose tail as the
    person ("Ketua Umum Partai Golkar Airlangga Hartarto": rule person "Golkar Airlangga Hartarto",
    model ORG "Partai Golkar" + PER "Airlangga Hartarto") shrinks to the model's person, freeing the
    head for the model's organisation."""
    for m in persons:
        if m.statistical or m.watchlist_id is not None:
            continue
        tail = next((s for s in statistical if s.label_ == "PER" and m.start < s.start < m.end == s.end), None)
        if tail is None:
            continue
        if any(s.label_ != "PER" and s.start <= m.start < s.end <= tail.start for s in statistical):
            for i in range(m.start, tail.start):
                taken[i] = False
            m.start = tail.start
            m.canonical = " ".join(t.text for t in tail)
