"""newsmon_topics: IPTC Media Topics (top level) from weighted terms.

Each language has a data file topic_terms/<lang>.json mapping an IPTC code to [term, weight]
pairs. Terms are matched on lower-cased tokens (no lemmas, so inflections are listed); where terms
overlap, the longest wins for all topics at once. A topic counts only if one of its matched terms
is strong (weight >= STRONG_TERM_WEIGHT); its evidence is the sum over its distinct
matched terms of weight * (1 + ln(occurrences)) — repeats count, with diminishing returns —
squashed into [0, 1) by 1 - exp(-evidence / SCORE_SCALE).

For Indonesian a trained classifier (topic_model.py) ranks the six soft topics its labelled data
covers; its probability raises a topic's score unless the rules see hard news.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from newsmon.nlp._data import data_exists, load_json
from newsmon.nlp.token_view import token_view
from newsmon.nlp.topic_model import combine, load_model, model_words
from newsmon.records import Topic

if not Doc.has_extension("newsmon_topics"):
    Doc.set_extension("newsmon_topics", default=None)

# Evidence 6 (e.g. "perang" + "pasukan" + "rudal" + "serangan") scores 0.63; 12 scores 0.86.
SCORE_SCALE = 6.0
# A topic needs at least one term this strong: ambiguous words alone ("attack" in a football
# report, "fire" in "opened fire", "korban") add evidence but never make the topic by themselves.
STRONG_TERM_WEIGHT = 2.0
MAX_EVIDENCE_TERMS = 10


def topic_labels() -> dict[str, str]:
    return dict(load_json("iptc_top_level.json")["topics"])


@dataclass(frozen=True)
class _Term:
    code: str
    term: str
    weight: float


class TopicScorer:
    def __init__(self, nlp: Language, terms_language: str) -> None:
        self.labels = topic_labels()
        # The trained classifier exists for Indonesian only (the language of the labelled sets).
        self.model = load_model() if terms_language == "id" else None
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.terms: dict[int, _Term] = {}
        path = f"topic_terms/{terms_language}.json"
        table = load_json(path) if data_exists(path) else {}
        for code, items in table.items():
            if code.startswith("_"):
                continue
            if code not in self.labels:
                raise ValueError(f"{path}: {code} is not an IPTC top-level code")
            for term, weight in items:
                key = f"{code}|{term}"
                self.matcher.add(key, [nlp.make_doc(term)])
                self.terms[nlp.vocab.strings[key]] = _Term(code, term, float(weight))

    def __call__(self, doc: Doc) -> Doc:
        doc._.newsmon_topics = self.score(doc)
        return doc

    def score(self, doc: Doc) -> list[Topic]:
        if (not self.terms and self.model is None) or len(doc) == 0:
            return []
        keys_by_span: dict[tuple[int, int], list[int]] = {}
        for match_id, start, end in self.matcher(doc):
            keys_by_span.setdefault((start, end), []).append(match_id)
        # The longest term wins a stretch of text for every topic: "serangan drone" counts once,
        # not also as "serangan" and "drone", and "menembak jatuh" (conflict) hides "jatuh".
        kept = filter_spans([Span(doc, start, end) for start, end in keys_by_span])
        counts_by_code: dict[str, dict[int, int]] = {}
        for span in kept:
            for key in keys_by_span[(span.start, span.end)]:
                counts = counts_by_code.setdefault(self.terms[key].code, {})
                counts[key] = counts.get(key, 0) + 1
        topics = []
        for code, counts in counts_by_code.items():
            if max(self.terms[key].weight for key in counts) < STRONG_TERM_WEIGHT:
                continue
            contributions = {
                self.terms[key].term: self.terms[key].weight * (1.0 + math.log(n)) for key, n in counts.items()
            }
            evidence = sum(contributions.values())
            score = 1.0 - math.exp(-evidence / SCORE_SCALE)
            if score <= 0:
                continue
            ranked = sorted(contributions, key=lambda t: (-contributions[t], t))
            topics.append(
                Topic(code=code, label=self.labels[code], score=round(score, 4), evidence=ranked[:MAX_EVIDENCE_TERMS])
            )
        if self.model is not None:
            topics = self.add_model_opinion(doc, topics)
        topics.sort(key=lambda t: (-t.score, t.code))
        return topics

    def add_model_opinion(self, doc: Doc, topics: list[Topic]) -> list[Topic]:
        words = model_words(token_view(doc).lower)
        by_code = {t.code: t for t in topics}
        combined = combine({t.code: t.score for t in topics}, self.model.probabilities(words))
        for code, score in combined.items():
            rule_topic = by_code.get(code)
            if rule_topic is not None and score <= rule_topic.score:
                continue
            evidence = rule_topic.evidence if rule_topic else []
            extra = [w for w in self.model.evidence(words, code) if w not in evidence]
            by_code[code] = Topic(code=code, label=self.labels[code], score=round(score, 4),
                                  evidence=(evidence + extra)[:MAX_EVIDENCE_TERMS])
        return list(by_code.values())


@Language.factory(
    "newsmon_topics",
    default_config={"terms_language": None},
    assigns=["doc._.newsmon_topics"],
)
def make_topic_scorer(nlp: Language, name: str, terms_language: str | None) -> TopicScorer:
    """`terms_language` picks data/topic_terms/<lang>.json (default: the pipeline's language)."""
    return TopicScorer(nlp, terms_language or nlp.lang)
