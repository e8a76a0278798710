"""Dashboards and rules are code, checked with the real tools.

- promtool: `check config` on both Prometheus configs, `check rules`, `test rules` (unit tests of every alert).
- A real `prometheus` scrapes a real exporter serving a private registry with every newsmon metric
  (newsmon.metrics.Metrics) and Faust's sensor metrics (setup_prometheus_sensors on an in-memory Faust app,
  fed through the sensor callbacks), then every query of the Grafana dashboard and every rule runs through
  its HTTP API and must return data.

`make test` installs prometheus/promtool (apt-get install -y prometheus). Without them these tests FAIL.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import faust
import pytest
import srsly  # spaCy's serialiser: bundles a YAML parser (ruamel), so no PyYAML dependency
from faust.sensors.prometheus import PrometheusMonitor, setup_prometheus_sensors
from faust.types import TP, RecordMetadata
from faust.types.tuples import Message
from prometheus_client import CollectorRegistry, start_http_server

from newsmon.metrics import STAGES, FeedMetrics, Metrics
from sink_servers import wait_for_server

REPO = Path(__file__).resolve().parents[2]
PROMETHEUS_DIR = REPO / "deploy" / "prometheus"
PROMETHEUS_CONFIGS = (PROMETHEUS_DIR / "prometheus.yml", PROMETHEUS_DIR / "prometheus.compose.yml")
RULES = PROMETHEUS_DIR / "rules" / "newsmon.rules.yml"
RULE_TESTS = PROMETHEUS_DIR / "rules" / "newsmon.rules.test.yml"
GRAFANA_DIR = REPO / "deploy" / "grafana"
DASHBOARD = GRAFANA_DIR / "dashboards" / "newsmon-pipeline.json"
NEWS_DASHBOARD = GRAFANA_DIR / "dashboards" / "newsmon-news.json"
DATASOURCES = GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yaml"
DATASOURCE_UID = "newsmon-prometheus"
JOB = "newsmon"
SOURCES_JOB = "newsmon-sources"  # `newsmon sources`: its own process and /metrics port

# Grafana's built-in variables, as Grafana would expand them for a short time range with a 1s scrape.
GRAFANA_BUILTINS = {"__rate_interval": "1m", "__interval": "5s", "__range": "5m"}
VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$([A-Za-z_]\w*)|\[\[(\w+)\]\]")

DEADLINE_SECONDS = 60  # every wait below stops here


def require_binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"`{name}` is not on PATH. `make test` installs it (apt-get install -y prometheus); "
                    f"or install Prometheus and put {name} on PATH.", pytrace=False)
    return path


def promtool(*args: str) -> str:
    result = subprocess.run([require_binary("promtool"), *args], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"promtool {' '.join(args)} failed:\n{output}"
    return output


def load_dashboard(path: Path = DASHBOARD) -> dict:
    return json.loads(path.read_text())


def query_panels(dashboard: dict) -> list[dict]:
    """Every panel with queries, rows' nested panels (collapsed rows) included."""
    found = []
    for panel in dashboard["panels"]:
        found += [panel, *panel.get("panels", [])]
    return [p for p in found if p.get("type") != "row"]


def dashboard_exprs(dashboard: dict) -> list[tuple[str, str]]:
    return [(f"{panel['title']} / {target['refId']}", target["expr"])
            for panel in query_panels(dashboard) for target in panel["targets"]]


def expand(expr: str, variables: dict[str, str]) -> str:
    """Replace $var, ${var}, ${var:fmt} and [[var]] like Grafana; an unknown variable fails the test."""

    def value(match: re.Match) -> str:
        name = next(g for g in match.groups() if g)
        assert name in variables, f"unknown Grafana variable ${name} in {expr!r}: add it to the test's substitutions"
        return variables[name]

    return VARIABLE.sub(value, expr)


def rules_file() -> dict:
    return srsly.read_yaml(RULES)


def rule_names(kind: str) -> list[str]:
    return [rule[kind] for group in rules_file()["groups"] for rule in group["rules"] if kind in rule]


# --- promtool ---------------------------------------------------------------------------------------

