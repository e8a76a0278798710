"""The rules file: every kind of bad file names its path and line; the JSON Schema agrees with the
models; the rules in force follow the file as it changes, a bad new version is refused; a bad file
stops the worker before it starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
import yaml
from jsonschema import Draft202012Validator
from prometheus_client import CollectorRegistry
from support import REPO, SCHEMAS

from newsmon.alerts.rule_models import rules_schema
from newsmon.alerts.rules_file import DEFAULT_RULES_PATH, RulesError, RulesSource, load_rules, parse_rules
from newsmon.metrics import Metrics

GOOD = """\
version: 1
rules:
  - name: quake
    description: an earthquake with people killed
    when:
      topics: [medtop:03000000]
      facts: {killed: 1}
    severity: high
"""


def error_of(text: str) -> str:
    with pytest.raises(RulesError) as raised:
        parse_rules(textwrap.dedent(text), "rules.yaml")
    [line] = str(raised.value).splitlines()
    return line


def test_rules_file_good_file_parses():
    [rule] = parse_rules(GOOD, "rules.yaml")
    assert rule.name == "quake" and rule.severity == "high" and rule.cooldown_seconds == 0
    assert rule.when.facts == {"killed": 1}


@pytest.mark.parametrize(("text", "expected"), [
    ("version: 1\nrules: [\n  - name: x\n", "rules.yaml:3: not valid YAML: "),
    ("version: 1\nrules:\n  - name: x\n   bad: indentation\n", "rules.yaml:4: not valid YAML: "),
    ("", "rules.yaml:1: the file is empty"),
    ("- just\n- a list\n", "rules.yaml:1: Input should be a valid dictionary"),
    (GOOD.replace("    severity: high\n", "    severity: high\n    colour: red\n"),
     "rules.yaml:9: rules[0].colour: unknown key 'colour'"),
    (GOOD.replace("      facts: {killed: 1}\n", "      facts: {killed: 1}\n      weather: [rain]\n"),
     "rules.yaml:8: rules[0].when.weather: unknown key 'weather'"),
    (GOOD.replace("severity: high", "severity: extreme"),
     "rules.yaml:8: rules[0].severity: Input should be 'low', 'medium', 'high' or 'critical'\n"),
    (GOOD.replace("      facts: {killed: 1}\n", "      watchlist: 5\n"),
     "rules.yaml:7: rules[0].when.watchlist: Input should be 'any' or Input should be a valid list\n"),
    (GOOD.replace("{killed: 1}", "{killed: many}"),
     "rules.yaml:7: rules[0].when.facts.killed: Input should be a valid integer"),
    (GOOD.replace("{killed: 1}", "{killed: 0}"), "rules.yaml:7: rules[0].when.facts.killed: Input should be greater"),
    (GOOD.replace("{killed: 1}", "{beheaded: 1}"), "rules.yaml:7: rules[0].when.facts.beheaded: Input should be"),
    (GOOD.replace("medtop:03000000", "medtop:99000000"),
     "rules.yaml:6: rules[0].when.topics[0]: 'medtop:99000000' is not an IPTC Media Topic"),
    (GOOD.replace("medtop:03000000", "disaster"), "rules.yaml:6: rules[0].when.topics[0]: String should match"),
    (GOOD.replace("      topics: [medtop:03000000]\n", "      languages: [xx]\n"),
     "rules.yaml:6: rules[0].when.languages[0]: 'xx' is not an ISO 639-1 language code"),
    (GOOD.replace("      topics: [medtop:03000000]\n", "      places: [{country_code: QQ}]\n"),
     "rules.yaml:6: rules[0].when.places[0].country_code: 'QQ' is not an ISO 3166-1"),
    (GOOD.replace("      topics: [medtop:03000000]\n", "      places:\n        - {name: Kyiv, geonameid: 703448}\n"),
     "rules.yaml:7: rules[0].when.places[0]: a place is one of name, geonameid, country_code, circle, capital; "
     "got name, geonameid"),
    (GOOD.replace("      topics: [medtop:03000000]\n",
                  "      places:\n        - circle: {latitude: 95, longitude: 30, radius_km: 10}\n"),
     "rules.yaml:7: rules[0].when.places[0].circle.latitude: Input should be less than or equal to 90"),
    (GOOD.replace("    description: an earthquake with people killed\n", ""),
     "rules.yaml:3: rules[0] (missing 'description'): Field required"),
    (GOOD.replace("name: quake", "name: Quake Rule"), "rules.yaml:3: rules[0].name: String should match pattern"),
    (GOOD.replace("      topics: [medtop:03000000]\n      facts: {killed: 1}\n",
                  "      exclude_topics: [medtop:15000000]\n"),
     "rules.yaml:5: rules[0].when: give at least one of topics"),
    (GOOD.replace("version: 1", "version: 2"), "rules.yaml:1: version: Input should be 1"),
    (GOOD + "  - name: quake\n    description: again\n    when: {facts: {killed: 5}}\n    severity: low\n",
     "rules.yaml:9: rule name 'quake' is used twice"),
    (GOOD.replace("    severity: high\n", "    severity: high\n    severity: low\n"),
     "rules.yaml:9: key 'severity' is given twice"),
    ("version: 1\nrules:\n  - &r {name: a, description: d, when: {facts: {killed: 1}}, severity: low}\n  - *r\n",
     "rules.yaml:3: YAML anchors and aliases are not allowed"),
    ("version: 1\nrules: !!python/object/apply:os.system [echo hi]\n", "rules.yaml:2: not valid YAML: "),
])
def test_rules_file_bad_file_names_path_line_and_reason(text, expected):
    line = error_of(text)
    assert (line + "\n").startswith(expected), line  # a "\n" in `expected`: the whole line


def test_rules_file_unreadable_file(tmp_path):
    with pytest.raises(RulesError, match=rf"^{tmp_path / 'absent.yaml'}:1: cannot be read"):
        load_rules(tmp_path / "absent.yaml")


def test_rules_file_committed_schema_is_the_models_and_accepts_the_defaults():
    committed = json.loads((SCHEMAS / "rules.schema.json").read_text(encoding="utf-8"))
    assert committed == rules_schema(), "schemas/rules.schema.json is stale: run `newsmon schemas write`"
    Draft202012Validator.check_schema(committed)
    validator = Draft202012Validator(committed)
    default = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    assert list(validator.iter_errors(default)) == []
    load_rules(DEFAULT_RULES_PATH)
    broken = {**default, "rules": [{**default["rules"][0], "colour": "red"}]}
    assert list(validator.iter_errors(broken))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def write(path, text: str, stamp: int) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))  # a distinct modification time, whatever the file system's clock


def test_rules_source_reloads_a_changed_file_and_keeps_the_old_rules_when_the_new_is_bad(tmp_path, caplog):
    path, clock = tmp_path / "rules.yaml", Clock()
    metrics = Metrics(CollectorRegistry())
    write(path, GOOD, 1_000_000_000)
    source = RulesSource(path, check_seconds=5, metrics=metrics, clock=clock)
    assert [r.name for r in source.rules()] == ["quake"]

    write(path, GOOD.replace("name: quake", "name: tremor"), 2_000_000_000)
    clock.now += 1
    assert [r.name for r in source.rules()] == ["quake"], "looked at again before check_seconds passed"
    clock.now += 5
    assert [r.name for r in source.rules()] == ["tremor"]

    write(path, GOOD.replace("severity: high", "severity: extreme"), 3_000_000_000)
    clock.now += 5
    assert [r.name for r in source.rules()] == ["tremor"]
    assert f"{path}:8: rules[0].severity" in caplog.text
    clock.now += 5
    assert [r.name for r in source.rules()] == ["tremor"]  # the same bad file is refused once

    path.unlink()
    clock.now += 5
    assert [r.name for r in source.rules()] == ["tremor"]
    assert f"{path}: the file is gone" in caplog.text

    write(path, GOOD.replace("name: quake", "name: aftershock"), 4_000_000_000)
    clock.now += 5
    assert [r.name for r in source.rules()] == ["aftershock"]
    reloads = metrics.rules_reloads
    assert reloads.labels(outcome="loaded")._value.get() == 2
    assert reloads.labels(outcome="refused")._value.get() == 2


def test_rules_source_refuses_a_bad_file_at_start(tmp_path):
    path = tmp_path / "rules.yaml"
    write(path, GOOD.replace("{killed: 1}", "{killed: -1}"), 1_000_000_000)
    with pytest.raises(RulesError, match=rf"^{path}:7: "):
        RulesSource(path)


def test_rules_source_default_is_the_packaged_file():
    assert RulesSource().path == DEFAULT_RULES_PATH
    assert [r.name for r in RulesSource().rules()] == [r.name for r in load_rules(DEFAULT_RULES_PATH)]


def test_rules_file_bad_at_start_stops_the_worker_with_path_line_and_reason(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(GOOD.replace("    severity: high\n", "    severity: high\n    colour: red\n"), encoding="utf-8")
    # No broker runs at this address: the rules are read before any connection is tried.
    env = {**os.environ, "NEWSMON_RULES_PATH": str(path), "NEWSMON_DATA_DIR": str(tmp_path),
           "NEWSMON_KAFKA_BOOTSTRAP": "127.0.0.1:9"}
    done = subprocess.run([sys.executable, "-m", "newsmon", "worker"], capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"newsmon worker: {path}:9: rules[0].colour: unknown key 'colour'"]


def test_rules_file_the_readme_example_is_a_valid_rules_file():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = readme.split("## Rules", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    [rule] = parse_rules(example, "README.md")
    assert rule.name == "quake_near_jakarta" and rule.when.any is not None


def test_rules_check_command_names_the_rules_or_the_bad_line(tmp_path):
    def check(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "newsmon", "rules", "check", *args], capture_output=True,
                              text=True, cwd=REPO, env={**os.environ, "NEWSMON_RULES_PATH": ""}, timeout=120)

    done = check()
    assert done.returncode == 0
    assert done.stderr.strip() == f"{DEFAULT_RULES_PATH}: 5 rule(s): casualties, mass_casualty, attack_on_capital, " \
                                  "drone_or_missile_strike, watchlist_mention"
    path = tmp_path / "rules.yaml"
    path.write_text(GOOD.replace("{killed: 1}", "{kiled: 1}"), encoding="utf-8")
    done = check(str(path))
    assert done.returncode == 2
    assert done.stderr.strip().startswith(f"newsmon rules: {path}:7: rules[0].when.facts.kiled: Input should be")
