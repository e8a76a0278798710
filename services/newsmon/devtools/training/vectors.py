"""Static floret vectors for the NER pipelines, from raw text in ../shared/data (read in place).

    python -m newsmon.devtools.training.vectors [--lang id] [--lang en] [--data ../shared/data]

For each language: write the raw text, one paragraph a line, tokenized by newsmon's own tokenizer
(the tokens the model sees at inference), to var/training/<lang>/vectors/corpus.txt; train floret
on it (FLORET_PARAMS, one thread); convert the .floret table to spaCy vectors with
`spacy init vectors <lang> <file> <dir> --mode floret` in var/training/<lang>/vectors/spacy/, which
`python -m newsmon.devtools.training` passes as paths.vectors. `make models` runs this first.

Text, never an evaluation split:
  id: CLICK-ID article text (topics/id/clickid) without the held-out fifth that `make eval` scores
      for topics (evaluation.readers.held_out, the same hash the topic training uses);
  en: the English NER training sentences of convert.SOURCES (train-split files only, without the
      dev slice and every sentence that occurs in an evaluation split), and the article text of the
      GVA incidents (casualties/en/gva: raw US news pages; only their text, no counts).
floret's Python binding has no seed argument: training runs with floret's default seed (0) on one
thread, which is what makes it repeatable.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import spacy

from newsmon.devtools.evaluation.readers import held_out, read_clickid, read_gva
from newsmon.devtools.training.convert import (
    DEFAULT_DATA,
    EVAL_SPLITS,
    SOURCES,
    WORK_DIR,
    read_sentences,
    sentence_key,
)
from newsmon.nlp import tokenizer as _tokenizer  # noqa: F401  (registers newsmon.tokenizer.v1)

FLORET_PARAMS: dict[str, Any] = {
    "model": "cbow",
    "mode": "floret",
    "dim": 100,
    "bucket": 50000,
    "minn": 4,
    "maxn": 5,
    "hashCount": 2,
    "minCount": 5,
    "epoch": 5,
    "thread": 1,
    "verbose": 0,
}


def vectors_dir(lang: str) -> Path:
    """The spaCy vectors folder that training passes as paths.vectors."""
    return WORK_DIR / lang / "vectors" / "spacy"


def text_sources(lang: str) -> list[str]:
    """The data folder's files whose text the vectors are trained on (relative paths)."""
    if lang == "id":
        return ["topics/id/clickid/*.jsonl (without the held-out fifth)"]
    sentences = [s.path for s in SOURCES[lang] if s.split == "train"]
    return [*sentences, "casualties/en/gva/incidents_dev.jsonl (article text)"]


def info(lang: str) -> dict[str, Any]:
    """What build() recorded about the vectors of `lang` (meta.json carries it)."""
    path = WORK_DIR / lang / "vectors" / "info.json"
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else {}


def raw_texts(lang: str, data: Path) -> Iterator[str]:
    if lang == "id":
        for article in read_clickid(data) or []:
            if held_out(article.text):
                continue
            yield from (p for p in article.text.split("\n") if p.strip())
        return
    held = {sentence_key(s.words) for path, fmt in EVAL_SPLITS[lang] for s in read_sentences(data / path, fmt)}
    for source in SOURCES[lang]:
        if source.split != "train":
            continue
        for n, sentence in enumerate(read_sentences(data / source.path, source.format)):
            if source.dev_every and n % source.dev_every == source.dev_every - 1:
                continue  # the dev slice
            if sentence_key(sentence.words) not in held:
                yield " ".join(sentence.words)
    for incident in read_gva(data) or []:
        for _, title, content in incident.articles:
            yield from (p for p in (title, *content.splitlines()) if p.strip())


def write_corpus(lang: str, data: Path, path: Path) -> dict[str, int]:
    nlp = spacy.blank(lang, config={"nlp": {"tokenizer": {"@tokenizers": "newsmon.tokenizer.v1"}}})
    lines = tokens = 0
    with path.open("w", encoding="utf-8") as out:
        for doc in nlp.pipe(raw_texts(lang, data), batch_size=1000):  # a blank pipeline: tokenizes only
            words = [t.text for t in doc if not t.is_space]
            if words:
                out.write(" ".join(words) + "\n")
                lines += 1
                tokens += len(words)
    return {"lines": lines, "tokens": tokens}


def build(lang: str, data: Path = DEFAULT_DATA) -> Path:
    import floret  # the `train` extra: only `make models` needs it

    work = WORK_DIR / lang / "vectors"
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus.txt"
    started = time.monotonic()
    counts = write_corpus(lang, data, corpus)
    model = floret.train_unsupervised(str(corpus), **FLORET_PARAMS)
    table = work / f"{lang}.floret"
    model.save_floret_vectors(str(table))
    target = vectors_dir(lang)
    subprocess.run(
        [sys.executable, "-m", "spacy", "init", "vectors", lang, str(table), str(target), "--mode", "floret"],
        check=True,
    )
    recorded = {
        "text": text_sources(lang),
        **counts,
        "words": len(model.words),
        "floret": {**FLORET_PARAMS, "seed": "floret's default (0); the binding takes no seed"},
        "seconds": round(time.monotonic() - started),
    }
    (work / "info.json").write_text(json.dumps(recorded, indent=2) + "\n", encoding="utf-8")
    print(f"{lang}: vectors {target}: {json.dumps(recorded)}", file=sys.stderr)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=sorted(SOURCES), action="append")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    for lang in args.lang or ["id", "en"]:
        build(lang, args.data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
