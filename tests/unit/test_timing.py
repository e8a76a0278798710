"""Counts about another time than the event: found from the sentence around the fact's span."""

from __future__ import annotations

import pytest

from newsmon.alerts.timing import other_time_marker, sentence_around, year_of


def marker(text: str, phrase: str, language: str, year: int | None = 2026) -> str | None:
    start = text.index(phrase)
    return other_time_marker(text, start, start + len(phrase), language, year)


@pytest.mark.parametrize(("language", "text", "phrase", "expected"), [
    ("en", "The 2004 tsunami killed 230,000 people across the region.", "killed 230,000 people", "2004"),
    ("en", "In 1998, 40 people were killed in a similar blast.", "40 people were killed", "1998"),
    ("en", "Last year, 12 people were killed on the same road.", "12 people were killed", "Last year"),
    ("en", "Floods have killed 300 people so far this year, officials said.", "killed 300 people",
     "so far this year"),
    ("en", "A bomb killed 7 people decades ago at the same market.", "killed 7 people", "decades ago"),
    ("id", "Tsunami tahun 2004 menewaskan 230.000 orang di Aceh.", "230.000 orang", "2004"),
    ("id", "Tahun lalu, 3 orang tewas dalam banjir di Padang.", "3 orang tewas", "Tahun lalu"),
    ("id", "Sebanyak 15 orang tewas dalam kecelakaan serupa pada tahun silam.", "15 orang tewas", "tahun silam"),
    ("id", "Sejak awal tahun, 120 orang tewas akibat demam berdarah.", "120 orang tewas", "Sejak awal tahun"),
])
def test_timing_count_about_another_time(language, text, phrase, expected):
    assert marker(text, phrase, language) == expected


@pytest.mark.parametrize(("language", "text", "phrase"), [
    ("en", "At least 12 people were killed when a bomb exploded in Quetta on Tuesday.", "At least 12 people were killed"),
    ("en", "Five people were killed in the fire, the deadliest in the city since 2019.", "Five people were killed"),
    ("en", "On 3 March 2026, 9 people were killed in a landslide.", "9 people were killed"),
    ("en", "2004 people were evacuated. Last year the dam broke. Today 4 people died.", "4 people died"),
    ("id", "Lima orang tewas dalam kebakaran ruko di Medan, Senin malam.", "Lima orang tewas"),
    ("id", "Tiga orang tewas, kebakaran terbesar sejak tahun 2015 di kota itu.", "Tiga orang tewas"),
    ("id", "Kebakaran ini menewaskan 1.200 orang.", "1.200 orang"),
])
def test_timing_count_about_this_event(language, text, phrase):
    assert marker(text, phrase, language) is None


def test_timing_year_of_the_article_is_not_another_time():
    text = "In 2026, 9 people were killed in a landslide."
    assert marker(text, "9 people were killed", "en", year=2026) is None
    assert marker(text, "9 people were killed", "en", year=2027) == "2026"


def test_timing_sentence_bounds_ignore_number_separators():
    text = "Hujan deras. Banjir menewaskan 1.200 orang di Padang. Warga mengungsi."
    start = text.index("1.200")
    begin, end = sentence_around(text, start, start + 5)
    assert text[begin:end] == "Banjir menewaskan 1.200 orang di Padang"


def test_timing_year_of_timestamps():
    assert year_of(None, "2026-11-30T08:00:00Z") == 2026
    assert year_of("Mon, 30 Nov 2026 08:00:00 GMT") == 2026
    assert year_of("yesterday", None) is None
