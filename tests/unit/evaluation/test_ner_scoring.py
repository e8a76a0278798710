"""Strict span scoring on hand-made cases."""

import pytest

from newsmon.devtools.evaluation.ner import score_spans


def test_perfect_match():
    gold = [(0, 4, "PER"), (10, 15, "LOC")]
    scores = score_spans([(gold, list(gold))])
    assert scores["micro"]["f1"] == 1.0
    assert scores["ORG"]["gold"] == 0 and scores["ORG"]["f1"] == 0.0


def test_boundary_or_label_off_counts_as_both_false_positive_and_false_negative():
    gold = [(0, 11, "PER"), (15, 25, "LOC"), (30, 33, "ORG")]
    predicted = [(0, 4, "PER"), (15, 25, "ORG"), (30, 33, "ORG")]
    scores = score_spans([(gold, predicted)])
    assert scores["PER"] == pytest.approx({"tp": 0, "fp": 1, "fn": 1, "gold": 1, "predicted": 1,
                                           "precision": 0.0, "recall": 0.0, "f1": 0.0})
    assert (scores["LOC"]["tp"], scores["LOC"]["fn"], scores["LOC"]["fp"]) == (0, 1, 0)
    assert (scores["ORG"]["tp"], scores["ORG"]["fp"], scores["ORG"]["fn"]) == (1, 1, 0)
    assert scores["ORG"]["precision"] == 0.5 and scores["ORG"]["recall"] == 1.0
    assert scores["micro"]["tp"] == 1 and scores["micro"]["fp"] == 2 and scores["micro"]["fn"] == 2
    assert scores["micro"]["precision"] == pytest.approx(1 / 3)
    assert scores["micro"]["recall"] == pytest.approx(1 / 3)
    assert scores["micro"]["f1"] == pytest.approx(1 / 3)


def test_counts_add_up_over_sentences_and_duplicates_in_a_prediction_count_once():
    pairs = [
        ([(0, 3, "LOC")], [(0, 3, "LOC"), (0, 3, "LOC")]),
        ([(5, 9, "PER")], []),
        ([], [(1, 2, "ORG")]),
    ]
    scores = score_spans(pairs)
    assert (scores["micro"]["tp"], scores["micro"]["fp"], scores["micro"]["fn"]) == (1, 1, 1)
    assert scores["micro"]["f1"] == pytest.approx(0.5)


def test_labels_outside_the_scored_set_are_ignored():
    scores = score_spans([([(0, 3, "MISC")], [(0, 3, "MISC")])])
    assert scores["micro"]["gold"] == 0 and scores["micro"]["predicted"] == 0