@pytest.mark.prometheus
@pytest.mark.parametrize("config", PROMETHEUS_CONFIGS, ids=lambda p: p.name)
def test_promtool_check_config(config: Path):
    output = promtool("check", "config", str(config))
    assert "SUCCESS: 1 rule files found" in output, output  # the rules/*.rules.yml glob matches the rules only


@pytest.mark.prometheus
def test_promtool_check_rules():
    output = promtool("check", "rules", str(RULES))
    assert f"SUCCESS: {len(rule_names('record')) + len(rule_names('alert'))} rules found" in output, output


@pytest.mark.prometheus
def test_promtool_test_rules():
    assert "SUCCESS" in promtool("test", "rules", str(RULE_TESTS))


def test_rule_tests_cover_every_alert_firing_and_not_and_every_recording_rule():
    tests = srsly.read_yaml(RULE_TESTS)["tests"]
    firing, silent, recorded = set(), set(), set()
    for group in tests:
        for case in group.get("alert_rule_test", []):
            (firing if case.get("exp_alerts") else silent).add(case["alertname"])
        for case in group.get("promql_expr_test", []):
            recorded.add(case["expr"])
    alerts = set(rule_names("alert"))
    assert alerts - firing == set(), "alerts never tested firing"
    assert alerts - silent == set(), "alerts never tested not firing"
    assert set(rule_names("record")) - recorded == set(), "recording rules without a promql_expr_test"


def test_both_prometheus_configs_differ_only_in_the_target():
    local, compose = (srsly.read_yaml(path) for path in PROMETHEUS_CONFIGS)
    assert [job["job_name"] for job in local["scrape_configs"]] == [JOB, SOURCES_JOB]
    assert local["scrape_configs"][0]["static_configs"] == [{"targets": ["127.0.0.1:6066"]}]
    assert compose["scrape_configs"][0]["static_configs"] == [{"targets": ["worker:6066"]}]
    assert local["scrape_configs"][1]["static_configs"] == [{"targets": ["127.0.0.1:6068"]}]
    assert compose["scrape_configs"][1]["static_configs"] == [{"targets": ["sources:6068"]}]
    for job in (0, 1):
        compose["scrape_configs"][job]["static_configs"] = local["scrape_configs"][job]["static_configs"]
    assert compose == local


# --- Grafana files ------------------------------------------------------------------------------------

def check_provisioned(dashboard: dict, uid: str) -> None:
    """A stable uid, no database id, unique panel ids, every query on the provisioned datasource."""
    datasources = srsly.read_yaml(DATASOURCES)["datasources"]
    assert [ds["uid"] for ds in datasources] == [DATASOURCE_UID]
    assert dashboard["uid"] == uid
    assert dashboard.get("id") is None, "a provisioned dashboard must not carry a database id"
    expected = {"type": "prometheus", "uid": DATASOURCE_UID}
    panels = query_panels(dashboard)
    assert len({p["id"] for p in panels + [p for p in dashboard["panels"] if p["type"] == "row"]}) == \
        len(panels) + sum(p["type"] == "row" for p in dashboard["panels"]), "panel ids must be unique"
    for panel in panels:
        assert panel.get("datasource") == expected, panel["title"]
        assert panel.get("targets"), f"{panel['title']} has no query"
        for target in panel["targets"]:
            assert target.get("datasource") == expected, f"{panel['title']} / {target.get('refId')}"
            assert target.get("expr"), f"{panel['title']} / {target.get('refId')}"
    for variable in dashboard["templating"]["list"]:
        assert variable.get("datasource") == expected, variable["name"]


def test_dashboard_has_a_stable_uid_and_every_query_uses_the_provisioned_datasource():
    dashboard = load_dashboard()
    check_provisioned(dashboard, "newsmon-pipeline")
    # The panels the ops team asked for exist.
    exprs = " ".join(expr for _, expr in dashboard_exprs(dashboard))
    for series in ("newsmon_articles_in_total", "newsmon_articles_out_total", "newsmon_deadletter_messages_total",
                   "newsmon_duplicate_articles_total", "newsmon_processing_seconds_bucket", "newsmon_alerts_total",
                   "newsmon_end_to_end_seconds_bucket", "newsmon_build_info", "up{",
                   "faust_messages_received_per_topic_total", "faust_consumer_commit_latency_bucket",
                   "newsmon_feed_fetches_total", "newsmon_feed_errors_total", "newsmon_feed_new_items_total",
                   "newsmon_feed_page_errors_total", "newsmon_feed_last_success_timestamp_seconds"):
        assert series in exprs, f"no panel queries {series}"


