"""The deliver stage in a real worker process (`newsmon worker --stage deliver`) on the real broker,
delivering to a real Alertmanager and a local webhook receiver."""

from __future__ import annotations

import base64
import signal
import time
import uuid

import orjson
import pytest
from alert_samples import make_alert
from sink_servers import HANG, alertmanager, receiver  # noqa: F401  (fixtures)
from support import assert_valid, consume, metric_value, produce

from pydantic import SecretStr

from newsmon import topics
from newsmon.devtools import local_kafka
from newsmon.devtools.run import worker_process
from newsmon.kafka_clients import create_topics
from newsmon.records import Alert
from newsmon.sinks.webhook import SIGNATURE_HEADER, signature_matches

pytestmark = [pytest.mark.kafka, pytest.mark.alertmanager]

SECRET = "deliver-worker-secret"


@pytest.fixture
def deliver_settings(kafka_settings, tmp_path, alertmanager, receiver):  # noqa: F811
    settings = kafka_settings.model_copy(update={
        "worker_id": f"newsmon-test-{uuid.uuid4().hex[:8]}", "web_port": local_kafka.free_port(),
        "data_dir": tmp_path / "worker", "alertmanager_url": alertmanager.url, "webhook_url": receiver.url,
        "webhook_secret": SECRET, "delivery_attempts": 2, "delivery_backoff_seconds": 0.1,
        "delivery_timeout_seconds": 0.5, "alert_repost_seconds": 1.0,
    })
    create_topics(settings)
    return settings


def publish_alerts(settings, alerts: list[Alert]) -> list[bytes]:
    values = [orjson.dumps(a.to_json_dict()) for a in alerts]
    produce(settings, topics.ALERTS, values, keys=[a.alert_id.encode() for a in alerts])
    return values


def wait_until(what: str, check, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}", pytrace=False)


def active_in(manager, alert: Alert) -> bool:
    return any(a["status"]["state"] == "active" for a in manager.alerts(story_id=alert.article_id))


def test_the_worker_delivers_to_alertmanager_and_the_signed_webhook(deliver_settings, alertmanager, receiver):  # noqa: F811
    alert = make_alert()
    with worker_process(deliver_settings, stage="deliver") as process:
        [value] = publish_alerts(deliver_settings, [alert])
        wait_until("the alert in Alertmanager", lambda: active_in(alertmanager, alert))
        got = wait_until("the webhook call", lambda: [r for r in receiver.received if r.body == value])
        assert signature_matches(got[0].body, got[0].headers[SIGNATURE_HEADER], SecretStr(SECRET))
        # Re-posted every second: still active well past its first endsAt (4 s ahead).
        time.sleep(6)
        assert active_in(alertmanager, alert)
        assert metric_value(deliver_settings, "newsmon_deliveries_total", sink="alertmanager", outcome="reposted") >= 4
        assert process.poll() is None


def test_a_webhook_that_never_answers_dead_letters_its_alerts_and_the_worker_goes_on(
        deliver_settings, alertmanager, receiver):  # noqa: F811
    receiver.answers = [HANG]
    alerts = [make_alert() for _ in range(3)]
    with worker_process(deliver_settings, stage="deliver") as process:
        values = publish_alerts(deliver_settings, alerts)
        bad = b"{not json " + uuid.uuid4().hex.encode()
        produce(deliver_settings, topics.ALERTS, [bad], keys=[b"bad"])

        def letters(messages):
            found = {}
            for message in messages:
                record = assert_valid(topics.DEADLETTER, message.value)
                original = base64.b64decode(record["original_base64"])
                if original in values or original == bad:
                    found[original] = record
            return found if len(found) == 4 else None

        found = letters(consume(deliver_settings, topics.DEADLETTER, letters, timeout=90))
        for value in values:
            record = found[value]
            assert (record["reason"], record["stage"], record["source_topic"]) == (
                "delivery_failed", "deliver", topics.ALERTS)
            assert record["error"].startswith("webhook: no answer within 0.5 s (attempt 2 of 2")
        assert (found[bad]["reason"], found[bad]["stage"]) == ("schema_violation", "deliver")
        # Nothing lost: Alertmanager has every alert, the worker runs on and still delivers.
        for alert in alerts:
            wait_until("the alert in Alertmanager", lambda alert=alert: active_in(alertmanager, alert))
        later = make_alert()
        publish_alerts(deliver_settings, [later])
        wait_until("a later alert in Alertmanager", lambda: active_in(alertmanager, later))
        assert process.poll() is None


