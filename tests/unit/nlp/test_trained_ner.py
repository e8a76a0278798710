"""The trained NER pipelines (`make models`, newsmon/nlp/models/ner-<lang>/) and their use by the
enricher when the trained_ner setting (NEWSMON_TRAINED_NER) turns them on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from newsmon.nlp import tokenizer as _tokenizer  # noqa: F401  (registers newsmon.tokenizer.v1)
from newsmon.settings import Settings
from newsmon.nlp.enricher import MODELS_DIR, Enricher, build_pipeline, trained_model_dir

LANGUAGES = ("id", "en")
SEED = Path(__file__).resolve().parents[3] / ".." / "shared" / "samples" / "seed-id-kyiv-drone-attack.txt"

# Sentences written for this test (not from any data set).
ID_TEXT = (
    "Siti Rahmawati, peneliti Lembaga Ilmu Pengetahuan Indonesia, mengatakan hasilnya akan diumumkan bulan depan."
)
EN_TEXT = (
    "Sarah Thompson, who chairs the Greenfield Energy Corporation, said the company would close its plant in Manila."
)


@pytest.fixture(scope="module")
def trained() -> Enricher:
    return Enricher(Settings(trained_ner=True))


def entities(analysis) -> list[tuple[str, str, int, int]]:
    return [(e.label, e.text, e.start, e.end) for e in analysis.entities]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_model_directory_loads_as_a_single_ner(lang):
    path = trained_model_dir(lang)
    assert path == MODELS_DIR / f"ner-{lang}"
    nlp = spacy.load(path)
    assert nlp.lang == lang
    assert nlp.pipe_names == ["ner"]
    assert {"PER", "LOC", "ORG"} <= set(nlp.get_pipe("ner").labels)
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "newsmon.tokenizer.v1"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_meta_names_sources_seed_and_scores(lang):
    meta = json.loads((MODELS_DIR / f"ner-{lang}" / "meta.json").read_text(encoding="utf-8"))
    info = meta["newsmon"]
    assert info["model"] == f"spacy-ner-{lang}-v1"
    assert info["seed"] == 0
    expected = {"id": "ner/id/nergrit/train_preprocess.txt", "en": "ner/en/wikiann/train.tsv"}[lang]
    assert expected in info["sources"]
    assert info["conversion"]["train_sentences"] > 1000
    assert all(s["path"] in info["sources"] for s in info["conversion"]["sources"])
    assert 0.5 < info["dev_scores"]["ents_f"] <= 1.0
    # evaluation splits are excluded, never sources
    assert not set(info["sources"]) & set(info["conversion"]["eval_splits_excluded"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_model_is_built_from_the_training_config_in_the_repository(lang):
    """A change to training/config.cfg or BUDGETS needs `make models`: the shipped model must match."""
    from newsmon.devtools.training.__main__ import BUDGETS, CONFIG

    shipped = spacy.load(MODELS_DIR / f"ner-{lang}").config
    config = spacy.util.load_config(CONFIG, overrides=BUDGETS[lang])
    assert shipped["components"]["ner"] == config["components"]["ner"]
    assert shipped["corpora"]["train"]["augmenter"] == config["corpora"]["train"]["augmenter"]
    info = json.loads((MODELS_DIR / f"ner-{lang}" / "meta.json").read_text(encoding="utf-8"))["newsmon"]
    assert info["budget"] == BUDGETS[lang]


def test_indonesian_tokenizer_is_the_enrichers():
    """Training and inference tokenize alike: no reduplication exceptions in either."""
    text = "Korban luka-luka dibawa ke rumah sakit."
    trained = [t.text for t in spacy.load(MODELS_DIR / "ner-id").tokenizer(text)]
    assert trained == [t.text for t in build_pipeline("id").tokenizer(text)]
    assert trained[1:4] == ["luka", "-", "luka"]


def test_indonesian_sentence(trained):
    [analysis] = trained.enrich([(ID_TEXT, "id")])
    assert analysis.ner_model == "spacy-ner-id-v1+gazetteer"
    found = entities(analysis)
    assert ("PER", "Siti Rahmawati", 0, 14) in found
    assert ("ORG", "Lembaga Ilmu Pengetahuan Indonesia", 25, 59) in found
    assert ID_TEXT[25:59] == "Lembaga Ilmu Pengetahuan Indonesia"


def test_english_sentence(trained):
    [analysis] = trained.enrich([(EN_TEXT, "en")])
    assert analysis.ner_model == "spacy-ner-en-v1+gazetteer"
    found = entities(analysis)
    assert ("PER", "Sarah Thompson", 0, 14) in found
    assert ("ORG", "Greenfield Energy Corporation", 31, 60) in found
    manila = next(e for e in analysis.entities if e.text == "Manila")
    assert manila.label == "LOC" and manila.place is not None  # the gazetteer place, with coordinates


def test_fallback_language_keeps_the_rules(trained):
    [analysis] = trained.enrich([("Ein Erdbeben erschütterte Lissabon.", "de")])
    assert analysis.ner_model == "rules-gazetteer-de-v1"
    assert [e.canonical for e in analysis.entities] == ["Lisbon"]
    assert trained.enrich([("", "id"), ("", "fr")])[0].ner_model == "spacy-ner-id-v1+gazetteer"


def test_switch_off_keeps_the_rules():
    rules = Enricher(Settings(trained_ner=False))
    assert [a.ner_model for a in rules.enrich([(ID_TEXT, "id"), (EN_TEXT, "en")])] == [
        "rules-gazetteer-id-v1",
        "rules-gazetteer-en-v1",
    ]


def test_statistical_surname_mentions_get_the_full_name(trained):
    text = (
        "Menurut Hendra Wijaya, pengurus Koperasi Sejahtera Mandiri, panen tahun ini lebih baik. "
        "Wijaya mengatakan harga gabah naik."
    )
    [analysis] = trained.enrich([(text, "id")])
    assert entities(analysis) == [
        ("PER", "Hendra Wijaya", 8, 21),
        ("ORG", "Koperasi Sejahtera Mandiri", 32, 58),
        ("PER", "Wijaya", 88, 94),
    ]
    assert [e.canonical for e in analysis.entities if e.label == "PER"] == ["Hendra Wijaya", "Hendra Wijaya"]


@pytest.mark.shared
@pytest.mark.skipif(not SEED.is_file(), reason=f"seed article not found at {SEED}")
def test_seed_article_with_the_trained_model(trained):
    text = SEED.read_text(encoding="utf-8")
    [seed] = trained.enrich([(text, "id")])
    assert seed.ner_model == "spacy-ner-id-v1+gazetteer"
    persons = {e.canonical for e in seed.entities if e.label == "PER"}
    expected = {"Volodymyr Zelensky", "Vladimir Putin", "Vitaliy Klitschko", "Tymur Tkachenko", "Emmanuel Macron"}
    assert expected <= persons
    short = {e.text: e.canonical for e in seed.entities if e.label == "PER" and e.text in ("Tkachenko", "Putin")}
    assert short == {"Tkachenko": "Tymur Tkachenko", "Putin": "Vladimir Putin"}
    places = {e.canonical: e.place for e in seed.entities if e.label == "LOC" and e.place is not None}
    assert places["Kyiv"].latitude == pytest.approx(50.45, abs=0.05)
    assert places["Russia"].country_code == "RU" and places["Ukraine"].feature == "country"
    assert "BBC" in {e.canonical for e in seed.entities if e.label == "ORG"}
