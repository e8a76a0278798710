"""Every kind of hostile input (tests/hostile/corpus.py) through the normalize stage: the outcome
the corpus names, a record that encodes and follows its topic's schema, never an exception."""

import base64

import pytest
from hostile.corpus import CORPUS, PROCESSED
from support import assert_valid, hang_guard

from newsmon import topics
from newsmon.contracts import encode
from newsmon.deadletters import MAX_ORIGINAL_BYTES, Position
from newsmon.normalize.article import normalize_message
from newsmon.records import DeadLetter, NormalizedArticle
from newsmon.settings import Settings

HERE = Position(topics.RAW, 2, 17)
LIMIT = Settings().max_text_bytes


def normalize(value):
    return normalize_message(value, HERE, ingested_at="2026-12-01T08:00:00.000000Z", max_text_bytes=LIMIT)


def test_hostile_corpus_has_at_least_40_kinds_and_both_outcomes():
    assert len(CORPUS) >= 40
    outcomes = {entry.outcome for entry in CORPUS.values()}
    assert PROCESSED in outcomes and len(outcomes) >= 8


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_input_gets_its_outcome(name):
    entry = CORPUS[name]
    value = entry.value()
    with hang_guard(20, f"normalizing {name}"):
        result = normalize(value)
    encoded = encode(result)
    if isinstance(result, DeadLetter):
        assert result.reason == entry.outcome, f"{name}: {result.reason}: {result.error}"
        assert result.error and result.stage == "normalize"
        kept = base64.b64decode(result.original_base64)
        assert kept == (value or b"")[:MAX_ORIGINAL_BYTES]
        assert len(encoded) < topics.MAX_MESSAGE_BYTES
        assert_valid(topics.DEADLETTER, encoded)
        return
    assert entry.outcome == PROCESSED, f"{name} was processed, expected {entry.outcome}"
    assert isinstance(result, NormalizedArticle) and result.text.strip()
    assert_valid(topics.NORMALIZED, encoded)
    if entry.check:
        entry.check(result)


def test_hostile_processed_texts_are_no_duplicates_of_each_other():
    fingerprints = {}
    for name, entry in CORPUS.items():
        result = normalize(entry.value())
        if isinstance(result, NormalizedArticle):
            assert result.fingerprint not in fingerprints, f"{name} duplicates {fingerprints[result.fingerprint]}"
            fingerprints[result.fingerprint] = name
