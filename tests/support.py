"""Helpers shared by the test tiers: every message a test produces is checked against its topic's schema."""

from __future__ import annotations

import json
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import orjson
from jsonschema import Draft202012Validator

from newsmon.contracts import schema_path
from newsmon.records import _Record

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas"
SHARED = REPO.parent / "shared"
SEED = SHARED / "samples" / "seed-id-kyiv-drone-attack.txt"


@cache
def validator(schema_dir: Path, topic: str) -> Draft202012Validator:
    """The validator of a topic's committed schema, checked against the metaschema first."""
    schema = json.loads(schema_path(schema_dir, topic).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def assert_valid(topic: str, message: _Record | dict | bytes) -> dict:
    """Validate one message value against schemas/<topic>.schema.json and return it as a dict."""
    if isinstance(message, _Record):
        value = message.to_json_dict()
    elif isinstance(message, bytes):
        value = orjson.loads(message)
    else:
        value = message
    errors = sorted(validator(SCHEMAS, topic).iter_errors(value), key=lambda e: list(e.path))
    assert not errors, f"{topic} message breaks its schema: " + "; ".join(
        f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors[:5])
    return value


def consume(settings, topic: str, until, timeout: float = 60.0) -> list:
    """Read `topic` from the beginning until `until(messages)` is true or the timeout passes."""
    import time

    from kafka import KafkaConsumer

    from newsmon.kafka_clients import client_config

    consumer = KafkaConsumer(topic, **client_config(settings), group_id=None, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=250)
    messages: list = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            messages.extend(consumer)
            if until(messages):
                break
    finally:
        consumer.close()
    return messages


def produce(settings, topic: str, values: list[bytes | None], keys: list[bytes | None] | None = None) -> None:
    from kafka import KafkaProducer

    from newsmon import topics
    from newsmon.kafka_clients import client_config

    producer = KafkaProducer(**client_config(settings), acks="all", max_request_size=topics.MAX_MESSAGE_BYTES)
    try:
        for value, key in zip(values, keys or [None] * len(values), strict=True):
            producer.send(topic, key=key, value=value).get(timeout=30)
    finally:
        producer.close()


def produce_at(settings, topic: str, key: bytes, value: bytes | None, partition: int) -> None:
    from kafka import KafkaProducer

    from newsmon.kafka_clients import client_config

    producer = KafkaProducer(**client_config(settings), acks="all")
    try:
        producer.send(topic, key=key, value=value, partition=partition).get(timeout=30)
    finally:
        producer.close()


def wait_for_empty_group(settings, group: str, timeout: float = 90.0) -> None:
    """Until the consumer group has no member: a killed worker's membership ends with its session."""
    import time

    from newsmon.kafka_clients import admin_client

    deadline = time.monotonic() + timeout
    with admin_client(settings) as admin:
        while (state := (admin.describe_groups([group]).get(group) or {}).get("group_state")) != "Empty":
            assert time.monotonic() < deadline, f"group {group} is still {state} after {timeout:.0f} s"
            time.sleep(1)


def rewind_group(settings, group: str, topic: str, partition: int, offset: int) -> None:
    """Commit `offset` for an empty group: the record there is read again, as after a SIGKILL that
    came before the commit."""
    from kafka import KafkaConsumer, TopicPartition
    from kafka.structs import OffsetAndMetadata

    from newsmon.kafka_clients import client_config

    consumer = KafkaConsumer(**client_config(settings), group_id=group, enable_auto_commit=False)
    try:
        tp = TopicPartition(topic, partition)
        consumer.assign([tp])
        consumer.commit({tp: OffsetAndMetadata(offset, "", -1)})
    finally:
        consumer.close()


def metric_value(settings, name: str, **labels) -> float:
    """One sample from the worker's /metrics page (0 when absent)."""
    import urllib.request

    from prometheus_client.parser import text_string_to_metric_families

    with urllib.request.urlopen(f"http://127.0.0.1:{settings.web_port}/metrics", timeout=5) as response:
        text = response.read().decode()
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


def entity_pipeline(lang: str, statistical: list[tuple[str, str]] = ()):
    """A blank spaCy pipeline with newsmon_entities; `statistical` (label, phrase) pairs, given by an
    entity ruler named `ner`, stand in for the trained model's entities."""
    import newsmon.nlp.entities.recognizer  # noqa: F401  (registers the newsmon_entities factory)
    import spacy

    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    if statistical:
        ruler = nlp.add_pipe("entity_ruler", name="ner")
        ruler.add_patterns([{"label": label, "pattern": phrase} for label, phrase in statistical])
    nlp.add_pipe("newsmon_entities")
    return nlp


@contextmanager
def hang_guard(seconds: float, what: str):
    """Fail the test, instead of hanging the suite, if the block runs longer than `seconds`. SIGALRM:
    the main thread only; Python code and the regex engine both stop for it."""
    import signal

    def give_up(signum, frame):
        raise AssertionError(f"{what} took more than {seconds} s: a hang, or backtracking gone quadratic")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def facts_pipeline(lang: str):
    """A blank spaCy pipeline with sentences and newsmon's fact extractor only."""
    import spacy

    import newsmon.nlp.facts.extractor  # noqa: F401  (registers newsmon_facts)

    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("newsmon_facts")
    return nlp


def alert_fields(message) -> dict:
    """An alert message's fields; {} for the broken messages the deliver tests put on news.alerts."""
    try:
        record = orjson.loads(message.value)
    except orjson.JSONDecodeError:
        return {}
    return record if isinstance(record, dict) else {}
