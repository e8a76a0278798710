"""The delivery decisions as plain functions: what Alertmanager is sent and until when, the webhook's
signature, the retry delays, which sinks the settings name, and the counts `make run ONCE=1` waits for."""

from __future__ import annotations

import random

import pytest
from alert_samples import make_alert
from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from newsmon.clock import epoch_from_iso, iso_from_epoch
from newsmon.devtools.run import parse_counts, settings_env
from newsmon.metrics import Metrics
from newsmon.records import AlertPlace, EnrichedArticle, Entity
from newsmon.settings import ConfigError, Settings, load_settings
from newsmon.sinks.alertmanager import (
    ENDS_AHEAD_REPOSTS,
    ActiveAlert,
    activate,
    alert_labels,
    alert_summary,
    is_expired,
    story_id_of,
    update_batch,
)
from newsmon.sinks.delivery import RetryPolicy
from newsmon.sinks.http import status_is_retryable
from newsmon.sinks.senders import configured_sinks
from newsmon.sinks.webhook import SIGNATURE_HEADER, signature, signature_matches, webhook_headers

HOUR = 3600.0


# -- Alertmanager ----------------------------------------------------------------------------------
def test_labels_name_the_rule_severity_story_and_country():
    alert = make_alert()
    assert alert_labels(alert) == {"alertname": "casualties", "severity": "high", "story_id": alert.article_id,
                                   "country": "UA"}


def test_story_id_is_the_alerts_story_once_the_record_has_one():
    alert = make_alert()
    assert story_id_of(alert) == alert.article_id

    class WithStory:  # the record to come: an alert with a story_id field
        story_id = "story-42"
        article_id = "article-1"

    assert story_id_of(WithStory()) == "story-42"  # type: ignore[arg-type]


def test_a_place_without_a_country_leaves_the_country_label_out():
    alert = make_alert(places=[AlertPlace(name="Somewhere")])
    assert "country" not in alert_labels(alert)
    assert alert_labels(make_alert(places=[AlertPlace(name="Somewhere"), AlertPlace(name="Lyon", country_code="fr")]))[
        "country"] == "FR"


def test_summary_gives_counts_topic_places_and_language():
    summary = alert_summary(make_alert())
    assert summary == ("4 killed, at least 12 injured, topic conflict, war and peace, places: Kryvyi Rih; Kyiv, "
                       "language en")


def test_an_alert_fires_a_few_reposts_ahead_and_never_past_its_active_period():
    alert = make_alert()
    created = epoch_from_iso(alert.created_at)
    active = activate(alert, None)
    assert active.starts_at == alert.created_at and active.updated_epoch == created
    posted = active.postable(created + 10, repost_seconds=60, active_seconds=6 * HOUR)
    assert epoch_from_iso(posted["endsAt"]) == pytest.approx(created + 10 + ENDS_AHEAD_REPOSTS * 60, abs=1e-3)
    assert posted["labels"] == alert_labels(alert) and posted["annotations"]["url"] == alert.url
    near_the_end = active.postable(created + 6 * HOUR - 30, repost_seconds=60, active_seconds=6 * HOUR)
    assert epoch_from_iso(near_the_end["endsAt"]) == pytest.approx(created + 6 * HOUR, abs=1e-3)
    assert not is_expired(active, created + 6 * HOUR - 1, 6 * HOUR)
    assert is_expired(active, created + 6 * HOUR, 6 * HOUR)


def test_a_replayed_old_alert_is_posted_already_resolved():
    old = make_alert(created_at=iso_from_epoch(1_000_000.0))
    posted = activate(old, None).postable(2_000_000.0, repost_seconds=60, active_seconds=6 * HOUR)
    assert epoch_from_iso(posted["endsAt"]) == pytest.approx(1_000_000.0 + 6 * HOUR, abs=1e-3)


def test_an_end_is_never_before_the_start():
    ahead = make_alert(created_at=iso_from_epoch(5_000.0))  # made on a machine whose clock runs ahead
    posted = activate(ahead, None).resolution(1_000.0)
    assert posted["endsAt"] == posted["startsAt"]


