"""A running worker follows its rules file: a changed file is used for the next articles, a bad
new version is refused (logged with its PATH:LINE: reason, counted) and the rules in force stay.
A real worker on a broker of its own."""

from __future__ import annotations

import os
import time

import orjson
import pytest
from support import assert_valid, consume, metric_value, produce

from newsmon import topics
from newsmon.devtools import local_kafka
from newsmon.devtools.chaos import worker_group
from newsmon.devtools.run import fetch_counts
from newsmon.kafka_clients import create_topics
from newsmon.settings import Settings

pytestmark = pytest.mark.kafka

RULES = """\
version: 1
rules:
  - name: {name}
    description: people killed
    when:
      facts: {{killed: 1}}
    severity: {severity}
"""


def write(path, text: str, stamp_seconds: int) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, (stamp_seconds, stamp_seconds))


def alerts_for(settings: Settings, article_id: str) -> list[tuple[str, str]]:
    """(rule, severity) of the article's alerts; none within the time: the end of the worker's log."""
    messages = consume(settings, topics.ALERTS,
                       lambda ms: any(orjson.loads(m.value)["article_id"] == article_id for m in ms), timeout=300)
    alerts = [a for a in (assert_valid(topics.ALERTS, m.value) for m in messages) if a["article_id"] == article_id]
    log = (settings.data_dir / "worker.log").read_text(errors="replace")
    assert alerts, f"no alert for {article_id} within 300 s; the worker log ends:\n{log[-3000:]}"
    return [(a["rule"], a["severity"]) for a in alerts]


def send(settings: Settings, article_id: str, place: str) -> None:
    text = f"Three people were killed in a fire that destroyed a warehouse in {place} on Monday, firefighters said."
    produce(settings, topics.RAW, [orjson.dumps({"id": article_id, "text": text, "language": "en"})])


def test_a_running_worker_reloads_its_rules_and_refuses_a_bad_version(broker_factory, tmp_path):
    broker = broker_factory("rules-reload")
    settings = Settings(kafka_bootstrap=broker.bootstrap, web_port=local_kafka.free_port(), data_dir=tmp_path / "w")
    settings.data_dir.mkdir()
    create_topics(settings)
    rules = tmp_path / "rules.yaml"
    write(rules, RULES.format(name="first_rule", severity="high"), 1_000_000)
    log_path = settings.data_dir / "worker.log"
    env = {"NEWSMON_RULES_PATH": str(rules), "NEWSMON_RULES_CHECK_SECONDS": "1"}
    with worker_group(settings, log_path, env) as worker:
        deadline = time.monotonic() + 300
        while fetch_counts(settings.web_port) is None:
            assert worker.poll() is None, log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, "the worker did not serve /metrics within 300 s"
            time.sleep(0.5)

        send(settings, "reload-1", "Medan")
        assert alerts_for(settings, "reload-1") == [("first_rule", "high")]

        # The file is looked at when an article comes, at most once a second here.
        write(rules, RULES.format(name="second_rule", severity="low"), 2_000_000)
        time.sleep(1.5)
        send(settings, "reload-2", "Surabaya")
        assert alerts_for(settings, "reload-2") == [("second_rule", "low")]
        assert metric_value(settings, "newsmon_rules_reloads_total", outcome="loaded") == 1

        write(rules, RULES.format(name="third_rule", severity="extreme"), 3_000_000)
        time.sleep(1.5)
        send(settings, "reload-3", "Semarang")
        assert alerts_for(settings, "reload-3") == [("second_rule", "low")]
        assert metric_value(settings, "newsmon_rules_reloads_total", outcome="refused") == 1
        assert worker.poll() is None
    assert f"{rules}:7: rules[0].severity: Input should be" in log_path.read_text(errors="replace")
