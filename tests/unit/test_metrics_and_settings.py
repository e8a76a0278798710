import pytest
from prometheus_client import CollectorRegistry, generate_latest
from pydantic import ValidationError

from newsmon.metrics import Metrics
from newsmon.devtools.run import parse_counts
from newsmon.settings import Settings


def test_metrics_names_follow_prometheus_conventions():
    registry = CollectorRegistry()
    metrics = Metrics(registry, rules=("casualties",))
    metrics.alerts.labels(rule="casualties", severity="high").inc()
    metrics.processing_seconds.labels(stage="enrich").observe(0.2)
    page = generate_latest(registry).decode()
    for series in ("newsmon_articles_in_total{stage=\"normalize\"} 0.0",
                   "newsmon_deadletter_messages_total{reason=\"invalid_json\",stage=\"normalize\"} 0.0",
                   "newsmon_alerts_total{rule=\"casualties\",severity=\"high\"} 1.0",
                   "newsmon_processing_seconds_bucket{le=\"0.25\",stage=\"enrich\"} 1.0",
                   "newsmon_end_to_end_seconds_count 0.0",
                   "newsmon_duplicate_articles_total 0.0",
                   "newsmon_build_info{version="):
        assert series in page, series


def test_runner_reads_pipeline_counts_from_a_metrics_page():
    registry = CollectorRegistry()
    metrics = Metrics(registry, rules=("casualties",))
    metrics.articles_in.labels(stage="normalize").inc(9)
    metrics.articles_out.labels(stage="enrich").inc(5)
    metrics.articles_out.labels(stage="alert").inc(5)
    metrics.deadletters.labels(stage="normalize", reason="invalid_json").inc(2)
    metrics.deadletters.labels(stage="normalize", reason="missing_text").inc()
    metrics.deadletters.labels(stage="alert", reason="schema_violation").inc()  # not an ingested article's fate
    metrics.duplicates.inc()
    metrics.alerts.labels(rule="casualties", severity="high").inc(2)
    counts = parse_counts(generate_latest(registry).decode())
    assert (counts.normalized_in, counts.enriched, counts.deadletter, counts.duplicates, counts.alerts) == (9, 5, 3, 1, 2)
    assert counts.accounted_for() == 9


def test_settings_read_the_environment_with_the_prefix(monkeypatch):
    monkeypatch.setenv("NEWSMON_KAFKA_BOOTSTRAP", "10.0.0.5:9092")
    monkeypatch.setenv("NEWSMON_TOPIC_PARTITIONS", "12")
    monkeypatch.setenv("NEWSMON_KAFKA_SASL_USERNAME", "alice")
    monkeypatch.setenv("NEWSMON_KAFKA_SASL_PASSWORD", "hunter2")
    settings = Settings()
    assert settings.kafka_bootstrap == "10.0.0.5:9092" and settings.topic_partitions == 12
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings.model_dump())


def test_settings_reject_a_bad_value_clearly(monkeypatch):
    monkeypatch.setenv("NEWSMON_TOPIC_PARTITIONS", "zero")
    with pytest.raises(ValidationError, match="topic_partitions"):
        Settings()


def test_nlp_processes_default_to_the_cores_this_process_may_use(monkeypatch, tmp_path):
    import os

    from newsmon.settings import available_cores

    monkeypatch.delenv("NEWSMON_NLP_PROCESSES", raising=False)
    allowed = len(os.sched_getaffinity(0))
    assert Settings().nlp_processes == available_cores() <= allowed
    monkeypatch.setenv("NEWSMON_NLP_PROCESSES", "3")
    assert Settings().nlp_processes == 3

    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text("max 100000\n")  # no quota: the affinity decides
    assert available_cores(cpu_max) == allowed
    cpu_max.write_text("50000 100000\n")  # half a core still needs one process
    assert available_cores(cpu_max) == 1
    cpu_max.write_text(f"{150000 * allowed} 100000\n")  # a quota above the CPUs allowed changes nothing
    assert available_cores(cpu_max) == allowed
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    cpu_max.write_text("250000 100000\n")  # docker --cpus 2.5 on a 4-core machine
    assert available_cores(cpu_max) == 3
    assert available_cores(tmp_path / "absent") == 4
