"""The enricher's tokenizer settings for speed (nlp/tokenizer.tune_for_inference) change no token."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from newsmon.devtools.training.convert import DEFAULT_DATA
from newsmon.nlp.enricher import PIPELINE_LANGUAGES, build_pipeline, trained_model_dir
from newsmon.nlp.resources import load_json
from newsmon.nlp.tokenizer import CACHE_SIZE, customise_tokenizer, tune_for_inference, warm_cache
from spacy.tokenizer import Tokenizer

SAMPLES = Path(__file__).resolve().parents[3] / "services" / "newsmon" / "samples" / "articles"
# Written for this test: each prefix, suffix and infix kind the rules know, and words the cache may hold.
AFFIXES = (
    "<b/>Rp50.000 dan US$30, (Reuters) — \"kata\" /usr 'ya' ¿qué? #tag @nama ...lalu… S$12 IDR5 "
    "rumah-rumahnya 10km 5% <a href='x'>tautan</a> 12-an Jl. Dr. Sutomo, 1/2 e-mail dr. a.n. WIB."
)


def sample_texts() -> list[str]:
    texts = [AFFIXES]
    for path in sorted(SAMPLES.glob("*.json")):
        article = json.loads(path.read_text(encoding="utf-8"))
        texts.append(f"{article.get('title', '')}\n\n{article.get('body') or article.get('text', '')}")
    assert len(texts) > 5, SAMPLES
    return texts


def untuned_tokenizer(language: str) -> Tokenizer:
    model = trained_model_dir(language)
    nlp = spacy.load(model) if model else spacy.blank(language)
    if model is None:
        customise_tokenizer(nlp.tokenizer, language)
    assert isinstance(nlp.tokenizer, Tokenizer)
    return nlp.tokenizer


def tokens(tokenizer: Tokenizer, text: str) -> list[tuple[str, str, str]]:
    return [(t.text, t.norm_, t.whitespace_) for t in tokenizer(text)]


@pytest.mark.parametrize("language", [*PIPELINE_LANGUAGES, "xx"])
def test_the_tuned_tokenizer_splits_every_text_as_spacys(language):
    tuned = build_pipeline(language).tokenizer
    untuned = untuned_tokenizer(language)
    assert isinstance(tuned, Tokenizer)
    assert tuned.prefix_search is not untuned.prefix_search
    for text in sample_texts():
        assert tokens(tuned, text) == tokens(untuned, text)
        assert tokens(tuned, text.upper()) == tokens(untuned, text.upper())


def test_the_prefix_search_is_anchored_once():
    tokenizer = untuned_tokenizer("id")
    original = tokenizer.prefix_search.__self__.pattern
    tune_for_inference(tokenizer)
    tune_for_inference(tokenizer)
    assert tokenizer.prefix_search.__self__.pattern == f"^(?:{original})"
    assert tokenizer.prefix_search("(Jakarta").group() == "("
    assert tokenizer.prefix_search("Jakarta(") is None


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_warm_up_fits_in_the_cache(language):
    nlp = spacy.blank(language)
    forms = warm_cache(nlp, load_json("lowercase_words.json")["warmed"][language])
    assert 1_000 < forms < CACHE_SIZE / 2  # room beside it for what is tokenized outside a memory zone
    assert tune_for_inference(nlp.tokenizer).max_cache_size == CACHE_SIZE


def shared_texts(language: str) -> list[str]:
    if language == "id":
        path = DEFAULT_DATA / "topics" / "id" / "clickid" / "kompas.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines()[:400] if path.is_file() else []
        return [json.loads(line)["content"] for line in lines]
    path = DEFAULT_DATA / "topics" / "en" / "sib200" / "train.tsv"
    rows = path.read_text(encoding="utf-8").splitlines()[1:] if path.is_file() else []
    return [row.split("\t")[-1] for row in rows]


@pytest.mark.shared
@pytest.mark.skipif(not DEFAULT_DATA.is_dir(), reason=f"shared data not found at {DEFAULT_DATA} (no ../shared beside the repo)")
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_tuned_tokenizer_splits_real_news_as_spacys(language):
    texts = shared_texts(language)
    if not texts:
        pytest.skip(f"no {language} text under {DEFAULT_DATA / 'topics'}")
    tuned, untuned = build_pipeline(language).tokenizer, untuned_tokenizer(language)
    differing = [text[:80] for text in texts if tokens(tuned, text) != tokens(untuned, text)]
    assert not differing
