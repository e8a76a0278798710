"""The NER evaluation on a tiny data folder, through the real analyze path (no ../shared needed)."""

from newsmon.devtools.evaluation import ner
from newsmon.devtools.evaluation.readers import NERGRIT, NERGRIT_LABELS, NerSet
from newsmon.devtools.evaluation.report import table
from newsmon.nlp.enricher import Enricher
from newsmon.settings import Settings

VALID = "Presiden\tO\nJoko\tB-PERSON\nWidodo\tI-PERSON\ntiba\tO\ndi\tO\nJakarta\tB-PLACE\n.\tO\n\n" \
        "Presiden\tO\nJoko\tB-PERSON\nWidodo\tI-PERSON\ntiba\tO\ndi\tO\nJakarta\tB-PLACE\n.\tO\n\n" \
        "Hujan\tO\ndi\tO\nBandung\tB-PLACE\n.\tO\n\n"


def test_evaluate_set_deduplicates_removes_train_overlap_and_scores(tmp_path):
    (tmp_path / "valid.txt").write_text(VALID, encoding="utf-8")
    keys = {"hujan di bandung ."}
    ner_set = NerSet("tiny", "id", "valid.txt", NERGRIT, NERGRIT_LABELS, "valid")
    result = ner.evaluate_set(ner_set, tmp_path, keys, Settings(), Enricher(Settings(trained_ner=False)))
    assert (result["sentences_read"], result["duplicates_removed"], result["train_overlap_removed"]) == (3, 1, 1)
    assert result["sentences_scored"] == 1 and result["gold_spans"] == 2
    assert result["ner_models"] == ["rules-gazetteer-id-v1"]
    assert "no training data" in result["trained_on"]
    micro = result["scores"]["micro"]
    assert micro["tp"] + micro["fn"] == 2
    assert "NER, strict spans: tiny valid (id)" in ner.render(result)


def test_table_aligns_columns():
    text = table("T", ["about"], ["label", "n", "F1"], [["PER", 5, 0.5], ["micro", 120, 1.0]])
    lines = text.splitlines()
    assert lines[-2] == "PER      5  0.500"
    assert lines[-1] == "micro  120  1.000"
