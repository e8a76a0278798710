"""Where the event happened (newsmon/stories/where.py): the rule on articles written in several
languages, through the real NLP, and on hand-made records for each part of the rule."""

from __future__ import annotations

import pytest
from story_articles import ODESA_DE, ODESA_EN, ODESA_ID, raw
from support import SEED

from newsmon.records import EnrichedArticle, Entity, Fact, Place
from newsmon.stories.where import bucket_key, event_places, event_sentences, sentence_spans


def names(article: EnrichedArticle) -> list[str]:
    return [p.place.name for p in event_places(article)]


def test_where_en_leaves_out_the_summit_city_and_the_capital_that_spoke(enrich):
    article = enrich(raw("w-en", ODESA_EN, "harbour-wire", "en"))
    mentioned = {e.canonical for e in article.entities if e.label == "LOC"}
    assert {"Brussels", "Moscow", "Odesa"} <= mentioned  # the text names them all
    # Countries only when nothing finer is known; Prymorskyi, a district of Odesa by the text, is a
    # town near Mariupol in the gazetteer.
    [odesa] = event_places(article)
    assert odesa.place.name == "Odesa" and odesa.districts == ("Prymorskyi",)


def test_where_id_leaves_out_the_ktt_city(enrich):
    article = enrich(raw("w-id", ODESA_ID, "kabar-nusantara", "id"))
    assert "Brussels" in {e.canonical for e in article.entities if e.label == "LOC"}
    [odesa] = event_places(article)
    assert odesa.place.name == "Odesa" and odesa.districts == ("Prymorskyi",)  # "distrik Prymorskyi"


def test_where_de_leaves_out_the_gipfel_city(enrich):
    article = enrich(raw("w-de", ODESA_DE, "rhein-kurier", "de"))
    assert "Brussels" in {e.canonical for e in article.entities if e.label == "LOC"}
    assert names(article) == ["Odesa"]


def test_where_fr_said_in_the_capital_is_not_where_it_happened(enrich):
    text = ("Un incendie a tué deux personnes et blessé cinq autres à Marseille dans la nuit de samedi, a déclaré "
            "à Paris le ministre de l'Intérieur.")
    article = enrich(raw("w-fr", text, "le-courrier", "fr"))
    assert "Paris" in {e.canonical for e in article.entities if e.label == "LOC"}
    assert names(article) == ["Marseille"]


@pytest.mark.shared
@pytest.mark.skipif(not SEED.is_file(), reason=f"seed article not found at {SEED}")
def test_where_seed_is_kyiv_and_kryvyi_rih_with_kyivs_districts(enrich):
    article = enrich(raw("w-seed", SEED.read_text(encoding="utf-8"), "seed", "id"))
    places = event_places(article)
    assert [p.place.name for p in places] == ["Kyiv", "Kryvyi Rih"]
    assert {"Svyatoshynkyi", "Darnytskyi"} <= set(places[0].districts)
    assert bucket_key(article, places) == "UA"


# -- the parts of the rule, on hand-made records ---------------------------------------------------

KYIV = Place(geonameid=703448, name="Kyiv", country_code="UA", latitude=50.45, longitude=30.52, feature="city")
PARIS = Place(geonameid=2988507, name="Paris", country_code="FR", latitude=48.85, longitude=2.35, feature="city")
PAKISTAN = Place(geonameid=1168579, name="Pakistan", country_code="PK", latitude=33.7, longitude=73.0,
                 feature="country")
QUETTA = Place(geonameid=1167528, name="Quetta", country_code="PK", latitude=30.2, longitude=67.0, feature="city")


def record(text: str, places: dict[str, Place], language: str = "en", facts: list[Fact] = ()) -> EnrichedArticle:
    """An enriched record of `text` whose LOC entities are the given mentions (every occurrence)."""
    entities = []
    for mention, place in places.items():
        start = text.find(mention)
        while start >= 0:
            enclosing = place.model_copy(update={"relation": "enclosing"}) if mention.endswith(" district") else place
            entities.append(Entity(text=mention, label="LOC", start=start, end=start + len(mention),
                                   canonical=mention.removesuffix(" district"), place=enclosing))
            start = text.find(mention, start + 1)
    return EnrichedArticle(
        id="hand", text=text, language=language, language_score=1.0, fingerprint="f", entities=sorted(
            entities, key=lambda e: e.start), topics=[], facts=list(facts), ner_model="hand", enriched_at="2026-11-24T02:00:00Z")


