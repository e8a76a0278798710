"""The trained topic classifiers (one per language, id and en) beside the hand-written term rules.

A linear model over an article's words: each word's weight per IPTC top-level code, learned by
multinomial logistic regression (`python -m newsmon.devtools.training.topic_model`, run by `make
models`) and shipped as data/topic_model_<lang>.npz (numpy arrays only, so the worker needs no
training library). Terms: the words, and each longer word's first `prefix` letters ("~pemba" for
"pembakaran", "pembakar"), which lets inflected and derived forms share what one of them taught.
Features: log(1 + count) of each known term, the vector scaled to unit length, so a long article is
no more certain than its mix of words. Scoring an article is one gather and sum.

How it joins the rules is `combine` below; the scorer (scorer.py) calls it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from newsmon.nlp.resources import DATA_DIR

MODEL_LANGUAGES = ("id", "en")
# Hard news: the rules name it with their own terms, and it must never be left without a topic.
HARD_NEWS = frozenset({"medtop:16000000", "medtop:03000000", "medtop:02000000"})
# A rule score this high for a hard-news code is an event the rules recognised (an attack, a flood,
# an arrest): that topic leads, whatever the classifier prefers. From HARD_NEWS_LIKELY up it leads
# when the classifier gives hard news HARD_NEWS_SHARE of its probability or more, or when it is the
# rules' own first topic (a bus "pariwisata" down a ravine is an accident, not travel); at any score
# (the rules name a topic only on a strong term) when the rules see nothing of the classifier's
# first choice, hard news is the rules' own first topic and the classifier is below
# MODEL_SURE. A soft article that mentions a flood once ("harga cabai naik karena banjir", with
# its economy terms) stays with the classifier's topic, while a flood report the classifier takes
# for sport ("boats", "rescuers") or "There was an earthquake." stays a disaster. When hard news
# leads, it is the hard-news code that leads: a rule topic of soft news scored above it (politics
# over crime in a corruption bill) is neither what the rules recognised nor the classifier's choice.
HARD_NEWS_PRESENT = 0.85
HARD_NEWS_LIKELY = 0.5
HARD_NEWS_SHARE = 0.2
# A classifier this sure is not overruled by a weak hard-news term its first choice lacks (a review
# of a new van with one crime word in it); chosen on the training dev slices (topic_model.py --dev).
MODEL_SURE = 0.8
# Below this probability the classifier's first choice is a guess; it then only adds a topic when
# no rule found any, and never displaces a rule topic.
MODEL_CONFIDENT = 0.4
# Codes the classifier lists beside the rules' topics, at most, and the least probability it needs.
MODEL_TOPICS = 2
MODEL_MINIMUM = 0.15
# Fewer words than this that the classifier knows (prefixes aside) and it has no opinion: a text of a
# word or two ("Hostile Brackets-Run Kyiv") would get a topic from one ambiguous word, and a topic
# is what lets two articles of one place and time join one story.
MODEL_MIN_WORDS = 3


def model_path(language: str) -> Path:
    return DATA_DIR / f"topic_model_{language}.npz"


def model_words(lower_tokens: Iterable[str], stop_words: Set[str] = frozenset()) -> list[str]:
    """Words of three letters or more, not in `stop_words` (the language's function words, which
    spaCy lists: they say nothing of a topic); "luka-luka" gives "luka" twice, however tokenized."""
    words = []
    for token in lower_tokens:
        if "-" in token:
            words += [p for p in token.split("-") if len(p) >= 3 and p.isalpha() and p not in stop_words]
        elif len(token) >= 3 and token.isalpha() and token not in stop_words:
            words.append(token)
    return words


def model_terms(words: Sequence[str], prefix: int) -> list[str]:
    """The words, then "~" + the first `prefix` letters of each word longer than that (0: no prefixes)."""
    if not prefix:
        return list(words)
    return [*words, *("~" + w[:prefix] for w in words if len(w) > prefix)]


class TopicModel:
    def __init__(
        self,
        codes: Sequence[str],
        vocabulary: Sequence[str],
        weights: npt.NDArray[np.float32],
        bias: npt.NDArray[np.float32],
        about: str = "",
        prefix: int = 0,
    ) -> None:
        self.codes = list(codes)
        self.prefix = prefix
        self.vocabulary = list(vocabulary)
        self.index = {word: i for i, word in enumerate(vocabulary)}
        self.weights = weights  # (words, codes)
        self.bias = bias  # (codes,)
        self.about = about

    def features(self, words: Sequence[str]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
        """Known terms' rows and their values: log(1 + count), scaled to unit length."""
        counts = Counter(i for i in map(self.index.get, model_terms(words, self.prefix)) if i is not None)
        rows = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        if not counts:
            return rows, np.zeros(0, dtype=np.float32)
        values = np.log1p(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
        scaled = (values / math.sqrt(float(values @ values))).astype(np.float32)
        return rows, scaled

    def opinion(self, rows: npt.NDArray[np.intp], values: npt.NDArray[np.float32]) -> dict[str, float]:
        """code -> probability for features(); {} when the article has fewer than MODEL_MIN_WORDS
        words the model knows."""
        if sum(1 for row in rows if not self.vocabulary[row].startswith("~")) < MODEL_MIN_WORDS:
            return {}
        scores = self.bias + values @ self.weights[rows]
        exps = np.exp(scores - scores.max())
        exps /= exps.sum()
        return dict(zip(self.codes, exps.tolist(), strict=True))

    def probabilities(self, words: Sequence[str]) -> dict[str, float]:
        return self.opinion(*self.features(words))

    def evidence_of(
        self, rows: npt.NDArray[np.intp], values: npt.NDArray[np.float32], code: str, limit: int = 5
    ) -> list[str]:
        """The article's words (not prefixes) that add most to `code`'s score."""
        if not len(rows):
            return []
        contributions = values * self.weights[rows, self.codes.index(code)]
        found: list[str] = []
        for k in np.argsort(-contributions, kind="stable"):
            if contributions[k] <= 0 or len(found) == limit:
                break
            term = self.vocabulary[rows[k]]
            if not term.startswith("~"):
                found.append(term)
        return found

    def evidence(self, words: Sequence[str], code: str, limit: int = 5) -> list[str]:
        return self.evidence_of(*self.features(words), code, limit)


def save_model(model: TopicModel, path: Path) -> None:
    np.savez_compressed(
        path,
        codes=np.array(model.codes),
        vocabulary=np.array(model.vocabulary),
        weights=model.weights.astype(np.float16),
        bias=model.bias.astype(np.float32),
        about=np.array(model.about),
        prefix=np.array(model.prefix),
    )


@lru_cache(maxsize=4)
def load_model(language: str) -> TopicModel | None:
    path = model_path(language)
    if not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as arrays:
        return TopicModel(
            [str(c) for c in arrays["codes"]],
            [str(w) for w in arrays["vocabulary"]],
            arrays["weights"].astype(np.float32),
            arrays["bias"].astype(np.float32),
            str(arrays["about"]),
            int(arrays["prefix"]),
        )


@dataclass(frozen=True)
class Choice:
    """One topic of the combined list: its score and whether the classifier put it there."""

    code: str
    score: float
    from_model: bool


def combine(rule_scores: Mapping[str, float], model_probabilities: Mapping[str, float]) -> list[Choice]:
    """The article's topics, first topic first, from the rule scores and the classifier's opinion.

    1. Hard news the rules recognised (a hard-news code scoring HARD_NEWS_PRESENT or more;
       HARD_NEWS_LIKELY with the classifier's HARD_NEWS_SHARE or as the rules' first topic; any
       score as the rules' first topic when they do not see the classifier's first choice and it
       is below MODEL_SURE): the rules' hard-news topics first, then their other topics, each in
       the rules' order; the classifier's confident codes follow.
    2. Otherwise a confident classifier (first probability >= MODEL_CONFIDENT) leads: its first code
       (scored by the larger of its probability and the rule score), then the rest by score.
    3. Otherwise the rules' topics stand; only when there are none does the classifier's guess
       become the topic, so an article is topic-less only when neither knows a word of it.
    A code the classifier lists beside the rules' topics needs MODEL_MINIMUM; at most MODEL_TOPICS.
    Scores never rise down the list (a later score is capped at the one before), so "best first" holds
    for whoever orders topics by score (the alert view does).
    """
    ranked_model = sorted(model_probabilities.items(), key=lambda item: (-item[1], item[0]))
    extra = [(c, p) for c, p in ranked_model[:MODEL_TOPICS] if p >= MODEL_MINIMUM]
    rules = sorted(rule_scores.items(), key=lambda item: (-item[1], item[0]))
    hard_rule = max((rule_scores.get(code, 0.0) for code in HARD_NEWS), default=0.0)
    hard_share = sum(model_probabilities.get(code, 0.0) for code in HARD_NEWS)
    rules_lead_hard = bool(rules) and rules[0][0] in HARD_NEWS
    unsupported = bool(ranked_model) and ranked_model[0][0] not in rule_scores and ranked_model[0][1] < MODEL_SURE
    hard = (
        hard_rule >= HARD_NEWS_PRESENT
        or (hard_rule >= HARD_NEWS_LIKELY and (hard_share >= HARD_NEWS_SHARE or rules_lead_hard))
        or (rules_lead_hard and unsupported)
    )
    confident = bool(ranked_model) and ranked_model[0][1] >= MODEL_CONFIDENT
    if hard:
        rules = sorted(rules, key=lambda item: item[0] not in HARD_NEWS)  # stable: the rules' order within
    if not ranked_model or hard or (rules and not confident):
        chosen = [Choice(code, score, False) for code, score in rules]
        extra = [(c, p) for c, p in extra if p >= MODEL_CONFIDENT]
    else:
        first, probability = ranked_model[0]
        chosen = [Choice(first, round(max(probability, rule_scores.get(first, 0.0)), 4), True)]
        chosen += [Choice(code, score, False) for code, score in rules if code != first]
    taken = {c.code for c in chosen}
    chosen += [Choice(code, round(p, 4), True) for code, p in extra if code not in taken]
    capped: list[Choice] = []
    for choice in chosen:
        ceiling = capped[-1].score if capped else choice.score
        capped.append(Choice(choice.code, min(choice.score, ceiling), choice.from_model))
    return capped
