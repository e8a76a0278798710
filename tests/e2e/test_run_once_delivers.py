"""`newsmon run --once` (what `make run ONCE=1` calls) with both sinks configured: before it exits,
every alert it printed is in a real Alertmanager and was POSTed, signed, to the webhook."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import orjson
import pytest
from pydantic import SecretStr
from sink_servers import alertmanager, receiver  # noqa: F401  (fixtures)
from support import REPO, assert_valid

from newsmon import topics
from newsmon.devtools.run import SAMPLES_DIR
from newsmon.sinks.webhook import SIGNATURE_HEADER, signature_matches

pytestmark = [pytest.mark.kafka, pytest.mark.alertmanager]

SECRET = "run-once-secret"


def test_run_once_delivers_every_alert_before_it_exits(alertmanager, receiver, tmp_path):  # noqa: F811
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    env.update(PYTHONPATH=str(REPO / "services"), NEWSMON_ALERTMANAGER_URL=alertmanager.url,
               NEWSMON_WEBHOOK_URL=receiver.url, NEWSMON_WEBHOOK_SECRET=SECRET)
    done = subprocess.run([sys.executable, "-m", "newsmon", "run", "--once", str(SAMPLES_DIR)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stderr[-3000:]}"
    alerts = [assert_valid(topics.ALERTS, orjson.loads(line)) for line in done.stdout.splitlines()]
    summary = json.loads(done.stderr.strip().splitlines()[-1])
    assert alerts and summary["alert_versions"] == len(alerts)
    assert summary["delivered"] == 2 * len(alerts) and summary["delivery_dead_letters"] == 0, summary

    hooked = {}
    for call in receiver.received:
        assert signature_matches(call.body, call.headers[SIGNATURE_HEADER], SecretStr(SECRET))
        hooked[orjson.loads(call.body)["alert_id"]] = orjson.loads(call.body)
    assert set(hooked) == {a["alert_id"] for a in alerts}
    shown = alertmanager.alerts()
    for alert in alerts:
        [found] = [a for a in shown
                   if a["labels"]["story_id"] == alert["story_id"] and a["labels"]["alertname"] == alert["rule"]]
        assert found["labels"]["alertname"] == alert["rule"] and found["labels"]["severity"] == alert["severity"]
        assert found["annotations"]["headline"] == alert["headline"]
