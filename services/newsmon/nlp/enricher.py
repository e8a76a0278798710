"""Enricher: one object per worker that turns (text, language) pairs into entities, topics and
facts, batched through spaCy.

    enricher = Enricher()
    [analysis] = enricher.enrich([(article_text, "id")])

Indonesian and English have their own pipelines; every other language goes through a multilingual
`spacy.blank("xx")` pipeline that finds gazetteer places, organisations and cue-introduced persons,
and alert-topic terms for German, French and Spanish. Pipelines are built on first use.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import spacy
from spacy.language import Language
from spacy.tokens import Doc

# Registers the newsmon_* factories with spaCy.
from newsmon.nlp import entities as _entities  # noqa: F401
from newsmon.nlp import facts as _facts  # noqa: F401
from newsmon.nlp import topics as _topics  # noqa: F401
from newsmon.records import Entity, Fact, Topic

log = logging.getLogger(__name__)

PIPELINE_LANGUAGES = ("id", "en")
FALLBACK_LANGUAGE = "xx"
RULES_VERSION = "v1"
# Longer texts are analysed on their first MAX_TEXT_CHARS characters (offsets stay valid): a news
# article is far shorter, and spaCy refuses texts over nlp.max_length.
MAX_TEXT_CHARS = 200_000
BATCH_SIZE = 32
# spaCy's Indonesian tokenizer lists ~15,600 reduplicated words ("luka-luka") as special cases;
# with them no token is cached and tokenizing costs ~5 ms per 2,500 characters, raising
# max_cache_size does not help. Without them the hyphen splits ("luka", "-", "luka") and it costs
# ~0.1 ms. Rule phrases are split by the same tokenizer, so they still match.
_REDUPLICATION = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")


@dataclass(frozen=True)
class Analysis:
    entities: list[Entity] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)  # best first, positive scores only
    facts: list[Fact] = field(default_factory=list)
    ner_model: str = ""


def ner_model_name(pipeline_language: str) -> str:
    return f"rules-gazetteer-{pipeline_language}-{RULES_VERSION}"


def pipeline_language(language: str | None) -> str:
    code = (language or "").strip().lower()
    return code if code in PIPELINE_LANGUAGES else FALLBACK_LANGUAGE


def build_pipeline(language: str) -> Language:
    """A blank spaCy pipeline for `language` ('id', 'en' or 'xx') with newsmon's components."""
    nlp = spacy.blank(language)
    nlp.max_length = MAX_TEXT_CHARS + 1
    if language == "id":
        nlp.tokenizer.rules = {k: v for k, v in nlp.tokenizer.rules.items() if not _REDUPLICATION.fullmatch(k)}
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("newsmon_entities")
    nlp.add_pipe("newsmon_topics")
    nlp.add_pipe("newsmon_facts")
    return nlp


def analysis_of(doc: Doc, ner_model: str) -> Analysis:
    entities = [
        Entity(
            text=span.text,
            label=span.label_,
            start=span.start_char,
            end=span.end_char,
            canonical=span._.newsmon_canonical or span.text,
            place=span._.newsmon_place,
        )
        for span in doc.ents
    ]
    topics = [t for t in (doc._.newsmon_topics or []) if t.score > 0]
    return Analysis(entities=entities, topics=topics, facts=list(doc._.newsmon_facts or []), ner_model=ner_model)


class Enricher:
    def __init__(self, batch_size: int = BATCH_SIZE) -> None:
        self.batch_size = batch_size
        self._pipelines: dict[str, Language] = {}

    def pipeline(self, language: str | None) -> Language:
        key = pipeline_language(language)
        if key not in self._pipelines:
            self._pipelines[key] = build_pipeline(key)
        return self._pipelines[key]

    def enrich(self, items: Sequence[tuple[str, str]]) -> list[Analysis]:
        """One Analysis per (text, language) item, in order. Never raises on any text."""
        results: list[Analysis | None] = [None] * len(items)
        groups: dict[str, list[tuple[int, str]]] = {}
        for index, item in enumerate(items):
            text, language = _unpack(item)
            key = pipeline_language(language)
            if not text.strip():
                results[index] = Analysis(ner_model=ner_model_name(key))
                continue
            groups.setdefault(key, []).append((index, text[:MAX_TEXT_CHARS]))
        for key, members in groups.items():
            for (index, _), analysis in zip(members, self._run(key, [t for _, t in members]), strict=True):
                results[index] = analysis
        return [r if r is not None else Analysis() for r in results]

    def _run(self, key: str, texts: list[str]) -> Iterable[Analysis]:
        model = ner_model_name(key)
        try:
            nlp = self.pipeline(key)
            return [analysis_of(doc, model) for doc in nlp.pipe(texts, batch_size=self.batch_size)]
        except Exception:
            log.exception("enrichment of a batch failed; retrying its texts one by one")
        analyses = []
        for text in texts:
            try:
                analyses.append(analysis_of(self.pipeline(key)(text), model))
            except Exception:  # one bad text must not cost the others their analysis
                log.exception("enrichment failed for a text of %d characters", len(text))
                analyses.append(Analysis(ner_model=model))
        return analyses


def _unpack(item: object) -> tuple[str, str | None]:
    try:
        text, language = item  # type: ignore[misc]
    except (TypeError, ValueError):
        return "", None
    return (text if isinstance(text, str) else ""), (language if isinstance(language, str) else None)
