"""Throughput of Enricher.enrich on ~400-word articles, per language.

    python -m newsmon.devtools.bench.articles [--articles 400] [--words 400]

Articles are assembled from the sentences of newsmon's own sample articles in that language
(newsmon/samples/articles), shuffled per article and with their numbers and capitalised words
varied, so that most tokens are new to the tokenizer cache as they would be in a live stream.
Prints articles per second for each language, after one warm-up batch that builds the pipeline.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from importlib import resources

from newsmon.nlp.enricher import Enricher
from newsmon.settings import load_settings

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_NUMBER = re.compile(r"\b\d+\b")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{3,}\b")
_SYLLABLES = ("ka", "ri", "to", "len", "mar", "sun", "vi", "dor", "pe", "lan", "go", "sha")


def sample_sentences(language: str) -> list[str]:
    folder = resources.files("newsmon").joinpath("samples", "articles")
    sentences = []
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            article = json.loads(entry.read_text(encoding="utf-8"))
            if article.get("language") == language:
                sentences += [s for s in _SENTENCE_END.split(article["text"]) if s.strip()]
    return sentences


def _invented_name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def make_articles(language: str, count: int, words: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    sentences = sample_sentences(language)
    if not sentences:
        raise SystemExit(f"no sample articles in language {language!r}")
    articles = []
    for _ in range(count):
        names: dict[str, str] = {}

        def vary(match: re.Match[str], names: dict[str, str] = names) -> str:
            word = match.group(0)
            return names.setdefault(word, _invented_name(rng)) if rng.random() < 0.3 else word

        parts: list[str] = []
        total = 0
        while total < words:
            sentence = rng.choice(sentences)
            sentence = _NUMBER.sub(lambda m: str(rng.randint(1, 999)), sentence)
            # replace some capitalised words by invented ones: new tokens, new (unknown) names
            sentence = _CAPITALISED.sub(vary, sentence)
            parts.append(sentence)
            total += len(sentence.split())
        articles.append(" ".join(parts))
    return articles


def measure(enricher: Enricher, language: str, count: int, words: int) -> float:
    articles = make_articles(language, count, words)
    enricher.enrich([(text, language) for text in articles[:8]])  # build the pipeline
    items = [(text, language) for text in articles]
    start = time.perf_counter()
    enricher.enrich(items)
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--words", type=int, default=400)
    parser.add_argument("--languages", nargs="+", default=["id", "en"])
    args = parser.parse_args()
    enricher = Enricher(load_settings())
    for language in args.languages:
        rate = measure(enricher, language, args.articles, args.words)
        print(f"{language}: {rate:.0f} articles/s ({args.words}-word articles, {args.articles} articles, one process)")


if __name__ == "__main__":
    main()
