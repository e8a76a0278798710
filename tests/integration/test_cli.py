"""The newsmon command against the real broker: topics create, ingest, tail."""

import os
import subprocess
import sys
import uuid

import orjson
import pytest
from support import REPO, assert_valid

from newsmon import topics

pytestmark = pytest.mark.kafka


def newsmon(settings, *args, stdin: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, NEWSMON_KAFKA_BOOTSTRAP=settings.kafka_bootstrap)
    return subprocess.run([sys.executable, "-m", "newsmon", *args], input=stdin, capture_output=True, env=env,
                          cwd=REPO, timeout=timeout)


def test_cli_topics_create_is_idempotent(kafka_settings):
    first = newsmon(kafka_settings, "topics", "create")
    second = newsmon(kafka_settings, "topics", "create")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert b"nothing (all topics exist)" in second.stderr


def test_cli_ingest_files_and_stdin_then_tail_shows_them(kafka_settings, tmp_path):
    tag = uuid.uuid4().hex
    (tmp_path / f"{tag}.txt").write_text(f"Storm {tag} closed the harbour of Riverton.", encoding="utf-8")
    (tmp_path / "more.jsonl").write_text(
        "\n".join(orjson.dumps({"id": f"{tag}-{n}", "text": f"Item {n} of {tag}"}).decode() for n in range(3)) + "\n")
    newsmon(kafka_settings, "topics", "create")
    ingest = newsmon(kafka_settings, "ingest", str(tmp_path))
    assert ingest.returncode == 0, ingest.stderr
    assert b"newsmon ingest: read 4, published 4, skipped 0 already ingested, 0 not published" in ingest.stderr
    piped = newsmon(kafka_settings, "ingest", "-", stdin=orjson.dumps({"id": f"{tag}-stdin", "text": "from stdin"}))
    assert piped.returncode == 0, piped.stderr

    tail = newsmon(kafka_settings, "tail", topics.RAW, "--from-beginning", "--timeout", "5")
    assert tail.returncode == 0, tail.stderr
    ours = [orjson.loads(line) for line in tail.stdout.splitlines() if tag.encode() in line]
    assert {a["id"] for a in ours} == {tag, f"{tag}-0", f"{tag}-1", f"{tag}-2", f"{tag}-stdin"}
    for article in ours:
        assert_valid(topics.RAW, article)


def test_cli_ingest_missing_file_is_a_clear_error(kafka_settings):
    done = newsmon(kafka_settings, "ingest", "/nonexistent/feed.jsonl")
    assert done.returncode == 2
    assert b"no such file or directory: /nonexistent/feed.jsonl" in done.stderr
