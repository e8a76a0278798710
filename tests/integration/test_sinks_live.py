"""The sinks against real receivers: a real `prometheus-alertmanager` read back through its API v2,
and a local HTTP server that checks the webhook's HMAC and answers as scripted (500 then 200; never).

Skipped only when the alertmanager binary is absent (`make setup-prometheus` installs it)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from pathlib import Path

import orjson
import pytest
from alert_samples import make_alert
from prometheus_client import CollectorRegistry
from pydantic import SecretStr
from sink_servers import HANG, alertmanager, alertmanager_binary, receiver  # noqa: F401  (fixtures)

from newsmon.clock import epoch_from_iso, iso_from_epoch
from newsmon.deadletters import Position
from newsmon.metrics import Metrics
from newsmon.records import Alert
from newsmon.settings import Settings
from newsmon.sinks.delivery import Job, RetryPolicy, SinkQueue
from newsmon.sinks.http import HttpPoster
from newsmon.sinks.senders import AlertmanagerSink, WebhookSink
from newsmon.sinks.webhook import SIGNATURE_HEADER, signature_matches

SECRET = "webhook-secret-for-tests"


def sample(registry: CollectorRegistry, sink: str, outcome: str) -> float:
    return registry.get_sample_value("newsmon_deliveries_total", {"sink": sink, "outcome": outcome}) or 0.0


def by_story(manager, alert: Alert) -> list[dict]:
    return manager.alerts(story_id=alert.article_id)


# -- Alertmanager --------------------------------------------------------------------------------------
@pytest.mark.alertmanager
def test_alertmanager_shows_the_alerts_labels_and_annotations(alertmanager):  # noqa: F811
    settings = Settings(alertmanager_url=alertmanager.url, alert_repost_seconds=60)
    alert = make_alert()
    sink = AlertmanagerSink(settings, HttpPoster(5), {}, Metrics(CollectorRegistry()))

    async def post() -> None:
        await sink.send(alert)
        await sink.poster.close()

    posted_at = time.time()
    asyncio.run(post())
    [shown] = alertmanager.wait_for("the alert", lambda: by_story(alertmanager, alert))
    assert shown["labels"] == {"alertname": "casualties", "severity": "high", "story_id": alert.article_id,
                               "country": "UA"}
    assert shown["annotations"] == {
        "headline": alert.headline,
        "summary": "4 killed, at least 12 injured, topic conflict, war and peace, places: Kryvyi Rih; Kyiv, "
                   "language en",
        "url": alert.url,
    }
    assert shown["status"]["state"] == "active"
    assert epoch_from_iso(shown["startsAt"]) == pytest.approx(epoch_from_iso(alert.created_at), abs=0.01)
    assert epoch_from_iso(shown["endsAt"]) == pytest.approx(posted_at + 4 * 60, abs=5)


@pytest.mark.alertmanager
def test_a_reposted_alert_stays_active_past_its_first_end_and_resolves_when_its_period_ends(alertmanager):  # noqa: F811
    # Re-posts every second, endsAt 4 s ahead, active for 9 s after the alert was made.
    settings = Settings(alertmanager_url=alertmanager.url, alert_repost_seconds=1, alert_active_seconds=9)
    kept, left = make_alert(), make_alert()
    registry = CollectorRegistry()
    active: dict[bytes, object] = {}
    sink = AlertmanagerSink(settings, HttpPoster(5), active, Metrics(registry))
    owned_keys = {kept.alert_id.encode()}  # the other one belongs to "another worker": never re-posted here

    async def scenario() -> None:
        await sink.send(kept)
        await sink.send(left)
        for _ in range(6):  # 6 s: past the first endsAt (4 s)
            await asyncio.sleep(1)
            await sink.repost(time.time(), lambda key: key in owned_keys)
        await sink.poster.close()

    asyncio.run(scenario())
    [shown] = by_story(alertmanager, kept)
    assert shown["status"]["state"] == "active"
    assert epoch_from_iso(shown["endsAt"]) > time.time()
    assert by_story(alertmanager, left) == [], "an alert no one re-posts resolves at its endsAt"
    assert sample(registry, "alertmanager", "reposted") == 6

    # Past the active period the last re-post resolves it and forgets it.
    async def after_the_period() -> None:
        await asyncio.sleep(max(0.0, epoch_from_iso(kept.created_at) + 9 - time.time()))
        await sink.repost(time.time(), lambda key: key in owned_keys)
        await sink.poster.close()

    asyncio.run(after_the_period())
    assert by_story(alertmanager, kept) == []
    assert kept.alert_id.encode() not in active and left.alert_id.encode() in active


@pytest.mark.alertmanager
def test_a_new_version_with_other_labels_replaces_the_old_one(alertmanager):  # noqa: F811
    settings = Settings(alertmanager_url=alertmanager.url)
    first = make_alert()
    worse = make_alert(alert_id=first.alert_id, article_id=first.article_id, severity="critical",
                       headline="[CRITICAL] Kryvyi Rih: 14 killed", created_at=iso_from_epoch(time.time() + 1))
    sink = AlertmanagerSink(settings, HttpPoster(5), {}, Metrics(CollectorRegistry()))

    async def post() -> None:
        await sink.send(first)
        await sink.send(worse)
        await sink.poster.close()

    asyncio.run(post())
    [shown] = alertmanager.wait_for("one alert", lambda: (found := by_story(alertmanager, first)) and
                                    len(found) == 1 and found)
    assert shown["labels"]["severity"] == "critical"
    assert shown["annotations"]["headline"] == "[CRITICAL] Kryvyi Rih: 14 killed"
    assert epoch_from_iso(shown["startsAt"]) == pytest.approx(epoch_from_iso(first.created_at), abs=0.01)


# -- the webhook and the queue ---------------------------------------------------------------------------
def run_queue(sink, alerts: list[Alert], policy: RetryPolicy, size: int = 10):
    """Deliver `alerts` through a SinkQueue; returns (dead letters as (alert id, sink, error), seconds)."""
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    dead: list[tuple[str, str, str]] = []

    async def dead_letter(job: Job, sink_name: str, error: str) -> None:
        dead.append((job.alert.alert_id, sink_name, error))

    async def scenario() -> float:
        queue = SinkQueue(sink, policy, metrics, dead_letter, size)
        queue.start()
        started = time.monotonic()
        done = [await queue.submit(a, orjson.dumps(a.to_json_dict()), Position("news.alerts", 0, i))
                for i, a in enumerate(alerts)]
        await asyncio.wait_for(asyncio.gather(*done), 60)
        elapsed = time.monotonic() - started
        await queue.stop()
        await sink.poster.close()
        return elapsed

    return dead, asyncio.run(scenario()), registry


def webhook(url: str, timeout: float = 5.0) -> WebhookSink:
    return WebhookSink(Settings(webhook_url=url, webhook_secret=SECRET), HttpPoster(timeout))


def test_the_webhook_gets_the_alert_json_signed_with_the_secret(receiver):  # noqa: F811
    alert = make_alert()
    dead, _, registry = run_queue(webhook(receiver.url), [alert], RetryPolicy(3, 0.05))
    assert dead == []
    [got] = receiver.received
    assert got.path == "/hook" and got.headers["Content-Type"] == "application/json"
    assert Alert.model_validate_json(got.body) == alert
    assert signature_matches(got.body, got.headers[SIGNATURE_HEADER], SecretStr(SECRET))
    assert not signature_matches(got.body, got.headers[SIGNATURE_HEADER], SecretStr("another secret"))
    assert sample(registry, "webhook", "delivered") == 1


def test_a_webhook_answering_500_then_200_gets_the_alert_on_a_retry(receiver):  # noqa: F811
    receiver.answers = [500, 500, 200]
    alert = make_alert()
    dead, _, registry = run_queue(webhook(receiver.url), [alert], RetryPolicy(5, 0.05))
    assert dead == []
    assert len(receiver.received) == 3 and {r.body for r in receiver.received} == {orjson.dumps(alert.to_json_dict())}
    assert (sample(registry, "webhook", "retried"), sample(registry, "webhook", "delivered")) == (2, 1)


@pytest.mark.parametrize("refusal", [400, 307])  # a redirect is not followed: the alert goes only where configured
def test_a_webhook_refusing_the_request_is_dead_lettered_at_once(receiver, refusal):  # noqa: F811
    receiver.answers = [refusal]
    alert = make_alert()
    dead, _, registry = run_queue(webhook(receiver.url), [alert], RetryPolicy(5, 0.05))
    assert [(alert_id, sink) for alert_id, sink, _ in dead] == [(alert.alert_id, "webhook")]
    assert f"HTTP {refusal}" in dead[0][2] and len(receiver.received) == 1
    assert sample(registry, "webhook", "dead_lettered") == 1


def test_a_webhook_that_never_answers_dead_letters_every_alert_after_the_retries(receiver):  # noqa: F811
    receiver.answers = [HANG]
    alerts = [make_alert() for _ in range(3)]
    dead, elapsed, registry = run_queue(webhook(receiver.url, timeout=0.3), alerts, RetryPolicy(3, 0.05), size=1)
    assert [alert_id for alert_id, _, _ in dead] == [a.alert_id for a in alerts], "every alert, in order"
    assert all("no answer within 0.3 s (attempt 3 of 3)" in error for _, _, error in dead)
    assert len(receiver.received) == 9
    assert elapsed < 3 * 3 * (0.3 + 0.5)  # each attempt timed out; no one waited for ever
    assert (sample(registry, "webhook", "retried"), sample(registry, "webhook", "dead_lettered")) == (6, 3)
    assert registry.get_sample_value("newsmon_delivery_queue", {"sink": "webhook"}) == 0


def test_a_full_queue_holds_the_submitter_back_until_the_sink_takes_an_alert(receiver):  # noqa: F811
    receiver.answers = [HANG]
    sink = webhook(receiver.url, timeout=0.5)
    metrics = Metrics(CollectorRegistry())

    async def dead_letter(job: Job, sink_name: str, error: str) -> None:
        pass

    async def scenario() -> list[bool]:
        queue = SinkQueue(sink, RetryPolicy(1, 0.05), metrics, dead_letter, size=1)
        queue.start()
        alerts = [make_alert() for _ in range(3)]
        await queue.submit(alerts[0], b"{}", Position("news.alerts", 0, 0))  # taken by the task, hanging
        await asyncio.sleep(0.1)
        await queue.submit(alerts[1], b"{}", Position("news.alerts", 0, 1))  # fills the queue
        third = asyncio.ensure_future(queue.submit(alerts[2], b"{}", Position("news.alerts", 0, 2)))
        await asyncio.sleep(0.2)
        waiting = not third.done()
        await asyncio.wait_for(third, 5)  # the first alert times out and leaves: room for the third
        await queue.stop()
        await sink.poster.close()
        return [waiting, third.done()]

    assert asyncio.run(scenario()) == [True, True]


# -- the deployed routes -------------------------------------------------------------------------------
ROUTES = Path(__file__).resolve().parents[2] / "deploy" / "alertmanager" / "alertmanager.yml"


def amtool(*args: str) -> str:
    alertmanager_binary()  # skips without the package, which ships amtool
    binary = shutil.which("amtool")
    assert binary, "prometheus-alertmanager is installed but amtool is not on PATH"
    done = subprocess.run([binary, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.alertmanager
def test_the_deployed_config_is_valid_and_routes_by_severity():
    assert "SUCCESS" in amtool("check-config", str(ROUTES))
    expected = {"critical": "pager", "high": "pager", "medium": "newsmon-webhook", "low": "newsmon-webhook"}
    for severity, receiver_name in expected.items():
        routed = amtool("config", "routes", "test", f"--config.file={ROUTES}", "alertname=casualties",
                        f"severity={severity}", "story_id=s1", "country=UA")
        assert routed.split() == [receiver_name], severity


def test_a_retried_new_version_still_resolves_the_labels_it_replaces(receiver):  # noqa: F811
    receiver.answers = [200, 503, 200]
    base = receiver.url.removesuffix("/hook")
    sink = AlertmanagerSink(Settings(alertmanager_url=base), HttpPoster(5), {}, Metrics(CollectorRegistry()))
    first = make_alert()
    worse = make_alert(alert_id=first.alert_id, article_id=first.article_id, severity="critical")
    dead, _, _ = run_queue(sink, [first, worse], RetryPolicy(3, 0.05))
    assert dead == []
    assert [r.path for r in receiver.received] == ["/api/v2/alerts"] * 3
    retried, accepted = (orjson.loads(r.body) for r in receiver.received[1:])
    assert [a["labels"] for a in retried] == [a["labels"] for a in accepted]  # the retry sends the same
    assert [a["labels"]["severity"] for a in accepted] == ["high", "critical"]  # the old one resolved, with it
    assert epoch_from_iso(accepted[0]["endsAt"]) < epoch_from_iso(accepted[1]["endsAt"])
