"""The trained topic classifiers (Indonesian and English) and how they join the term rules."""

import pytest

from newsmon.devtools.evaluation.readers import held_out
from newsmon.devtools.evaluation.topics import HARD_NEWS, gold_codes
from newsmon.devtools.training.topic_corpus import Example
from newsmon.devtools.training.topic_lexicon import carry_over, learn
from newsmon.devtools.training.topic_model import train
from newsmon.nlp.topics.classifier import (
    HARD_NEWS_LIKELY,
    HARD_NEWS_PRESENT,
    HARD_NEWS_SHARE,
    MODEL_CONFIDENT,
    MODEL_LANGUAGES,
    MODEL_SURE,
    combine,
    load_model,
    model_path,
    model_terms,
    model_words,
)
from newsmon.settings import Settings

POLITICS = "medtop:11000000"
SPORT, ECONOMY, CONFLICT, CRIME, DISASTER = (
    "medtop:15000000",
    "medtop:04000000",
    "medtop:16000000",
    "medtop:02000000",
    "medtop:03000000",
)


def tiny_examples() -> list[Example]:
    texts = [
        ("gol pertandingan pelatih liga " * 3, SPORT),
        ("gol stadion pemain liga " * 3, SPORT),
        ("saham inflasi bank rupiah " * 3, ECONOMY),
        ("saham investor bank bursa " * 3, ECONOMY),
    ]
    return [Example(text, code, "test", text) for text, code in texts]


def test_topic_model_words_split_reduplication_however_tokenized():
    assert model_words(["luka-luka", "di", "123", "pasar"]) == ["luka", "luka", "pasar"]
    assert model_words(["luka", "-", "luka"]) == ["luka", "luka"]
    assert model_words(["yang", "luka-yang", "pasar"], {"yang"}) == ["luka", "pasar"]  # function words out


def test_topic_model_terms_add_prefixes_of_longer_words():
    assert model_terms(["bombing", "war"], 5) == ["bombing", "war", "~bombi"]
    assert model_terms(["bombing"], 0) == ["bombing"]


def test_topic_model_ranks_by_the_words_it_learned():
    model = train("id", tiny_examples())
    sport = model.probabilities(["pelatih", "gol", "liga", "gol", "liga", "bank", "kata"])
    assert max(sport, key=sport.__getitem__) == SPORT and abs(sum(sport.values()) - 1) < 1e-6
    economy = model.probabilities(["saham", "bank", "saham", "bank", "gol"])
    assert max(economy, key=economy.__getitem__) == ECONOMY
    assert model.probabilities(["kata", "yang"]) == {}  # nothing it knows: no opinion
    # Too few words it knows for an opinion: one ambiguous word must not give a text its topic.
    assert model.probabilities(["saham", "saham", "bank", "kata"]) == {}
    assert "saham" in model.evidence(["inflasi", "saham", "gol"], ECONOMY)


def test_topic_model_long_articles_are_no_more_certain_than_their_mix_of_words():
    model = train("id", tiny_examples())
    mix = ["gol", "liga", "saham", "saham", "bank", "bank"]
    medium, long = model.probabilities(mix * 20), model.probabilities(mix * 200)
    # Unit-length features: repeating the same mix of words does not sharpen the opinion.
    assert long[ECONOMY] <= medium[ECONOMY] < 0.9


def test_combine_hard_news_the_rules_recognise_leads_over_a_confident_model():
    chosen = combine({CONFLICT: HARD_NEWS_PRESENT, ECONOMY: 0.3}, {SPORT: 0.9, ECONOMY: 0.1})
    assert [c.code for c in chosen] == [CONFLICT, ECONOMY, SPORT]
    assert not chosen[0].from_model and chosen[2].from_model
    assert chosen[2].score <= chosen[1].score  # capped: best first holds for the scores too


def test_combine_moderate_rule_evidence_of_hard_news_leads_only_when_the_model_sees_hard_news_too():
    rules = {ECONOMY: 0.6, DISASTER: HARD_NEWS_LIKELY}
    assert combine(rules, {ECONOMY: 0.9, DISASTER: 0.05})[0].code == ECONOMY  # prices up "karena banjir"
    # The model sees hard news too: the disaster leads, then the rules' economy; the model's sport does not lead.
    assert [c.code for c in combine(rules, {SPORT: 0.6, CRIME: HARD_NEWS_SHARE})][:2] == [DISASTER, ECONOMY]
    # Neither: the rules' first topic is soft news, so a sure model leads.
    assert combine(rules, {SPORT: MODEL_SURE})[0].code == SPORT
    first = {DISASTER: 0.7, "medtop:10000000": 0.3}  # the rules' own first topic is an accident
    assert combine(first, {"medtop:10000000": 0.9})[0].code == DISASTER


