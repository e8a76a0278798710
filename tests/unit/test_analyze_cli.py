"""`newsmon analyze`: the enrichment with no broker, JSONL in and JSONL out."""

import json
import subprocess
import sys

import orjson
from support import REPO, assert_valid

from newsmon import topics
from newsmon.devtools.run import SAMPLES_DIR


def analyze(*args: str, stdin: bytes) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsmon", "analyze", *args], input=stdin, capture_output=True,
                          cwd=REPO, timeout=120)


def test_analyze_jsonl_in_jsonl_out_one_record_per_article():
    samples = [json.loads(p.read_text()) for p in sorted(SAMPLES_DIR.glob("*.json"))]
    lines = [orjson.dumps({k: s[k] for k in ("id", "text", "title", "language", "url", "published")}) for s in samples]
    done = analyze("--jsonl", "-", stdin=b"\n".join(lines) + b"\n")
    assert done.returncode == 0, done.stderr.decode()
    records = [assert_valid(topics.ENRICHED, orjson.loads(line)) for line in done.stdout.splitlines()]
    assert [r["id"] for r in records] == [s["id"] for s in samples]
    by_id = {r["id"]: r for r in records}
    kharkiv = by_id["sample-id-kharkiv-shelling"]
    assert kharkiv["language"] == "id" and kharkiv["topics"][0]["code"] == "medtop:16000000"
    assert any(e["canonical"] == "Kharkiv" and e["place"] for e in kharkiv["entities"])


def test_analyze_plain_text_from_stdin():
    text = "At least four people were killed and 12 injured when a bus overturned near Nairobi, Kenya, police said."
    done = analyze(stdin=text.encode())
    assert done.returncode == 0, done.stderr.decode()
    record = assert_valid(topics.ENRICHED, orjson.loads(done.stdout))
    assert record["language"] == "en"
    assert {(f["kind"], f["number"]) for f in record["facts"]} >= {("killed", 4), ("injured", 12)}


def test_analyze_reports_bad_lines_and_goes_on():
    stdin = b'{"id": "ok", "text": "Floods closed roads in Jakarta."}\n{broken\n{"id": "empty", "text": ""}\n'
    done = analyze("--jsonl", stdin=stdin)
    assert done.returncode == 1
    assert [orjson.loads(line)["id"] for line in done.stdout.splitlines()] == ["ok"]
    assert b"stdin:2: invalid_json" in done.stderr and b"stdin:3: empty_text" in done.stderr


def test_analyze_hostile_lines_are_enriched_safely_or_reported_one_line_each_without_a_traceback():
    stdin = b"\n".join([
        b'{"id": "s", "text": "bad \\ud800 surrogate in Riverton"}',
        b"[" * 3000 + b"]" * 3000,
        b'{"id": "j", "text": "Floods closed roads in Jakarta.", "url": "javascript:alert(1)"}',
        b'{"text": "x", "n": NaN}',
        b'{"text": {"nested": true}}',
    ]) + b"\n"
    done = analyze("--jsonl", stdin=stdin)
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr
    surrogate, javascript = [assert_valid(topics.ENRICHED, orjson.loads(line)) for line in done.stdout.splitlines()]
    assert surrogate["text"] == "bad \ufffd surrogate in Riverton"
    assert "url" not in javascript
    assert javascript["notes"] == ["url dropped: scheme 'javascript' is not http or https"]
    lines = done.stderr.decode().splitlines()
    assert [line.split(": ")[1:3] for line in lines] == [
        ["stdin:2", "invalid_json"], ["stdin:4", "invalid_json"], ["stdin:5", "wrong_type"]]


def test_analyze_help_documents_the_exit_status():
    done = subprocess.run([sys.executable, "-m", "newsmon", "analyze", "--help"], capture_output=True, cwd=REPO,
                          timeout=60)
    assert b"exit status:" in done.stdout and b"1  some input was rejected or failed" in done.stdout


def test_analyze_an_article_whose_enrichment_fails_is_reported_and_the_batch_goes_on(monkeypatch):
    import newsmon.analyze as analyze_module
    from newsmon.nlp.enricher import Enricher
    from newsmon.settings import Settings

    real = analyze_module.enrich_articles

    def fails_on_poison(enricher, articles):
        if any(a.id == "poison" for a in articles):
            raise ValueError("a component broke on this text")
        return real(enricher, articles)

    monkeypatch.setattr(analyze_module, "enrich_articles", fails_on_poison)
    messages = [(f"in:{i}", orjson.dumps({"id": i, "text": f"Floods closed {i} roads in Jakarta."}))
                for i in ("first", "poison", "last")]
    settings = Settings()
    results = dict(analyze_module.analyze_messages(messages, settings, enricher=Enricher(settings)))
    assert results["in:poison"] == {"reason": "processing_error",
                                    "error": "enrichment failed: ValueError: a component broke on this text"}
    assert results["in:first"].id == "first" and results["in:last"].id == "last"
