"""The newsmon_entities spaCy component: the rules of the package docstring run in turn, a trained
model's entities are merged with theirs, and the result becomes doc.ents with the newsmon_* span
attributes."""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from newsmon.nlp.entities.districts import DistrictFinder
from newsmon.nlp.entities.gazetteer_matches import (
    GazetteerMatcher,
    drop_person_word_cities,
    drop_small_towns_out_of_context,
    release_first_name_cities,
)
from newsmon.nlp.entities.names import NameWords
from newsmon.nlp.entities.persons import PersonFinder
from newsmon.nlp.entities.rules import DistrictRules, PersonRules
from newsmon.nlp.entities.statistical import STATISTICAL_LABELS, StatisticalMerger
from newsmon.nlp.entities.tokens import Match, Tokens, context_countries
from newsmon.nlp.phrases import Tokenize, lower_tokens, split_on_spaces
from newsmon.nlp.places.entries import resolve_place
from newsmon.nlp.places.gazetteer import Gazetteer, load_gazetteer
from newsmon.nlp.resources import load_json

if not Span.has_extension("newsmon_canonical"):
    Span.set_extension("newsmon_canonical", default=None)
if not Span.has_extension("newsmon_place"):
    Span.set_extension("newsmon_place", default=None)
if not Span.has_extension("newsmon_watchlist_id"):
    Span.set_extension("newsmon_watchlist_id", default=None)


class EntityRecognizer:
    """The newsmon_entities component for one language (the rules: the package docstring)."""

    def __init__(
        self,
        lang: str,
        stop_words: frozenset[str],
        tokenize: Tokenize = split_on_spaces,
        gazetteer: Gazetteer | None = None,
        statistical_ner: bool = False,
    ) -> None:
        # A statistical `ner` runs before this component: it replaces the capitalised-run rule.
        self.statistical_ner = statistical_ner
        self.rules = PersonRules.for_language(lang, frozenset(w.lower() for w in stop_words), tokenize)
        self.names = NameWords(self.rules)
        self.gazetteer = GazetteerMatcher(gazetteer or load_gazetteer(), lang, self.rules.name_connectors)
        self.persons = PersonFinder(self.rules, self.names)
        self.districts = DistrictFinder(DistrictRules.for_language(lang, tokenize), self.rules, self.names)
        # Words of the language written in lower case (devtools/training/lexicon.py, from the NER data).
        lowercase_words = frozenset(load_json("lowercase_words.json").get(lang, ()))
        self.statistical = StatisticalMerger(self.rules, self.names, self.gazetteer, lowercase_words)

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        # Entities a statistical `ner` set before this component (none in a rules-only pipeline).
        statistical = [s for s in doc.ents if s.label_ in STATISTICAL_LABELS]
        tokens = Tokens.of(doc)
        known = self.gazetteer.matches(tokens)
        taken = [False] * len(doc)
        for m in known:
            for i in range(m.start, m.end):
                taken[i] = True
        # Watchlist persons are persons from here on; watchlist organisations stay with the others.
        watched = [m for m in known if m.label == "PER"]
        known = [m for m in known if m.label != "PER"]
        known = drop_small_towns_out_of_context(known, taken)
        known = release_first_name_cities(tokens, known, taken, self.names)
        persons = watched + self.persons.cue_persons(tokens, known, taken)
        known += self.districts.districts(tokens, known, taken)
        if self.rules.sequence_persons and not self.statistical_ner:
            persons += self.persons.sequence_persons(tokens, taken)
        known = drop_person_word_cities(tokens, known, persons, taken)
        if statistical:
            known, persons = self.statistical.merge(tokens, statistical, known, persons, taken)
            known = drop_person_word_cities(tokens, known, persons, taken)
        persons += self.persons.repeated_persons(tokens, persons, taken)
        doc.ents = filter_spans(_spans(doc, known + persons))
        return doc


def _spans(doc: Doc, matches: list[Match]) -> list[Span]:
    countries = context_countries(matches)
    spans = []
    for m in matches:
        span = Span(doc, m.start, m.end, label=m.label)
        canonical = m.canonical
        span._.newsmon_watchlist_id = m.watchlist_id
        if m.district:
            # the place the text says the district lies in, marked as enclosing it; else none
            around = m.enclosing.entry if m.enclosing is not None else None
            resolved = resolve_place(around.candidates, countries) if around is not None else None
            place = resolved.to_place() if resolved is not None else None
            if place is not None:
                span._.newsmon_place = place.model_copy(update={"relation": "enclosing"})
        elif m.label == "LOC" and m.entry is not None:
            resolved = resolve_place(m.entry.candidates, countries)
            if resolved is not None:
                span._.newsmon_place = resolved.to_place()
                canonical = resolved.name
            elif len({c.name for c in m.entry.candidates}) != 1:
                canonical = span.text
        span._.newsmon_canonical = canonical
        spans.append(span)
    return spans


@Language.factory(
    "newsmon_entities",
    default_config={"rules_language": None, "watchlist_path": None},
    assigns=["doc.ents", "span._.newsmon_canonical", "span._.newsmon_place", "span._.newsmon_watchlist_id"],
)
def make_entity_recognizer(
    nlp: Language, name: str, rules_language: str | None, watchlist_path: str | None
) -> EntityRecognizer:
    """`rules_language` picks the entry of data/person_rules.json (default: the pipeline's language);
    `watchlist_path` the watchlist file (default: the packaged data/watchlist.jsonl)."""
    # A pipeline without a language (spaCy allows one) gets the rules of 'xx', as an unknown language does.
    lang = rules_language or nlp.lang or ""
    gazetteer = load_gazetteer(Path(watchlist_path) if watchlist_path else None)
    return EntityRecognizer(
        lang, frozenset(nlp.Defaults.stop_words), lower_tokens(nlp), gazetteer, statistical_ner="ner" in nlp.pipe_names
    )
