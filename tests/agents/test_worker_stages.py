"""The Faust agents running in a real worker process on the real broker: what each stage sends."""

import base64
import uuid

import orjson
import pytest
from support import assert_valid, consume, metric_value, produce

from newsmon import topics

pytestmark = pytest.mark.kafka


def marker() -> str:
    return uuid.uuid4().hex


def article(tag: str, **extra) -> dict:
    text = (f"Report {tag}: a fire destroyed a warehouse in the port of Riverton on Tuesday night. "
            "Firefighters worked until dawn and nobody was hurt, the fire service said.")
    return {"id": f"agents-{tag}", "text": text, **extra}


def dead_letters_for(messages, originals: set[bytes]) -> dict[bytes, dict]:
    found = {}
    for message in messages:
        record = assert_valid(topics.DEADLETTER, message.value)
        original = base64.b64decode(record["original_base64"])
        if original in originals:
            found[original] = record
    return found


def test_worker_dead_letters_every_kind_of_bad_input_and_keeps_running(worker_settings):
    tag = marker()
    bad = {
        b"\xff\xfe" + tag.encode() + b"\x80": "undecodable_bytes",
        b'{"text": "' + tag.encode(): "invalid_json",
        orjson.dumps([tag]): "not_an_object",
        orjson.dumps({"id": tag, "title": "no text"}): "missing_text",
        orjson.dumps({"id": tag, "text": "  "}): "empty_text",
        orjson.dumps({"id": tag, "text": 12345}): "wrong_type",
        orjson.dumps({"id": tag, "text": "x" * ((1 << 20) + 1)}): "text_too_large",
    }
    good = orjson.dumps(article(tag))
    produce(worker_settings, topics.RAW, [*bad, good])

    letters = consume(worker_settings, topics.DEADLETTER, lambda ms: len(dead_letters_for(ms, set(bad))) == len(bad))
    found = dead_letters_for(letters, set(bad))
    assert {original: record["reason"] for original, record in found.items()} == bad
    for record in found.values():
        assert record["source_topic"] == topics.RAW and record["stage"] == "normalize"
        assert record["error"]

    # The good article sent after the bad ones still comes through: the worker kept running.
    enriched = consume(worker_settings, topics.ENRICHED,
                       lambda ms: any(orjson.loads(m.value)["id"] == f"agents-{tag}" for m in ms))
    [record] = [assert_valid(topics.ENRICHED, m.value) for m in enriched if orjson.loads(m.value)["id"] == f"agents-{tag}"]
    assert record["language"] == "en"
    assert metric_value(worker_settings, "newsmon_deadletter_messages_total", reason="text_too_large") >= 1


def test_worker_drops_a_duplicate_and_counts_it(worker_settings):
    tag = marker()
    before = metric_value(worker_settings, "newsmon_duplicate_articles_total")
    first = article(tag)
    copy = dict(first, id=f"agents-{tag}-copy", text=first["text"].upper())  # same words, other case
    produce(worker_settings, topics.RAW, [orjson.dumps(first), orjson.dumps(copy)])

    def both_seen(messages):
        ids = {orjson.loads(m.value)["id"] for m in messages}
        return first["id"] in ids and metric_value(worker_settings, "newsmon_duplicate_articles_total") > before

    enriched = consume(worker_settings, topics.ENRICHED, both_seen)
    ids = [orjson.loads(m.value)["id"] for m in enriched]
    assert ids.count(first["id"]) == 1
    assert copy["id"] not in ids
    assert metric_value(worker_settings, "newsmon_duplicate_articles_total") == before + 1


def test_worker_serves_newsmon_and_faust_metrics(worker_settings):
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{worker_settings.web_port}/metrics", timeout=5) as response:
        page = response.read().decode()
    for name in ("newsmon_articles_in_total", "newsmon_processing_seconds_bucket", "newsmon_end_to_end_seconds_bucket",
                 "newsmon_alerts_total", "newsmon_deadletter_messages_total", "newsmon_build_info", "faust_"):
        assert name in page, f"{name} missing from /metrics"


def test_worker_intermediate_topics_follow_their_schemas(worker_settings):
    tag = marker()
    produce(worker_settings, topics.RAW, [orjson.dumps(article(tag))])
    for topic in (topics.NORMALIZED, topics.UNIQUE):
        messages = consume(worker_settings, topic,
                           lambda ms: any(orjson.loads(m.value)["id"] == f"agents-{tag}" for m in ms))
        [message] = [m for m in messages if orjson.loads(m.value)["id"] == f"agents-{tag}"]
        record = assert_valid(topic, message.value)
        assert message.key.decode() == record["fingerprint"]
        assert record["raw_position"] and record["ingested_at"]
