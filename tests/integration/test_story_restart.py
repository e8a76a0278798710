"""Stories survive a worker killed mid-stream: the restarted worker reads the story table back from its
changelog, and the reports that come after join the stories begun before the kill."""

from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest
from story_articles import EXPECTED_STORIES, night_of_strikes
from support import alert_fields, assert_valid, consume, produce, produce_at, rewind_group, wait_for_empty_group

from newsmon import topics
from newsmon.devtools import local_kafka
from newsmon.devtools.chaos import kill_group, worker_group
from newsmon.devtools.run import fetch_counts
from newsmon.kafka_clients import create_topics
from newsmon.settings import Settings

pytestmark = pytest.mark.kafka

FAST_REBALANCE = {"NEWSMON_KAFKA_SESSION_TIMEOUT_SECONDS": "10"}
BEFORE_THE_KILL = {"odesa-en", "kharkiv-en", "budget-en"}


@contextmanager
def running_worker(settings: Settings):
    log = settings.data_dir / "worker.log"
    with worker_group(settings, log, FAST_REBALANCE) as process:
        deadline = time.monotonic() + 180
        while fetch_counts(settings.web_port) is None:
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the worker did not serve /metrics within 180 s"
            time.sleep(0.5)
        yield process


def latest_stories(settings: Settings, ids: set[str], done, timeout: float) -> dict[str, dict]:
    def states(messages) -> dict[str, dict]:
        latest = {}
        for message in messages:
            record = assert_valid(topics.STORIES, message.value)
            if ids & set(record["article_ids"]):
                latest[record["story_id"]] = record
        return latest

    return states(consume(settings, topics.STORIES, lambda ms: done(states(ms)), timeout=timeout))


def enriched_all_committed(settings: Settings) -> bool:
    """The worker's group has committed every enriched record: after a restart none is read again, so
    only the changelog can bring the stories back."""
    from kafka import KafkaConsumer

    from newsmon.kafka_clients import admin_client, client_config

    with admin_client(settings) as admin:
        offsets = admin.list_group_offsets(settings.worker_id)[settings.worker_id]
    committed = {tp: meta.offset for tp, meta in offsets.items() if tp.topic == topics.ENRICHED}
    consumer = KafkaConsumer(**client_config(settings), group_id=None)
    try:
        ends = consumer.end_offsets(list(committed)) if committed else {}
    finally:
        consumer.close()
    return bool(committed) and all(committed[tp] >= end for tp, end in ends.items())


def missing_from(latest: dict[str, dict], ids: set[str]) -> set[str]:
    return ids - {i for r in latest.values() for i in r["article_ids"]}


def names_in(latest: dict[str, dict], tag: str) -> set[frozenset[str]]:
    return {frozenset(i.removeprefix(f"{tag}-") for i in r["article_ids"]) for r in latest.values()}


def test_stories_continue_after_the_worker_is_killed(broker_factory, tmp_path: Path):
    broker = broker_factory("stories-restart")
    settings = Settings(kafka_bootstrap=broker.bootstrap, web_port=local_kafka.free_port(), data_dir=tmp_path / "w")
    settings.data_dir.mkdir(parents=True)
    create_topics(settings)
    tag = uuid.uuid4().hex[:12]
    articles = night_of_strikes(tag)
    first = [a for a in articles if a["id"].removeprefix(f"{tag}-") in BEFORE_THE_KILL]
    rest = [a for a in articles if a not in first]
    ids = {a["id"] for a in articles}

    with running_worker(settings) as worker:
        produce(settings, topics.RAW, [orjson.dumps(a) for a in first])
        before = latest_stories(settings, ids, lambda latest: len(latest) == len(first), timeout=240)
        deadline = time.monotonic() + 60
        while not enriched_all_committed(settings):
            assert time.monotonic() < deadline, "the worker did not commit its enriched offsets within 60 s"
            time.sleep(1)
        kill_group(worker)
    assert names_in(before, tag) == {frozenset({name}) for name in BEFORE_THE_KILL}
    [odesa_id] = [sid for sid, r in before.items() if f"{tag}-odesa-en" in r["article_ids"]]

    produce(settings, topics.RAW, [orjson.dumps(a) for a in rest])
    with running_worker(settings):
        after = latest_stories(settings, ids, lambda latest: not missing_from(latest, ids), timeout=300)
        if missing := missing_from(after, ids):
            letters = [m.value.decode(errors="replace")[:300] for m in consume(settings, topics.DEADLETTER,
                       lambda ms: False, timeout=5) if any(i.encode() in m.value for i in missing)]
            log = (settings.data_dir / "worker.log").read_text(errors="replace")[-3000:]
            pytest.fail(f"in no story after 300 s: {sorted(missing)}; their dead letters: {letters}; "
                        f"worker log:\n{log}")
    assert names_in(after, tag) == {frozenset(names) for names in EXPECTED_STORIES.values()}
    assert all(r["article_count"] == len(r["article_ids"]) for r in after.values()), "an article counted twice"
    assert set(before) <= set(after), "the stories begun before the kill keep their ids"
    assert after[odesa_id]["article_count"] == len(EXPECTED_STORIES["odesa"])

    # The story's casualty alert went on across the kill: one id, versions 1..n each with one content
    # (a version sent again after the crash is the same message), the last with the later toll.
    def odesa_alerts(messages) -> list[dict]:
        return [assert_valid(topics.ALERTS, m.value) for m in messages
                if alert_fields(m).get("story_id") == odesa_id and alert_fields(m).get("rule") == "casualties"]

    alerts = odesa_alerts(consume(settings, topics.ALERTS,
                                  lambda ms: any(a["killed"]["number"] == 5 for a in odesa_alerts(ms)), timeout=120))
    assert len({a["alert_id"] for a in alerts}) == 1
    contents = {}
    for alert in alerts:
        assert contents.setdefault(alert["version"], alert) == alert, f"version {alert['version']} sent twice, changed"
    assert sorted(contents) == list(range(1, len(contents) + 1))
    assert contents[max(contents)]["killed"]["number"] == 5


