"""newsmon_facts on numbers built to break it: too many digits for int(), counts past 64 bits,
number words that make a splitter backtrack. A blank pipeline, so an exception is not hidden."""

from __future__ import annotations

import newsmon.nlp.facts.extractor  # noqa: F401  (registers the newsmon_facts factory)
import orjson
import pytest
from support import facts_pipeline, hang_guard

from newsmon.nlp.facts.numbers import MAX_COUNT


@pytest.fixture(scope="module")
def pipelines():
    return {lang: facts_pipeline(lang) for lang in ("en", "de", "fr", "es")}


def facts(nlp, text):
    with hang_guard(10, "newsmon_facts"):
        return [(f.kind, f.number) for f in nlp(text)._.newsmon_facts]


def test_facts_grouped_digits_of_thousands_of_digits_are_no_number(pipelines):
    huge = ",".join(["1"] + ["000"] * 2000)  # int() refuses over 4300 digits
    assert facts(pipelines["en"], f"At least {huge} people were killed.") == []


def test_facts_counts_past_the_largest_are_no_counts(pipelines):
    text = ("At least 1,000,000,000,000,000,000,000 people were killed and a million million million "
            "were injured; 12 were missing.")
    found = facts(pipelines["en"], text)
    assert found == [("missing", 12)]
    french = facts(pipelines["fr"], "Au moins 1 000 000 000 000 000 personnes ont été tuées.")
    assert all(number <= MAX_COUNT for _, number in french)


def test_facts_every_count_fits_in_64_bits(pipelines):
    nlp = pipelines["en"]
    text = " ".join(f"{n} people were killed." for n in ("9,999,999,999", "10,000,000,001", "999,999,999,999,999"))
    for fact in nlp(text)._.newsmon_facts:
        orjson.dumps(fact.number)
        assert fact.number <= MAX_COUNT


@pytest.mark.parametrize(("lang", "word"), [
    ("de", "achtzehn" * 40 + "q"),
    ("de", "einsiebenzehnacht" * 30 + "x"),
    ("es", "dieciocho" * 40 + "z"),
    ("fr", "quatre-vingt" * 40 + "w"),
    ("de", "eins" * 3000),
])
def test_facts_number_words_built_to_backtrack_take_no_time(pipelines, lang, word):
    facts(pipelines[lang], f"{word} {word} Menschen, personas, personnes.")


def test_facts_real_compound_numbers_are_still_read(pipelines):
    assert facts(pipelines["de"], "Mindestens einundzwanzig Menschen wurden getötet.") == [("killed", 21)]
    assert facts(pipelines["es"], "Al menos veintitrés personas murieron.") == [("killed", 23)]
