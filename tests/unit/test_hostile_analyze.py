"""The hostile corpus through `newsmon analyze` (the real enricher and spaCy models): nothing
crashes, no traceback, every input is either printed or reported with the reason the corpus names."""

import re
import subprocess
import sys
import time

import orjson
import pytest
from hostile.corpus import CORPUS, PROCESSED
from support import REPO, assert_valid

from newsmon import topics
from newsmon.nlp.facts.numbers import MAX_COUNT
from newsmon.sources.files import read_sources
from newsmon.urls import require_safe_url

REPORTED = re.compile(r"^newsmon analyze: (?P<where>.+?): (?P<reason>[a-z_]+): (?P<error>.*)$")


def as_files(directory):
    """One .json file per corpus entry that a file can hold as the same single message."""
    written = {}
    for name, entry in CORPUS.items():
        value = entry.value()
        if value is None:  # a tombstone is no file
            continue
        try:
            if isinstance(orjson.loads(value), list):  # analyze reads a JSON list as one article per item
                continue
        except orjson.JSONDecodeError:
            pass
        path = directory / f"{name}.json"
        path.write_bytes(value)
        written[str(path)] = entry
    return written


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory):
    directory = tmp_path_factory.mktemp("hostile")
    written = as_files(directory)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "newsmon", "analyze", str(directory)], capture_output=True,
                          cwd=REPO, timeout=600)
    print(f"newsmon analyze: {len(written)} hostile inputs in {time.monotonic() - started:.1f} s")
    return directory, written, done


def test_hostile_analyze_exits_1_without_a_traceback(analyzed):
    _, _, done = analyzed
    assert done.returncode == 1, done.stderr.decode(errors="replace")[-3000:]
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")[-3000:]


def test_hostile_analyze_counts_balance_and_each_failure_has_its_reason(analyzed):
    directory, written, done = analyzed
    inputs = list(read_sources([str(directory)]))
    lines = done.stderr.decode(errors="replace").splitlines()
    reported = {m["where"]: m["reason"] for m in map(REPORTED.match, lines) if m}
    assert all(REPORTED.match(line) for line in lines), [line for line in lines if not REPORTED.match(line)][:5]
    printed = done.stdout.splitlines()
    assert len(printed) + len(reported) == len(inputs) == len(written)
    expected_failures = {where: entry.outcome for where, entry in written.items() if entry.outcome != PROCESSED}
    assert reported == expected_failures
    assert len(printed) == sum(entry.outcome == PROCESSED for entry in written.values())


def test_hostile_analyze_prints_only_valid_safe_records(analyzed):
    _, _, done = analyzed
    for line in done.stdout.splitlines():
        record = assert_valid(topics.ENRICHED, orjson.loads(line))
        if "url" in record:
            require_safe_url(record["url"])
        for entity in record["entities"]:
            assert record["text"][entity["start"]:entity["end"]] == entity["text"]
        for fact in record["facts"]:
            assert record["text"][fact["start"]:fact["end"]] == fact["text"]
            assert fact["number"] <= MAX_COUNT
