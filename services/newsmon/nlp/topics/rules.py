"""The topic rules of one language, read from data and compiled for matching.

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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher

# A topic needs at least one term (or combination) this strong: ambiguous words alone ("attack" in
# a football report, "fire" in "opened fire", "korban") add evidence but never make the topic.
STRONG_TERM_WEIGHT = 2.0
MAX_TERM_WEIGHT = 3.0
SCOPES = ("phrase", "sentence", "article")


@dataclass(frozen=True)
class Scope:
    kind: str  # "phrase", "sentence", "article" or "tokens"
    tokens: int = 0


@dataclass(frozen=True)
class Combination:
    name: str
    groups: tuple[frozenset[int], ...]  # each group: matcher keys of alternative phrases
    vetoes: frozenset[int]
    scope: Scope
    weight: float


@dataclass(frozen=True)
class Exclusion:
    name: str
    context: frozenset[int]
    scope: Scope
    factor: float


@dataclass
class CodeRules:
    threshold: float = STRONG_TERM_WEIGHT
    combinations: tuple[Combination, ...] = ()


class TopicRules:
    """One language's rule table compiled: its phrases in one PhraseMatcher, the weight of each term
    per topic, the exclusions that damp a term, and each topic's threshold and combinations."""

    def __init__(self, nlp: Language, table: dict[str, Any], source: str, labels: dict[str, str]) -> None:
        self.nlp = nlp
        self.source = source
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.phrases: dict[int, str] = {}  # matcher key -> phrase
        self.term_uses: dict[int, list[tuple[str, float]]] = {}  # matcher key -> (code, weight)
        self.exclusions: dict[tuple[str, int], list[Exclusion]] = {}  # (code, term key) -> rules
        self.by_code: dict[str, CodeRules] = {}
        for code, value in table.items():
            if code.startswith("_"):
                continue
            if code not in labels:
                raise ValueError(f"{self.source}: {code} is not an IPTC top-level code")
            self._load_topic(code, {"terms": value} if isinstance(value, list) else value)

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

    def _scope(self, within: object, where: str, allow_phrase: bool) -> Scope:
        if isinstance(within, bool) or not ((isinstance(within, int) and within >= 0) or within in SCOPES):
            raise self._fail(where, f"within must be one of {SCOPES} or a token count, not {within!r}")
        if within == "phrase" and not allow_phrase:
            raise self._fail(where, 'within "phrase" is for exclusions only')
        return Scope("tokens", within) if isinstance(within, int) else Scope(within)

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
        rules = CodeRules()
        if "threshold" in spec:
            threshold = spec["threshold"]
            if isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold < 0:
                raise self._fail(code, f"threshold {threshold!r} is not a non-negative number")
            rules.threshold = float(threshold)
        rules.combinations = tuple(self._combination(code, rule) for rule in spec.get("combinations", []))
        self.by_code[code] = rules
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

    def _combination(self, code: str, rule: object) -> Combination:
        where, rule = self._rule(code, "combination", rule, {"name", "all", "not", "within", "weight"})
        groups = rule.get("all")
        if not isinstance(groups, list) or len(groups) < 2:
            raise self._fail(where, '"all" needs two or more groups of phrases')
        return Combination(
            name=rule["name"],
            groups=tuple(self._phrase_keys(group, where) for group in groups),
            vetoes=self._phrase_keys(rule["not"], where) if "not" in rule else frozenset(),
            scope=self._scope(rule.get("within"), where, allow_phrase=False),
            weight=self._weight(rule.get("weight"), where),
        )

    def _exclusion(self, code: str, rule: object) -> tuple[Exclusion, frozenset[int]]:
        where, rule = self._rule(code, "exclusion", rule, {"name", "terms", "context", "within", "factor"})
        factor = rule.get("factor", 0)
        if isinstance(factor, bool) or not isinstance(factor, int | float) or not 0 <= factor < 1:
            raise self._fail(where, f"factor {factor!r} is not in [0, 1)")
        exclusion = Exclusion(
            rule["name"],
            self._phrase_keys(rule.get("context"), where),
            self._scope(rule.get("within"), where, allow_phrase=True),
            float(factor),
        )
        return exclusion, self._phrase_keys(rule.get("terms"), where)
