"""newsmon_facts: casualty and weapon counts from digits and number words."""

from __future__ import annotations

import newsmon.nlp.facts.extractor  # noqa: F401  (registers the newsmon_facts factory)
import pytest
from support import facts_pipeline


@pytest.fixture(scope="module")
def nlp_id():
    return facts_pipeline("id")


@pytest.fixture(scope="module")
def nlp_en():
    return facts_pipeline("en")


def summary(nlp, text):
    return [(f.kind, f.number, f.lower_bound) for f in nlp(text)._.newsmon_facts]


def test_facts_lower_bound_does_not_cross_the_conjunction(nlp_id):
    assert summary(nlp_id, "Setidaknya tiga orang telah tewas dan 8 terluka dalam serangan itu.") == [
        ("killed", 3, True),
        ("injured", 8, False),
    ]


def test_facts_offsets_and_text(nlp_id):
    text = "Kata polisi, sedikitnya dua orang tewas dan 13 terluka."
    facts = nlp_id(text)._.newsmon_facts
    assert [f.text for f in facts] == ["sedikitnya dua orang tewas", "13 terluka"]
    for fact in facts:
        assert text[fact.start : fact.end] == fact.text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Sebelas warga tewas.", [("killed", 11, False)]),
        ("Dua belas orang luka-luka.", [("injured", 12, False)]),
        ("Dua puluh lima penambang dinyatakan hilang.", [("missing", 25, False)]),
        ("Puluhan orang terluka.", [("injured", 20, True)]),
        ("Ratusan warga luka-luka.", [("injured", 200, True)]),
        ("Lebih dari 1.200 orang tewas.", [("killed", 1200, True)]),
        ("Paling sedikit 4 tentara gugur.", [("killed", 4, True)]),
        ("Seorang pengendara motor tewas di tempat.", [("killed", 1, False)]),
        ("Banjir itu menewaskan 7 orang.", [("killed", 7, False)]),
        ("Jumlah korban tewas mencapai 31 orang.", [("killed", 31, False)]),
    ],
)
def test_facts_indonesian_numbers_and_cues(nlp_id, text, expected):
    assert summary(nlp_id, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Five people were killed and twelve others were injured.", [("killed", 5, False), ("injured", 12, False)]),
        ("At least twenty-five people died.", [("killed", 25, True)]),
        ("Dozens were injured.", [("injured", 24, True)]),
        ("More than 40 were wounded.", [("injured", 40, True)]),
        ("The blast killed at least 12 people.", [("killed", 12, True)]),
        ("The death toll rose to 35.", [("killed", 35, False)]),
        ("Three children remain missing.", [("missing", 3, False)]),
        ("Three gunmen killed 5 people.", [("killed", 5, False)]),
    ],
)
def test_facts_english_numbers_and_cues(nlp_en, text, expected):
    assert summary(nlp_en, text) == expected


def test_facts_drones_intercepted_and_launched(nlp_id):
    facts = nlp_id("Pertahanan udara menembak jatuh atau mencegat 69 drone di wilayah itu.")._.newsmon_facts
    assert [(f.kind, f.number, f.qualifier) for f in facts] == [("drones", 69, "intercepted")]
    facts = nlp_id("Militer meluncurkan 40 rudal dan 12 drone ditembak jatuh.")._.newsmon_facts
    assert [(f.kind, f.number, f.qualifier) for f in facts] == [
        ("missiles", 40, "launched"),
        ("drones", 12, "intercepted"),
    ]


def test_facts_english_weapons(nlp_en):
    facts = nlp_en("Air defences shot down 23 drones, and 5 missiles were launched at the city.")._.newsmon_facts
    assert [(f.kind, f.number, f.qualifier) for f in facts] == [
        ("drones", 23, "intercepted"),
        ("missiles", 5, "launched"),
    ]


def test_facts_weapon_count_is_not_a_casualty(nlp_en):
    assert summary(nlp_en, "Ten drones killed three people.") == [("drones", 10, False), ("killed", 3, False)]


@pytest.mark.parametrize(
    "text",
    [
        "Bayi berusia dua tahun itu selamat.",  # age
        "Korban tewas berusia 5 tahun.",
        "Harga naik 20 % dan 3 persen warga terluka hatinya.",  # percentages
        "Pada 12 Februari, tidak ada korban tewas.",  # date
        "Tragedi itu terjadi pada tahun 2014 dan tewas.",  # year
        "Rusia menguasai sekitar 20 % wilayah itu.",
        "Tiga fasilitas infrastruktur terpukul.",  # a count of things, no casualty word
    ],
)
def test_facts_none_from_dates_ages_years_percentages_id(nlp_id, text):
    assert summary(nlp_id, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "A 5-year-old boy was killed.",
        "The victim, aged 34, was killed.",
        "Flight 370 was lost; the 239 people on board died.",
        "Turnout rose 12 percent and nobody was injured.",
        "On March 3 officials said nobody was hurt.",
        "Route 66 remains closed after the crash injured nobody.",
    ],
)
def test_facts_english_never_from_ages_dates_ids(nlp_en, text):
    kinds = summary(nlp_en, text)
    assert all(number not in (5, 34, 370, 12, 3, 66) for _, number, _ in kinds)


def test_facts_background_sentence_with_a_year_is_not_this_event(nlp_en):
    text = "Two people were killed on Monday. The 2023 quake killed more than 50,000 people."
    assert summary(nlp_en, text) == [("killed", 2, False)]


def test_facts_several_mentions_are_all_kept(nlp_id):
    text = "Awalnya tiga orang tewas. Kemudian polisi mengatakan lima orang tewas."
    assert summary(nlp_id, text) == [("killed", 3, False), ("killed", 5, False)]


def test_facts_fallback_language_has_no_fact_rules():
    nlp = facts_pipeline("xx")
    assert nlp("Mindestens zwölf Menschen wurden getötet.")._.newsmon_facts == []


def test_phrase_table_does_not_match_a_longer_phrase_cut_short_by_the_end_of_the_text():
    from newsmon.nlp.facts.phrase_table import PhraseTable

    table = PhraseTable({("shot",): "hit", ("shot", "and", "killed"): "killed"})
    assert table.at(["1500", "shot"], 1) == (2, "hit")
    assert table.at(["was", "shot", "and", "killed"], 1) == (4, "killed")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Two people were shot and five were wounded in the 1500 block.", [("injured", 2, False), ("injured", 5, False)]),
        ("Officers said 12 was shot.", []),  # "12" is no count, and no person either
        ("Posted: Friday, June 26, 2015 Three people were killed.", [("killed", 3, False)]),
        ("Murders reached 111 in 2013 and 3 people were killed.", []),
        ("Turnout was 40 percent; 3 yr old injured.", []),
        ("Four people were shot, one fatally.", [("injured", 3, False), ("killed", 1, False)]),
        ("Belasan warga terluka.", []),  # Indonesian rules are not English ones
    ],
)
def test_facts_english_counts_numbers_not_addresses_or_datelines(nlp_en, text, expected):
    assert sorted(summary(nlp_en, text)) == sorted(expected)


def test_facts_vague_indonesian_counts_are_their_least_value(nlp_id):
    assert summary(nlp_id, "Belasan warga terluka.") == [("injured", 11, True)]
    assert summary(nlp_id, "Puluhan orang tewas.") == [("killed", 20, True)]