def test_news_dashboard_shows_alerts_places_entities_and_delivery():
    dashboard = load_dashboard(NEWS_DASHBOARD)
    check_provisioned(dashboard, "newsmon-news")
    assert dashboard["title"] == "news"
    exprs = " ".join(expr for _, expr in dashboard_exprs(dashboard))
    for series in ("newsmon_alerts_total", "newsmon_stories_total", "newsmon_alert_places_total",
                   "newsmon_alert_watchlist_mentions_total",
                   "newsmon_deliveries_total", "newsmon_delivery_seconds_bucket", "newsmon_delivery_queue",
                   'stage="deliver"'):
        assert series in exprs, f"no panel queries {series}"
    titles = {panel["title"]: panel for panel in query_panels(dashboard)}
    assert {"Alerts by severity", "Top places (countries)", "Top watchlist entities"} <= set(titles)
    assert any(title.startswith("Stories over time") for title in titles)
    # The geomap places each country's count by its ISO code through Grafana's country gazetteer.
    [geomap] = [panel for panel in titles.values() if panel["type"] == "geomap"]
    [target] = geomap["targets"]
    assert "by (country)" in target["expr"] and target["format"] == "table" and target["instant"]
    [layer] = geomap["options"]["layers"]
    assert layer["location"] == {"mode": "lookup", "lookup": "country", "gazetteer": "public/gazetteer/countries.json"}


# --- a real Prometheus on a real exporter -------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Exporter:
    port: int
    metrics: Metrics
    faust_monitor: PrometheusMonitor
    sources_port: int  # a second /metrics, as `newsmon sources` serves its own
    feed_metrics: FeedMetrics
    rounds: int = 0

    def record_round(self) -> None:
        """One round of traffic through every newsmon metric and the Faust sensor callbacks used by panels."""
        m, monitor, n = self.metrics, self.faust_monitor, self.rounds
        for stage in STAGES:
            m.articles_in.labels(stage=stage).inc(10)
            m.articles_out.labels(stage=stage).inc(8)
            m.processing_seconds.labels(stage=stage).observe(0.002)
            m.processing_seconds.labels(stage=stage).observe(0.3)
        m.deadletters.labels(stage="normalize", reason="invalid_json").inc()
        m.deadletters.labels(stage="enrich", reason="processing_error").inc()
        m.duplicates.inc()
        m.alerts.labels(rule="casualties", severity="high").inc()
        m.alerts.labels(rule="casualties", severity="critical").inc(2)
        m.rules_reloads.labels(outcome="loaded").inc()
        m.end_to_end_seconds.observe(1.5)
        m.end_to_end_seconds.observe(45)
        m.alert_places.labels(country="UA").inc(2)
        m.alert_places.labels(country="PE").inc()
        m.alert_watchlist.labels(watchlist_id="zelensky").inc()
        for sink in ("alertmanager", "webhook"):
            m.deliveries.labels(sink=sink, outcome="delivered").inc(3)
            m.deliveries.labels(sink=sink, outcome="retried").inc()
            m.delivery_seconds.labels(sink=sink).observe(0.02)
            m.delivery_seconds.labels(sink=sink).observe(0.4)
            m.delivery_queue.labels(sink=sink).set(n % 3)
        m.deliveries.labels(sink="alertmanager", outcome="reposted").inc(5)
        m.deadletters.labels(stage="deliver", reason="delivery_failed").inc()
        f = self.feed_metrics
        for feed in ("world", "lokal"):
            f.start_feed(feed)
            f.fetches.labels(feed=feed).inc(2)
            f.new_items.labels(feed=feed).inc(5)
            f.not_modified.labels(feed=feed).inc()
            f.last_success.labels(feed=feed).set(time.time())
        f.errors.labels(feed="world", kind="timeout").inc()
        f.page_errors.labels(feed="lokal", kind="http_404").inc()

        for topic in ("news.articles.raw", "news.articles.enriched"):
            tp = TP(topic, 0)
            for offset in range(n * 5, n * 5 + 5):
                message = Message(topic, 0, offset, time.time(), 0, [], b"key", b"{}", None)
                monitor.on_message_in(tp, offset, message)
                monitor.on_message_out(tp, offset, message)
            monitor.track_tp_end_offset(tp, n * 5 + 20)
            state = monitor.on_commit_initiated(None)
            monitor.on_commit_completed(None, state)
            monitor.on_tp_commit({tp: n * 5 + 5})
            state = monitor.on_send_initiated(None, topic, None, 3, 2)
            monitor.on_send_completed(None, state, RecordMetadata(topic, 0, tp, n, time.time(), 0))
        self.rounds += 1


