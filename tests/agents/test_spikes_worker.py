"""Spikes in a real alert-stage worker on a broker of its own: a steady trickle about one place
never fires, a burst about another fires exactly once, also when the worker is killed mid-burst
and restarted (its windowed counts come back from their changelog)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import orjson
import pytest
from kafka import KafkaConsumer
from kafka.admin import ConfigResource, ConfigResourceType
from support import assert_valid, consume, metric_value, produce, produce_at, rewind_group, wait_for_empty_group

from newsmon import topics
from newsmon.alerts.story_alerts import story_alert_id
from newsmon.clock import iso_from_epoch
from newsmon.contracts import encode
from newsmon.devtools import local_kafka
from newsmon.devtools.chaos import kill_group
from newsmon.devtools.run import fetch_counts, settings_env
from newsmon.kafka_clients import admin_client, client_config, create_topics
from newsmon.records import EnrichedArticle, Entity, Place
from newsmon.settings import Settings
from newsmon.spikes.detect import SpikeRule
from newsmon.stream.spikes import SPIKE_COUNTS_TABLE

pytestmark = pytest.mark.kafka

WINDOW = 60.0
# A key never seen needs max(3, 3 x 2) = 6 articles in a window; 4 a window, steady, never fires.
RULE = SpikeRule(window_seconds=WINDOW, previous_windows=3, min_count=3, factor=3.0, mean_floor=2.0)
SPIKE_ENV = {
    "NEWSMON_SPIKE_WINDOW_SECONDS": str(RULE.window_seconds),
    "NEWSMON_SPIKE_PREVIOUS_WINDOWS": str(RULE.previous_windows),
    "NEWSMON_SPIKE_MIN_COUNT": str(RULE.min_count),
    "NEWSMON_SPIKE_FACTOR": str(RULE.factor),
    "NEWSMON_SPIKE_MEAN_FLOOR": str(RULE.mean_floor),
    "NEWSMON_KAFKA_SESSION_TIMEOUT_SECONDS": "10",  # the killed worker's partitions move on soon
}
TRICKLE_KEY, BURST_KEY = "place:name:riverton", "place:name:halvermouth"
HALVERMOUTH = Place(name="Halvermouth", country_code="GB", latitude=50.6, longitude=-3.4, feature="city")


@contextmanager
def alert_worker(settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    """`newsmon worker --stage alert` (no NLP), in a process group of its own, killed at the end."""
    log = settings.data_dir / "worker.log"
    with open(log, "ab") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsmon", "worker", "--stage", "alert"],
            env={**settings_env(settings), **SPIKE_ENV}, stdout=log_file, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while fetch_counts(settings.web_port) is None:
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "the worker did not serve /metrics within 120 s"
            time.sleep(0.5)
        yield process
    finally:
        kill_group(process)


def at_second(window_start: float, n: int) -> float:
    return window_start + 1 + n  # a second apart inside the window


def report(article_id: str, epoch: float, place: str) -> EnrichedArticle:
    """An enriched article naming `place` (twice: it counts once), seen by newsmon at `epoch`."""
    if place == "Riverton":
        text = (f"Riverton council meets again ({article_id}). The Riverton ferry timetable changes next month, "
                "the harbour office said.")
        entities = [Entity(text="Riverton", label="LOC", start=start, end=start + 8, canonical="Riverton")
                    for start in (0, text.index("Riverton", 1))]
    else:
        text = (f"Flooding in Halvermouth ({article_id}): the river burst its banks overnight and Halvermouth "
                "residents were moved to the school hall.")
        entities = [Entity(text="Halvermouth", label="LOC", start=start, end=start + 11, canonical="Halvermouth",
                           place=HALVERMOUTH)
                    for start in (text.index("Halvermouth"), text.rindex("Halvermouth"))]
    return EnrichedArticle(
        id=article_id, text=text, language="en", language_score=0.99, fingerprint=article_id.ljust(32, "0")[:32],
        ingested_at=iso_from_epoch(epoch), entities=entities, topics=[], facts=[], ner_model="test",
        enriched_at=iso_from_epoch(time.time()),
    )


def send(settings: Settings, articles: list[EnrichedArticle]) -> None:
    for article in articles:
        assert_valid(topics.ENRICHED, article)
    produce(settings, topics.ENRICHED, [encode(a) for a in articles], [a.id.encode() for a in articles])


def window_counts(settings: Settings, key: str, window_start: float) -> dict | None:
    """The latest value of (key, window) in the spike table's changelog: what a restart recovers."""
    changelog = f"{settings.worker_id}-alert-{SPIKE_COUNTS_TABLE}-changelog"
    with admin_client(settings) as admin:
        if changelog not in admin.list_topics():
            return None  # the worker creates it; reading it first would make the broker create it, wrongly
    consumer = KafkaConsumer(changelog, **client_config(settings), group_id=None, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=1000)
    latest = None
    try:
        for message in consumer:
            table_key = orjson.loads(message.key)
            if table_key[0] == key and table_key[1][0] == window_start:
                latest = orjson.loads(message.value) if message.value is not None else None
    finally:
        consumer.close()
    return latest


