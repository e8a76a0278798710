"""The watchlist: its file format and errors, its setting, and how its names become entities."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsmon.nlp.enricher import Enricher
from newsmon.nlp.entities.recognizer import EntityRecognizer
from newsmon.nlp.phrases import lower_tokens
from newsmon.nlp.places.gazetteer import base_gazetteer, load_gazetteer
from newsmon.nlp.places.names import fold
from newsmon.nlp.places.watchlist import PACKAGED_WATCHLIST, WatchlistError, load_watchlist, parse_watchlist
from newsmon.settings import Settings
from support import entity_pipeline


def entry(**fields) -> str:
    base = {"id": "per-ann-example", "label": "PER", "canonical": "Ann Example", "aliases": ["Anne Exampel"]}
    return json.dumps({**base, **fields}, ensure_ascii=False)


def people(doc) -> dict[str, tuple[str, str | None]]:
    return {e.text: (e._.newsmon_canonical, e._.newsmon_watchlist_id) for e in doc.ents if e.label_ == "PER"}


# -- the file ----------------------------------------------------------------------------------------
def test_watchlist_packaged_file_loads_with_people_and_organisations():
    entries = load_watchlist()
    assert {e.label for e in entries} == {"PER", "ORG"}
    assert len({e.id for e in entries}) == len(entries)
    assert load_watchlist(PACKAGED_WATCHLIST) == entries


def test_watchlist_skips_comments_and_blank_lines():
    [item] = parse_watchlist(f"# ops list\n\n{entry(note='for the test')}\n", "list.jsonl")
    assert (item.id, item.canonical, item.aliases, item.note, item.line) == (
        "per-ann-example", "Ann Example", ("Anne Exampel",), "for the test", 3
    )


@pytest.mark.parametrize(
    "second_line, problem",
    [
        ('{"id": "x", "label": "PER", "canonical": "X Y"', "not valid JSON"),
        ('["per-x"]', "expected a JSON object"),
        (entry(id="per-other", label="PERSON"), "'label' must be one of PER, ORG"),
        (entry(id=""), "'id' must be a non-empty string"),
        (entry(), "id 'per-ann-example' is already used on line 1"),
        (entry(id="per-other", canonical=" "), "'canonical' must be a non-empty string"),
        (entry(id="per-other", aliases="Ann"), "'aliases' must be a list of non-empty strings"),
        (entry(id="per-other", alias=["Ann"]), "unknown field(s) alias"),
        (
            entry(id="per-other", canonical="Other Person", aliases=["Anne Exampel"]),
            "already belongs to 'per-ann-example' (line 1)",
        ),
        (entry(id="per-other", canonical="Other Person", aliases=["Sumber"]), "'Sumber' is a common word"),
        (entry(id="per-other", canonical="Other Person", aliases=["123"]), "'123' has no letter"),
    ],
)
def test_watchlist_errors_name_the_file_and_line(second_line, problem):
    with pytest.raises(WatchlistError) as error:
        parse_watchlist(entry() + "\n" + second_line + "\n", "/etc/newsmon/watchlist.jsonl")
    assert "/etc/newsmon/watchlist.jsonl line 2" in str(error.value)
    assert problem in str(error.value)


def test_watchlist_missing_file_names_it(tmp_path):
    missing = tmp_path / "nowhere.jsonl"
    with pytest.raises(WatchlistError, match="nowhere.jsonl: cannot be read"):
        load_watchlist(missing)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_watchlist_parser_raises_only_its_own_error_on_any_text(text):
    try:
        parse_watchlist(text, "fuzz.jsonl")
    except WatchlistError as error:
        assert "fuzz.jsonl" in str(error)


# -- the setting ---------------------------------------------------------------------------------
def test_watchlist_setting_defaults_to_the_packaged_file(monkeypatch):
    monkeypatch.delenv("NEWSMON_WATCHLIST_PATH", raising=False)
    assert Settings().watchlist_path is None


def test_watchlist_setting_accepts_a_good_file(monkeypatch, tmp_path):
    path = tmp_path / "ops.jsonl"
    path.write_text(entry() + "\n", encoding="utf-8")
    monkeypatch.setenv("NEWSMON_WATCHLIST_PATH", str(path))
    assert Settings().watchlist_path == path


def test_watchlist_setting_stops_the_enrichment_build_on_a_broken_file(tmp_path):
    path = tmp_path / "ops.jsonl"
    path.write_text(entry() + "\n" + entry(id="per-b", label="VIP") + "\n", encoding="utf-8")
    with pytest.raises(WatchlistError) as error:
        Enricher(Settings(watchlist_path=path))
    assert f"{path} line 2" in str(error.value) and "'label' must be one of PER, ORG" in str(error.value)
    with pytest.raises(WatchlistError, match="absent.jsonl: cannot be read"):
        Enricher(Settings(watchlist_path=tmp_path / "absent.jsonl"))


def test_watchlist_broken_file_stops_analyze_with_one_line(tmp_path):
    path = tmp_path / "ops.jsonl"
    path.write_text("{not json\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "newsmon", "analyze"], input=b"Some text.", capture_output=True,
                          env={**os.environ, "NEWSMON_WATCHLIST_PATH": str(path)}, timeout=120)
    assert done.returncode == 2
    assert done.stderr.decode().strip().splitlines() == [
        f"newsmon analyze: watchlist {path} line 1: not valid JSON (Expecting property name enclosed in double quotes, column 2)"
    ]


# -- the gazetteer --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "written, canonical",
    [
        ("Vitali Klitschko", "Vitaliy Klitschko"),
        ("Vitaliy Klychko", "Vitaliy Klitschko"),
        ("Vitali Kličko", "Vitaliy Klitschko"),
        ("vitali klicko".title(), "Vitaliy Klitschko"),  # accents and case folded
        ("Віталій Кличко", "Vitaliy Klitschko"),
        ("Selenskyj", "Volodymyr Zelensky"),
        ("Зеленський", "Volodymyr Zelensky"),
        ("Путин", "Vladimir Putin"),
        ("OTAN", "NATO"),
        ("PBB", "United Nations"),
        ("Vereinte Nationen", "United Nations"),
    ],
)
def test_watchlist_aliases_reach_the_canonical_name(written, canonical):
    found = load_gazetteer().lookup(written, fold(written), "xx")
    assert found is not None and found.watchlist_id is not None
    assert found.canonical == canonical


def test_watchlist_short_and_all_capital_aliases_keep_their_case():
    gazetteer = load_gazetteer()
    assert gazetteer.lookup("Nato", fold("Nato"), "en") is None
    assert gazetteer.lookup("Un", fold("Un"), "en") is None
    assert gazetteer.lookup("UN", fold("UN"), "en").canonical == "United Nations"


def test_watchlist_file_replaces_the_packaged_one():
    ops = parse_watchlist(entry(aliases=["Anne Exampel"]) + "\n", "ops.jsonl")
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    gazetteer = base_gazetteer().with_watchlist(ops)
    recognizer = EntityRecognizer("en", frozenset(nlp.Defaults.stop_words), lower_tokens(nlp), gazetteer=gazetteer)
    doc = recognizer(nlp("Reporters waited for Anne Exampel while Vitali Klitschko spoke."))
    found = people(doc)
    assert found["Anne Exampel"] == ("Ann Example", "per-ann-example")
    assert found["Vitali Klitschko"] == ("Vitali Klitschko", None)  # not on this list


# -- entities -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def nlp_en():
    return entity_pipeline("en")


@pytest.fixture(scope="module")
def nlp_id():
    return entity_pipeline("id")


def test_watchlist_spellings_in_one_article_become_one_person(nlp_en):
    doc = nlp_en(
        "Kyiv mayor Vitali Klitschko said the bridge was hit. In a statement, Klychko urged calm, "
        "and the Ukrainian post spelled him Віталій Кличко."
    )
    assert people(doc) == {
        "Vitali Klitschko": ("Vitaliy Klitschko", "per-vitaliy-klitschko"),
        "Klychko": ("Vitaliy Klitschko", "per-vitaliy-klitschko"),
        "Віталій Кличко": ("Vitaliy Klitschko", "per-vitaliy-klitschko"),
    }


def test_watchlist_bare_surname_alias_and_scripts(nlp_id):
    doc = nlp_id("Selenskyj bertemu Macron di Paris, sementara Путин tidak hadir.")
    assert people(doc) == {
        "Selenskyj": ("Volodymyr Zelensky", "per-volodymyr-zelensky"),
        "Macron": ("Emmanuel Macron", "per-emmanuel-macron"),
        "Путин": ("Vladimir Putin", "per-vladimir-putin"),
    }


def test_watchlist_surname_shared_by_two_people_is_not_guessed(nlp_en):
    doc = nlp_en(
        "The boxer Wladimir Klitschko visited his brother, mayor Vitali Klitschko, on Monday. "
        "Later, Klitschko thanked the volunteers."
    )
    found = people(doc)
    assert found["Vitali Klitschko"] == ("Vitaliy Klitschko", "per-vitaliy-klitschko")
    assert found["Wladimir Klitschko"] == ("Wladimir Klitschko", None)
    assert found.get("Klitschko", (None, None))[1] is None


def test_watchlist_organisations_unify_across_languages():
    nlp_xx = entity_pipeline("xx")
    doc = nlp_xx("Die Vereinte Nationen und die NATO berieten; la OTAN respondió, dijo la ONU.")
    orgs = {e.text: (e._.newsmon_canonical, e._.newsmon_watchlist_id) for e in doc.ents if e.label_ == "ORG"}
    assert orgs == {
        "Vereinte Nationen": ("United Nations", "org-united-nations"),
        "NATO": ("NATO", "org-nato"),
        "OTAN": ("NATO", "org-nato"),
        "ONU": ("United Nations", "org-united-nations"),
    }


def test_watchlist_takes_precedence_over_the_statistical_label():
    nlp = entity_pipeline("en", statistical=[("LOC", "Zelenskyy"), ("PER", "Zelenskyy Kharkiv")])
    doc = nlp("Officials said Zelenskyy Kharkiv visit was planned.")
    assert people(doc) == {"Zelenskyy": ("Volodymyr Zelensky", "per-volodymyr-zelensky")}


def test_watchlist_statistical_person_spelled_as_an_alias_takes_the_canonical():
    # Sentence-initial, and written in lower case elsewhere ("the macron accent"): the gazetteer
    # leaves it to the statistical model, whose PER then gets the watchlist name.
    nlp = entity_pipeline("en", statistical=[("PER", "Macron")])
    doc = nlp("Macron spoke first. Typesetters call the bar over a vowel a macron.")
    assert people(doc) == {"Macron": ("Emmanuel Macron", "per-emmanuel-macron")}


def test_watchlist_longer_statistical_organisation_is_another_body():
    nlp = entity_pipeline("en", statistical=[("ORG", "United Nations Security Council")])
    doc = nlp("The United Nations Security Council met on Friday.")
    [org] = [e for e in doc.ents if e.label_ == "ORG"]
    assert (org.text, org._.newsmon_watchlist_id) == ("United Nations Security Council", None)
