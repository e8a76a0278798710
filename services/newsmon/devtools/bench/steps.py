"""Where the enrichment's time goes: each step of a language's pipeline timed on its own.

    python -m newsmon.devtools.bench.steps [--articles 300] [--words 400] [--languages id en]

The articles are those of `make bench` (bench/articles.py: ~400 words assembled from the sample
articles, numbers and names varied). One process, one core. For each language the whole batch goes
through the pipeline one step at a time, in pipeline order, each step timed alone over every
article: the tokenizer, each component, and the records built from the docs. The trained `ner` is
timed twice: its tok2vec alone (the hash embeddings and CNN every token goes through), then whole;
the difference is its transition-based parser (choosing the entity spans). The whole pipeline
through `Enricher.enrich`, as the NLP processes run it, is timed too: the steps should add up to it.
Two rows in parentheses are comparisons, not steps: the tokenizer with an empty cache, and with
spaCy's own settings (warmed, without `tune_for_inference`).
Prints milliseconds per article and each step's share, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from newsmon.devtools.bench.articles import make_articles
from newsmon.nlp.enricher import Enricher, analysis_of
from newsmon.nlp.resources import load_json
from newsmon.nlp.tokenizer import warm_cache
from newsmon.settings import Settings, load_settings

# As Enricher: its nlp.pipe batch size.
BATCH = 32
# Comparisons, not steps: left out of the sum.
UNWARMED = "(tokenizer, cache not warmed)"
UNTUNED = "(tokenizer, spaCy's settings)"  # warmed, without tune_for_inference


def timed(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def run_component(component: Any, docs: list[Doc]) -> None:
    if hasattr(component, "pipe"):
        for _ in component.pipe(docs, batch_size=BATCH):
            pass  # the component sets its annotations on each doc
    else:
        for doc in docs:
            component(doc)


def in_batches(docs: list[Doc]) -> Iterable[list[Doc]]:
    return (docs[start : start + BATCH] for start in range(0, len(docs), BATCH))


def predict_all(model: Any, docs: list[Doc]) -> None:
    for batch in in_batches(docs):
        model.predict(batch)


def untuned_copy(nlp: Language, language: str) -> Tokenizer:
    """`nlp`'s tokenizer as spaCy would run it (its prefix search unanchored, its 10,000-word cache),
    warmed as the enricher warms its own."""
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    copy = Tokenizer(nlp.vocab).from_bytes(tokenizer.to_bytes())
    pattern = copy.prefix_search.__self__.pattern
    if pattern.startswith("^(?:") and pattern.endswith(")"):
        copy.prefix_search = re.compile(pattern[len("^(?:") : -1]).search
    copy.max_cache_size = Tokenizer(nlp.vocab).max_cache_size
    warm_cache(nlp, load_json("lowercase_words.json")["warmed"].get(language, ()), copy)
    return copy


def step_seconds(enricher: Enricher, nlp: Language, language: str, texts: list[str]) -> dict[str, float]:
    """Seconds per step over all `texts`, in pipeline order, and the whole pipeline."""
    seconds: dict[str, float] = {}
    untuned = untuned_copy(nlp, language)
    with nlp.memory_zone():
        docs: list[Doc] = []
        seconds["tokenizer"] = timed(lambda: docs.extend(nlp.tokenizer(text) for text in texts))
        # The same rules with an empty cache: what the enricher's warm-up of the usual words saves.
        tokenizer = nlp.tokenizer
        assert isinstance(tokenizer, Tokenizer)
        unwarmed = Tokenizer(nlp.vocab).from_bytes(tokenizer.to_bytes())
        seconds[UNWARMED] = timed(lambda: [unwarmed(text) for text in texts])
        seconds[UNTUNED] = timed(lambda: [untuned(text) for text in texts])
        for name, component in nlp.pipeline:
            model: Any = getattr(component, "model", None)
            if name == "ner" and model is not None and model.has_ref("tok2vec"):
                seconds["ner: tok2vec"] = timed(partial(predict_all, model.get_ref("tok2vec"), docs))
                whole = timed(partial(run_component, component, docs))
                seconds["ner: parser (the rest)"] = max(0.0, whole - seconds["ner: tok2vec"])
            else:
                seconds[name] = timed(partial(run_component, component, docs))
        ner_model = enricher.ner_model(language)
        seconds["records (analysis_of)"] = timed(lambda: [analysis_of(doc, ner_model) for doc in docs])
    seconds["whole (Enricher.enrich)"] = timed(lambda: enricher.enrich([(text, language) for text in texts]))
    return seconds


def profile(settings: Settings, languages: list[str], articles: int, words: int) -> dict[str, dict[str, float]]:
    """Milliseconds per article per step, for each language."""
    enricher = Enricher(settings)
    found: dict[str, dict[str, float]] = {}
    for language in languages:
        texts = make_articles(language, articles, words)
        nlp = enricher.pipeline(language)
        enricher.enrich([(text, language) for text in texts[:BATCH]])  # warm: caches, lazy data
        seconds = step_seconds(enricher, nlp, language, texts)
        found[language] = {step: round(1000 * spent / len(texts), 3) for step, spent in seconds.items()}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--words", type=int, default=400)
    parser.add_argument("--languages", nargs="+", default=["id", "en"])
    args = parser.parse_args()
    found = profile(load_settings(), args.languages, args.articles, args.words)
    for language, steps in found.items():
        whole = steps["whole (Enricher.enrich)"]
        parts = sum(ms for step, ms in steps.items() if not step.startswith(("whole", "(")))
        print(f"{language}: {args.articles} articles of ~{args.words} words, one process")
        for step, ms in steps.items():
            share = "" if step.startswith(("whole", "(")) else f"{100 * ms / parts:5.1f} %"
            print(f"  {step:28}{ms:9.2f} ms/article  {share}")
        rates = f"{1000 / parts:.0f} articles/s; whole: {1000 / whole:.0f}"
        print(f"  {'sum of the steps':28}{parts:9.2f} ms/article  ({rates})")
    print(json.dumps({"ms_per_article": found, "articles": args.articles, "words": args.words}))


if __name__ == "__main__":
    main()
