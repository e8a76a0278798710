"""newsmon_topics: IPTC Media Topics (top level) from the rules of rules.py, in data files
topic_terms/<lang>.json (their format is in rules.py), and for Indonesian a trained classifier.

Scoring, per topic: a term occurring n times adds weight * (1 + ln n) — repeats count, with
diminishing returns — and a combination that fires n times adds its weight the same way (damped
occurrences add their factor to n; below one occurrence the contribution is weight * n). A topic
counts only if one matched term or fired combination is strong (weight * min(1, n) >=
STRONG_TERM_WEIGHT) and the evidence, the sum, reaches the topic's threshold. The score is
1 - exp(-evidence / SCORE_SCALE), rounded to 4 places, so in [0, 1]. Evidence lists fired
combinations first, then terms by contribution, at most MAX_EVIDENCE_TERMS.

For Indonesian and English a trained classifier (classifier.py) gives its opinion too, and
classifier.combine decides the order: hard news the rules recognise leads, then a confident
classifier, then the rules. A topic the classifier placed has its score (its probability, or the
rule score when higher) and, after the rule evidence, the words that weighed most for it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from newsmon.nlp.resources import data_exists, load_json
from newsmon.nlp.token_view import token_view
from newsmon.nlp.topics.classifier import MODEL_LANGUAGES, TopicModel, combine, load_model, model_words
from newsmon.nlp.topics.rules import STRONG_TERM_WEIGHT, Combination, Exclusion, Scope, TopicRules
from newsmon.records import Topic

if not Doc.has_extension("newsmon_topics"):
    Doc.set_extension("newsmon_topics", default=None)

# Evidence 6 (e.g. "perang" + "pasukan" + "rudal" + "serangan") scores 0.63; 12 scores 0.86.
SCORE_SCALE = 6.0
MAX_EVIDENCE_TERMS = 10

# An occurrence: token start, token end, matcher key of its phrase.
_Occurrence = tuple[int, int, int]


def topic_labels() -> dict[str, str]:
    return dict(load_json("iptc_top_level.json")["topics"])


class _Doc:
    """What the rules read from one Doc: phrase occurrences, and sentence ids computed on demand."""

    def __init__(self, doc: Doc, occurrences: dict[int, list[_Occurrence]]) -> None:
        self.doc = doc
        self.occurrences = occurrences
        self.matched = set(occurrences)  # matcher keys seen: a set, so a rule's groups test it in C
        self.term_at: dict[int, int] = {}  # token -> start of the counted term that covers it
        self._sentence_of: list[int] | None = None

    def sentence_of(self, token: int) -> int:
        if self._sentence_of is None:
            self._sentence_of = list(accumulate(token_view(self.doc).sent_start))
        return self._sentence_of[token]

    def unit(self, occurrence: _Occurrence) -> int:
        """The counted term an occurrence lies in (its start), else the occurrence's own start."""
        return self.term_at.get(occurrence[0], occurrence[0])

    def find(self, keys: Iterable[int]) -> list[_Occurrence]:
        found: list[_Occurrence] = []
        for key in keys:
            found += self.occurrences.get(key, ())
        return found


def _gap(a: _Occurrence, b: _Occurrence) -> int:
    """Tokens between two phrase occurrences (0 when adjacent or overlapping)."""
    return max(0, b[0] - a[1], a[0] - b[1])


def _within(scope: Scope, a: _Occurrence, b: _Occurrence, view: _Doc) -> bool:
    if scope.kind == "article":
        return True
    if scope.kind == "sentence":
        return view.sentence_of(a[0]) == view.sentence_of(b[0])
    if scope.kind == "phrase":
        return a[0] < b[1] and b[0] < a[1]
    return _gap(a, b) <= scope.tokens


def _repeats(count: float) -> float:
    """Evidence of a rule that holds `count` times: 1 + ln(count), and `count` itself below one."""
    return count if count <= 1.0 else 1.0 + math.log(count)