def test_a_new_version_keeps_the_start_and_resolves_the_old_labels_when_they_change():
    first = make_alert(created_at=iso_from_epoch(10_000.0))
    previous = activate(first, None)
    same_labels = make_alert(alert_id=first.alert_id, article_id=first.article_id, created_at=iso_from_epoch(10_100.0),
                             headline="[HIGH] Kryvyi Rih: 5 killed")
    current = activate(same_labels, previous)
    assert current.starts_at == first.created_at and current.updated_epoch == 10_100.0
    assert [p["annotations"]["headline"] for p in update_batch(current, previous, 10_100.0, 60, HOUR)] == [
        "[HIGH] Kryvyi Rih: 5 killed"]

    critical = activate(make_alert(alert_id=first.alert_id, article_id=first.article_id, severity="critical",
                                   created_at=iso_from_epoch(10_200.0)), current)
    resolved, firing = update_batch(critical, current, 10_200.0, 60, HOUR)
    assert resolved["labels"]["severity"] == "high" and epoch_from_iso(resolved["endsAt"]) == 10_200.0
    assert firing["labels"]["severity"] == "critical" and epoch_from_iso(firing["endsAt"]) > 10_200.0


def test_active_alert_state_round_trips_and_rejects_junk():
    active = activate(make_alert(), None)
    assert ActiveAlert.from_json(active.to_json()) == active
    for junk in (None, [], "x", [1, 2, 3, 4], ["a", "b", {}, {}]):
        assert ActiveAlert.from_json(junk) is None