def test_an_alert_sent_just_before_a_kill_is_not_sent_again(broker_factory, tmp_path: Path):
    """The crash between an alert's send and its record in the story-alerts table, made on purpose:
    the alert is in news.alerts, its table entry is deleted (a tombstone in the changelog) and the
    article's offset rewound. The restarted worker reads the article again and sends no second copy
    of the version; the next report of the story is version 2."""
    from newsmon.stream.app import STAGES, app_id
    from newsmon.stream.expiry import key_partition
    from newsmon.stream.stories import STORY_ALERTS_TABLE, story_key

    broker = broker_factory("alert-read-back")
    settings = Settings(kafka_bootstrap=broker.bootstrap, web_port=local_kafka.free_port(), data_dir=tmp_path / "w")
    settings.data_dir.mkdir(parents=True)
    create_topics(settings)
    tag = uuid.uuid4().hex[:12]
    by_name = {a["id"].removeprefix(f"{tag}-"): a for a in night_of_strikes(tag)}
    first, later = by_name["odesa-en"], by_name["odesa-later"]

    def casualty_alerts(messages) -> list[dict]:
        return [assert_valid(topics.ALERTS, m.value) for m in messages if alert_fields(m).get("rule") == "casualties"]

    with running_worker(settings) as worker:
        produce(settings, topics.RAW, [orjson.dumps(first)])
        [alert] = casualty_alerts(consume(settings, topics.ALERTS, lambda ms: bool(casualty_alerts(ms)), timeout=240))
        deadline = time.monotonic() + 60
        while not enriched_all_committed(settings):
            assert time.monotonic() < deadline, "the worker did not commit its enriched offsets within 60 s"
            time.sleep(1)
        kill_group(worker)
    [story] = latest_stories(settings, {first["id"]}, lambda latest: len(latest) == 1, timeout=30).values()
    [enriched] = [m for m in consume(settings, topics.ENRICHED, lambda ms: bool(ms), timeout=30)
                  if orjson.loads(m.value)["id"] == first["id"]]

    changelog = f"{app_id(settings, STAGES)}-{STORY_ALERTS_TABLE}-changelog"
    bucket = story["bucket"].encode()
    produce_at(settings, changelog, story_key(story["bucket"], story["story_id"]), None,
               key_partition(bucket, settings.topic_partitions))
    wait_for_empty_group(settings, settings.worker_id)
    rewind_group(settings, settings.worker_id, topics.ENRICHED, enriched.partition, enriched.offset)

    with running_worker(settings):
        # The article read again sends its story again (the same record): then it was processed.
        consume(settings, topics.STORIES,
                lambda ms: sum(orjson.loads(m.value)["story_id"] == story["story_id"] for m in ms) >= 2, timeout=240)
        deadline = time.monotonic() + 60
        while not enriched_all_committed(settings):
            assert time.monotonic() < deadline, "the restarted worker did not commit its enriched offsets within 60 s"
            time.sleep(1)
        produce(settings, topics.RAW, [orjson.dumps(later)])
        alerts = casualty_alerts(consume(settings, topics.ALERTS,
                                         lambda ms: any(a["version"] > 1 for a in casualty_alerts(ms)), timeout=240))
    assert [(a["alert_id"], a["version"]) for a in alerts] == [(alert["alert_id"], 1), (alert["alert_id"], 2)]
    assert alerts[1]["killed"]["number"] == 5

