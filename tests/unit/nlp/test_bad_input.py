"""Awkward articles through normalize + enrich (the `newsmon analyze` path): a clear result,
possibly with nothing found, never an exception."""

import orjson
import pytest
from support import assert_valid

from newsmon import topics
from newsmon.analyze import analyze_messages
from newsmon.settings import Settings


@pytest.fixture(scope="module")
def analyze():
    from newsmon.nlp.enricher import Enricher

    enricher = Enricher(Settings())

    def run(text: str, **extra) -> dict:
        message = orjson.dumps({"id": "x", "text": text, **extra})
        [(_, result)] = list(analyze_messages([("test", message)], Settings(), enricher=enricher))
        assert not isinstance(result, dict), result
        record = assert_valid(topics.ENRICHED, result)
        for entity in record["entities"]:
            assert record["text"][entity["start"]:entity["end"]] == entity["text"]
        for fact in record["facts"]:
            assert record["text"][fact["start"]:fact["end"]] == fact["text"]
        return record

    return run


def test_bad_input_empty_text_is_a_rejection_not_an_error():
    message = orjson.dumps({"id": "e", "text": " \n "})
    [(_, result)] = list(analyze_messages([("test", message)], Settings()))
    assert result == {"reason": "empty_text", "error": "'text' is empty or only white space"}


def test_bad_input_script_no_model_knows(analyze):
    record = analyze("ሰላም ለዓለም። ዛሬ በአዲስ አበባ ዝናብ ዘነበ። " * 20)  # Amharic
    assert record["ner_model"].endswith("xx-v1") or "xx" in record["ner_model"]
    assert record["facts"] == []


def test_bad_input_one_line_of_200000_characters(analyze):
    line = ("At least 3 people were killed in Kharkiv, Ukraine, officials said and " * 3000)[:200_000]
    record = analyze(line)
    assert len(record["text"]) == 200_000 and "\n" not in record["text"]
    assert record["language"] == "en"
    assert any(f["kind"] == "killed" for f in record["facts"])


def test_bad_input_mixed_languages(analyze):
    text = ("Setidaknya lima orang tewas dalam serangan di Kharkiv, kata pejabat setempat. "
            "The mayor of Kharkiv said rescue teams were still searching the rubble. "
            "Die Behörden sprachen von einem schweren Angriff.")
    record = analyze(text)
    assert record["language"] in ("id", "en")
    assert any(e["canonical"] == "Kharkiv" for e in record["entities"])


def test_bad_input_html_left_in_the_text(analyze):
    text = ('<div class="story"><p>At least <b>4</b> people were killed when floods hit '
            '<a href="/tag/jakarta">Jakarta</a>, Indonesia.</p><script>var x = 1;</script></div>')
    record = analyze(text)
    assert record["language"] == "en"
    assert any(e["canonical"] == "Jakarta" for e in record["entities"])
