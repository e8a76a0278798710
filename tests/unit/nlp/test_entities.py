"""newsmon_entities on blank pipelines: gazetteer places and organisations, persons by rule."""

from __future__ import annotations

import pytest
from support import entity_pipeline

from newsmon.nlp.resources import load_json


@pytest.fixture(scope="module")
def nlp_id():
    return entity_pipeline("id")


@pytest.fixture(scope="module")
def nlp_en():
    return entity_pipeline("en")


def by_text(doc):
    return {(e.text, e.label_): e for e in doc.ents}


def test_entities_offsets_slice_back_to_the_mention(analyse):
    text = (
        "Walikota Kyiv Vitaliy Klitschko mengatakan serangan Rusia menghantam Kyiv.\n\n"
        "Klitschko meminta warga tetap di tempat penampungan."
    )
    analysis = analyse(text, "id")
    assert analysis.entities
    for entity in analysis.entities:
        assert text[entity.start : entity.end] == entity.text


def test_entities_canonical_unifies_spellings(nlp_id):
    doc = nlp_id("Pasukan Rusia menyerang Kiev pada malam hari. Pejabat di Kyiv dan Moskow saling menuduh.")
    canon = {e.text: e._.newsmon_canonical for e in doc.ents}
    assert canon["Kiev"] == canon["Kyiv"] == "Kyiv"
    assert canon["Moskow"] == "Moscow"
    assert canon["Rusia"] == "Russia"


def test_entities_places_resolved_with_coordinates(nlp_en):
    doc = nlp_en("Missiles hit Kharkiv and Odesa overnight, Ukraine's air force said.")
    places = {e.text: e._.newsmon_place for e in doc.ents if e.label_ == "LOC"}
    assert places["Kharkiv"].country_code == "UA"
    assert places["Kharkiv"].feature == "city"
    assert places["Kharkiv"].latitude == pytest.approx(49.98, abs=0.1)
    assert places["Kharkiv"].longitude == pytest.approx(36.25, abs=0.1)
    assert places["Odesa"].country_code == "UA"  # not Odessa, Texas
    assert places["Ukraine"].feature == "country"
    assert places["Ukraine"].geonameid == 690791


def test_entities_country_is_placed_at_its_capital(nlp_en):
    doc = nlp_en("Officials in Indonesia said the ferry sank.")
    [indonesia] = [e for e in doc.ents if e.text == "Indonesia"]
    place = indonesia._.newsmon_place
    assert (place.country_code, place.feature) == ("ID", "country")
    assert place.latitude == pytest.approx(-6.21, abs=0.1)  # Jakarta


def test_entities_ambiguous_city_follows_the_country_in_the_text(nlp_en):
    without_context = nlp_en("The storm reached Paris on Sunday.")
    with_context = nlp_en("The storm crossed the United States and reached Paris on Sunday.")
    [paris] = [e for e in without_context.ents if e.text == "Paris"]
    [paris_us] = [e for e in with_context.ents if e.text == "Paris"]
    assert paris._.newsmon_place.country_code == "FR"  # the far larger Paris
    assert paris_us._.newsmon_place.country_code == "US"


def test_entities_unresolvable_place_stays_none(nlp_en):
    # Victoria: similar-sized cities in Canada, Argentina and elsewhere, no country named
    doc = nlp_en("Heavy rain flooded streets in Victoria on Monday.")
    [victoria] = [e for e in doc.ents if e.text == "Victoria"]
    assert victoria.label_ == "LOC"
    assert victoria._.newsmon_place is None
    assert victoria._.newsmon_canonical == "Victoria"


def test_entities_small_town_needs_its_country_in_the_text(nlp_en):
    alone = nlp_en("Coach Mark Griffin said the team played well. Griffin praised the fans.")
    assert all(e.label_ != "LOC" for e in alone.ents)
    assert {e._.newsmon_canonical for e in alone.ents if e.label_ == "PER"} == {"Mark Griffin"}


def test_entities_small_town_is_no_context_for_itself(nlp_id):
    # "Rumah" is a Saudi town of 25,000: its own country code must not vouch for it
    assert list(nlp_id("Rumah warga rusak diterjang angin. Rumah lain selamat.").ents) == []
    placed = nlp_id("Banjir melanda Mulia di Papua, Indonesia.")
    assert [e.text for e in placed.ents if e.label_ == "LOC"] == ["Mulia", "Papua", "Indonesia"]


@pytest.mark.parametrize(
    "text",
    [
        "Ada beberapa ledakan di pusat kota pada pagi hari.",
        "Serangan baru itu terjadi pada malam hari.",
        "Sumber di kepolisian mengatakan pelaku sudah ditangkap.",
        "Dalam sebuah pernyataan, kementerian mengatakan tidak ada korban.",
        "Peringatan dini sudah dikeluarkan sejak pagi.",
        "Tautan Sumber",
    ],
)
def test_entities_no_entity_from_sentence_initial_common_words(nlp_id, text):
    assert list(nlp_id(text).ents) == []


