"""The front doors keep their contracts: every make target is listed, make run ONCE=0 runs the monitor,
a bad setting is one line, `newsmon schemas check` guards the committed schemas, `newsmon analyze` reads
inputs as `newsmon ingest` does, and own-code deprecations fail the tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings

import orjson
import pytest
from support import REPO, SCHEMAS, assert_valid

from newsmon import topics
from newsmon.contracts import schema_path, stale_schemas, write_schemas
from newsmon.settings import ConfigError, load_settings

MAKEFILE = REPO / "Makefile"


def newsmon(*args: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsmon", *args], input=stdin, capture_output=True, cwd=REPO,
                          env={**os.environ, **(env or {})}, timeout=300)


def make(*args: str) -> str:
    done = subprocess.run(["make", "--no-print-directory", *args], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


# -- make ------------------------------------------------------------------------------------------
def test_make_help_lists_every_phony_target():
    text = MAKEFILE.read_text()
    phony = set(re.search(r"^\.PHONY:(.*?)(?<!\\)$", text, re.M | re.S).group(1).replace("\\", " ").split())
    listed = {line.split()[0] for line in make("help").splitlines() if line.strip()}
    assert phony - {"help"} <= listed, f"make help leaves out {sorted(phony - listed)}"


@pytest.mark.parametrize("once, expected", [("0", False), ("no", False), ("", False), ("1", True), ("yes", True)])
def test_make_run_once_only_when_once_is_set_to_a_true_value(once, expected):
    command = make("-n", "run", f"ONCE={once}", "INPUT=articles").strip().splitlines()[-1]
    assert command.split()[:2] == [".venv/bin/newsmon", "run"]
    assert ("--once" in command.split()) is expected


# -- settings ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "variable, value, allowed",
    [
        ("NEWSMON_WEB_PORT", "70000", "less than or equal to 65535"),
        ("NEWSMON_NLP_BATCH_TIMEOUT_SECONDS", "soon", "valid number"),
        ("NEWSMON_TRAINED_NER", "perhaps", "valid boolean"),
    ],
)
def test_bad_setting_stops_a_command_with_one_line(variable, value, allowed):
    done = newsmon("schemas", "check", env={variable: value})
    assert done.returncode == 2
    [line] = done.stderr.decode().strip().splitlines()
    assert line.startswith(f"newsmon schemas: bad setting {variable}='{value}': ") and allowed in line, line


def test_broken_watchlist_stops_the_worker_before_it_starts(tmp_path):
    watchlist = tmp_path / "watchlist.jsonl"
    watchlist.write_text('{"id": "per-x", "label": "VIP", "canonical": "X Y"}\n')
    done = newsmon("worker", env={"NEWSMON_WATCHLIST_PATH": str(watchlist), "NEWSMON_DATA_DIR": str(tmp_path)})
    assert done.returncode == 2
    assert done.stderr.decode().strip().splitlines() == [
        f"newsmon worker: watchlist {watchlist} line 1: 'label' must be one of PER, ORG, not 'VIP'"
    ]


def test_bad_secret_setting_never_shows_its_value():
    with pytest.raises(ConfigError) as error:
        load_settings(kafka_sasl_password=12345)
    assert "NEWSMON_KAFKA_SASL_PASSWORD=(hidden)" in str(error.value) and "12345" not in str(error.value)


# -- schemas -----------------------------------------------------------------------------------------
def test_schemas_check_names_a_stale_or_missing_file(tmp_path):
    write_schemas(tmp_path)
    assert stale_schemas(tmp_path) == []
    alerts = schema_path(tmp_path, topics.ALERTS)
    changed = json.loads(alerts.read_text())
    changed["properties"]["rule"]["description"] = "edited by hand"
    alerts.write_text(json.dumps(changed))
    schema_path(tmp_path, topics.DEADLETTER).unlink()
    assert {(path.name, problem.split()[0]) for path, problem in stale_schemas(tmp_path)} == {
        ("news.alerts.schema.json", "differs"), ("news.deadletter.schema.json", "missing"),
    }


def test_schemas_commands_use_the_schema_dir_setting(tmp_path):
    env = {"NEWSMON_SCHEMA_DIR": str(tmp_path)}
    assert newsmon("schemas", "check", env=env).returncode == 1
    assert newsmon("schemas", "write", env=env).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in SCHEMAS.glob("*.schema.json"))
    assert newsmon("schemas", "check", env=env).returncode == 0


# -- analyze -----------------------------------------------------------------------------------------
def test_analyze_reads_a_json_file_as_an_article_and_a_list_as_articles(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"id": "flood-1", "title": "Banjir", "language": "id",
                               "text": "Banjir merendam 200 rumah di Semarang, Jawa Tengah, pada Senin."}))
    many = tmp_path / "many.json"
    many.write_text(json.dumps([{"id": "a", "text": "Fire closed the port of Hamburg on Monday."},
                                {"id": "b", "text": "Floods cut roads around Lyon overnight."}]))
    done = newsmon("analyze", str(one), str(many))
    assert done.returncode == 0, done.stderr
    records = [assert_valid(topics.ENRICHED, orjson.loads(line)) for line in done.stdout.splitlines()]
    assert [(r["id"], r.get("title")) for r in records] == [("flood-1", "Banjir"), ("a", None), ("b", None)]
    assert records[0]["text"].startswith("Banjir merendam") and records[0]["language"] == "id"


# -- warnings ----------------------------------------------------------------------------------------
def test_deprecation_from_newsmon_code_is_an_error_and_from_elsewhere_is_not():
    with pytest.raises(DeprecationWarning):
        warnings.warn_explicit("old API", DeprecationWarning, "example.py", 1, module="newsmon.example")
    with warnings.catch_warnings(record=True):
        warnings.warn_explicit("old API", DeprecationWarning, "example.py", 1, module="somelib.example")


@pytest.mark.parametrize(("value", "printed"), [
    (b'{"text": "ok"}', {"text": "ok"}),
    (None, None),
    (b"\xff not json", {"undecodable_base64": "/yBub3QganNvbg=="}),
    (b'{"deep": ' + b"[" * 900 + b"]" * 900 + b"}", "base64"),  # orjson reads 1024 levels, writes 255
    (b'{"text": "bad \\ud800"}', "base64"),
])
def test_tail_prints_every_value_as_one_json_document(value, printed):
    from newsmon.cli import render_value

    line = orjson.loads(render_value(value))
    if printed == "base64":
        import base64

        assert base64.b64decode(line["undecodable_base64"]) == value
    else:
        assert line == printed


def test_run_with_a_broken_feeds_file_stops_before_it_starts_anything(tmp_path):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - name: no-url\n")
    done = newsmon("run", "--once", "--feeds", str(feeds))
    assert done.returncode == 2
    [line] = done.stderr.decode().strip().splitlines()
    assert line.startswith(f"newsmon run: {feeds}") and "url" in line, line
