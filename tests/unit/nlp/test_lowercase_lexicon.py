"""The lexicon of lower-case words (training/lexicon.py) and the rule that reads it (entities.py)."""

from __future__ import annotations

import json

import pytest
from newsmon.devtools.training.convert import DEFAULT_DATA
from newsmon.devtools.training.lexicon import OUTPUT, lowercase_words
from support import entity_pipeline


def test_lexicon_holds_ordinary_words_not_names():
    table = json.loads(OUTPUT.read_text(encoding="utf-8"))
    assert {"terjadi", "berkaitan", "pendiri"} <= set(table["id"])
    assert "people" in table["en"]
    assert not {"rusia", "indonesia", "jakarta"} & set(table["id"])


def test_sentence_initial_ordinary_word_from_the_model_is_dropped():
    nlp = entity_pipeline("id", [("LOC", "Terjadi"), ("PER", "Pendiri"), ("LOC", "Rusia"), ("PER", "Terjadi Sutrisno")])
    doc = nlp("Terjadi kebakaran di gudang. Rusia membantah. Pendiri perusahaan itu hadir.")
    assert [e.text for e in doc.ents] == ["Rusia"]
    named = nlp("Terjadi Sutrisno hadir.")  # two words: a name the lexicon does not judge
    assert [e.text for e in named.ents] == ["Terjadi Sutrisno"]


def test_one_word_from_the_model_that_the_language_writes_in_lower_case_is_dropped():
    nlp = entity_pipeline("id", [("PER", "Lebaran"), ("PER", "Surat"), ("PER", "Sutrisno"), ("ORG", "Surat Kabar Kompas")])
    doc = nlp("Harga naik menjelang Lebaran, kata Sutrisno. Ia membaca Surat Kabar Kompas tadi.")
    assert [e.text for e in doc.ents] == ["Sutrisno", "Surat Kabar Kompas"]  # a longer name may hold such a word
    english = entity_pipeline("en", [("LOC", "Disaster"), ("ORG", "AFAD")])
    doc = english("Data from the Disaster and Emergency Management Authority (AFAD) showed it.")
    assert [e.text for e in doc.ents] == ["AFAD"]


@pytest.mark.shared
@pytest.mark.skipif(not DEFAULT_DATA.is_dir(), reason=f"shared data not found at {DEFAULT_DATA} (no ../shared beside the repo)")
def test_lexicon_file_is_what_the_build_gives():
    table = json.loads(OUTPUT.read_text(encoding="utf-8"))
    for lang in ("id", "en"):
        lexicon = lowercase_words(lang, DEFAULT_DATA)
        assert (table[lang], table["warmed"][lang]) == (lexicon.words, lexicon.warmed)
        assert set(lexicon.warmed) < set(lexicon.words)


def test_ordinary_first_word_does_not_swallow_a_place():
    nlp = entity_pipeline("en", [("ORG", "Attacks on Kiev and")])
    doc = nlp("Attacks on Kiev and Kharkiv.")
    assert [(e.text, e.label_, e._.newsmon_canonical) for e in doc.ents] == [("Kiev", "LOC", "Kyiv"), ("Kharkiv", "LOC", "Kharkiv")]
