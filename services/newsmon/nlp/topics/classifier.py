"""A trained topic classifier for Indonesian soft news, beside the hand-written term rules.

Multinomial naive Bayes over lower-cased words (data/topic_model_id.json, trained by
`python -m newsmon.devtools.training.topic_model`, run by `make models`). Its training sets have no
hard news, so the model only knows six soft topics: it ranks them, and never speaks over the term
rules for conflict, disaster, crime or politics.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from newsmon.nlp.resources import DATA_DIR

MODEL_PATH = DATA_DIR / "topic_model_id.json"
# Topics only the term rules know; when one of them is clearly present the model stays out.
HARD_NEWS = frozenset({"medtop:16000000", "medtop:03000000", "medtop:02000000", "medtop:11000000"})
HARD_NEWS_PRESENT = 0.5
# Naive Bayes adds up every word's evidence, so a long article gets a near-certain posterior.
# Counting at most this many words' worth keeps its probabilities usable beside rule scores.
EVIDENCE_WORDS = 40


def model_words(lower_tokens: Iterable[str]) -> list[str]:
    """Words of three letters or more; "luka-luka" gives "luka" twice, however it was tokenized."""
    return [part for token in lower_tokens for part in token.split("-") if len(part) >= 3 and part.isalpha()]


class TopicModel:
    def __init__(self, model: dict[str, Any]) -> None:
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
