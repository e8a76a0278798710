"""Trains the topic classifiers of newsmon/nlp/topics/classifier.py, Indonesian and English.

    python -m newsmon.devtools.training.topic_model [--data ../shared/data] [--lang id] [--dev]
    (run by `make models`, with OPENBLAS_NUM_THREADS=1: the machine is shared)

Multinomial logistic regression over the words of topic_corpus.py's examples (features as
classifier.py computes them), L2-regularised, fitted by L-BFGS (scipy, a training-time dependency
only) from zeros, so the result is deterministic. An example weighs SHORT_TEXT_WEIGHT[its source]
(1 for an article): SIB-200's sentences count double, and CLICK-ID carried over into English counts
little (on SIB-200 dev it costs two sentences in 91 at 0.05, but it is the English model's only
news text beyond the written one); CLASS_BALANCE > 0 would also even out the codes (0 did best on
dev). The model keeps terms (words and PREFIX-letter prefixes) seen in MIN_DOCUMENTS texts or more.

--dev: train on the examples outside topic_corpus.dev_slice and print the accuracy on that slice and
on SIB-200 dev (the classifier alone, and with the term rules as the enricher combines them), then
write nothing: that is how the settings below were chosen, never on the sets
`make eval` scores.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import spacy

from newsmon.devtools.evaluation import default_data_dir
from newsmon.devtools.evaluation.readers import read_sib200
from newsmon.devtools.evaluation.topics import gold_codes
from newsmon.devtools.training.topic_corpus import Example, dev_slice, examples_for, tokenize
from newsmon.nlp.topics.classifier import (
    MODEL_LANGUAGES,
    TopicModel,
    combine,
    model_path,
    model_terms,
    save_model,
)

MIN_DOCUMENTS = 2
L2 = 1e-5  # per unit of example weight
CLASS_BALANCE = 0.0  # weight of a code's examples ~ (examples of the code) ** -CLASS_BALANCE
SHORT_TEXT_WEIGHT = {"sib200": 2.0, "iptc": 1.0, "clickid-en": 0.05}
MAX_ITERATIONS = 300
PREFIX = {"id": 0, "en": 5}  # classifier.model_terms: on the dev slices, English gains from prefixes


def design(words: Sequence[Sequence[str]], vocabulary: dict[str, int]) -> object:
    """Sparse rows of classifier.py's features (log(1 + count), unit length)."""
    from scipy.sparse import csr_matrix

    data: list[float] = []
    indices: list[int] = []
    indptr = [0]
    for doc in words:
        counts = Counter(vocabulary[w] for w in doc if w in vocabulary)
        values = np.log1p(np.array(list(counts.values()), dtype=np.float64))
        norm = float(np.sqrt(values @ values)) or 1.0
        indices += list(counts)
        data += list(values / norm)
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(words), len(vocabulary)))


