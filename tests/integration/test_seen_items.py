"""news.sources.seen on a real broker: what one source process records, the next one reads back."""

from __future__ import annotations

import uuid

import pytest
from kafka import KafkaConsumer, TopicPartition
from support import assert_valid

from newsmon import topics
from newsmon.kafka_clients import client_config, create_topics
from newsmon.settings import Settings
from newsmon.sources.publish import make_producer
from newsmon.sources.seen import SeenItems, seen_key

pytestmark = pytest.mark.kafka


def test_items_recorded_by_one_process_are_seen_by_the_next_and_tombstones_forget(kafka_settings: Settings):
    create_topics(kafka_settings)
    source = f"feed-{uuid.uuid4().hex[:8]}"
    seen = SeenItems.load(kafka_settings)
    assert not seen.has(source, "item-1")
    producer = make_producer(kafka_settings)
    try:
        futures = [
            seen.record(producer, source, f"item-{n}", f"article-{n}", f"https://example.org/{n}") for n in range(3)
        ]
        for future in futures:
            future.get(timeout=30)
        assert seen.has(source, "item-1"), "recorded items count as seen in the same run"
        producer.send(topics.SOURCES_SEEN, key=seen_key(source, "item-2").encode(), value=None).get(timeout=30)
    finally:
        producer.close()

    again = SeenItems.load(kafka_settings)
    assert again.has(source, "item-0") and again.has(source, "item-1")
    assert not again.has(source, "item-2"), "a tombstone forgets the item"
    assert not again.has(source, "item-3")


def test_seen_records_follow_their_schema(kafka_settings: Settings):
    create_topics(kafka_settings)
    source = f"feed-{uuid.uuid4().hex[:8]}"
    producer = make_producer(kafka_settings)
    try:
        metadata = SeenItems().record(producer, source, "guid-9", "article-9").get(timeout=30)
    finally:
        producer.close()
    consumer = KafkaConsumer(**client_config(kafka_settings), group_id=None, enable_auto_commit=False)
    try:
        partition = TopicPartition(topics.SOURCES_SEEN, metadata.partition)
        consumer.assign([partition])
        consumer.seek(partition, metadata.offset)
        [record] = consumer.poll(timeout_ms=10_000)[partition][:1]
    finally:
        consumer.close()
    value = assert_valid(topics.SOURCES_SEEN, record.value)
    assert (value["source"], value["item"], value["article_id"]) == (source, "guid-9", "article-9")
