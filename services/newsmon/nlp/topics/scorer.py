"""newsmon_topics: IPTC Media Topics (top level) from weighted terms and boolean term rules.

Rules are data: topic_terms/<lang>.json, one file per language (xx.json for any language without
its own). Keys starting with "_" are comments; every other key is an IPTC top-level code whose value
is either a plain term list (the short form) or an object:

    "medtop:16000000": [["war", 3], ["attack", 1.5]]                 short form: terms only

    "medtop:16000000": {
      "terms": [["war", 3], ["attack", 1.5], ["strike", 1]],
      "threshold": 3,                                                  optional, default 2
      "combinations": [                                                A AND B (NOT C), in a scope
        {"name": "military strike", "weight": 2.5, "within": "sentence",
         "all": [["strike", "strikes"], ["missile", "drone", "troops"]],
         "not": ["workers", "union"]}
      ],
      "exclusions": [                                                  A NOT (B in the same scope)
        {"name": "football attack", "terms": ["attack"], "context": ["goal", "striker"],
         "within": "sentence", "factor": 0}
      ]
    }

- terms: [phrase, weight] pairs, weight in (0, 3]; 3 names the topic alone, 2 is strong evidence,
  1 is often present but weak alone. Phrases are lower-case and matched on whole lower-cased tokens
  (no lemmas, so inflections are listed; a phrase is tokenized by the pipeline's own tokenizer, so
  "l' arrêté" matches "l'arrêté" in French). Where term phrases overlap, the longest wins for all
  topics at once ("drone attack" counts once, not also as "drone" and "attack").
- threshold: the evidence (below) a topic needs; the default, STRONG_TERM_WEIGHT, adds nothing to
  the strong-term rule, a higher one asks for more than one strong term.
- combinations (EMM's "A AND B", "A AND B NOT C"): fire where every group in "all" (each a list of
  alternative phrases) occurs within the scope of an occurrence of the first group, and no "not"
  phrase does. A fired combination counts like a term of its "weight", once per sentence (or per
  anchoring occurrence, for a token window; once, for "article"). Its phrases need not be terms;
  each group needs an occurrence of its own, outside the counted term that holds another group's
  ("serangan drone" alone is not "serangan" AND "drone"). Its evidence reads
  "<name>: <phrase> + <phrase>", the phrases that fired first.
- exclusions (EMM's "A NOT B", per occurrence): an occurrence of one of "terms" (this topic's own
  terms) with a "context" phrase within the scope counts "factor" times instead of once (0, the
  default, cancels it; 0.5 halves it). "attack" beside "striker", "shooting" beside "film",
  "strike" beside "union", "fire" inside "opened fire" stop counting; the same word elsewhere in
  the article still counts.
- within: "sentence" (the sentencizer's sentences; a Doc without sentence boundaries is one
  sentence), "article", a number N (at most N tokens between the two phrases), or, for exclusions
  only, "phrase" (the context phrase overlaps the term: "fire" inside "opened fire").

Unknown keys, bad weights or scopes, duplicate terms and exclusions of words that are not the
topic's terms are errors when the pipeline is built, naming the file and the rule.

Scoring, per topic: a term occurring n times adds weight * (1 + ln n) — repeats count, with
diminishing returns — and a combination that fires n times adds its weight the same way (damped
occurrences add their factor to n; below one occurrence the contribution is weight * n). A topic
counts only if one matched term or fired combination is strong (weight * min(1, n) >=
STRONG_TERM_WEIGHT) and the evidence, the sum, reaches the topic's threshold. The score is
1 - exp(-evidence / SCORE_SCALE), rounded to 4 places, so in [0, 1]. Evidence lists fired combinations first, then terms
by contribution, at most MAX_EVIDENCE_TERMS.

For Indonesian a trained classifier (classifier.py) ranks the six soft topics its labelled data
covers; its probability raises a topic's score unless the rules see hard news.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from newsmon.nlp.resources import data_exists, load_json
from newsmon.nlp.token_view import token_view
from newsmon.nlp.topics.classifier import TopicModel, combine, load_model, model_words
from newsmon.records import Topic

if not Doc.has_extension("newsmon_topics"):
    Doc.set_extension("newsmon_topics", default=None)

# Evidence 6 (e.g. "perang" + "pasukan" + "rudal" + "serangan") scores 0.63; 12 scores 0.86.
SCORE_SCALE = 6.0
# A topic needs at least one term (or combination) this strong: ambiguous words alone ("attack" in
# a football report, "fire" in "opened fire", "korban") add evidence but never make the topic.
STRONG_TERM_WEIGHT = 2.0
MAX_TERM_WEIGHT = 3.0
MAX_EVIDENCE_TERMS = 10
SCOPES = ("phrase", "sentence", "article")

# An occurrence: token start, token end, matcher key of its phrase.
_Occurrence = tuple[int, int, int]


def topic_labels() -> dict[str, str]:
    return dict(load_json("iptc_top_level.json")["topics"])


@dataclass(frozen=True)
class _Scope:
    kind: str  # "phrase", "sentence", "article" or "tokens"
    tokens: int = 0


@dataclass(frozen=True)
class _Combination:
    name: str
    groups: tuple[frozenset[int], ...]  # each group: matcher keys of alternative phrases
    vetoes: frozenset[int]
    scope: _Scope
    weight: float


@dataclass(frozen=True)
class _Exclusion:
    name: str
    context: frozenset[int]
    scope: _Scope
    factor: float


@dataclass
class _TopicRules:
    threshold: float = STRONG_TERM_WEIGHT
    combinations: tuple[_Combination, ...] = ()


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


def _within(scope: _Scope, a: _Occurrence, b: _Occurrence, view: _Doc) -> bool:
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
    def __init__(self, nlp: Language, terms_language: str, table: dict[str, Any] | None = None) -> None:
        """Rules from data/topic_terms/<terms_language>.json, or from `table` (the same format) if given."""
        self.labels = topic_labels()
        # The trained classifier exists for Indonesian only (the language of the labelled sets).
        self.model = load_model() if terms_language == "id" else None
        self.nlp = nlp
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.phrases: dict[int, str] = {}  # matcher key -> phrase
        self.term_uses: dict[int, list[tuple[str, float]]] = {}  # matcher key -> (code, weight)
        self.exclusions: dict[tuple[str, int], list[_Exclusion]] = {}  # (code, term key) -> rules
        self.rules: dict[str, _TopicRules] = {}
        self.source = f"topic_terms/{terms_language}.json" if table is None else "rule table"
        if table is None:
            table = load_json(self.source) if data_exists(self.source) else {}
        for code, value in table.items():
            if code.startswith("_"):
                continue
            if code not in self.labels:
                raise ValueError(f"{self.source}: {code} is not an IPTC top-level code")
            self._load_topic(code, {"terms": value} if isinstance(value, list) else value)

    # -- loading -------------------------------------------------------------------------------

    def _fail(self, where: str, problem: str) -> ValueError:
        return ValueError(f"{self.source}: {where}: {problem}")

    def _phrase_key(self, phrase: object, where: str) -> int:
        if not isinstance(phrase, str) or not phrase.strip() or phrase != phrase.strip().lower():
            raise self._fail(where, f"{phrase!r} is not a lower-case phrase")
        name = f"newsmon_topics|{phrase}"
        key = self.nlp.vocab.strings.add(name)
        if key not in self.phrases:
            self.phrases[key] = phrase
            self.matcher.add(name, [self.nlp.make_doc(phrase)])
        return key

    def _phrase_keys(self, phrases: object, where: str) -> frozenset[int]:
        if not isinstance(phrases, list) or not phrases:
            raise self._fail(where, "expected a non-empty list of phrases")
        return frozenset(self._phrase_key(p, where) for p in phrases)

    def _scope(self, within: object, where: str, allow_phrase: bool) -> _Scope:
        if isinstance(within, bool) or not ((isinstance(within, int) and within >= 0) or within in SCOPES):
            raise self._fail(where, f"within must be one of {SCOPES} or a token count, not {within!r}")
        if within == "phrase" and not allow_phrase:
            raise self._fail(where, 'within "phrase" is for exclusions only')
        return _Scope("tokens", within) if isinstance(within, int) else _Scope(within)

    def _weight(self, weight: object, where: str) -> float:
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= MAX_TERM_WEIGHT:
            raise self._fail(where, f"weight {weight!r} is not in (0, {MAX_TERM_WEIGHT:g}]")
        return float(weight)

    def _load_topic(self, code: str, spec: object) -> None:
        known = {"terms", "threshold", "combinations", "exclusions"}
        if not isinstance(spec, dict) or not set(spec) <= known:
            raise self._fail(code, f"expected a term list or an object with keys {sorted(known)}")
        term_keys: set[int] = set()
        items = spec.get("terms", [])
        if not isinstance(items, list):
            raise self._fail(code, '"terms" is not a list of [term, weight] pairs')
        for item in items:
            if not isinstance(item, list) or len(item) != 2:
                raise self._fail(f"{code} term", f"{item!r} is not a [term, weight] pair")
            term, weight = item
            key = self._phrase_key(term, f"{code} term")
            if key in term_keys:
                raise self._fail(f"{code} term", f"{term!r} is listed twice")
            self.term_uses.setdefault(key, []).append((code, self._weight(weight, f"{code} {term!r}")))
            term_keys.add(key)
        rules = _TopicRules()
        if "threshold" in spec:
            threshold = spec["threshold"]
            if isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold < 0:
                raise self._fail(code, f"threshold {threshold!r} is not a non-negative number")
            rules.threshold = float(threshold)
        rules.combinations = tuple(self._combination(code, rule) for rule in spec.get("combinations", []))
        self.rules[code] = rules
        for rule in spec.get("exclusions", []):
            exclusion, cancelled = self._exclusion(code, rule)
            for key in cancelled:
                if key not in term_keys:
                    raise self._fail(
                        f"{code} exclusion {exclusion.name!r}", f"{self.phrases[key]!r} is not a term of {code}"
                    )
                self.exclusions.setdefault((code, key), []).append(exclusion)

    def _rule(self, code: str, kind: str, rule: object, keys: set[str]) -> tuple[str, dict[str, Any]]:
        name = rule.get("name") if isinstance(rule, dict) else None
        where = f"{code} {kind} {name!r}"
        if not isinstance(rule, dict) or not isinstance(name, str) or not name or not set(rule) <= keys:
            raise self._fail(where, f"expected an object with a name and keys among {sorted(keys)}")
        return where, rule

    def _combination(self, code: str, rule: object) -> _Combination:
        where, rule = self._rule(code, "combination", rule, {"name", "all", "not", "within", "weight"})
        groups = rule.get("all")
        if not isinstance(groups, list) or len(groups) < 2:
            raise self._fail(where, '"all" needs two or more groups of phrases')
        return _Combination(
            name=rule["name"],
            groups=tuple(self._phrase_keys(group, where) for group in groups),
            vetoes=self._phrase_keys(rule["not"], where) if "not" in rule else frozenset(),
            scope=self._scope(rule.get("within"), where, allow_phrase=False),
            weight=self._weight(rule.get("weight"), where),
        )

    def _exclusion(self, code: str, rule: object) -> tuple[_Exclusion, frozenset[int]]:
        where, rule = self._rule(code, "exclusion", rule, {"name", "terms", "context", "within", "factor"})
        factor = rule.get("factor", 0)
        if isinstance(factor, bool) or not isinstance(factor, int | float) or not 0 <= factor < 1:
            raise self._fail(where, f"factor {factor!r} is not in [0, 1)")
        exclusion = _Exclusion(
            rule["name"],
            self._phrase_keys(rule.get("context"), where),
            self._scope(rule.get("within"), where, allow_phrase=True),
            float(factor),
        )
        return exclusion, self._phrase_keys(rule.get("terms"), where)

    # -- scoring -------------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        doc._.newsmon_topics = self.score(doc)
        return doc

    def score(self, doc: Doc) -> list[Topic]:
        if (not self.phrases and self.model is None) or len(doc) == 0:
            return []
        occurrences: dict[int, list[_Occurrence]] = {}
        for key, start, end in self.matcher(doc):
            occurrences.setdefault(key, []).append((start, end, key))
        view = _Doc(doc, occurrences)
        evidence_by_code = self._term_evidence(view)
        for code, rules in self.rules.items():
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
        if self.model is not None:
            topics = self.add_model_opinion(doc, topics, self.model)
        topics.sort(key=lambda t: (-t.score, t.code))
        return topics

    def _term_evidence(self, view: _Doc) -> dict[str, dict[str, tuple[float, float, bool]]]:
        """code -> term -> (weight, occurrences counted, False): longest terms win, exclusions damp."""
        spans = [occ for key, found in view.occurrences.items() if key in self.term_uses for occ in found]
        counted: dict[tuple[str, int], list[float]] = {}  # (code, term key) -> [weight, count]
        for occurrence in _longest_first(spans):
            start, end, key = occurrence
            if end - start > 1:
                view.term_at.update(dict.fromkeys(range(start, end), start))
            for code, weight in self.term_uses[key]:
                exclusions = self.exclusions.get((code, key))
                factor = self._exclusion_factor(exclusions, occurrence, view) if exclusions else 1.0
                entry = counted.setdefault((code, key), [weight, 0.0])
                entry[1] += factor
        by_code: dict[str, dict[str, tuple[float, float, bool]]] = {}
        for (code, key), (weight, count) in counted.items():
            by_code.setdefault(code, {})[self.phrases[key]] = (weight, count, False)
        return by_code

    @staticmethod
    def _exclusion_factor(exclusions: list[_Exclusion], occurrence: _Occurrence, view: _Doc) -> float:
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

    def _fire(self, combination: _Combination, view: _Doc) -> tuple[str, int] | None:
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

    def _combination_label(self, combination: _Combination, chosen: Sequence[_Occurrence]) -> str:
        return f"{combination.name}: " + " + ".join(self.phrases[occ[2]] for occ in chosen)

    def _topic(self, code: str, evidence: dict[str, tuple[float, float, bool]]) -> Topic | None:
        contributions: dict[str, float] = {}
        strongest = 0.0
        for label, (weight, count, _) in evidence.items():
            if count <= 0:
                continue
            contributions[label] = weight * _repeats(count)
            strongest = max(strongest, weight * min(1.0, count))
        total = sum(contributions.values())
        threshold = self.rules[code].threshold if code in self.rules else STRONG_TERM_WEIGHT
        if strongest < STRONG_TERM_WEIGHT or total < threshold:
            return None
        score = 1.0 - math.exp(-total / SCORE_SCALE)
        # Fired combinations first: they say why the topic holds; then terms, strongest first.
        ranked = sorted(contributions, key=lambda t: (not evidence[t][2], -contributions[t], t))
        return Topic(code=code, label=self.labels[code], score=round(score, 4), evidence=ranked[:MAX_EVIDENCE_TERMS])

    def add_model_opinion(self, doc: Doc, topics: list[Topic], model: TopicModel) -> list[Topic]:
        words = model_words(token_view(doc).lower)
        by_code = {t.code: t for t in topics}
        combined = combine({t.code: t.score for t in topics}, model.probabilities(words))
        for code, score in combined.items():
            rule_topic = by_code.get(code)
            if rule_topic is not None and score <= rule_topic.score:
                continue
            evidence = rule_topic.evidence if rule_topic else []
            extra = [w for w in model.evidence(words, code) if w not in evidence]
            by_code[code] = Topic(
                code=code,
                label=self.labels[code],
                score=round(score, 4),
                evidence=(evidence + extra)[:MAX_EVIDENCE_TERMS],
            )
        return list(by_code.values())


@Language.factory(
    "newsmon_topics",
    default_config={"terms_language": None},
    assigns=["doc._.newsmon_topics"],
)
def make_topic_scorer(nlp: Language, name: str, terms_language: str | None) -> TopicScorer:
    """`terms_language` picks data/topic_terms/<lang>.json (default: the pipeline's language)."""
    return TopicScorer(nlp, terms_language or nlp.lang or "xx")