def test_a_restarted_worker_re_posts_the_active_alerts_from_its_table(deliver_settings, alertmanager):  # noqa: F811
    settings = deliver_settings.model_copy(update={"webhook_url": None})
    alert = make_alert()
    with worker_process(settings, stage="deliver") as process:
        publish_alerts(settings, [alert])
        wait_until("the alert in Alertmanager", lambda: active_in(alertmanager, alert))
        wait_until("the offset committed", lambda: metric_value(
            settings, "newsmon_articles_out_total", stage="deliver") >= 1)
        time.sleep(4)  # past Faust's commit interval
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    # No one re-posts it: it resolves at its endsAt.
    wait_until("the alert resolved", lambda: not active_in(alertmanager, alert), timeout=30)
    with worker_process(settings, stage="deliver") as process:
        # The new worker reads no new message for it: only the table's changelog knows the alert.
        wait_until("the alert re-posted by the new worker", lambda: active_in(alertmanager, alert), timeout=90)
        assert metric_value(settings, "newsmon_articles_in_total", stage="deliver") == 0
        assert process.poll() is None


def committed_offset(settings, group: str, partition: int) -> int | None:
    from newsmon.kafka_clients import admin_client

    with admin_client(settings) as admin:
        offsets = admin.list_group_offsets(group)[group]
    return next((meta.offset for tp, meta in offsets.items()
                 if tp.topic == topics.ALERTS and tp.partition == partition), None)


def test_an_alert_still_being_delivered_is_never_committed_past(deliver_settings, receiver, monkeypatch):  # noqa: F811
    """A webhook that hangs holds an alert in delivery while a later message of its partition (a
    tombstone) is done at once: the commit stays before the alert, so a worker killed then delivers
    it after its restart."""
    from newsmon.settings import Settings

    monkeypatch.setenv("NEWSMON_KAFKA_SESSION_TIMEOUT_SECONDS", "10")  # the killed worker's partitions move on soon
    settings = deliver_settings.model_copy(update={
        "alertmanager_url": None, "delivery_attempts": 1, "delivery_timeout_seconds": 60.0})
    receiver.answers = [HANG, 200]
    alert = make_alert()
    group = f"{Settings().worker_id}-deliver"  # the worker's group: its id comes from the environment
    with worker_process(settings, stage="deliver") as process:
        [value] = publish_alerts(settings, [alert])
        wait_until("the webhook call", lambda: receiver.received)
        produce(settings, topics.ALERTS, [None], keys=[alert.alert_id.encode()])  # same key: same partition
        [first, tombstone] = [m for m in consume(settings, topics.ALERTS, lambda ms: len(ms) >= 2, timeout=30)
                              if m.key == alert.alert_id.encode()]
        wait_until("the tombstone handled", lambda: metric_value(
            settings, "newsmon_articles_in_total", stage="deliver") >= 2)
        seen = set()
        for _ in range(15):  # Faust commits every few seconds
            seen.add(committed_offset(settings, group, first.partition))
            time.sleep(1)
        assert seen <= {None, first.offset}, f"committed past the alert still being delivered: {seen}"
        process.kill()
        process.wait(timeout=30)
    after_kill = committed_offset(settings, group, first.partition)
    assert after_kill in (None, first.offset), f"committed past the alert: {after_kill} > {first.offset}"
    with worker_process(settings, stage="deliver"):
        wait_until("the alert delivered after the restart",
                   lambda: [r for r in receiver.received[1:] if r.body == value], timeout=90)
