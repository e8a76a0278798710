"""Trains the Indonesian soft-news topic classifier (newsmon/nlp/topics/classifier.py).

    python -m newsmon.devtools.training.topic_model [--data ../shared/data]     (run by `make models`)

Multinomial naive Bayes over lower-cased words, trained on the Indonesian topic sets in
../shared/data (detik channels and tribun train, mapped to IPTC codes by
newsmon/devtools/evaluation/topic_label_map.json). One detik article in five, chosen by a hash of its
text, is held out of training so `make eval` can score detik honestly; tribun test is never
trained on. Those sets have no hard news, so the model only knows six soft topics: it ranks
them, and never speaks over the term rules for conflict, disaster, crime or politics.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import spacy

from newsmon.devtools.evaluation import default_data_dir
from newsmon.devtools.evaluation.readers import deduplicate_articles, held_out, overlap_key, read_detik, read_tribun
from newsmon.devtools.evaluation.topics import label_map
from newsmon.nlp.topics.classifier import MODEL_PATH, TopicModel, model_words

MIN_WORD_COUNT = 3
SMOOTHING = 0.5


def train(examples: Sequence[tuple[list[str], str]]) -> dict[str, Any]:
    """examples: (words, IPTC code). Returns the model as plain JSON-able data."""
    doc_counts = Counter(code for _, code in examples)
    word_counts: dict[str, Counter[str]] = {code: Counter() for code in doc_counts}
    totals: Counter[str] = Counter()
    for words, code in examples:
        word_counts[code].update(words)
        totals.update(words)
    vocabulary = sorted(w for w, n in totals.items() if n >= MIN_WORD_COUNT)
    codes = sorted(doc_counts)
    log_likelihood: dict[str, list[float]] = {}
    denominators = {c: sum(word_counts[c][w] for w in vocabulary) + SMOOTHING * len(vocabulary) for c in codes}
    for word in vocabulary:
        log_likelihood[word] = [round(math.log((word_counts[c][word] + SMOOTHING) / denominators[c]), 4) for c in codes]
    priors = [round(math.log(doc_counts[c] / len(examples)), 4) for c in codes]
    return {"codes": codes, "log_prior": priors, "log_likelihood": log_likelihood, "documents": dict(doc_counts)}


def training_examples(data: Path) -> tuple[list[tuple[list[str], str]], list[tuple[list[str], str]]]:
    """(train, held-out) examples from the shared Indonesian topic sets."""
    labels = label_map()
    tokenizer = spacy.blank("id").tokenizer
    train_set: list[tuple[list[str], str]] = []
    held: list[tuple[list[str], str]] = []
    tribun_test_keys = {overlap_key(a.text) for a in (read_tribun(data, "test") or [])}
    for source, articles, split in (
        ("detik", read_detik(data), None),
        ("tribun", read_tribun(data, "train"), "train"),
        ("tribun", read_tribun(data, "test"), "test"),
    ):
        if articles is None:
            continue
        articles, _ = deduplicate_articles(articles)
        for article in articles:
            code = labels[source].get(article.label)
            if not code:
                continue
            words = model_words(t.lower_ for t in tokenizer(f"{article.title}\n{article.text}"))
            key = overlap_key(article.text)
            is_held = (split == "test") or (source == "detik" and held_out(article.text))
            if split == "train" and key in tribun_test_keys:
                continue  # the same article in tribun test: keep the test set unseen
            (held if is_held else train_set).append((words, code))
    return train_set, held


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    args.data = args.data or default_data_dir()
    if not (args.data / "topics" / "id").is_dir():
        print(f"topic model: no Indonesian topic sets under {args.data}; nothing trained", file=sys.stderr)
        return 1
    train_set, held = training_examples(args.data)
    model = train(train_set)
    classifier = TopicModel(model)
    correct = sum(max(p := classifier.probabilities(w), key=lambda c: p[c], default=None) == code for w, code in held)
    model["_about"] = (
        f"Multinomial naive Bayes, newsmon/nlp/topics/classifier.py; trained on {len(train_set)} articles "
        "(detik minus its held-out fifth, tribun train); held-out accuracy "
        f"{correct}/{len(held)} = {correct / max(1, len(held)):.3f}"
    )
    args.out.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"topic model: {model['_about']}; {len(model['log_likelihood'])} words -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