def wait_for_count(settings: Settings, key: str, window_start: float, count: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = window_counts(settings, key, window_start)
        if value is not None and value["count"] >= count:
            assert value["count"] == count, value
            return
        time.sleep(1)
    log = (settings.data_dir / "worker.log").read_text(errors="replace")[-3000:]
    pytest.fail(f"{key} did not reach {count} in its window within {timeout} s: {value}; worker log:\n{log}")


def test_a_burst_fires_once_a_steady_trickle_never_and_counts_survive_a_kill(broker_factory, tmp_path):
    broker = broker_factory("spikes")
    settings = Settings(kafka_bootstrap=broker.bootstrap, web_port=local_kafka.free_port(), data_dir=tmp_path)
    create_topics(settings)
    now = RULE.window_start(time.time())  # the current window; the three before it are the baseline
    windows = [now - back * WINDOW for back in (3, 2, 1, 0)]
    at = lambda window, n: window + 1 + n  # noqa: E731  (a second apart inside the window)
    trickle = [report(f"riverton-{w}-{n}", at(start, n), "Riverton") for w, start in enumerate(windows) for n in range(4)]
    rare = [report("halvermouth-early", at(windows[1], 0), "Halvermouth")]  # baseline mean 1/3, floored to 2
    burst = [report(f"halvermouth-{n}", at(now, 10 + n), "Halvermouth") for n in range(9)]

    with alert_worker(settings) as worker:
        # Five of the burst, one of them twice: five counted, below the six a spike needs.
        send(settings, [*trickle, *rare, *burst[:4], burst[1], burst[4]])
        wait_for_count(settings, BURST_KEY, now, 5)
        wait_for_count(settings, TRICKLE_KEY, now, 4)
        assert metric_value(settings, "newsmon_mentions_total") == len(trickle) + len(rare) + 6
        assert consume(settings, topics.SPIKES, lambda ms: False, timeout=3) == []
        kill_group(worker)

    with alert_worker(settings):
        # Sent while the new worker may still be joining: its first table write must not fail.
        # The sixth article fires, if the five before the kill came back; later ones and a repeat do not.
        send(settings, [burst[5]])
        wait_for_count(settings, BURST_KEY, now, 6)
        assert len(consume(settings, topics.SPIKES, lambda ms: len(ms) >= 1)) == 1
        send(settings, [*burst[6:], burst[5], burst[0]])
        wait_for_count(settings, BURST_KEY, now, 9)
        spikes = consume(settings, topics.SPIKES, lambda ms: False, timeout=5)
        assert metric_value(settings, "newsmon_spikes_total", kind="place") == 1

    assert len(spikes) == 1, [m.value for m in spikes]
    [message] = spikes
    spike = assert_valid(topics.SPIKES, message.value)
    assert spike["key"] == BURST_KEY and spike["kind"] == "place" and spike["label"] == "Halvermouth"
    assert spike["count"] == 6 and spike["factor"] == RULE.factor
    assert spike["baseline_mean"] == pytest.approx(1 / 3)
    assert spike["window_start"] == iso_from_epoch(now) and spike["window_end"] == iso_from_epoch(now + WINDOW)
    assert sorted(spike["article_ids"]) == sorted(a.id for a in burst[:6])
    assert message.key == f"{BURST_KEY}@{iso_from_epoch(now)}".encode()
    assert consume(settings, topics.DEADLETTER, lambda ms: False, timeout=3) == []  # no mention failed
    # The spike is an alert too, where ops teams look: one, with an id from the key and the window.
    spike_alerts = [assert_valid(topics.ALERTS, m.value) for m in consume(settings, topics.ALERTS, lambda ms: False,
                                                                          timeout=3)]
    spike_alerts = [a for a in spike_alerts if a["rule"] == "spike"]
    assert len(spike_alerts) == 1 and spike_alerts[0]["places"][0]["name"] == "Halvermouth"
    assert spike_alerts[0]["alert_id"] == story_alert_id("spike", f"{BURST_KEY}@{iso_from_epoch(now)}")
    assert sorted(spike_alerts[0]["article_ids"]) == sorted(a.id for a in burst[:6])
    for value in consume(settings, topics.MENTIONS, lambda ms: False, timeout=3):
        assert_valid(topics.MENTIONS, value.value)

    # The changelog forgets windows as the table does, in segments Kafka can delete soon.
    changelog = f"{settings.worker_id}-alert-{SPIKE_COUNTS_TABLE}-changelog"
    with admin_client(settings) as admin:
        described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, changelog)], config_filter="all")
    configs = {name: config["value"] for name, config in described["topic"][changelog].items()}
    assert configs["retention.ms"] == str(int(RULE.expires_seconds * 1000))
    assert configs["segment.ms"] == str(int(WINDOW * 1000))
    assert set(configs["cleanup.policy"].split(",")) == {"compact", "delete"}


