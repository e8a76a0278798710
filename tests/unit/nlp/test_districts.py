"""Districts, neighbourhoods and villages the gazetteer lacks: a LOC with its own name, placed in
the enclosing place only when the text says which (entities.py, "Districts")."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import entity_pipeline


@pytest.fixture(scope="module")
def nlp_id():
    return entity_pipeline("id")


@pytest.fixture(scope="module")
def nlp_en():
    return entity_pipeline("en")


@pytest.fixture(scope="module")
def nlp_xx():
    return entity_pipeline("xx")


def districts(doc) -> dict[str, tuple[str, str | None, str | None]]:
    """mention -> (canonical, enclosing place name, relation) for the LOCs without a place of their own."""
    found = {}
    for e in doc.ents:
        place = e._.newsmon_place
        if e.label_ == "LOC" and (place is None or place.relation == "enclosing"):
            found[e.text] = (e._.newsmon_canonical, place.name if place else None, place.relation if place else None)
    return found


def test_districts_city_named_earlier_in_the_sentence_encloses_them(nlp_id):
    doc = nlp_id(
        "Petugas Kyiv melaporkan rumah rusak di distrik Obolonskyi dan Troieshchyna utara pada malam hari.\n\n"
        "Warga Kharkiv mengungsi."
    )
    assert districts(doc) == {
        "distrik Obolonskyi": ("Obolonskyi", "Kyiv", "enclosing"),
        "Troieshchyna": ("Troieshchyna", "Kyiv", "enclosing"),
    }
    kyiv = next(e for e in doc.ents if e.text == "Kyiv")._.newsmon_place
    assert kyiv.relation is None  # the city itself


def test_districts_enclosing_place_keeps_its_coordinates(nlp_id):
    doc = nlp_id("Wali Kota Kyiv mengatakan api padam di distrik Solomianskyi Barat.")
    [district] = [e for e in doc.ents if e._.newsmon_canonical == "Solomianskyi Barat"]
    place = district._.newsmon_place
    assert (place.name, place.country_code, place.feature, place.relation) == ("Kyiv", "UA", "city", "enclosing")
    assert place.latitude == pytest.approx(50.45, abs=0.05)


@pytest.mark.parametrize(
    "text, mention, enclosing",
    [
        ("Banjir merendam Kecamatan Cilandak, Jakarta, sejak pagi.", "Kecamatan Cilandak", "Jakarta"),
        ("Longsor terjadi di desa Sukamekar di kota Bandung.", "desa Sukamekar", "Bandung"),
        ("Listrik padam di kelurahan Tegalrejo di Yogyakarta kemarin.", "kelurahan Tegalrejo", "Yogyakarta"),
    ],
)
def test_districts_explicit_link_in_indonesian(nlp_id, text, mention, enclosing):
    found = districts(nlp_id(text))
    assert found[mention][1:] == (enclosing, "enclosing")


@pytest.mark.parametrize(
    "text",
    [
        # no place named at all
        "Warga di distrik Obolonskyi diminta tetap di tempat penampungan.",
        # two cities: the text does not say which one
        "Pejabat Kyiv dan Lviv mengatakan rumah rusak di distrik Obolonskyi.",
        # the city comes after the district, as the speaker's place, not the district's
        "Rumah rusak di distrik Obolonskyi, kata pejabat di Moskow.",
        # a village may lie outside the city the sentence names
        "Pejabat Kyiv mengatakan drone jatuh di desa Hoholivka.",
        # the city is in another sentence
        "Kyiv diserang lagi. Atap rusak di distrik Obolonskyi.",
    ],
)
def test_districts_without_a_link_stay_unresolved(nlp_id, text):
    found = districts(nlp_id(text))
    assert len(found) == 1
    [(canonical, place, relation)] = found.values()
    assert canonical in ("Obolonskyi", "Hoholivka") and place is None and relation is None


@pytest.mark.parametrize(
    "text, mention, enclosing",
    [
        ("A missile struck the Osokorky district of Kyiv overnight.", "Osokorky", "Kyiv"),
        ("Fires burned in Kyiv's Sviatoshyn district on Sunday.", "Sviatoshyn", "Kyiv"),
        ("Shelling hit Borova, a suburb of Kharkiv, at dawn.", "Borova", "Kharkiv"),
        ("Residents of the Pivnichna neighbourhood in Kharkiv sheltered underground.", "Pivnichna", "Kharkiv"),
        ("Police sealed off the district of Holosiiv in Kyiv.", "Holosiiv", "Kyiv"),
        ("Homes in Lukianivka District, Kyiv, lost power.", "Lukianivka District", "Kyiv"),
    ],
)
def test_districts_english_forms(nlp_en, text, mention, enclosing):
    found = districts(nlp_en(text))
    assert found[mention][1:] == (enclosing, "enclosing"), found


def test_districts_english_without_a_link(nlp_en):
    found = districts(nlp_en("Officials said the Osokorky district was without water."))
    assert found == {"Osokorky": ("Osokorky", None, None)}


@pytest.mark.parametrize(
    "text",
    [
        "She won the Congressional district by ten points.",
        "The Financial district emptied at night.",
        "The school district closed on Monday.",
    ],
)
def test_districts_english_qualifiers_are_not_names(nlp_en, text):
    assert [e for e in nlp_en(text).ents if e.label_ == "LOC"] == []


@pytest.mark.parametrize(
    "text, mention, enclosing",
    [
        ("Ein Brand zerstörte ein Haus im Stadtteil Osokorky in Kiew.", "Osokorky", "Kyiv"),
        ("Un incendie a touché le quartier de Lukianivka à Kiev.", "Lukianivka", "Kyiv"),
        ("El fuego alcanzó el barrio de Zhulyany en Kiev.", "Zhulyany", "Kyiv"),
    ],
)
def test_districts_german_french_spanish(nlp_xx, text, mention, enclosing):
    found = districts(nlp_xx(text))
    assert found[mention][1:] == (enclosing, "enclosing"), found


def test_districts_a_longer_statistical_place_keeps_the_enclosing_place():
    nlp = entity_pipeline("en", statistical=[("LOC", "Osokorky district")])
    doc = nlp("A missile struck the Osokorky district of Kyiv.")
    assert districts(doc) == {"Osokorky district": ("Osokorky district", "Kyiv", "enclosing")}


def test_districts_record_marks_the_enclosing_place(analyse):
    analysis = analyse("Pejabat Kyiv mengatakan atap gedung runtuh di distrik Solomianskyi.", "id")
    [district] = [e for e in analysis.entities if e.canonical == "Solomianskyi"]
    assert district.label == "LOC"
    assert (district.place.name, district.place.relation) == ("Kyiv", "enclosing")
    assert "relation" not in next(e for e in analysis.entities if e.text == "Kyiv").to_json_dict()["place"]


# -- page furniture --------------------------------------------------------------------------------
def test_page_furniture_line_is_no_entity_even_when_a_model_tags_it():
    nlp = entity_pipeline("id", statistical=[("LOC", "Tautan Sumber"), ("ORG", "Baca Juga"), ("PER", "Editor")])
    doc = nlp("Gempa mengguncang Cianjur.\n\nBaca Juga\n\nTautan Sumber\n\nEditor")
    assert [(e.text, e.label_) for e in doc.ents] == [("Cianjur", "LOC")]


def test_page_furniture_inside_a_longer_name_stays():
    nlp = entity_pipeline("id", statistical=[("ORG", "Kementerian Energi dan Sumber Daya Mineral")])
    doc = nlp("Kementerian Energi dan Sumber Daya Mineral menaikkan harga.")
    assert [e.text for e in doc.ents] == ["Kementerian Energi dan Sumber Daya Mineral"]


_WORDS = st.sampled_from(
    ["distrik", "desa", "dan", "di", ",", "Kyiv", "Obolon", "district", "of", "in", "'s", "a", "suburb",
     "Stadtteil", "quartier", "de", "à", "Kiev", "Tautan", "Sumber", "\n\n", ".", "Putin", "NATO", "X"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_WORDS, max_size=25), st.text(max_size=40))
def test_districts_never_raise_on_odd_input(nlp_id, nlp_en, words, noise):
    text = " ".join(words) + noise
    for nlp in (nlp_id, nlp_en):
        doc = nlp(text)
        for e in doc.ents:
            assert e.text.strip() and e.label_ in ("PER", "LOC", "ORG")
