"""The hostile corpus (tests/hostile/corpus.py) through a real worker on the real broker: every
input comes out enriched or in news.deadletter with the reason the corpus names, no agent
crashes, and the worker still enriches and alerts afterwards."""

import base64
import time
import uuid

import orjson
import pytest
from hostile.corpus import CORPUS, PROCESSED
from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import MessageSizeTooLargeError
from support import alert_fields, assert_valid, metric_value

from newsmon import topics
from newsmon.kafka_clients import client_config

pytestmark = pytest.mark.kafka

HANG_GUARD_SECONDS = 120  # a guard against hanging only; the speed is measured, not asserted


def produce_all(settings, values, keys):
    """(partition, offset) of each value in news.articles.raw; keyed, as a tombstone must be."""
    producer = KafkaProducer(**client_config(settings), acks="all", linger_ms=20,
                             max_request_size=topics.MAX_MESSAGE_BYTES)
    try:
        futures = [producer.send(topics.RAW, key=key, value=value) for key, value in zip(keys, values, strict=True)]
        producer.flush()
        return [(m.partition, m.offset) for m in (f.get(timeout=60) for f in futures)]
    finally:
        producer.close()


def outcomes_at(settings, positions, deadline):
    """{raw position: ("processed", enriched record) or (reason, dead letter)} for the positions."""
    wanted = set(positions)
    found = {}
    consumer = KafkaConsumer(topics.ENRICHED, topics.DEADLETTER, **client_config(settings), group_id=None,
                             auto_offset_reset="earliest", enable_auto_commit=False, consumer_timeout_ms=500,
                             max_partition_fetch_bytes=topics.MAX_MESSAGE_BYTES,
                             fetch_max_bytes=2 * topics.MAX_MESSAGE_BYTES)
    try:
        while wanted - set(found) and time.monotonic() < deadline:
            for message in consumer:
                record = orjson.loads(message.value)
                if message.topic == topics.ENRICHED:
                    partition, _, offset = record.get("raw_position", "").partition("/")
                    key, outcome = (int(partition), int(offset)) if offset else None, PROCESSED
                elif record["source_topic"] == topics.RAW:
                    key, outcome = (record["source_partition"], record["source_offset"]), record["reason"]
                else:
                    continue
                if key in wanted:
                    found[key] = (outcome, message.topic, message.value)
    finally:
        consumer.close()
    return found


def alert_for(settings, article_id, deadline):
    consumer = KafkaConsumer(topics.ALERTS, **client_config(settings), group_id=None, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=500)
    try:
        while time.monotonic() < deadline:
            for message in consumer:
                if alert_fields(message).get("article_id") == article_id:
                    return assert_valid(topics.ALERTS, message.value)
    finally:
        consumer.close()
    return None


def test_worker_survives_the_hostile_corpus_and_accounts_for_every_input(worker_settings):
    log_path = worker_settings.data_dir / "worker.log"
    log_before = log_path.stat().st_size if log_path.exists() else 0
    sendable = {name: entry for name, entry in CORPUS.items() if entry.fits_kafka}
    too_large = sorted(set(CORPUS) - set(sendable))
    assert too_large == ["text_of_10_mib"]
    producer = KafkaProducer(**client_config(worker_settings), max_request_size=topics.MAX_MESSAGE_BYTES)
    with pytest.raises(MessageSizeTooLargeError):  # what newsmon ingest reports as "not published"
        producer.send(topics.RAW, value=CORPUS["text_of_10_mib"].value())
    producer.close()

    started = time.monotonic()
    deadline = started + HANG_GUARD_SECONDS
    names = list(sendable)
    positions = produce_all(worker_settings, [sendable[name].value() for name in names],
                            [f"hostile-{name}".encode() for name in names])
    found = outcomes_at(worker_settings, positions, deadline)
    elapsed = time.monotonic() - started
    print(f"hostile corpus: {len(names)} inputs accounted for by the worker in {elapsed:.1f} s")

    missing = [name for name, position in zip(names, positions, strict=True) if position not in found]
    assert not missing, f"no enriched record or dead letter within {HANG_GUARD_SECONDS} s for {missing}"
    wrong = {}
    for name, position in zip(names, positions, strict=True):
        outcome, topic, value = found[position]
        record = assert_valid(topic, value)
        if outcome != sendable[name].outcome:
            wrong[name] = (outcome, record.get("error"))
        if topic == topics.DEADLETTER:
            kept = base64.b64decode(record["original_base64"])
            original = sendable[name].value() or b""
            assert original.startswith(kept) and (kept == original or record["original_size"] == len(original))
    assert not wrong, f"outcomes other than the corpus names: {wrong}"

    # The casualty report with a javascript: URL raised an alert, and the alert carries no URL.
    alert = alert_for(worker_settings, "hostile-javascript-url", time.monotonic() + 60)
    assert alert is not None and "url" not in alert

    # Every agent is still alive: a new article after the corpus is enriched and alerted.
    tag = uuid.uuid4().hex
    after = {"id": f"hostile-after-{tag}", "url": "https://example.org/after",
             "text": f"At least 9 people were killed when shelling hit Kharkiv, Ukraine, on report {tag}."}
    [position] = produce_all(worker_settings, [orjson.dumps(after)], [after["id"].encode()])
    assert position in outcomes_at(worker_settings, [position], time.monotonic() + 60)
    alert = alert_for(worker_settings, after["id"], time.monotonic() + 60)
    assert alert is not None and alert["url"] == "https://example.org/after"
    assert metric_value(worker_settings, "newsmon_deadletter_messages_total", reason="text_too_large") >= 2
    log = log_path.read_bytes()[log_before:].decode(errors="replace")
    assert "Crashed reason=" not in log, log[-3000:]
