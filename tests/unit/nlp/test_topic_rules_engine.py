"""The topic rule format: combinations (AND, NOT, scopes), exclusions, thresholds, and the loader's checks.

Each test builds a scorer from a small rule table written here, so it tests the engine, not the data.
"""

from __future__ import annotations

import math

import newsmon.nlp.topics.scorer  # noqa: F401  (registers the newsmon_topics factory)
import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsmon.nlp.topics.scorer import SCORE_SCALE, TopicScorer

CONFLICT, LABOUR, SPORT = "medtop:16000000", "medtop:09000000", "medtop:15000000"


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def scores(nlp, table, text):
    scorer = TopicScorer(nlp, "en", table=table)
    return {t.code: t for t in scorer.score(nlp(text))}


STRIKE_RULES = {
    CONFLICT: {
        "terms": [["strike", 1], ["war", 3]],
        "combinations": [
            {"name": "military strike", "all": [["strike"], ["missile", "drone"]], "within": "sentence",
             "weight": 2.5, "not": ["workers"]}
        ],
    }
}


def test_combination_makes_a_topic_that_its_weak_terms_cannot(nlp):
    assert scores(nlp, STRIKE_RULES, "The strike came at night.") == {}
    topic = scores(nlp, STRIKE_RULES, "A missile strike hit the depot.")[CONFLICT]
    assert topic.evidence[0] == "military strike: strike + missile"
    assert "strike" in topic.evidence
    assert topic.score == pytest.approx(1 - math.exp(-(2.5 + 1) / SCORE_SCALE), abs=1e-4)


def test_combination_needs_its_groups_in_the_same_sentence(nlp):
    assert scores(nlp, STRIKE_RULES, "The strike came at night. A missile was seen.") == {}


def test_combination_not_term_vetoes_it(nlp):
    assert scores(nlp, STRIKE_RULES, "Workers said the strike would stop every missile factory.") == {}


def test_combination_counts_each_sentence_once_with_diminishing_returns(nlp):
    once = scores(nlp, STRIKE_RULES, "A drone strike and a missile strike hit the depot.")[CONFLICT]
    twice = scores(nlp, STRIKE_RULES, "A drone strike hit the depot. A missile strike hit the port.")[CONFLICT]
    assert once.score < twice.score
    expected_twice = 2.5 * (1 + math.log(2)) + 1 * (1 + math.log(2))
    assert twice.score == pytest.approx(1 - math.exp(-expected_twice / SCORE_SCALE), abs=1e-4)


def test_combination_within_tokens(nlp):
    table = {CONFLICT: {"combinations": [
        {"name": "near", "all": [["strike"], ["missile"]], "within": 2, "weight": 3}]}}
    assert CONFLICT in scores(nlp, table, "A strike by a missile.")  # two tokens between
    assert scores(nlp, table, "A strike by a big red missile.") == {}  # four tokens between


def test_combination_within_article_and_three_groups(nlp):
    table = {CONFLICT: {"combinations": [
        {"name": "three", "all": [["army"], ["border"], ["shelling"]], "within": "article", "weight": 3}]}}
    assert CONFLICT in scores(nlp, table, "The army moved. Then the border closed. Shelling began.")
    assert scores(nlp, table, "The army moved. Then the border closed.") == {}


def test_one_term_does_not_satisfy_two_groups(nlp):
    table = {CONFLICT: {"terms": [["drone attack", 3]], "combinations": [
        {"name": "pair", "all": [["drone"], ["attack"]], "within": "sentence", "weight": 2}]}}
    assert scores(nlp, table, "A drone attack.")[CONFLICT].evidence == ["drone attack"]
    assert scores(nlp, table, "A drone attack, then another attack.")[CONFLICT].evidence[0] == "pair: drone + attack"


EXCLUSION_RULES = {
    CONFLICT: {
        "terms": [["attack", 2], ["fire", 2]],
        "exclusions": [
            {"name": "football", "terms": ["attack"], "context": ["goal", "striker"], "within": "sentence"},
            {"name": "gunfire", "terms": ["fire"], "context": ["opened fire"], "within": "phrase"},
            {"name": "halved", "terms": ["fire"], "context": ["ceremony"], "within": "article", "factor": 0.5},
        ],
    }
}


def test_exclusion_cancels_an_occurrence_in_context_only(nlp):
    assert scores(nlp, EXCLUSION_RULES, "The striker led the attack.") == {}
    mixed = scores(nlp, EXCLUSION_RULES, "The striker led the attack. Then came an attack on the base.")[CONFLICT]
    assert mixed.score == pytest.approx(1 - math.exp(-2 / SCORE_SCALE), abs=1e-4)


def test_exclusion_within_phrase(nlp):
    assert scores(nlp, EXCLUSION_RULES, "Police opened fire.") == {}
    assert CONFLICT in scores(nlp, EXCLUSION_RULES, "A fire started.")