@pytest.mark.parametrize(
    "text",
    [
        "Reading the report, officials found no errors.",
        "Nice weather helped the rescue teams.",
        "Mobile phones were cut off after the storm.",
        "Best results came from the northern districts.",
    ],
)
def test_entities_no_place_from_english_sentence_initial_words(nlp_en, text):
    assert [e for e in nlp_en(text).ents if e.label_ == "LOC"] == []


def test_entities_person_after_role_cue_and_place(nlp_id):
    doc = nlp_id("Kemarin, Gubernur Jawa Timur Khofifah Indar Parawansa meninjau lokasi banjir di Surabaya.")
    found = by_text(doc)
    assert ("Khofifah Indar Parawansa", "PER") in found
    assert found[("Surabaya", "LOC")]._.newsmon_place.country_code == "ID"
    province = found[("Jawa Timur", "LOC")]
    assert province._.newsmon_canonical == "East Java"
    assert province._.newsmon_place.feature == "region"
    assert province._.newsmon_place.country_code == "ID"


def test_entities_surname_maps_to_full_name(nlp_en):
    doc = nlp_en(
        "Russian President Vladimir Putin met the envoy in Moscow. Later, Putin said talks would continue."
    )
    persons = [e for e in doc.ents if e.label_ == "PER"]
    assert [p.text for p in persons] == ["Vladimir Putin", "Putin"]
    assert {p._.newsmon_canonical for p in persons} == {"Vladimir Putin"}
    assert [e.text for e in doc.ents if e.label_ == "LOC"] == ["Moscow"]  # not the city of Vladimir


def test_entities_capitalised_pair_mid_sentence_is_a_person(nlp_en):
    doc = nlp_en("The report was written by Maria Ortega and published on Monday.")
    assert [(e.text, e.label_) for e in doc.ents] == [("Maria Ortega", "PER")]


def test_entities_titles_and_institutions_are_not_persons(nlp_en):
    doc = nlp_en("The ruling by the Supreme Court angered lawmakers, and the Health Ministry said nothing.")
    assert [e for e in doc.ents if e.label_ == "PER"] == []


def test_entities_organisations_from_the_list(nlp_id):
    doc = nlp_id("Ledakan itu terlihat oleh BBC, sementara PBB dan NATO menyerukan gencatan senjata.")
    canon = {e.text: (e.label_, e._.newsmon_canonical) for e in doc.ents}
    assert canon["BBC"] == ("ORG", "BBC")
    assert canon["PBB"] == ("ORG", "United Nations")
    assert canon["NATO"] == ("ORG", "NATO")


def test_entities_country_abbreviation_only_in_its_language(nlp_id, nlp_en):
    indonesian = nlp_id("Pemerintah AS mengirim bantuan.")
    english = nlp_en("AS they left, the crowd cheered.")
    assert [(e.text, e._.newsmon_canonical) for e in indonesian.ents] == [("AS", "United States")]
    assert list(english.ents) == []


def test_entities_fallback_pipeline_finds_places_and_cued_persons(analyse):
    analysis = analyse("Bundeskanzler Friedrich Merz besuchte am Montag Passau und München.", "de")
    assert analysis.ner_model == "rules-gazetteer-de-v1"
    found = {(e.text, e.label) for e in analysis.entities}
    assert {("Friedrich Merz", "PER"), ("Passau", "LOC"), ("München", "LOC")} <= found
    munich = next(e for e in analysis.entities if e.text == "München")
    assert (munich.canonical, munich.place.country_code) == ("Munich", "DE")


def test_entities_model_span_that_runs_into_the_sentence_is_dropped():
    nlp = entity_pipeline("en", [("LOC", "Russian drones hit Kyiv overnight"), ("ORG", "The Roma deal looks much")])
    doc = nlp("Russian drones hit Kyiv overnight, officials said. The Roma deal looks much better.")
    assert [e.text for e in doc.ents] == ["Kyiv", "Roma"]  # the gazetteer's places inside the spans
    assert doc.ents[0]._.newsmon_place is not None


def test_entities_model_span_with_one_lower_case_word_or_all_lower_case_is_kept():
    nlp = entity_pipeline("en", [("LOC", "Mount Druitt station"), ("ORG", "air asia")])
    doc = nlp("Trains stopped at Mount Druitt station after the air asia flight landed.")
    assert {(e.text, e.label_) for e in doc.ents} == {("Mount Druitt station", "LOC"), ("air asia", "ORG")}


