"""The trained Indonesian topic classifier and how it joins the term rules."""

import pytest

from newsmon.devtools.evaluation.readers import held_out
from newsmon.devtools.training.topic_model import train
from newsmon.nlp.topics.classifier import HARD_NEWS_PRESENT, MODEL_PATH, TopicModel, combine, load_model, model_words
from newsmon.settings import Settings

SPORT, ECONOMY, CONFLICT = "medtop:15000000", "medtop:04000000", "medtop:16000000"


def tiny_model() -> TopicModel:
    examples = [
        (["gol", "pertandingan", "pelatih", "liga"] * 3, SPORT),
        (["gol", "stadion", "pemain", "liga"] * 3, SPORT),
        (["saham", "inflasi", "bank", "rupiah"] * 3, ECONOMY),
        (["saham", "investor", "bank", "bursa"] * 3, ECONOMY),
    ]
    return TopicModel(train(examples))


def test_topic_model_words_split_reduplication_however_tokenized():
    assert model_words(["luka-luka", "di", "123", "pasar"]) == ["luka", "luka", "pasar"]
    assert model_words(["luka", "-", "luka"]) == ["luka", "luka"]


def test_topic_model_ranks_by_the_words_it_learned():
    model = tiny_model()
    sport = model.probabilities(["pelatih", "gol", "liga", "kata"])
    assert max(sport, key=sport.get) == SPORT and abs(sum(sport.values()) - 1) < 1e-9
    economy = model.probabilities(["inflasi", "saham", "rupiah"])
    assert max(economy, key=economy.get) == ECONOMY
    assert model.probabilities(["kata", "yang"]) == {}  # nothing it knows: no opinion
    assert "saham" in model.evidence(["inflasi", "saham", "gol"], ECONOMY)


def test_topic_model_long_articles_are_no_more_certain_than_their_mix_of_words():
    model = tiny_model()
    mix = ["gol", "saham", "saham"]
    medium, long = model.probabilities(mix * 20), model.probabilities(mix * 200)
    assert medium[ECONOMY] == pytest.approx(long[ECONOMY])


def test_topic_model_stays_out_when_the_rules_see_hard_news():
    model_opinion = {SPORT: 0.9, ECONOMY: 0.1}
    assert combine({CONFLICT: HARD_NEWS_PRESENT}, model_opinion) == {CONFLICT: HARD_NEWS_PRESENT}
    assert combine({SPORT: 0.2, CONFLICT: 0.1}, model_opinion) == {SPORT: 0.9, ECONOMY: 0.1, CONFLICT: 0.1}
    assert combine({ECONOMY: 0.7}, model_opinion)[ECONOMY] == 0.7  # a stronger rule score is kept


def test_topic_model_held_out_split_is_stable_and_about_a_fifth():
    texts = [f"Artikel nomor {n} tentang pasar" for n in range(2000)]
    share = sum(map(held_out, texts)) / len(texts)
    assert 0.15 < share < 0.25
    assert held_out("Artikel  NOMOR 7 tentang pasar") == held_out("artikel nomor 7 tentang pasar")


@pytest.mark.skipif(not MODEL_PATH.is_file(), reason="the trained model is built by `make models`")
def test_topic_model_shipped_model_in_the_indonesian_pipeline():
    import json

    from newsmon.nlp.enricher import Enricher

    assert load_model() is not None
    assert "held-out accuracy" in json.loads(MODEL_PATH.read_text())["_about"]
    soft = ("Resep rendang daging sapi yang empuk: rebus santan dengan bumbu rempah, masak dengan api kecil "
            "selama tiga jam. Hidangan ini cocok disajikan saat makan malam bersama keluarga di rumah.")
    hard = ("Setidaknya lima orang tewas dalam serangan rudal di Kharkiv, kata pejabat militer. "
            "Pasukan pertahanan udara menembak jatuh sebagian besar drone.")
    soft_topics, hard_topics = (a.topics for a in Enricher(Settings()).enrich([(soft, "id"), (hard, "id")]))
    assert soft_topics[0].code == "medtop:10000000"  # lifestyle and leisure
    assert hard_topics[0].code == CONFLICT