def test_exclusion_factor_damps_below_strong(nlp):
    # 2 * 0.5 = 1 is below the strong-term weight: a damped term alone makes no topic
    assert scores(nlp, EXCLUSION_RULES, "At the ceremony a fire was lit.") == {}
    both = scores(nlp, EXCLUSION_RULES, "At the ceremony a fire was lit, then an attack.")[CONFLICT]
    assert both.score == pytest.approx(1 - math.exp(-(2 + 2 * 0.5) / SCORE_SCALE), abs=1e-4)


def test_threshold_needs_more_evidence(nlp):
    table = {SPORT: {"terms": [["match", 2], ["coach", 1]], "threshold": 3.5}}
    assert scores(nlp, table, "The match.") == {}
    assert SPORT in scores(nlp, table, "The match. The coach. The match again.")


def test_short_and_long_forms_are_the_same_rules(nlp):
    text = "The war went on; war again."
    assert scores(nlp, {CONFLICT: [["war", 3]]}, text) == scores(nlp, {CONFLICT: {"terms": [["war", 3]]}}, text)


def test_without_sentence_boundaries_the_article_is_one_sentence():
    nlp = spacy.blank("en")  # no sentencizer
    topic = TopicScorer(nlp, "en", table=STRIKE_RULES).score(nlp("The strike came. A missile was seen."))
    assert [t.code for t in topic] == [CONFLICT]


@pytest.mark.parametrize(
    "table, problem",
    [
        ({"medtop:99999999": [["war", 3]]}, "not an IPTC top-level code"),
        ({CONFLICT: [["War", 3]]}, "not a lower-case phrase"),
        ({CONFLICT: [["war", 4]]}, "weight 4"),
        ({CONFLICT: [["war", 3], ["war", 2]]}, "listed twice"),
        ({CONFLICT: {"terms": [["war", 3]], "extra": 1}}, "expected a term list or an object"),
        ({CONFLICT: {"combinations": [{"name": "x", "all": [["a"]], "within": 3, "weight": 2}]}}, "two or more groups"),
        ({CONFLICT: {"combinations": [{"name": "x", "all": [["a"], ["b"]], "within": "page", "weight": 2}]}}, "within"),
        ({CONFLICT: {"combinations": [{"name": "x", "all": [["a"], ["b"]], "within": "phrase", "weight": 2}]}},
         "exclusions only"),
        ({CONFLICT: {"combinations": [{"all": [["a"], ["b"]], "within": 3, "weight": 2}]}}, "with a name"),
        ({CONFLICT: {"terms": [["war", 3]], "exclusions": [
            {"name": "x", "terms": ["peace"], "context": ["talks"], "within": "phrase"}]}}, "not a term of"),
        ({CONFLICT: {"terms": [["war", 3]], "exclusions": [
            {"name": "x", "terms": ["war"], "context": ["talks"], "within": "phrase", "factor": 1}]}}, "factor"),
        ({CONFLICT: {"terms": [["war", 3]], "threshold": -1}}, "threshold"),
    ],
)
def test_loader_rejects_bad_rules(nlp, table, problem):
    with pytest.raises(ValueError, match=problem):
        TopicScorer(nlp, "en", table=table)


# -- properties, on the shipped data files --------------------------------------------------------

PIPELINES = {}


def shipped(language):
    if language not in PIPELINES:
        nlp = spacy.blank(language)
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("newsmon_topics", config={"terms_language": language})
        PIPELINES[language] = nlp
    return PIPELINES[language]


WORDS = ["war", "attack", "strike", "fire", "opened fire", "goal", "workers", "krieg", "angriff", "guerre", "grève",
         "guerra", "huelga", "perang", "serangan", "shooting", "film", "police", "tor", "but", "gol", ".", "!", "\n\n",
         "l'", "-", "drone", "missile", "frente a", "1", "ümlaut", "🔥", "\u200b", "  "]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(language=st.sampled_from(["en", "id", "de", "fr", "es", "xx"]),
       parts=st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=60))
def test_scoring_never_raises_and_scores_stay_in_range(language, parts):
    topics = shipped(language)(" ".join(parts))._.newsmon_topics
    assert isinstance(topics, list)
    for topic in topics:
        assert 0.0 <= topic.score <= 1.0
        assert topic.code.startswith("medtop:") and len(topic.evidence) <= 10
    assert [t.score for t in topics] == sorted((t.score for t in topics), reverse=True)


@settings(max_examples=30, deadline=None)
@given(text=st.text(max_size=400))
def test_scoring_arbitrary_unicode(text):
    for language in ("en", "fr"):
        for topic in shipped(language)(text)._.newsmon_topics:
            assert 0.0 <= topic.score <= 1.0