def _longest_first(spans: list[_Occurrence]) -> list[_Occurrence]:
    """Non-overlapping spans, longer (then earlier) ones winning; spaCy's filter_spans on tuples."""
    taken: set[int] = set()
    kept = []
    for start, end, key in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if end - start == 1:  # most terms are one word
            if start not in taken:
                kept.append((start, end, key))
                taken.add(start)
        elif taken.isdisjoint(range(start, end)):
            kept.append((start, end, key))
            taken.update(range(start, end))
    return sorted(kept)


class TopicScorer:
    def __init__(
        self, nlp: Language, terms_language: str, table: dict[str, Any] | None = None, use_model: bool = True
    ) -> None:
        """Rules from data/topic_terms/<terms_language>.json with the trained classifier of that language
        (unless `use_model` is False, or there is none), or a rule table given as `table` (the same
        format), scored alone."""
        self.labels = topic_labels()
        wanted = use_model and table is None and terms_language in MODEL_LANGUAGES
        self.model = load_model(terms_language) if wanted else None
        self.stop_words = frozenset(nlp.Defaults.stop_words)  # left out of the classifier's words
        source = f"topic_terms/{terms_language}.json" if table is None else "rule table"
        if table is None:
            table = load_json(source) if data_exists(source) else {}
        self.rules = TopicRules(nlp, table, source, self.labels)

    # -- scoring -------------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        doc._.newsmon_topics = self.score(doc)
        return doc

    def score(self, doc: Doc) -> list[Topic]:
        if (not self.rules.phrases and self.model is None) or len(doc) == 0:
            return []
        occurrences: dict[int, list[_Occurrence]] = {}
        for key, start, end in self.rules.matcher(doc):
            occurrences.setdefault(key, []).append((start, end, key))
        view = _Doc(doc, occurrences)
        evidence_by_code = self._term_evidence(view)
        for code, rules in self.rules.by_code.items():
            for combination in rules.combinations:
                fired = self._fire(combination, view)
                if fired:
                    label, count = fired
                    evidence_by_code.setdefault(code, {})[label] = (combination.weight, count, True)
        topics = []
        for code, evidence in evidence_by_code.items():
            topic = self._topic(code, evidence)
            if topic is not None:
                topics.append(topic)
        topics.sort(key=lambda t: (-t.score, t.code))
        if self.model is not None:
            topics = self.add_model_opinion(doc, topics, self.model)
        return topics

    def _term_evidence(self, view: _Doc) -> dict[str, dict[str, tuple[float, float, bool]]]:
        """code -> term -> (weight, occurrences counted, False): longest terms win, exclusions damp."""
        spans = [occ for key, found in view.occurrences.items() if key in self.rules.term_uses for occ in found]
        counted: dict[tuple[str, int], list[float]] = {}  # (code, term key) -> [weight, count]
        for occurrence in _longest_first(spans):
            start, end, key = occurrence
            if end - start > 1:
                view.term_at.update(dict.fromkeys(range(start, end), start))
            for code, weight in self.rules.term_uses[key]:
                exclusions = self.rules.exclusions.get((code, key))
                factor = self._exclusion_factor(exclusions, occurrence, view) if exclusions else 1.0
                entry = counted.setdefault((code, key), [weight, 0.0])
                entry[1] += factor
        by_code: dict[str, dict[str, tuple[float, float, bool]]] = {}
        for (code, key), (weight, count) in counted.items():
            by_code.setdefault(code, {})[self.rules.phrases[key]] = (weight, count, False)
        return by_code

    @staticmethod
    def _exclusion_factor(exclusions: list[Exclusion], occurrence: _Occurrence, view: _Doc) -> float:
        """How much one term occurrence counts: the smallest factor of the exclusions whose context is near."""
        factor = 1.0
        for exclusion in exclusions:
            if (
                exclusion.factor < factor
                and not exclusion.context.isdisjoint(view.matched)
                and any(_within(exclusion.scope, occurrence, other, view) for other in view.find(exclusion.context))
            ):
                factor = exclusion.factor
        return factor

    def _fire(self, combination: Combination, view: _Doc) -> tuple[str, int] | None:
        """(evidence label, times it holds) when every group co-occurs in scope with no veto."""
        if any(group.isdisjoint(view.matched) for group in combination.groups):
            return None  # the usual case, decided without building occurrence lists
        groups = [sorted(view.find(group)) for group in combination.groups]
        vetoes = view.find(combination.vetoes)
        scope = combination.scope
        # Every occurrence of the first group anchors a window (its sentence, N tokens around it, or
        # the article); each window counts once. Each group needs an occurrence of its own, not one
        # inside the same counted term: the term "serangan drone" is not "serangan" AND "drone".
        fired: list[list[_Occurrence]] = []
        windows: set[int] = set()
        for anchor in groups[0]:
            window = (
                view.sentence_of(anchor[0]) if scope.kind == "sentence" else 0 if scope.kind == "article" else anchor[0]
            )
            if window in windows:
                continue
            chosen = [anchor]
            units = {view.unit(anchor)}
            for group in groups[1:]:
                partner = next(
                    (occ for occ in group if view.unit(occ) not in units and _within(scope, anchor, occ, view)), None
                )
                if partner is None:
                    break
                chosen.append(partner)
                units.add(view.unit(partner))
            else:
                if not any(_within(scope, anchor, veto, view) for veto in vetoes):
                    fired.append(chosen)
                    windows.add(window)
        if not fired:
            return None
        return self._combination_label(combination, fired[0]), len(fired)

    def _combination_label(self, combination: Combination, chosen: Sequence[_Occurrence]) -> str:
        return f"{combination.name}: " + " + ".join(self.rules.phrases[occ[2]] for occ in chosen)

    def _topic(self, code: str, evidence: dict[str, tuple[float, float, bool]]) -> Topic | None:
        contributions: dict[str, float] = {}
        strongest = 0.0
        for label, (weight, count, _) in evidence.items():
            if count <= 0:
                continue
            contributions[label] = weight * _repeats(count)
            strongest = max(strongest, weight * min(1.0, count))
        total = sum(contributions.values())
        threshold = self.rules.by_code[code].threshold if code in self.rules.by_code else STRONG_TERM_WEIGHT
        if strongest < STRONG_TERM_WEIGHT or total < threshold:
            return None
        score = 1.0 - math.exp(-total / SCORE_SCALE)
        # Fired combinations first: they say why the topic holds; then terms, strongest first.
        ranked = sorted(contributions, key=lambda t: (not evidence[t][2], -contributions[t], t))
        return Topic(code=code, label=self.labels[code], score=round(score, 4), evidence=ranked[:MAX_EVIDENCE_TERMS])

    def add_model_opinion(self, doc: Doc, topics: list[Topic], model: TopicModel) -> list[Topic]:
        rows, values = model.features(model_words(token_view(doc).lower, self.stop_words))
        by_code = {t.code: t for t in topics}
        combined = []
        for choice in combine({t.code: t.score for t in topics}, model.opinion(rows, values)):
            rule_topic = by_code.get(choice.code)
            evidence = rule_topic.evidence if rule_topic else []
            if choice.from_model:
                evidence = evidence + [w for w in model.evidence_of(rows, values, choice.code) if w not in evidence]
            combined.append(
                Topic(
                    code=choice.code,
                    label=self.labels[choice.code],
                    score=choice.score,
                    evidence=evidence[:MAX_EVIDENCE_TERMS],
                )
            )
        return combined


@Language.factory(
    "newsmon_topics",
    default_config={"terms_language": None},
    assigns=["doc._.newsmon_topics"],
)
def make_topic_scorer(nlp: Language, name: str, terms_language: str | None) -> TopicScorer:
    """`terms_language` picks data/topic_terms/<lang>.json (default: the pipeline's language)."""
    return TopicScorer(nlp, terms_language or nlp.lang or "xx")
