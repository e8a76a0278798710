"""Enricher: batching across languages, empty input, and properties that hold for any text."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsmon.settings import Settings
from newsmon.nlp.enricher import Analysis, Enricher, ner_model_name, pipeline_language

NEWSY_WORDS = st.sampled_from(
    "Setidaknya dua orang tewas dan 13 terluka di Kyiv Presiden Vladimir Putin Rusia Ukraina "
    "At least twelve people were killed injured missing drones 69 Moskow BBC PBB Mr Smith "
    ". , “ ” - ( ) \n \n\n setidaknya puluhan berusia tahun 2022 % 1.200 twenty-five".split(" ")
)
NEWSY_TEXT = st.lists(NEWSY_WORDS, max_size=80).map(" ".join)
ANY_TEXT = st.one_of(st.text(max_size=400), NEWSY_TEXT)
LANGUAGES = st.sampled_from(["id", "en", "de", "und", "ms", "", "xx", "zz"])


def test_enricher_analysis_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Analysis().ner_model = "x"  # type: ignore[misc]


def test_enricher_empty_text_gives_empty_analysis(enricher):
    for analysis in enricher.enrich([("", "id"), ("   \n", "en"), ("", "fr"), ("", "sw")]):
        assert (analysis.entities, analysis.topics, analysis.facts) == ([], [], [])
    assert [a.ner_model for a in enricher.enrich([("", "id"), ("", "fr"), ("", "sw")])] == [
        "spacy-ner-id-v1+gazetteer",
        "rules-gazetteer-fr-v1",
        "rules-gazetteer-xx-v1",
    ]


def test_enricher_keeps_order_across_languages(enricher):
    items = [
        ("Gempa mengguncang Padang.", "id"),
        ("An earthquake hit Manila.", "en"),
        ("Ein Erdbeben erschütterte Lissabon.", "de"),
        ("Banjir melanda Medan.", "id"),
        ("Terremoto sacode Lisboa.", "pt"),
    ]
    analyses = enricher.enrich(items)
    assert [a.ner_model for a in analyses] == [
        "spacy-ner-id-v1+gazetteer", "spacy-ner-en-v1+gazetteer", ner_model_name("de"), "spacy-ner-id-v1+gazetteer",
        ner_model_name("xx")]
    assert [a.entities[0].canonical for a in analyses] == ["Padang", "Manila", "Lisbon", "Medan", "Lisbon"]


def test_enricher_pipeline_language_falls_back_to_multilingual():
    assert [pipeline_language(x) for x in ("id", "EN", "de", "Fr", "es", "ms", "und", "", None)] == [
        "id", "en", "de", "fr", "es", "xx", "xx", "xx", "xx"]


def test_enricher_builds_each_pipeline_once():
    enricher = Enricher(Settings())
    assert enricher.pipeline("id") is enricher.pipeline("id")
    assert enricher.pipeline("fr") is enricher.pipeline("FR")
    assert enricher.pipeline("sw") is enricher.pipeline("pt")  # one multilingual pipeline for the rest


def test_enricher_long_text_is_analysed_without_error(enricher):
    text = ("Setidaknya dua orang tewas di Kyiv. " * 6000)[:210_000]
    [analysis] = enricher.enrich([(text, "id")])
    assert analysis.facts and all(f.end <= 200_000 for f in analysis.facts)


def test_enricher_survives_malformed_items(enricher):
    analyses = enricher.enrich([(None, "id"), ("Kyiv", None), ("x",)])  # type: ignore[list-item]
    assert len(analyses) == 3
    assert analyses[1].entities[0].canonical == "Kyiv"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ANY_TEXT, language=LANGUAGES)
def test_enricher_never_raises_and_offsets_slice_back(enricher, text, language):
    [analysis] = enricher.enrich([(text, language)])
    for entity in analysis.entities:
        assert text[entity.start : entity.end] == entity.text
        assert entity.label in ("PER", "LOC", "ORG")
    for fact in analysis.facts:
        assert text[fact.start : fact.end] == fact.text
        assert fact.number >= 0
    scores = [t.score for t in analysis.topics]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