@pytest.fixture
def exporter() -> Iterator[Exporter]:
    registry = CollectorRegistry()
    metrics = Metrics(registry, rules=("casualties",))
    app = faust.App("newsmon-observability-test", broker="memory://", store="memory://",
                    web_enabled=False, autodiscover=False)
    setup_prometheus_sensors(app, registry=registry, name_prefix="faust")  # as newsmon.stream.app does
    assert isinstance(app.monitor, PrometheusMonitor)
    server, thread = start_http_server(0, addr="127.0.0.1", registry=registry)
    sources_registry = CollectorRegistry()
    sources_server, sources_thread = start_http_server(0, addr="127.0.0.1", registry=sources_registry)
    try:
        exp = Exporter(server.server_port, metrics, app.monitor, sources_server.server_port,
                       FeedMetrics(sources_registry))
        exp.record_round()
        yield exp
    finally:
        for running, running_thread in ((server, thread), (sources_server, sources_thread)):
            running.shutdown()
            running.server_close()
            running_thread.join(timeout=5)


@dataclass
class Prometheus:
    url: str
    process: subprocess.Popen
    log: Path

    def get(self, path: str, **params: str) -> dict:
        url = f"{self.url}{path}" + (f"?{urllib.parse.urlencode(params)}" if params else "")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:  # 400/422: the body says why (e.g. a bad expression)
            return json.loads(exc.read() or b"{}") | {"http_status": exc.code}

    def query(self, expr: str) -> dict:
        return self.get("/api/v1/query", query=expr)

    def wait_for(self, what: str, check, deadline: float):
        return wait_for_server("prometheus", self.process, self.log, what, check, deadline)


def render_config(exporter_port: int, sources_port: int) -> dict:
    """The repo's prometheus.yml (jobs, rule glob), scraping the test exporters every second.

    Written as JSON, which Prometheus's YAML loader reads as it is."""
    config = srsly.read_yaml(PROMETHEUS_CONFIGS[0])
    config["global"].update(scrape_interval="1s", scrape_timeout="1s", evaluation_interval="1s")
    config["rule_files"] = [str(PROMETHEUS_DIR / rule_glob) for rule_glob in config["rule_files"]]
    job, sources_job = config["scrape_configs"]
    for scraped, port in ((job, exporter_port), (sources_job, sources_port)):
        scraped.update(scrape_interval="1s", scrape_timeout="1s", static_configs=[{"targets": [f"127.0.0.1:{port}"]}])
    return config


