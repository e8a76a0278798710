"""newsmon's own sample articles: well formed, and enriched as a reader would expect."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from newsmon.nlp.language import detect_language

FOLDER = resources.files("newsmon").joinpath("samples", "articles")
SAMPLES = {
    p.name.removesuffix(".json"): json.loads(p.read_text(encoding="utf-8"))
    for p in FOLDER.iterdir()
    if p.name.endswith(".json")
}


def facts_of(analysis):
    return {(f.kind, f.number, f.lower_bound) for f in analysis.facts}


def test_samples_cover_the_languages():
    languages = sorted(a["language"] for a in SAMPLES.values())
    assert languages.count("id") >= 2 and languages.count("en") >= 2
    assert {"de", "fr", "es"} <= set(languages)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_samples_are_well_formed(name):
    article = SAMPLES[name]
    assert set(article) == {"id", "title", "text", "language", "url", "published", "source"}
    assert article["url"].startswith("https://example.org/")
    assert 150 <= len(article["text"].split()) <= 400
    assert detect_language(article["text"])[0] == article["language"]


def test_samples_indonesian_conflict(analyse):
    a = analyse(SAMPLES["id-kharkiv-shelling"]["text"], "id")
    assert a.topics[0].code == "medtop:16000000"
    assert {("killed", 5, True), ("injured", 21, False), ("missing", 3, False)} <= facts_of(a)
    drones = {(f.number, f.qualifier) for f in a.facts if f.kind == "drones"}
    assert drones == {(27, "intercepted"), (40, "launched")}
    kharkiv = next(e for e in a.entities if e.canonical == "Kharkiv")
    assert kharkiv.place.country_code == "UA"
    persons = {e.canonical for e in a.entities if e.label == "PER"}
    assert {"Oleh Syniehubov", "Ihor Terekhov", "Volodymyr Zelensky"} <= persons


def test_samples_indonesian_economy_is_not_an_alert(analyse):
    a = analyse(SAMPLES["id-ekonomi-inflasi"]["text"], "id")
    assert a.topics[0].code == "medtop:04000000"
    assert a.facts == []
    assert {"Perry Warjiyo", "Sri Mulyani Indrawati"} <= {e.canonical for e in a.entities if e.label == "PER"}


def test_samples_english_earthquake(analyse):
    a = analyse(SAMPLES["en-earthquake-turkey"]["text"], "en")
    assert a.topics[0].code == "medtop:03000000"
    assert {("killed", 14, True), ("injured", 200, True), ("missing", 9, False)} <= facts_of(a)
    assert max(f.number for f in a.facts if f.kind == "killed") == 14  # not the 2023 toll
    malatya = next(e for e in a.entities if e.text == "Malatya")
    assert malatya.place.country_code == "TR"


def test_samples_english_shooting(analyse):
    a = analyse(SAMPLES["en-shooting-chicago"]["text"], "en")
    assert a.topics[0].code == "medtop:02000000"
    assert facts_of(a) == {("killed", 2, False), ("injured", 5, False)}
    assert any(e.canonical == "Chicago" and e.place is not None and e.place.country_code == "US" for e in a.entities)


@pytest.mark.parametrize(
    "name, places",
    [
        ("de-hochwasser-bayern", {"Passau": "DE", "Munich": "DE", "Nuremberg": "DE"}),
        ("fr-greve-paris", {"Paris": "FR", "Marseille": "FR", "Lyon": "FR"}),
        ("es-terremoto-peru", {"Arequipa": "PE", "Cusco": "PE", "Chile": "CL"}),
    ],
)
def test_samples_fallback_languages_find_places(analyse, name, places):
    article = SAMPLES[name]
    a = analyse(article["text"], article["language"])
    assert a.ner_model == f"rules-gazetteer-{article['language']}-v1"
    found = {e.canonical: e.place.country_code for e in a.entities if e.label == "LOC" and e.place}
    assert places.items() <= found.items()


def test_samples_fallback_disaster_topics(analyse):
    for name in ("de-hochwasser-bayern", "es-terremoto-peru"):
        article = SAMPLES[name]
        assert analyse(article["text"], article["language"]).topics[0].code == "medtop:03000000"
    strike = SAMPLES["fr-greve-paris"]
    assert all(t.code != "medtop:16000000" for t in analyse(strike["text"], "fr").topics)
