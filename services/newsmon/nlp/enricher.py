"""Enricher: one object per worker that turns (text, language) pairs into entities, topics and
facts, batched through spaCy.

    enricher = Enricher(settings)
    [analysis] = enricher.enrich([(article_text, "id")])

Indonesian, English, German, French and Spanish have their own pipelines: spaCy's tokenizer for the
language and newsmon's rule data for it (topic terms, casualty facts, person cues). Every other
language goes through a multilingual `spacy.blank("xx")` pipeline that finds gazetteer places,
organisations and cue-introduced persons, and the multilingual topic terms. Pipelines are built on
first use.

Settings: `trained_ner` (NEWSMON_TRAINED_NER) and `watchlist_path` (NEWSMON_WATCHLIST_PATH) come
from the Settings the caller hands in; the watchlist is read when the Enricher is built, so a broken
file stops the process at start (WatchlistError, naming the file and line).

Trained NER: with `trained_ner` on (the default), a language with a model in newsmon/nlp/models/ner-<lang>/ (built by
`make models`) gets that model's tokenizer and statistical `ner` in front of the rule components;
newsmon_entities merges its entities with the gazetteer and rule entities (entities/recognizer.py) and
`ner_model` reads e.g. "spacy-ner-id-v1+gazetteer". Languages without a model, or with the switch
off, keep the rules alone ("rules-gazetteer-<lang>-v1"). The models load once per Enricher (one
per worker process), in Enricher(); a model that cannot load leaves its language to the rules.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

# Registers the newsmon_* factories with spaCy.
from newsmon.nlp.entities import recognizer as _entities  # noqa: F401
from newsmon.nlp.facts import extractor as _facts  # noqa: F401
from newsmon.nlp.places.watchlist import load_watchlist
from newsmon.nlp.resources import load_json
from newsmon.nlp.tokenizer import customise_tokenizer, tune_for_inference, warm_cache
from newsmon.nlp.topics import scorer as _topics  # noqa: F401
from newsmon.records import Entity, Fact, Topic
from newsmon.settings import Settings

log = logging.getLogger(__name__)

# Languages with their own tokenizer and rule data; trained NER models exist for id and en only.
PIPELINE_LANGUAGES = ("id", "en", "de", "fr", "es")
FALLBACK_LANGUAGE = "xx"
RULES_VERSION = "v1"
# Longer texts are analysed on their first MAX_TEXT_CHARS characters (offsets stay valid): a news
# article is far shorter, and spaCy refuses texts over nlp.max_length.
MAX_TEXT_CHARS = 200_000
BATCH_SIZE = 32
# Trained pipelines (`make models`): models/ner-<lang>/, each with a meta.json.
MODELS_DIR = Path(__file__).with_name("models")


@dataclass(frozen=True)
class Analysis:
    entities: list[Entity] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)  # best first, positive scores only
    facts: list[Fact] = field(default_factory=list)
    ner_model: str = ""
    error: str | None = None  # set when the NLP failed on this text: nothing above can be trusted


def ner_model_name(pipeline_language: str, trained_model: str | None = None) -> str:
    if trained_model:
        return f"{trained_model}+gazetteer"
    return f"rules-gazetteer-{pipeline_language}-{RULES_VERSION}"


def trained_model_dir(language: str) -> Path | None:
    """models/ner-<language>/ when it holds a trained pipeline, else None."""
    path = MODELS_DIR / f"ner-{language}"
    return path if (path / "meta.json").is_file() and (path / "config.cfg").is_file() else None


def trained_model_name(path: Path) -> str:
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    return str(meta.get("newsmon", {}).get("model") or f"spacy-ner-{meta.get('lang', 'xx')}")


def pipeline_language(language: str | None) -> str:
    code = (language or "").strip().lower()
    return code if code in PIPELINE_LANGUAGES else FALLBACK_LANGUAGE


def load_trained_model(language: str, model_dir: Path) -> Language:
    """The trained pipeline in `model_dir` (its tokenizer and `ner`)."""
    nlp = spacy.load(model_dir)
    if nlp.lang != language or nlp.pipe_names != ["ner"]:
        raise ValueError(f"{model_dir} is a {nlp.lang!r} pipeline {nlp.pipe_names}, not an {language!r} ner")
    return nlp


def build_pipeline(language: str, trained: Language | None = None, watchlist_path: Path | None = None) -> Language:
    """A spaCy pipeline for `language` ('id', 'en' or 'xx') with newsmon's components: blank, or
    the loaded trained pipeline `trained` (its tokenizer and `ner`, which the training configured
    with the same newsmon tokenizer, newsmon/nlp/tokenizer.py) followed by the rule components."""
    if trained is not None:
        nlp = trained
        nlp.add_pipe("sentencizer", first=True)
    else:
        nlp = spacy.blank(language)
        customise_tokenizer(nlp.tokenizer, language)
        nlp.add_pipe("sentencizer")
    nlp.max_length = MAX_TEXT_CHARS + 1
    nlp.add_pipe("newsmon_entities", config={"watchlist_path": str(watchlist_path) if watchlist_path else None})
    nlp.add_pipe("newsmon_topics")
    nlp.add_pipe("newsmon_facts")
    tune_for_inference(nlp.tokenizer)
    warm_cache(nlp, load_json("lowercase_words.json")["warmed"].get(language, ()))
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
            watchlist_id=span._.newsmon_watchlist_id,
        )
        for span in doc.ents
    ]
    topics = [t for t in (doc._.newsmon_topics or []) if t.score > 0]
    return Analysis(entities=entities, topics=topics, facts=list(doc._.newsmon_facts or []), ner_model=ner_model)


class Enricher:
    def __init__(self, settings: Settings, batch_size: int = BATCH_SIZE) -> None:
        self.batch_size = batch_size
        self.watchlist_path = settings.watchlist_path
        load_watchlist(self.watchlist_path)  # a broken watchlist stops the start here, not mid-stream
        self._pipelines: dict[str, Language] = {}
        use_trained = settings.trained_ner
        # The trained models load here, once per Enricher (one per worker process); the rest of a
        # language's pipeline (gazetteer, rules) is built on first use.
        self._models: dict[str, Language] = {}
        self._model_names: dict[str, str] = {}
        if use_trained:
            for key in PIPELINE_LANGUAGES:
                path = trained_model_dir(key)
                if path is None:
                    continue
                try:
                    self._models[key] = load_trained_model(key, path)
                    self._model_names[key] = trained_model_name(path)
                except Exception:  # a broken model must not stop the enrichment: the rules remain
                    self._models.pop(key, None)
                    log.exception("cannot load the trained model in %s; %s keeps the rules", path, key)

    def ner_model(self, language: str | None) -> str:
        """What finds the entities for `language`."""
        key = pipeline_language(language)
        return ner_model_name(key, self._model_names.get(key))

    def pipeline(self, language: str | None) -> Language:
        key = pipeline_language(language)
        if key not in self._pipelines:
            trained = self._models.get(key)
            if trained is None:
                self._pipelines[key] = build_pipeline(key, watchlist_path=self.watchlist_path)
            else:
                try:
                    self._pipelines[key] = build_pipeline(key, trained, self.watchlist_path)
                except Exception:  # a broken model must not stop the enrichment: back to the rules
                    log.exception("cannot use the trained %s model; the rules remain", key)
                    self._models.pop(key)
                    self._model_names.pop(key, None)
                    self._pipelines[key] = build_pipeline(key, watchlist_path=self.watchlist_path)
        return self._pipelines[key]

    def enrich(self, items: Sequence[tuple[str, str]]) -> list[Analysis]:
        """One Analysis per (text, language) item, in order. Never raises on any text: a text the
        NLP fails on gets an Analysis with `error` set, for the caller to dead-letter."""
        results: list[Analysis | None] = [None] * len(items)
        groups: dict[str, list[tuple[int, str]]] = {}
        for index, item in enumerate(items):
            text, language = _unpack(item)
            key = pipeline_language(language)
            if not text.strip():
                results[index] = Analysis(ner_model=self.ner_model(key))
                continue
            groups.setdefault(key, []).append((index, text[:MAX_TEXT_CHARS]))
        for key, members in groups.items():
            for (index, _), analysis in zip(members, self._run(key, [t for _, t in members]), strict=True):
                results[index] = analysis
        return [r if r is not None else Analysis(error="no analysis was produced") for r in results]

    def _run(self, key: str, texts: list[str]) -> Iterable[Analysis]:
        try:
            nlp = self.pipeline(key)
            model = self.ner_model(key)  # after the build: a model that failed to load is not named
            # A memory zone frees the strings and lexemes the batch added to the vocabulary: a
            # stream brings new names for ever, and the vocabulary would grow with them.
            with nlp.memory_zone():
                return [analysis_of(doc, model) for doc in nlp.pipe(texts, batch_size=self.batch_size)]
        except Exception:
            log.exception("enrichment of a batch failed; retrying its texts one by one")
        model = self.ner_model(key)
        analyses = []
        for text in texts:
            try:
                nlp = self.pipeline(key)
                with nlp.memory_zone():
                    analyses.append(analysis_of(nlp(text), model))
            except Exception as exc:  # one bad text must not cost the others their analysis
                log.exception("enrichment failed for a text of %d characters", len(text))
                analyses.append(Analysis(ner_model=model, error=f"{type(exc).__name__}: {exc}"))
        return analyses


def _unpack(item: object) -> tuple[str, str | None]:
    if not isinstance(item, tuple | list) or len(item) != 2:
        return "", None
    text, language = item
    return (text if isinstance(text, str) else ""), (language if isinstance(language, str) else None)
