"""newsmon_topics: IPTC top-level topics from weighted terms."""

from __future__ import annotations

import newsmon.nlp.topics.scorer  # noqa: F401  (registers the newsmon_topics factory)
import pytest
import spacy
from newsmon.nlp.resources import load_json
from newsmon.nlp.topics.scorer import TopicScorer, topic_labels

CONFLICT, DISASTER, CRIME, POLITICS, ECONOMY, SPORT = (
    "medtop:16000000",
    "medtop:03000000",
    "medtop:02000000",
    "medtop:11000000",
    "medtop:04000000",
    "medtop:15000000",
)


def top_topic(nlp, text):
    topics = nlp(text)._.newsmon_topics
    assert topics, f"no topic for {text!r}"
    return topics[0]


@pytest.fixture(scope="module")
def nlp_id():
    nlp = spacy.blank("id")
    nlp.add_pipe("newsmon_topics")
    return nlp


@pytest.fixture(scope="module")
def nlp_en():
    nlp = spacy.blank("en")
    nlp.add_pipe("newsmon_topics")
    return nlp


@pytest.mark.parametrize(
    "text, code",
    [
        ("Pasukan militer melancarkan serangan rudal ke kota itu dan pertempuran berlanjut hingga pagi.", CONFLICT),
        ("Gempa bumi bermagnitudo 6,2 mengguncang kabupaten itu; tim SAR mencari korban di reruntuhan.", DISASTER),
        ("Polisi menangkap tersangka pembunuhan dan perampokan itu; ia akan diadili di pengadilan negeri.", CRIME),
        ("Timnas menang 2-1 dalam laga kualifikasi Piala Dunia setelah mencetak gol di babak kedua.", SPORT),
        ("Inflasi turun dan Bank Indonesia menahan suku bunga, sementara rupiah dan saham menguat.", ECONOMY),
    ],
)
def test_topics_indonesian(nlp_id, text, code):
    assert top_topic(nlp_id, text).code == code


@pytest.mark.parametrize(
    "text, code",
    [
        ("Troops advanced after heavy shelling, and a missile attack killed soldiers near the front line.", CONFLICT),
        ("The earthquake collapsed buildings and rescuers searched the rubble as aftershocks continued.", DISASTER),
        ("Police arrested a suspect after the shooting; prosecutors charged him with murder.", CRIME),
        ("The striker scored twice as the club won the league match in front of 40,000 fans.", SPORT),
        ("Voters head to the polls in a tight election as the opposition coalition campaigns in parliament.", POLITICS),
    ],
)
def test_topics_english(nlp_en, text, code):
    assert top_topic(nlp_en, text).code == code


def test_topics_best_first_positive_with_evidence(nlp_en):
    topics = nlp_en("An earthquake and a flood hit the region; police arrested looters.")._.newsmon_topics
    assert [t.score for t in topics] == sorted((t.score for t in topics), reverse=True)
    assert all(0 < t.score < 1 for t in topics)
    disaster = next(t for t in topics if t.code == DISASTER)
    assert {"earthquake", "flood"} <= set(disaster.evidence)
    assert disaster.label == "disaster, accident and emergency incident"


def test_topics_longest_term_wins(nlp_id):
    [conflict] = [t for t in nlp_id("Ada serangan drone.")._.newsmon_topics if t.code == CONFLICT]
    assert conflict.evidence == ["serangan drone"]


def test_topics_more_evidence_scores_higher(nlp_en):
    one = top_topic(nlp_en, "There was an earthquake.")
    many = top_topic(nlp_en, "The earthquake and its aftershocks collapsed homes; rescuers searched the rubble.")
    assert one.code == many.code == DISASTER
    assert many.score > one.score


def test_topics_none_for_text_without_terms(nlp_en):
    assert nlp_en("The the the.")._.newsmon_topics == []
    assert nlp_en("")._.newsmon_topics == []


def test_topics_all_seventeen_iptc_labels():
    labels = topic_labels()
    assert len(labels) == 17
    assert labels["medtop:16000000"] == "conflict, war and peace"
    assert labels["medtop:03000000"] == "disaster, accident and emergency incident"


@pytest.mark.parametrize("language", ["id", "en", "de", "fr", "es", "xx"])
def test_topics_term_files_use_top_level_codes(language):
    table = load_json(f"topic_terms/{language}.json")
    labels = topic_labels()
    for code, value in table.items():
        if code.startswith("_"):
            continue
        assert code in labels
        items = value if isinstance(value, list) else value["terms"]
        for term, weight in items:
            assert term == term.lower() and term.strip() == term
            assert 0 < weight <= 3


@pytest.mark.parametrize("language", ["id", "en", "de", "fr", "es", "xx"])
def test_topics_term_files_load(language):
    """Every file passes the loader's checks (codes, weights, scopes, exclusions naming real terms)."""
    nlp = spacy.blank("xx" if language == "xx" else language)
    scorer = TopicScorer(nlp, language)
    assert scorer.rules.term_uses


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_topics_term_files_cover_all_seventeen_codes(language):
    table = load_json(f"topic_terms/{language}.json")
    assert set(topic_labels()) <= set(table)


def test_topics_ambiguous_words_alone_make_no_topic(nlp_en, nlp_id):
    football = ("The attack pushed forward again and again; every attack ended with a shot on goal. "
                "The coach praised the attack after the match, and the fans cheered the win.")
    assert "medtop:16000000" not in {t.code for t in nlp_en(football)._.newsmon_topics}
    shooting = "A gunman opened fire outside a bar; police said the shooter fled and two victims were hurt."
    assert "medtop:03000000" not in {t.code for t in nlp_en(shooting)._.newsmon_topics}
    sepak_bola = "Serangan demi serangan dilancarkan tim tuan rumah, tetapi serangan itu belum membuahkan gol."
    assert "medtop:16000000" not in {t.code for t in nlp_id(sepak_bola)._.newsmon_topics}