def test_entities_model_span_joining_two_places_keeps_both_places():
    nlp = entity_pipeline("en", [("ORG", "Attacks on Kiev and Kharkiv"), ("ORG", "Bank of Kharkiv")])
    doc = nlp("Attacks on Kiev and Kharkiv were reported. The Bank of Kharkiv closed.")
    found = [(e.text, e.label_, e._.newsmon_canonical) for e in doc.ents]
    assert found == [("Kiev", "LOC", "Kyiv"), ("Kharkiv", "LOC", "Kharkiv"), ("Bank of Kharkiv", "ORG", "Bank of Kharkiv")]


def test_entities_model_person_with_an_office_gets_the_person_s_canonical_name():
    nlp = entity_pipeline("en", [("PER", "Mayor Brandon Johnson"), ("PER", "Johnson")])
    doc = nlp("Mayor Brandon Johnson said the city would respond. Johnson later visited the scene.")
    assert [(e.text, e._.newsmon_canonical) for e in doc.ents] == [
        ("Mayor Brandon Johnson", "Brandon Johnson"),
        ("Johnson", "Brandon Johnson"),
    ]


def test_entities_model_span_keeps_the_punctuation_that_ends_the_name():
    nlp = entity_pipeline(
        "id", [("ORG", "PT Astra International Tbk ."), ("ORG", "Partai Persatuan Pembangunan ( PPP )"), ("PER", "Budi ,")]
    )
    doc = nlp("Saham PT Astra International Tbk. turun. Partai Persatuan Pembangunan (PPP) menang, kata Budi, kemarin.")
    assert [e.text for e in doc.ents] == ["PT Astra International Tbk.", "Partai Persatuan Pembangunan (PPP)", "Budi"]


def test_entities_model_span_closes_or_drops_an_open_parenthesis_and_leaves_a_possessive_out():
    nlp = entity_pipeline("id", [("ORG", "Indeks Harga Saham Gabungan ( IHSG"), ("ORG", "Bursa Efek ( BEI")])
    doc = nlp("Indeks Harga Saham Gabungan (IHSG) naik. Bursa Efek (BEI naik.")
    # the ")" right after the span closes the name; with none, the name ends before the "("
    assert [e.text for e in doc.ents] == ["Indeks Harga Saham Gabungan (IHSG)", "Bursa Efek"]
    english = entity_pipeline("en", [("ORG", "Chicago 's"), ("ORG", "Reuters 's")])
    found = [(e.text, e.label_) for e in english("Gunfire on Chicago's South Side, Reuters's reporter said.").ents]
    assert found == [("Chicago", "LOC"), ("Reuters", "ORG")]  # the place of the gazetteer stays a place


def test_entities_model_organisation_and_person_split_a_cue_person():
    nlp = entity_pipeline("id", [("ORG", "Partai Golkar"), ("PER", "Airlangga Hartarto")])
    doc = nlp("Ketua Umum Partai Golkar Airlangga Hartarto hadir. Airlangga tiba pagi.")
    assert [(e.text, e.label_, e._.newsmon_canonical) for e in doc.ents] == [
        ("Partai Golkar", "ORG", "Partai Golkar"),
        ("Airlangga Hartarto", "PER", "Airlangga Hartarto"),
        ("Airlangga", "PER", "Airlangga Hartarto"),
    ]
    rules_only = entity_pipeline("id", [("PER", "Airlangga Hartarto")])  # no organisation: the rule person stays
    assert [e.text for e in rules_only("Ketua Umum Partai Golkar Airlangga Hartarto hadir.").ents] == [
        "Golkar Airlangga Hartarto"
    ]


def test_entities_model_span_keeps_the_small_words_of_another_language_s_name():
    # The connectors and possessives of every language apply, whatever the article's language.
    english = entity_pipeline("en", [("ORG", "Banco de la Nación")])
    assert [e.text for e in english("Officials of the Banco de la Nación said so.").ents] == ["Banco de la Nación"]
    indonesian = entity_pipeline("id", [("PER", "Chrisye's")])
    doc = indonesian("Lagu-lagu Chrisye's diputar lagi malam itu.")
    assert [(e.text, e._.newsmon_canonical) for e in doc.ents] == [("Chrisye", "Chrisye")]  # possessive left out


def test_entities_person_rules_are_complete_per_language():
    rules = load_json("person_rules.json")
    keys = {"sequence_persons", "cues", "honorifics", "role_words", "not_name_words", "org_heads", "name_particles",
            "page_furniture", "name_connectors", "list_conjunctions", "abbreviations_ending_names", "possessives"}
    for lang, entry in rules.items():
        if not lang.startswith("_"):
            assert set(entry) == keys, lang