def fit(
    x: object, labels: npt.NDArray[np.int64], weights: npt.NDArray[np.float64], classes: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Weighted softmax regression; returns (weights (features, classes), bias (classes))."""
    from scipy.optimize import minimize

    n, features = x.shape  # type: ignore[attr-defined]
    y = np.zeros((n, classes))
    y[np.arange(n), labels] = 1.0
    total = weights.sum()
    penalty = L2 * total

    def loss(theta: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        w = theta[: features * classes].reshape(features, classes)
        b = theta[features * classes :]
        scores = x @ w + b  # type: ignore[operator]
        scores -= scores.max(axis=1, keepdims=True)
        log_p = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        value = -(weights * (log_p * y).sum(axis=1)).sum() + 0.5 * penalty * (w * w).sum()
        residual = (np.exp(log_p) - y) * weights[:, None]
        grad_w = x.T @ residual + penalty * w  # type: ignore[attr-defined]
        return float(value / total), np.concatenate([grad_w.ravel(), residual.sum(axis=0)]) / total

    start = np.zeros(features * classes + classes)
    result = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": MAX_ITERATIONS})
    theta = result.x
    return theta[: features * classes].reshape(features, classes), theta[features * classes :]


def example_weights(examples: Sequence[Example]) -> npt.NDArray[np.float64]:
    per_code = Counter(e.code for e in examples)
    raw = np.array([SHORT_TEXT_WEIGHT.get(e.source, 1.0) * per_code[e.code] ** -CLASS_BALANCE for e in examples])
    scaled: npt.NDArray[np.float64] = raw * (len(examples) / raw.sum())
    return scaled


def train(language: str, examples: Sequence[Example], about: str = "") -> TopicModel:
    words = [model_terms(doc, PREFIX[language]) for doc in tokenize(language, [e.text for e in examples])]
    documents = Counter(w for doc in words for w in set(doc))
    vocabulary = {w: i for i, w in enumerate(sorted(w for w, n in documents.items() if n >= MIN_DOCUMENTS))}
    codes = sorted({e.code for e in examples})
    labels = np.array([codes.index(e.code) for e in examples])
    weights, bias = fit(design(words, vocabulary), labels, example_weights(examples), len(codes))
    return TopicModel(
        codes, list(vocabulary), weights.astype(np.float32), bias.astype(np.float32), about, PREFIX[language]
    )


def accuracy(
    model: TopicModel,
    language: str,
    texts: Sequence[str],
    golds: Sequence[str],
    rule_topics: Callable[[str], dict[str, float]] | None = None,
) -> float:
    """Share of texts whose first topic is the gold code: the classifier's alone, or with `rule_topics`
    as the enricher combines them (classifier.combine)."""
    correct = 0
    for text, words, gold in zip(texts, tokenize(language, texts), golds, strict=True):
        p = model.probabilities(words)
        if rule_topics is None:
            correct += bool(p) and max(p, key=p.__getitem__) == gold
        else:
            chosen = combine(rule_topics(text), p)
            correct += bool(chosen) and chosen[0].code == gold
    return correct / max(1, len(golds))


def rule_topics_for(language: str) -> Callable[[str], dict[str, float]]:
    """The term rules alone, as the enricher runs them, for labelling the general-news desks."""
    from newsmon.nlp.topics.scorer import TopicScorer

    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    scorer = TopicScorer(nlp, language, use_model=False)
    return lambda text: {t.code: t.score for t in scorer.score(nlp(text))}


def describe(examples: Sequence[Example]) -> str:
    sources = Counter(e.source for e in examples)
    return ", ".join(f"{source} {n}" for source, n in sorted(sources.items()))


def run_language(language: str, data: Path, out: Path | None, dev: bool) -> str:
    started = time.monotonic()
    rules = rule_topics_for(language)
    examples = examples_for(language, data, rules if language == "id" else None)
    if dev:
        train_part = [e for e in examples if not dev_slice(e.key)]
        held = [e for e in examples if dev_slice(e.key) and e.source not in ("iptc", "clickid-en")]
        model = train(language, train_part)
        labelled = [(a.text, gold_codes("sib200", a.label)) for a in read_sib200(data, language, "dev") or []]
        sib = [(text, codes[0]) for text, codes in labelled if codes]
        by_source = Counter(e.source for e in held)
        lines = [f"{language} dev: trained on {describe(train_part)}"]
        parts = [
            (f"{source} dev slice", [(e.text, e.code) for e in held if e.source == source]) for source in by_source
        ]
        for name, part in [*sorted(parts), ("sib200 dev", sib)]:
            texts, golds = [t for t, _ in part], [c for _, c in part]
            alone = accuracy(model, language, texts, golds)
            combined = accuracy(model, language, texts, golds, rules)
            lines.append(f"  {name}: classifier {alone:.3f}, with the rules {combined:.3f} ({len(part)})")
        return "\n".join(lines)
    about = (
        f"logistic regression over words (newsmon/devtools/training/topic_model.py), {language}, trained on "
        f"{describe(examples)} examples"
    )
    model = train(language, examples, about)
    target = out or model_path(language)
    save_model(model, target)
    seconds = time.monotonic() - started
    return f"{language}: {len(model.codes)} codes, {len(model.index)} terms, {seconds:.0f} s -> {target}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--lang", choices=MODEL_LANGUAGES, action="append")
    parser.add_argument("--out", type=Path, default=None, help="model file (one --lang only)")
    parser.add_argument("--dev", action="store_true", help="score the dev slices instead of writing models")
    args = parser.parse_args(argv)
    data = args.data or default_data_dir()
    if not (data / "topics").is_dir():
        print(f"topic model: no topic sets under {data}; nothing trained", file=sys.stderr)
        return 1
    for language in args.lang or MODEL_LANGUAGES:
        print(f"topic model: {run_language(language, data, args.out, args.dev)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