# -- webhook ---------------------------------------------------------------------------------------
def test_signature_is_hmac_sha256_of_the_body():
    # RFC 4231, test case 2.
    assert signature(b"what do ya want for nothing?", SecretStr("Jefe")) == (
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")


def test_webhook_headers_sign_only_with_a_secret():
    body = b'{"alert_id": "a"}'
    assert SIGNATURE_HEADER not in webhook_headers(body, "a", None)
    headers = webhook_headers(body, "a", SecretStr("s3cret"))
    assert signature_matches(body, headers[SIGNATURE_HEADER], SecretStr("s3cret"))
    assert not signature_matches(body + b" ", headers[SIGNATURE_HEADER], SecretStr("s3cret"))
    assert not signature_matches(body, headers[SIGNATURE_HEADER], SecretStr("other"))
    assert not signature_matches(body, None, SecretStr("s3cret"))


# -- retries ---------------------------------------------------------------------------------------
def test_backoff_doubles_with_jitter_up_to_the_cap():
    policy = RetryPolicy(attempts=10, first_delay_seconds=1.0, max_delay_seconds=8.0)
    rng = random.Random(3)
    for retry, ceiling in enumerate([1, 2, 4, 8, 8, 8]):
        delays = [policy.delay(retry, rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert max(delays) - min(delays) > ceiling / 4  # jittered, not one value


@pytest.mark.parametrize("status, retryable", [(500, True), (503, True), (429, True), (408, True), (400, False),
                                               (401, False), (404, False), (422, False)])
def test_which_answers_are_worth_retrying(status, retryable):
    assert status_is_retryable(status) is retryable


# -- settings, metrics, run --once -----------------------------------------------------------------
def test_sinks_are_named_by_their_urls():
    assert configured_sinks(Settings()) == ()
    assert configured_sinks(Settings(webhook_url="http://127.0.0.1:9/hook")) == ("webhook",)
    assert configured_sinks(Settings(alertmanager_url="http://am:9093", webhook_url="https://hooks.example.org/x")) == (
        "alertmanager", "webhook")


def test_a_bad_sink_url_stops_the_process_and_the_secret_is_never_shown(monkeypatch):
    monkeypatch.setenv("NEWSMON_ALERTMANAGER_URL", "alertmanager:9093")
    monkeypatch.setenv("NEWSMON_WEBHOOK_SECRET", "hunter2-webhook")
    with pytest.raises(ConfigError, match="NEWSMON_ALERTMANAGER_URL='alertmanager:9093'"):
        load_settings()
    monkeypatch.setenv("NEWSMON_ALERTMANAGER_URL", "")  # empty: unset
    settings = load_settings()
    assert settings.alertmanager_url is None
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings)


def test_run_hands_the_sink_settings_to_the_worker(monkeypatch):
    monkeypatch.setenv("NEWSMON_WEBHOOK_URL", "http://inherited.example.org/")
    settings = Settings(alertmanager_url="http://127.0.0.1:9093", webhook_url=None, webhook_secret="s3cret",
                        delivery_attempts=2)
    env = settings_env(settings)
    assert env["NEWSMON_ALERTMANAGER_URL"] == "http://127.0.0.1:9093"
    assert env["NEWSMON_WEBHOOK_SECRET"] == "s3cret" and env["NEWSMON_DELIVERY_ATTEMPTS"] == "2"
    assert "NEWSMON_WEBHOOK_URL" not in env  # these settings have none: an inherited one must not mix in


def test_run_hands_the_worker_id_to_the_worker(monkeypatch):
    monkeypatch.setenv("NEWSMON_WORKER_ID", "inherited")
    # The child's consumer groups and changelog topics are named after it: they must be these settings'.
    assert settings_env(Settings(worker_id="newsmon-test-1"))["NEWSMON_WORKER_ID"] == "newsmon-test-1"


def test_parse_counts_reads_the_deliveries_run_once_waits_for():
    registry = CollectorRegistry()
    metrics = Metrics(registry, rules=("casualties",))
    metrics.deliveries.labels(sink="alertmanager", outcome="delivered").inc(3)
    metrics.deliveries.labels(sink="webhook", outcome="delivered").inc(2)
    metrics.deliveries.labels(sink="webhook", outcome="dead_lettered").inc()
    metrics.deliveries.labels(sink="webhook", outcome="retried").inc(5)
    metrics.deliveries.labels(sink="alertmanager", outcome="reposted").inc(7)
    from prometheus_client import generate_latest

    counts = parse_counts(generate_latest(registry).decode())
    assert (counts.delivered, counts.delivery_dead_letters) == (5, 1)


def test_alert_subjects_count_each_country_and_watchlist_entry_once_an_alert():
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    alert = make_alert(places=[AlertPlace(name="Kyiv", country_code="UA"), AlertPlace(name="Kryvyi Rih",
                                                                                         country_code="ua"),
                               AlertPlace(name="Warsaw", country_code="PL"), AlertPlace(name="Nowhere")])
    text = "Zelensky met Zelensky's staff."
    person = {"label": "PER", "canonical": "Volodymyr Zelensky", "watchlist_id": "zelensky"}
    article = EnrichedArticle(
        id="a", text=text, language="en", language_score=1.0, fingerprint="f", ner_model="rules", topics=[],
        facts=[], enriched_at="2026-01-01T00:00:00Z",
        entities=[Entity(text="Zelensky", start=0, end=8, **person), Entity(text="Zelensky", start=13, end=21, **person),
                  Entity(text="staff", start=24, end=29, label="ORG", canonical="staff")],
    )
    metrics.count_alert_subjects(alert, article)
    assert registry.get_sample_value("newsmon_alert_places_total", {"country": "UA"}) == 1
    assert registry.get_sample_value("newsmon_alert_places_total", {"country": "PL"}) == 1
    assert registry.get_sample_value("newsmon_alert_watchlist_mentions_total", {"watchlist_id": "zelensky"}) == 1


def test_a_deliver_worker_without_a_sink_stops_at_once_with_one_line():
    import subprocess
    import sys

    from support import REPO

    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "services"), "NEWSMON_KAFKA_BOOTSTRAP": "127.0.0.1:9"}
    done = subprocess.run([sys.executable, "-m", "newsmon", "worker", "--stage", "deliver"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == ("newsmon worker: the deliver stage needs NEWSMON_ALERTMANAGER_URL or "
                                   "NEWSMON_WEBHOOK_URL")
