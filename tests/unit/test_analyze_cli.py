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
