"""Properties of the extractors on arbitrary text in id, en and xx: no exception, entities whose
offsets slice the text to their own text, facts inside the text. The pipelines are called
directly, not through Enricher.enrich, whose catch-all would hide an exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from newsmon.contracts import encode
from newsmon.nlp.enricher import Enricher, analysis_of
from newsmon.normalize.text import clean_text
from newsmon.records import Entity, Fact
from newsmon.settings import Settings

FRAGMENTS = [
    "Kyiv", "Kharkiv", "Jakarta", "Ukraine", "Presiden Joko Widodo", "Mayor Brandon Johnson", "PBB", "UN",
    "at least", "setidaknya", "killed", "tewas", "injured", "luka-luka", "missing", "drones", "rudal", "shahed",
    "12", "1,200", "1.200", "dua puluh", "twenty-five", "ribuan", "dozens", "2026", "13.", "No.", "(", ")", ",",
    ".", "\n", " ", "-", "'s", "«", "»", "😀", "\u0301", "ـ", "٣", "三人", "ß", "İ", "\u200d", "\ufffd",
]
WORDS = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=6), max_size=30).map(" ".join)
TEXTS = WORDS | st.text(max_size=300)


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher(Settings())


def check(enricher: Enricher, text: str, language: str) -> None:
    model = enricher.ner_model(language)
    analysis = analysis_of(enricher.pipeline(language)(text), model)
    for entity in analysis.entities:
        assert text[entity.start : entity.end] == entity.text, entity
        assert entity.text.strip() and entity.canonical
        encode(Entity.model_validate(entity.model_dump()))  # type: ignore[arg-type]
    for fact in analysis.facts:
        assert 0 <= fact.start < fact.end <= len(text), fact
        assert text[fact.start : fact.end] == fact.text, fact
        encode(Fact.model_validate(fact.model_dump()))  # type: ignore[arg-type]
    for topic in analysis.topics:
        assert 0 < topic.score <= 1


@pytest.mark.parametrize("language", ["id", "en", "xx"])
@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS)
def test_extractors_property_arbitrary_text(enricher, language, text):
    check(enricher, text, language)


@pytest.mark.parametrize("language", ["id", "en", "xx"])
@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS)
def test_extractors_property_cleaned_text(enricher, language, text):
    cleaned = clean_text(text)
    if cleaned:
        check(enricher, cleaned, language)
