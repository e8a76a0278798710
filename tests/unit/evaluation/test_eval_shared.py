"""The readers over the real files in ../shared/data (read in place), without running the evaluation."""

from pathlib import Path

import pytest

from newsmon.devtools.evaluation.readers import (
    EVAL_NER_SETS,
    TRAIN_NER_FILES,
    deduplicate,
    read_bio,
    read_detik,
    read_gva,
    read_tribun,
    remove_overlap,
    train_keys,
)

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / ".." / "shared" / "data"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not DATA.is_dir(), reason=f"shared data not found at {DATA} (no ../shared beside the repo)"),
]

# Sentences per eval file, from the data README and the files themselves.
EXPECTED_SENTENCES = {"NERGrit": 209, "idner-news-2k": 509, "NERP": 840, "UNER EWT": 2077, "WikiANN": 10000}


@pytest.mark.parametrize("ner_set", EVAL_NER_SETS, ids=lambda s: s.name)
def test_eval_ner_files(ner_set):
    path = DATA / ner_set.path
    if not path.is_file():
        pytest.skip(f"{ner_set.path} absent")
    sentences = read_bio(path, ner_set.fmt, ner_set.labels)
    assert len(sentences) == EXPECTED_SENTENCES[ner_set.name]
    spans = [span for s in sentences for span in s.spans]
    assert len(spans) > len(sentences) * 0.4
    assert {label for *_, label in spans} == {"PER", "LOC", "ORG"}
    for sentence in sentences[:500]:
        for start, end, _ in sentence.spans:
            piece = sentence.text[start:end]
            assert piece and piece == piece.strip() and 0 <= start < end <= len(sentence.text)
    if ner_set.name == "WikiANN":
        assert not any(s.text.startswith("en:") or " en:" in s.text for s in sentences)
    if ner_set.name == "NERP":
        assert all(s.text == s.text.lower() for s in sentences)
    unique, duplicates = deduplicate(sentences)
    assert duplicates < len(sentences) * 0.1


def test_train_overlap_is_found_where_the_readme_says():
    for relative, *_ in TRAIN_NER_FILES:
        if not (DATA / relative).is_file():
            pytest.skip(f"{relative} absent")
    keys, missing = train_keys(DATA)
    assert not missing and len(keys) > 20_000
    nerp = next(s for s in EVAL_NER_SETS if s.name == "NERP")
    unique, _ = deduplicate(read_bio(DATA / nerp.path, nerp.fmt, nerp.labels))
    _, removed = remove_overlap(unique, keys)
    # NERP test repeats 69 NERP train sentences and shares Kompas sentences with nerugm / idner-news-2k.
    assert 69 <= removed < len(unique) // 2


def test_topic_sets_and_casualties():
    detik = read_detik(DATA)
    if detik is not None:
        assert len(detik) == 852 and len({a.label for a in detik}) == 9
        assert sum(len(a.text) > 200 for a in detik) > 800
    tribun = read_tribun(DATA, "test")
    if tribun is not None:
        assert len(tribun) == 120 and len({a.label for a in tribun}) == 8
    incidents = read_gva(DATA)
    if incidents is not None:
        assert len(incidents) > 1000
        assert all(i.articles for i in incidents)
        assert sum(len(i.articles) == 1 for i in incidents) > 500
        assert all(i.killed >= 0 and i.injured >= 0 for i in incidents)