def killed(text: str, span: str, number: int) -> Fact:
    start = text.find(span)
    return Fact(kind="killed", number=number, lower_bound=False, text=span, start=start, end=start + len(span))


def test_where_a_district_is_placed_at_its_city():
    text = "Two people were killed when a drone hit a house in the Obolon district of Kyiv."
    article = record(text, {"Obolon district": KYIV, "Kyiv": KYIV},
                     facts=[killed(text, "Two people were killed", 2)])
    [kyiv] = event_places(article)
    assert kyiv.place.name == "Kyiv" and kyiv.place.relation is None
    assert kyiv.districts == ("Obolon",) and kyiv.mentions == 2


PRYMORSKYI = Place(geonameid=13607725, name="Prymorskyi", country_code="UA", latitude=47.07, longitude=37.5,
                   feature="city")
ODESA = Place(geonameid=698740, name="Odesa", country_code="UA", latitude=46.49, longitude=30.74, feature="city")


def test_where_a_city_the_text_calls_a_district_is_placed_at_a_city_of_the_article():
    text = "A fire broke out in the Prymorskyi district of Odesa after a drone attack."
    [odesa] = event_places(record(text, {"Prymorskyi": PRYMORSKYI, "Odesa": ODESA}))
    assert odesa.place == ODESA and odesa.districts == ("Prymorskyi",)
    two_sentences = "A drone attack hit Odesa. A fire burned in the Prymorskyi district."
    [odesa] = event_places(record(two_sentences, {"Prymorskyi": PRYMORSKYI, "Odesa": ODESA}))
    assert odesa.districts == ("Prymorskyi",)
    alone = "A fire burned in the Prymorskyi district after a drone attack."
    assert names(record(alone, {"Prymorskyi": PRYMORSKYI})) == ["Prymorskyi"]  # no city to place it at


def test_where_a_country_counts_only_when_no_city_is_known():
    text = "Floods killed 12 people in Pakistan on Monday."
    assert names(record(text, {"Pakistan": PAKISTAN})) == ["Pakistan"]
    finer = "Floods killed 12 people in Quetta, Pakistan, on Monday."
    assert names(record(finer, {"Quetta": QUETTA, "Pakistan": PAKISTAN})) == ["Quetta"]


def test_where_a_sentence_without_the_event_does_not_count():
    text = "A bomb exploded at a market in Quetta. The prime minister later flew to Paris for a visit."
    assert names(record(text, {"Quetta": QUETTA, "Paris": PARIS})) == ["Quetta"]


def test_where_an_article_without_event_words_falls_back_to_its_lead():
    text = "Parliament met in Kyiv on Thursday. The speaker then flew to Paris."
    article = record(text, {"Kyiv": KYIV, "Paris": PARIS})
    assert event_sentences(article) == [sentence_spans(text)[0]]
    assert names(article) == ["Kyiv"]


@pytest.mark.parametrize("framing", [
    "Two people were killed in Kyiv, the ministry said in Paris.",
    "Two people were killed in Kyiv a day after the Paris summit.",
    "Two people were killed in Kyiv a day after a summit in Paris.",
    "Two people were killed in Kyiv, and Paris said it would send help.",
])
def test_where_a_place_framed_by_a_cue_does_not_count(framing):
    assert names(record(framing, {"Kyiv": KYIV, "Paris": PARIS})) == ["Kyiv"]


def test_where_punctuation_ends_a_cue():
    # "summit" is one sentence part, Paris another: the comma breaks the phrase.
    text = "After the summit, Paris was hit by a storm that killed two people."
    assert names(record(text, {"Paris": PARIS})) == ["Paris"]


def test_where_the_bucket_is_the_first_places_country_else_the_language():
    assert bucket_key(record("A bomb exploded in Quetta.", {"Quetta": QUETTA})) == "PK"
    assert bucket_key(record("Zwei Menschen starben bei einem Brand.", {}, language="de")) == "lang:de"
