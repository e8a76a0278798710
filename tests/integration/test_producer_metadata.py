"""aiokafka's producer forgets the leader of a topic it sent to while it tracked no topic, and
never sends that topic's held records (newsmon/stream/producer_metadata.py). On the real broker:
a record held by linger_ms while a send to a topic the metadata does not know yet changes what
the producer tracks."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.client import AIOKafkaClient
from kafka.admin import KafkaAdminClient, NewTopic

from newsmon.stream import producer_metadata

pytestmark = pytest.mark.kafka


def create_topic(bootstrap: str, name: str) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(name, 1, 1)])
    finally:
        admin.close()


async def held_record_is_sent(bootstrap: str, wait: float) -> bool:
    known, new = f"md-known-{uuid.uuid4().hex[:8]}", f"md-new-{uuid.uuid4().hex[:8]}"
    await asyncio.to_thread(create_topic, bootstrap, known)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=1000)
    await producer.start()
    try:
        await producer.client.force_metadata_update()  # tracking no topic, this fetches every topic
        held = await producer.send(known, b"held for a second by linger_ms")
        await asyncio.to_thread(create_topic, bootstrap, new)
        await producer.send_and_wait(new, b"to a topic the metadata does not know yet")
        try:
            await asyncio.wait_for(held, wait)
            return True
        except TimeoutError:
            return False
    finally:
        await producer.stop()


def test_aiokafka_alone_never_sends_the_held_record(kafka_bootstrap, monkeypatch):
    # If this fails, aiokafka fixed it: producer_metadata can go.
    monkeypatch.setattr(AIOKafkaClient, "_wait_on_metadata", producer_metadata._wait_on_metadata)
    assert not asyncio.run(held_record_is_sent(kafka_bootstrap, wait=10))


def test_with_newsmons_fix_the_held_record_is_sent(kafka_bootstrap, monkeypatch):
    monkeypatch.setattr(AIOKafkaClient, "_wait_on_metadata", producer_metadata._wait_on_metadata)
    producer_metadata.track_every_topic_sent_to()
    assert asyncio.run(held_record_is_sent(kafka_bootstrap, wait=30))