def test_combine_when_hard_news_leads_it_is_the_hard_news_code_that_leads():
    # A corruption bill: the rules score politics a little above crime; the override is for the crime.
    chosen = combine({POLITICS: 0.88, CRIME: HARD_NEWS_PRESENT + 0.01, ECONOMY: 0.3}, {CRIME: 0.9})
    assert [c.code for c in chosen] == [CRIME, POLITICS, ECONOMY]
    assert chosen[1].score == chosen[0].score  # capped: scores never rise down the list
    both = combine({POLITICS: 0.9, DISASTER: 0.86, CRIME: 0.87}, {SPORT: 0.9})
    assert [c.code for c in both][:3] == [CRIME, DISASTER, POLITICS]  # hard news in the rules' order


def test_combine_a_confident_model_leads_soft_news_and_keeps_the_rule_topics():
    chosen = combine({ECONOMY: 0.7, POLITICS: 0.3}, {SPORT: 0.8, ECONOMY: 0.15})
    assert [c.code for c in chosen] == [SPORT, ECONOMY, POLITICS]
    assert chosen[0].score == 0.8 and chosen[1].score == 0.7  # the rules' scores stand below it
    raised = combine({SPORT: 0.9}, {SPORT: 0.6})
    assert raised[0].code == SPORT and raised[0].score == 0.9  # a stronger rule score is kept


def test_combine_an_unsure_model_never_displaces_the_rules():
    unsure = MODEL_CONFIDENT - 0.05
    chosen = combine({POLITICS: 0.3}, {SPORT: unsure, ECONOMY: 1 - unsure})
    assert chosen[0].code == ECONOMY  # ECONOMY is confident
    chosen = combine({POLITICS: 0.3}, {SPORT: unsure, ECONOMY: unsure, CRIME: 1 - 2 * unsure})
    assert [c.code for c in chosen] == [POLITICS]


def test_combine_any_hard_news_topic_leads_when_the_rules_see_nothing_of_the_model_choice():
    assert combine({DISASTER: 0.39}, {"medtop:13000000": 0.4})[0].code == DISASTER  # "There was an earthquake."
    assert combine({DISASTER: 0.39, SPORT: 0.2}, {SPORT: 0.9})[0].code == SPORT  # the rules see sport too
    # A weak hard-news term leads only as the rules' first topic, and not over a sure model.
    assert combine({DISASTER: 0.39}, {SPORT: MODEL_SURE - 0.01})[0].code == DISASTER
    assert combine({DISASTER: 0.39}, {SPORT: MODEL_SURE})[0].code == SPORT  # a race with one "crash"
    human_interest = "medtop:08000000"
    # A quarrel at a wedding: the rules' first topic is human interest, a crime term is weak beside it.
    assert combine({human_interest: 0.75, CRIME: 0.34}, {"medtop:10000000": 0.6})[0].code == "medtop:10000000"


def test_combine_gives_a_topic_when_only_the_model_has_an_opinion():
    assert [c.code for c in combine({}, {DISASTER: 0.3, CRIME: 0.25, SPORT: 0.2})][:1] == [DISASTER]
    assert combine({}, {}) == []
    assert [c.code for c in combine({CRIME: 0.6}, {})] == [CRIME]


def test_topic_model_held_out_split_is_stable_and_about_a_fifth():
    texts = [f"Artikel nomor {n} tentang pasar" for n in range(2000)]
    share = sum(map(held_out, texts)) / len(texts)
    assert 0.15 < share < 0.25
    assert held_out("Artikel  NOMOR 7 tentang pasar") == held_out("artikel nomor 7 tentang pasar")