@pytest.fixture
def prometheus(tmp_path: Path, exporter: Exporter) -> Iterator[Prometheus]:
    binary = require_binary("prometheus")
    config = tmp_path / "prometheus.yml"
    config.write_text(json.dumps(render_config(exporter.port, exporter.sources_port), indent=2))
    port = free_port()
    log = tmp_path / "prometheus.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [binary, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
            stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    try:
        yield Prometheus(f"http://127.0.0.1:{port}", process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def has_data(response: dict) -> bool:
    """A successful instant query with at least one sample that is a number (not NaN)."""
    if response.get("status") != "success":
        return False
    data = response["data"]
    if data["resultType"] == "scalar":
        return not math.isnan(float(data["result"][1]))
    return any(not math.isnan(float(sample["value"][1])) for sample in data["result"])


def label_values(prom: Prometheus, definition: str) -> list[str]:
    """What Grafana asks Prometheus for a `label_values(selector, label)` template variable."""
    match = re.fullmatch(r"label_values\((.+),\s*(\w+)\)", definition.strip())
    assert match, f"unsupported variable query {definition!r}"
    selector, label = match.groups()
    response = prom.get(f"/api/v1/label/{label}/values", **{"match[]": selector})
    assert response.get("status") == "success", response
    return response["data"]


@pytest.mark.prometheus
def test_every_dashboard_query_and_rule_returns_data(exporter: Exporter, prometheus: Prometheus):
    deadline = time.monotonic() + DEADLINE_SECONDS
    prometheus.wait_for("/-/ready", lambda: urllib.request.urlopen(f"{prometheus.url}/-/ready", timeout=2).status == 200,
                        deadline)
    for job in (JOB, SOURCES_JOB):
        prometheus.wait_for(f'the first scrape (up{{job="{job}"}} == 1)',
                            lambda job=job: has_data(prometheus.query(f'up{{job="{job}"}} == 1')), deadline)
    # A second round after the first scrape: rate() over counters and histograms sees an increase.
    exporter.record_round()
    prometheus.wait_for("a scrape of the second round",
                        lambda: has_data(prometheus.query("newsmon_duplicate_articles_total == 2")), deadline)
    prometheus.wait_for("a scrape of the sources' second round",
                        lambda: has_data(prometheus.query('newsmon_feed_fetches_total{feed="world"} == 4')), deadline)

    # Rules: the repo's rule file is the one loaded (not the promtool test file), and all evaluate cleanly.
    def evaluated_rules():
        groups = prometheus.get("/api/v1/rules")["data"]["groups"]
        rules = [rule for group in groups for rule in group["rules"]]
        return rules if rules and all(rule["health"] != "unknown" for rule in rules) else None

    rules = prometheus.wait_for("every rule's first evaluation", evaluated_rules, deadline)
    assert sorted(r["name"] for r in rules if r["type"] == "recording") == sorted(rule_names("record"))
    assert sorted(r["name"] for r in rules if r["type"] == "alerting") == sorted(rule_names("alert"))
    assert [(r["name"], r.get("lastError")) for r in rules if r["health"] != "ok"] == []

    failures = []
    for rule in rules:
        response = prometheus.query(rule["query"])
        if rule["type"] == "alerting":  # the expression runs; whether it selects anything depends on the data
            if response.get("status") != "success":
                failures.append((f"alert {rule['name']}", rule["query"], response))
        elif not has_data(response):
            failures.append((f"recording rule {rule['name']}", rule["query"], response))
    for rule in (r for r in rules if r["type"] == "recording"):
        prometheus.wait_for(f"recorded series {rule['name']}", lambda: has_data(prometheus.query(rule["name"])),
                            deadline)

    # Dashboards: template variables, then every panel query with All selected and with one value picked.
    dashboards = [load_dashboard(), load_dashboard(NEWS_DASHBOARD)]
    all_selected = dict(GRAFANA_BUILTINS)
    one_picked = dict(GRAFANA_BUILTINS)
    for variable in (v for dashboard in dashboards for v in dashboard["templating"]["list"]):
        values = label_values(prometheus, variable["definition"])
        if not values:
            failures.append((f"variable ${variable['name']}", variable["definition"], values))
        all_selected[variable["name"]] = variable.get("allValue") or ".*"
        one_picked[variable["name"]] = "enrich" if "enrich" in values else (values or ["?"])[0]
    assert set(label_values(prometheus, 'label_values(newsmon_articles_in_total{job="newsmon"}, stage)')) == set(STAGES)

    exprs = [expr for dashboard in dashboards for expr in dashboard_exprs(dashboard)]
    assert len(exprs) >= 15 + 10
    for variables in (all_selected, one_picked):
        for where, expr in exprs:
            promql = expand(expr, variables)
            response = prometheus.query(promql)
            if not has_data(response):
                failures.append((where, promql, response))

    assert failures == [], "queries without data:\n" + "\n".join(
        f"- {where}: {promql}\n    -> {json.dumps(response)[:300]}" for where, promql, response in failures)
