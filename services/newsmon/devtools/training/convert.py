"""Shared NER sets (../shared/data/ner, read in place) -> spaCy DocBins under var/training/<lang>/.

    python -m newsmon.devtools.training.convert [--lang id|en] [--data ../shared/data]

Labels are mapped to newsmon's PER / LOC / ORG; every other tag (TIME, QUANTITY, ...) becomes O.
Sentences become docs of single-space-joined tokens (the corpus reader re-tokenizes that text with
the pipeline's own tokenizer and aligns the gold spans).

Hygiene, in this order:
  1. every sentence that occurs in an evaluation split (EVAL_SPLITS, what `make eval` measures) is
     dropped from train and dev;
  2. dev sentences are dropped from train;
  3. duplicate sentences are dropped (the first occurrence, in SOURCES order, is kept).
Sentences are compared by `sentence_key`: casefolded, with every run of non-word characters and
whitespace removed, so that "Jakarta , 5/1" and "jakarta, 5 / 1" meet even where two sets tokenize
differently.

Not used: NERP (ner/id/nerp) train — its text is entirely lower-cased, which would teach the model
that lower-case words are names (and blunt the capitalisation feature that carries most of the
signal in edited news); it also repeats 1,155 of the Kompas sentences that idner-news-2k and nerugm
already give with their casing. WikiANN test and the UNER EWT test file are evaluation data.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, DocBin, Span
from spacy.vocab import Vocab

from newsmon.settings import REPO_ROOT

REPO = REPO_ROOT
DEFAULT_DATA = REPO.parent / "shared" / "data"
WORK_DIR = REPO / "var" / "training"

LABELS = {
    "PER": "PER", "PERSON": "PER", "PPL": "PER",
    "LOC": "LOC", "LOCATION": "LOC", "PLACE": "LOC", "PLC": "LOC",
    "ORG": "ORG", "ORGANISATION": "ORG", "ORGANIZATION": "ORG", "IND": "ORG",
}  # fmt: skip


@dataclass(frozen=True)
class Source:
    path: str  # relative to the data folder
    format: str  # "tsv": token<TAB>tag; "idner": "token POS tag"; "wikiann": en:token<TAB>tag; "uner": CoNLL-U-like
    split: str  # "train" or "dev"
    # "train" file split between train and dev: every `dev_every`-th sentence goes to dev;
    # "dev" file: only every `dev_every`-th sentence is used (0: all)
    dev_every: int = 0
    # train copies of each kept sentence (weights a small in-domain set against a large silver one)
    repeat: int = 1


SOURCES: dict[str, tuple[Source, ...]] = {
    "id": (
        Source("ner/id/nergrit/train_preprocess.txt", "tsv", "train", dev_every=10),
        Source("ner/id/idner-news-2k/train.txt", "idner", "train"),
        Source("ner/id/nerugm/train.01.tsv", "tsv", "train"),
        Source("ner/id/luthfi-gold/goldstandard-0811.bio.txt", "tsv", "train"),
        Source("ner/id/idner-news-2k/dev.txt", "idner", "dev"),
        Source("ner/id/nerugm/dev.01.tsv", "tsv", "dev"),
    ),
    "en": (
        Source("ner/en/uner-ewt/en_ewt-ud-dev.iob2", "uner", "train", dev_every=5, repeat=3),
        Source("ner/en/uner-ewt-train-prelim/en_ewt-ud-train.iob2", "uner", "train"),
        Source("ner/en/wikiann/train.tsv", "wikiann", "train"),
        Source("ner/en/wikiann/dev.tsv", "wikiann", "dev", dev_every=10),
    ),
}

EVAL_SPLITS: dict[str, tuple[tuple[str, str], ...]] = {
    "id": (
        ("ner/id/nergrit/valid_preprocess.txt", "tsv"),
        ("ner/id/nerp/test_preprocess.txt", "tsv"),
        ("ner/id/idner-news-2k/test.txt", "idner"),
        ("ner/id/nerugm/test.01.tsv", "tsv"),
    ),
    "en": (
        ("ner/en/uner-ewt/en_ewt-ud-test.iob2", "uner"),
        ("ner/en/wikiann/test.tsv", "wikiann"),
    ),
}

_NON_WORD = re.compile(r"[\W_]+")


@dataclass
class Sentence:
    words: list[str]
    tags: list[str]  # BIO with newsmon labels, "O" elsewhere


def sentence_key(words: list[str]) -> str:
    return _NON_WORD.sub("", " ".join(words).casefold())


def read_sentences(path: Path, fmt: str) -> Iterator[Sentence]:
    words: list[str] = []
    tags: list[str] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for raw in handle:
            line = raw.rstrip("\r\n")
            if fmt == "uner" and line.startswith("# "):
                continue
            if not line.strip():
                if words:
                    yield Sentence(words, _bio(tags))
                words, tags = [], []
                continue
            if fmt == "idner":
                parts = line.split(" ")
                word, tag = " ".join(parts[:-2]) or parts[0], parts[-1]
            elif fmt == "uner":
                parts = line.split("\t")
                word, tag = parts[1], parts[2]
            else:
                parts = line.split("\t")
                word, tag = parts[0], parts[-1]
                if fmt == "wikiann" and word.startswith("en:"):
                    word = word[3:]
            word = word.strip()
            if not word:
                continue
            words.append(word)
            tags.append(tag.strip())
    if words:
        yield Sentence(words, _bio(tags))


def _bio(tags: list[str]) -> list[str]:
    """Tags mapped to PER/LOC/ORG, dropped labels to O, an I- that opens an entity made a B-."""
    out: list[str] = []
    previous = "O"
    for tag in tags:
        prefix, _, label = tag.partition("-")
        mapped = LABELS.get(label)
        if mapped is None or prefix not in ("B", "I"):
            out.append("O")
            previous = "O"
            continue
        if prefix == "I" and previous == mapped:
            out.append("I-" + mapped)
        else:
            out.append("B-" + mapped)
        previous = mapped
    return out


def to_doc(vocab: Vocab, sentence: Sentence) -> Doc:
    doc = Doc(vocab, words=sentence.words, spaces=[True] * (len(sentence.words) - 1) + [False])
    spans = []
    start = None
    label = ""
    for i, tag in enumerate([*sentence.tags, "O"]):
        if start is not None and not tag.startswith("I-"):
            spans.append(Span(doc, start, i, label=label))
            start = None
        if tag.startswith("B-"):
            start, label = i, tag[2:]
    doc.ents = spans
    return doc


def convert(lang: str, data: Path = DEFAULT_DATA, out_dir: Path | None = None) -> dict[str, Any]:
    """Write train.spacy and dev.spacy for `lang`; return the statistics that meta.json records."""
    out_dir = out_dir or WORK_DIR / lang
    out_dir.mkdir(parents=True, exist_ok=True)
    held_out = {sentence_key(s.words) for path, fmt in EVAL_SPLITS[lang] for s in read_sentences(data / path, fmt)}
    train: list[Sentence] = []
    dev: list[Sentence] = []
    stats: dict[str, Any] = {"sources": [], "eval_splits_excluded": [p for p, _ in EVAL_SPLITS[lang]]}
    dev_keys: set[str] = set()
    loaded: list[tuple[Source, list[Sentence], list[Sentence]]] = []
    for source in SOURCES[lang]:
        to_train, to_dev = [], []
        for n, sentence in enumerate(read_sentences(data / source.path, source.format)):
            if source.split == "dev" and source.dev_every and n % source.dev_every != source.dev_every - 1:
                continue
            if source.split == "dev" or (source.dev_every and n % source.dev_every == source.dev_every - 1):
                to_dev.append(sentence)
            else:
                to_train.append(sentence)
        loaded.append((source, to_train, to_dev))
        dev_keys.update(sentence_key(s.words) for s in to_dev)
    seen: set[str] = set()
    for source, to_train, to_dev in loaded:
        counts = Counter(read=len(to_train) + len(to_dev))
        for sentence in to_dev:
            key = sentence_key(sentence.words)
            if key in held_out:
                counts["dropped_in_eval_split"] += 1
            elif key in seen:
                counts["dropped_duplicate"] += 1
            else:
                seen.add(key)
                dev.append(sentence)
                counts["dev"] += 1
        for sentence in to_train:
            key = sentence_key(sentence.words)
            if key in held_out:
                counts["dropped_in_eval_split"] += 1
            elif key in dev_keys:
                counts["dropped_in_dev"] += 1
            elif key in seen:
                counts["dropped_duplicate"] += 1
            else:
                seen.add(key)
                train.extend([sentence] * source.repeat)
                counts["train"] += 1
                counts["train_copies"] += source.repeat
        stats["sources"].append({"path": source.path, **dict(sorted(counts.items()))})
    vocab = Vocab()
    for name, sentences in (("train", train), ("dev", dev)):
        bin_ = DocBin(attrs=["ENT_IOB", "ENT_TYPE"], store_user_data=False)
        for sentence in sentences:
            bin_.add(to_doc(vocab, sentence))
        bin_.to_disk(out_dir / f"{name}.spacy")
        stats[f"{name}_sentences"] = len(sentences)  # with the repeated copies
        stats[f"{name}_words"] = sum(len(s.words) for s in sentences)
        stats[f"{name}_entities"] = dict(
            sorted(Counter(t[2:] for s in sentences for t in s.tags if t.startswith("B-")).items())
        )
    (out_dir / "stats.json").write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=sorted(SOURCES), action="append")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    for lang in args.lang or sorted(SOURCES):
        stats = convert(lang, args.data)
        print(json.dumps({lang: stats}, indent=2), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