def test_gold_codes_take_the_longest_channel_key_and_skip_mixed_desks():
    assert gold_codes("clickid", "sindonews/Nasional/hukum") == (CRIME,)
    assert gold_codes("clickid", "kompas/Bola/Liga Inggris") == (SPORT,)  # from kompas/Bola
    assert gold_codes("clickid", "okezone/Lifestyle/Health") == ("medtop:07000000",)
    assert gold_codes("clickid", "kompas/News/Nasional") == ()  # mixed hard news: not scored
    assert gold_codes("clickid", "tempo/Kolom") == ()  # not listed: not scored
    assert gold_codes("sib200", "geography") == ()
    assert gold_codes(HARD_NEWS, f"{CONFLICT}|{CRIME}") == (CONFLICT, CRIME)


def test_lexicon_learns_word_pairs_from_parallel_sentences():
    indonesian = [f"kata{n}" for n in range(50)]
    english = [f"word{n}" for n in range(50)]
    pairs = [
        (["yang", indonesian[i], indonesian[(i + step) % 50]], ["the", english[i], english[(i + step) % 50]])
        for i in range(50)
        for step in (1, 2)
    ] + [(["jakarta", "yang", "kata3"], ["jakarta", "the", "word3"])]
    lexicon = learn(pairs)
    assert all(lexicon[indonesian[n]] == english[n] for n in range(50))
    assert lexicon["jakarta"] == "jakarta"
    assert "yang" not in lexicon  # "the" is in every sentence: a function word, never a translation
    assert carry_over(["kata7", "yang", "kata9"], lexicon) == ["word7", "word9"]


# Hard news written for these tests (not the held-out set of evaluation/data): each must get conflict,
# crime or disaster first.
HARD_NEWS_EXAMPLES = [
    (
        "en",
        "A bomb hidden in a rubbish bin exploded outside a bus station on Monday, killing four people. "
        "Police said eleven others were wounded.",
        {CONFLICT, CRIME},
    ),
    (
        "en",
        "Two men were arrested after a shooting outside a nightclub left one person dead. "
        "Detectives said the suspects had been charged with murder.",
        {CRIME},
    ),
    (
        "en",
        "Floodwater cut off three villages after the dam overflowed, and rescuers used boats to reach "
        "stranded families. Two children drowned.",
        {DISASTER},
    ),
    (
        "en",
        "Fire gutted a row of shops in the old market overnight. Firefighters fought the blaze for six hours.",
        {DISASTER},
    ),
    (
        "id",
        "Sebuah bom meledak di halte bus pada Senin pagi dan menewaskan empat orang. "
        "Polisi menyebut sebelas orang lainnya terluka.",
        {CONFLICT, CRIME},
    ),
    (
        "id",
        "Dua pria ditangkap setelah penembakan di depan sebuah kafe menewaskan satu orang. "
        "Keduanya kini berstatus tersangka pembunuhan.",
        {CRIME},
    ),
    (
        "id",
        "Banjir merendam tiga desa setelah tanggul jebol, dan tim SAR mengevakuasi warga dengan perahu karet.",
        {DISASTER},
    ),
    (
        "id",
        "Majelis hakim menjatuhkan vonis sepuluh tahun penjara kepada terdakwa kasus korupsi dana desa.",
        {CRIME},
    ),
]


@pytest.mark.skipif(
    not all(model_path(lang).is_file() for lang in MODEL_LANGUAGES),
    reason="the trained models are built by `make models`",
)
def test_shipped_models_load_and_hard_news_always_gets_a_hard_news_topic():
    from newsmon.nlp.enricher import Enricher

    for language in MODEL_LANGUAGES:
        model = load_model(language)
        assert model is not None and "trained on" in model.about and len(model.codes) == 17
    records = Enricher(Settings()).enrich([(text, lang) for lang, text, _ in HARD_NEWS_EXAMPLES])
    for (lang, text, wanted), record in zip(HARD_NEWS_EXAMPLES, records, strict=True):
        assert record.topics, (lang, text)
        assert record.topics[0].code in wanted, (lang, text, record.topics[:2])
    soft = (
        "Resep rendang daging sapi yang empuk: rebus santan dengan bumbu rempah, masak dengan api kecil "
        "selama tiga jam. Hidangan ini cocok disajikan saat makan malam bersama keluarga di rumah."
    )
    (soft_record,) = Enricher(Settings()).enrich([(soft, "id")])
    assert soft_record.topics[0].code == "medtop:10000000"  # lifestyle and leisure
