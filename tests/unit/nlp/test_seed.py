"""The article the project started from, read in place from ../shared (never copied here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from newsmon.nlp.language import detect_language

REPO = Path(__file__).resolve().parents[3]
SEED = REPO / ".." / "shared" / "samples" / "seed-id-kyiv-drone-attack.txt"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not SEED.is_file(), reason=f"seed article not found at {SEED} (no ../shared beside the repo)"),
]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed(seed_text, enricher):
    [analysis] = enricher.enrich([(seed_text, detect_language(seed_text)[0])])
    return analysis


def test_seed_language_is_indonesian(seed_text):
    assert detect_language(seed_text)[0] == "id"


def test_seed_top_topic_is_conflict(seed):
    assert seed.topics[0].code == "medtop:16000000"
    assert seed.ner_model == "spacy-ner-id-v1+gazetteer"


def test_seed_places(seed):
    by_canonical = {e.canonical: e for e in seed.entities if e.label == "LOC"}
    kyiv = by_canonical["Kyiv"].place
    assert kyiv.latitude == pytest.approx(50.45, abs=0.05)
    assert kyiv.longitude == pytest.approx(30.52, abs=0.05)
    assert by_canonical["Ukraine"].place.feature == "country"
    assert by_canonical["Russia"].place.country_code == "RU"


def test_seed_persons(seed):
    persons = {e.canonical for e in seed.entities if e.label == "PER"}
    assert {"Volodymyr Zelensky", "Vladimir Putin", "Vitaliy Klitschko", "Tymur Tkachenko"} <= persons
    # surname-only mentions ("Tkachenko", "Putin") carry the full name
    short = {e.text: e.canonical for e in seed.entities if e.label == "PER" and " " not in e.text}
    assert short == {"Tkachenko": "Tymur Tkachenko", "Putin": "Vladimir Putin"}


def test_seed_facts(seed, seed_text):
    facts = {(f.kind, f.number, f.lower_bound, f.qualifier) for f in seed.facts}
    assert ("killed", 2, True, None) in facts
    assert ("injured", 13, False, None) in facts
    assert ("drones", 69, False, "intercepted") in facts
    # "berusia satu tahun" (an age), "26 sekutu" and "20 %" are not counts
    assert all(f.number not in (1, 26, 20, 2022, 2014) for f in seed.facts)
    for fact in seed.facts:
        assert seed_text[fact.start : fact.end] == fact.text
