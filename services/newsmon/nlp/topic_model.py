"""A trained topic classifier for Indonesian soft news, beside the hand-written term rules.

    python -m newsmon.nlp.topic_model [--data ../shared/data]     (run by `make models`)

Multinomial naive Bayes over lower-cased words, trained on the Indonesian topic sets in
../shared/data (detik channels and tribun train, mapped to IPTC codes by
newsmon/evaluation/topic_label_map.json). One detik article in five, chosen by a hash of its
text, is held out of training so `make eval` can score detik honestly; tribun test is never
trained on. Those sets have no hard news, so the model only knows six soft topics: it ranks
them, and never speaks over the term rules for conflict, disaster, crime or politics.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).parent / "data" / "topic_model_id.json"
# Topics only the term rules know; when one of them is clearly present the model stays out.
HARD_NEWS = frozenset({"medtop:16000000", "medtop:03000000", "medtop:02000000", "medtop:11000000"})
HARD_NEWS_PRESENT = 0.5
# Naive Bayes adds up every word's evidence, so a long article gets a near-certain posterior.
# Counting at most this many words' worth keeps its probabilities usable beside rule scores.
EVIDENCE_WORDS = 40
MIN_WORD_COUNT = 3
SMOOTHING = 0.5
HELD_OUT_ONE_IN = 5


def model_words(lower_tokens: Iterable[str]) -> list[str]:
    """Words of three letters or more; "luka-luka" gives "luka" twice, however it was tokenized."""
    return [part for token in lower_tokens for part in token.split("-") if len(part) >= 3 and part.isalpha()]


def held_out(text: str) -> bool:
    """The fixed one-in-five of detik that is never trained on (same answer in eval and training)."""
    from newsmon.evaluation.readers import overlap_key

    return hashlib.blake2b(overlap_key(text).encode("utf-8"), digest_size=8).digest()[0] % HELD_OUT_ONE_IN == 0


def train(examples: Sequence[tuple[list[str], str]]) -> dict:
    """examples: (words, IPTC code). Returns the model as plain JSON-able data."""
    doc_counts = Counter(code for _, code in examples)
    word_counts: dict[str, Counter] = {code: Counter() for code in doc_counts}
    totals = Counter()
    for words, code in examples:
        word_counts[code].update(words)
        totals.update(words)
    vocabulary = sorted(w for w, n in totals.items() if n >= MIN_WORD_COUNT)
    codes = sorted(doc_counts)
    log_likelihood: dict[str, list[float]] = {}
    denominators = {c: sum(word_counts[c][w] for w in vocabulary) + SMOOTHING * len(vocabulary) for c in codes}
    for word in vocabulary:
        log_likelihood[word] = [round(math.log((word_counts[c][word] + SMOOTHING) / denominators[c]), 4)
                                for c in codes]
    priors = [round(math.log(doc_counts[c] / len(examples)), 4) for c in codes]
    return {"codes": codes, "log_prior": priors, "log_likelihood": log_likelihood,
            "documents": dict(doc_counts)}


class TopicModel:
    def __init__(self, model: dict) -> None:
        self.codes: list[str] = model["codes"]
        self.log_prior: list[float] = model["log_prior"]
        self.log_likelihood: dict[str, list[float]] = model["log_likelihood"]

    def probabilities(self, words: Sequence[str]) -> dict[str, float]:
        known = [self.log_likelihood[w] for w in words if w in self.log_likelihood]
        if not known:
            return {}
        scale = min(1.0, EVIDENCE_WORDS / len(known))
        scores = [prior + scale * sum(row[i] for row in known) for i, prior in enumerate(self.log_prior)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {code: e / total for code, e in zip(self.codes, exps, strict=True)}


    def evidence(self, words: Sequence[str], code: str, limit: int = 5) -> list[str]:
        """The article's words that speak most for `code` over the other topics."""
        column = self.codes.index(code)
        lift: dict[str, float] = {}
        for word in set(words):
            row = self.log_likelihood.get(word)
            if row is not None:
                lift[word] = row[column] - max(v for i, v in enumerate(row) if i != column)
        return [w for w in sorted(lift, key=lambda w: (-lift[w], w))[:limit] if lift[w] > 0]


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> TopicModel | None:
    return TopicModel(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else None


def combine(rule_scores: dict[str, float], model_probabilities: dict[str, float]) -> dict[str, float]:
    """Rule scores, raised to the model's probability for the soft topics it knows, unless the
    rules see hard news (a topic the model was never shown)."""
    if not model_probabilities or max((rule_scores.get(c, 0.0) for c in HARD_NEWS), default=0.0) >= HARD_NEWS_PRESENT:
        return dict(rule_scores)
    combined = dict(rule_scores)
    for code, probability in model_probabilities.items():
        combined[code] = max(combined.get(code, 0.0), round(probability, 4))
    return combined


def training_examples(data: Path) -> tuple[list[tuple[list[str], str]], list[tuple[list[str], str]]]:
    """(train, held-out) examples from the shared Indonesian topic sets."""
    import spacy

    from newsmon.evaluation.readers import deduplicate_articles, overlap_key, read_detik, read_tribun
    from newsmon.evaluation.topics import label_map

    labels = label_map()
    tokenizer = spacy.blank("id").tokenizer
    train_set: list[tuple[list[str], str]] = []
    held: list[tuple[list[str], str]] = []
    tribun_test_keys = {overlap_key(a.text) for a in (read_tribun(data, "test") or [])}
    for source, articles, split in (("detik", read_detik(data), None), ("tribun", read_tribun(data, "train"), "train"),
                                    ("tribun", read_tribun(data, "test"), "test")):
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
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[3].parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    if not (args.data / "topics" / "id").is_dir():
        print(f"topic model: no Indonesian topic sets under {args.data}; nothing trained", file=sys.stderr)
        return 1
    train_set, held = training_examples(args.data)
    model = train(train_set)
    classifier = TopicModel(model)
    correct = sum(max(p := classifier.probabilities(w), key=p.get, default=None) == code for w, code in held)
    model["_about"] = (f"Multinomial naive Bayes, newsmon/nlp/topic_model.py; trained on {len(train_set)} articles "
                       "(detik minus its held-out fifth, tribun train); held-out accuracy "
                       f"{correct}/{len(held)} = {correct / max(1, len(held)):.3f}")
    args.out.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"topic model: {model['_about']}; {len(model['log_likelihood'])} words -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