def test_a_spike_sent_just_before_a_kill_is_not_sent_again(broker_factory, tmp_path):
    """The crash between a spike's send and its counts reaching the changelog, made on purpose: the
    spike is in news.alerts, its window's counts are deleted (a tombstone in the changelog) and the
    mentions rewound. The restarted worker counts them again, reaches the spike again, and sends
    neither the spike nor its alert a second time."""
    broker = broker_factory("spike-read-back")
    settings = Settings(kafka_bootstrap=broker.bootstrap, web_port=local_kafka.free_port(), data_dir=tmp_path)
    create_topics(settings)
    now = RULE.window_start(time.time())
    burst = [report(f"halvermouth-{n}", at_second(now, n), "Halvermouth") for n in range(6)]
    group, changelog = f"{settings.worker_id}-alert", f"{settings.worker_id}-alert-{SPIKE_COUNTS_TABLE}-changelog"

    def spike_alerts(messages) -> list[dict]:
        return [assert_valid(topics.ALERTS, m.value) for m in messages if orjson.loads(m.value)["rule"] == "spike"]

    with alert_worker(settings) as worker:
        send(settings, burst)  # six mentions of a place never seen before: a spike
        [alert] = spike_alerts(consume(settings, topics.ALERTS, lambda ms: bool(spike_alerts(ms)), timeout=120))
        wait_for_count(settings, BURST_KEY, now, 6)
        kill_group(worker)

    [entry] = [m for m in consume(settings, changelog, lambda ms: False, timeout=5)
               if orjson.loads(m.key)[0] == BURST_KEY and orjson.loads(m.key)[1][0] == now and m.value is not None][-1:]
    produce_at(settings, changelog, entry.key, None, entry.partition)
    mentions = [m for m in consume(settings, topics.MENTIONS, lambda ms: False, timeout=5) if m.key == BURST_KEY.encode()]
    wait_for_empty_group(settings, group)
    rewind_group(settings, group, topics.MENTIONS, mentions[0].partition, min(m.offset for m in mentions))

    with alert_worker(settings):
        wait_for_count(settings, BURST_KEY, now, 6)  # counted again from nothing: the spike is reached again
        time.sleep(5)
        again = spike_alerts(consume(settings, topics.ALERTS, lambda ms: False, timeout=5))
        spikes = consume(settings, topics.SPIKES, lambda ms: False, timeout=5)
    log = (settings.data_dir / "worker.log").read_text(errors="replace")
    assert [a["alert_id"] for a in again] == [alert["alert_id"]], "the spike alert went out once"
    assert len(spikes) == 1
    assert f"spike {BURST_KEY} was sent before a restart" in log
