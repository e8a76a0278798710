"""De-duplication within a split and removal of sentences that occur in a train split."""

from newsmon.devtools.evaluation.readers import Sentence, deduplicate, overlap_key, remove_overlap


def test_overlap_key_ignores_case_and_spacing():
    assert overlap_key("Presiden  Joko Widodo\tdi JAKARTA ") == overlap_key("presiden joko widodo di jakarta")
    assert overlap_key("di Jakarta") != overlap_key("di Jakarta .")


def test_duplicates_within_a_split_count_once_first_kept():
    sentences = [Sentence("a", "Budi ke Bandung"), Sentence("b", "budi  ke bandung"), Sentence("c", "Ani ke Solo")]
    kept, removed = deduplicate(sentences)
    assert [s.id for s in kept] == ["a", "c"] and removed == 1


def test_sentences_seen_in_train_are_removed_and_counted():
    train = {overlap_key("kuasa hukum teamster berasal dari Edmonton")}
    sentences = [Sentence("x", "Kuasa hukum Teamster berasal dari Edmonton"), Sentence("y", "Sesuatu yang lain")]
    kept, removed = remove_overlap(sentences, train)
    assert [s.id for s in kept] == ["y"] and removed == 1
