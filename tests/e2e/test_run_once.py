"""`make run ONCE=1 INPUT=<path>`, the way the monitor is checked from outside."""

import json
import shutil
import subprocess

import orjson
import pytest
from support import REPO, SEED, assert_valid

from newsmon import topics
from newsmon.devtools.run import SAMPLES_DIR

pytestmark = pytest.mark.kafka


def run_once(input_path, timeout=600) -> tuple[list[dict], dict, str]:
    done = subprocess.run(["make", "-s", "--no-print-directory", "run", "ONCE=1", f"INPUT={input_path}"],
                          cwd=REPO, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stderr[-3000:]}"
    alerts = [assert_valid(topics.ALERTS, orjson.loads(line)) for line in done.stdout.splitlines()]
    summary = json.loads(done.stderr.strip().splitlines()[-1])
    return alerts, summary, done.stderr


def test_run_once_prints_alerts_and_a_balanced_summary(tmp_path):
    articles = tmp_path / "articles"
    shutil.copytree(SAMPLES_DIR, articles)
    sample = json.loads(next(iter(sorted(SAMPLES_DIR.glob("*.json")))).read_text())
    (articles / "mixed.jsonl").write_bytes(b"\n".join([
        orjson.dumps(dict(sample, id="copy-of-a-sample")),  # a duplicate of a sample by its text
        b'{"text": "broken',
        orjson.dumps({"id": "no-text"}),
        orjson.dumps({"id": "wrong", "text": ["not", "a", "string"]}),
    ]) + b"\n")

    alerts, summary, stderr = run_once(articles)
    sample_count = len(list(SAMPLES_DIR.glob("*.json")))
    assert summary["ingested"] == sample_count + 4
    assert summary["deadletter"] == 3
    assert summary["duplicates"] == 1
    assert summary["ingested"] == summary["enriched"] + summary["deadletter"] + summary["duplicates"], summary
    assert summary["alert_versions"] == len(alerts) >= 1  # every version, one line each
    assert summary["alerts"] == len({a["alert_id"] for a in alerts})
    assert len({(a["alert_id"], a["version"]) for a in alerts}) == len(alerts)
    for alert in alerts:
        if alert["rule"] in ("casualties", "mass_casualty"):
            assert alert["killed"] or alert["injured"]


@pytest.mark.shared
@pytest.mark.skipif(not SEED.is_file(), reason=f"the seed article is read in place from {SEED}, absent in this clone")
def test_run_once_on_the_seed_article():
    alerts, summary, _ = run_once(SEED)
    rules = {"casualties", "attack_on_capital", "drone_or_missile_strike", "watchlist_mention"}
    assert summary == {"ingested": 1, "enriched": 1, "deadletter": 0, "duplicates": 0, "alerts": len(rules),
                       "alert_versions": len(rules)}
    assert {a["rule"] for a in alerts} == rules
    [alert] = [a for a in alerts if a["rule"] == "casualties"]
    assert alert["language"] == "id" and alert["topic"]["code"] == "medtop:16000000"
    assert alert["killed"] == {"number": 2, "lower_bound": True} and alert["injured"]["number"] == 13
    assert any(p["name"] == "Kyiv" for p in alert["places"])
