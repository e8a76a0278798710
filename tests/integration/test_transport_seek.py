"""The seek Faust counts on after throwing fetched messages away (stream/transport.py), on a real broker:
aiokafka's own leaves a partition with no commit, or committed at 0, past what was fetched; the
worker's seek brings every partition back to its committed offset, or to the start of the log, but
for those it is told to keep (a table's changelog)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import OffsetAndMetadata
from kafka.admin import NewTopic

from newsmon.kafka_clients import admin_client
from newsmon.settings import Settings
from newsmon.stream.transport import seek_every_partition_to_committed

pytestmark = pytest.mark.kafka

MESSAGES = {0: 1, 1: 3, 2: 3, 3: 2}  # per partition: none committed, committed at 0, at 2, none but kept
COMMITTED = {1: 0, 2: 2}


async def positions_after_seeks(bootstrap: str, topic: str) -> tuple[dict[int, int], dict[int, int], list[bytes]]:
    """(positions after aiokafka's seek, positions after the worker's, what is read again after it)"""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for partition, count in MESSAGES.items():
            for n in range(count):
                await producer.send_and_wait(topic, f"{partition}-{n}".encode(), partition=partition)
    finally:
        await producer.stop()

    tps = [TopicPartition(topic, p) for p in MESSAGES]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=f"seek-{uuid.uuid4().hex[:8]}",
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        consumer.assign(tps)
        await consumer.commit({TopicPartition(topic, p): OffsetAndMetadata(o, "") for p, o in COMMITTED.items()})

        async def positions() -> dict[int, int]:
            return {tp.partition: await consumer.position(tp) for tp in tps}

        async def read_to_end() -> None:
            for tp in tps:  # from the committed offset, as a worker does
                consumer.seek(tp, await consumer.committed(tp) or 0)
            while any(position < MESSAGES[partition] for partition, position in (await positions()).items()):
                await consumer.getmany(timeout_ms=1000)

        await read_to_end()
        await consumer.seek_to_committed()
        after_aiokafka = await positions()
        for tp in tps:
            consumer.seek(tp, MESSAGES[tp.partition])  # read to the end again
        await seek_every_partition_to_committed(consumer, keep=lambda tp: tp.partition == 3)  # as a changelog
        after_worker = await positions()
        again: list[bytes] = []
        while len(again) < sum(MESSAGES.values()) - sum(COMMITTED.values()) - MESSAGES[3]:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                again.extend(r.value for r in records)
        return after_aiokafka, after_worker, again
    finally:
        await consumer.stop()


def test_every_partition_goes_back_to_its_committed_offset_or_the_start(kafka_settings: Settings):
    topic = f"test.seek.{uuid.uuid4().hex[:8]}"
    with admin_client(kafka_settings) as admin:
        admin.create_topics([NewTopic(topic, num_partitions=len(MESSAGES), replication_factor=1)])
    after_aiokafka, after_worker, again = asyncio.run(positions_after_seeks(kafka_settings.kafka_bootstrap, topic))

    # aiokafka's seek leaves the partitions with no commit or a commit at 0 where they were.
    assert after_aiokafka == {0: 1, 1: 3, 2: 2, 3: 2}
    assert after_worker == {0: 0, 1: 0, 2: 2, 3: 2}
    assert sorted(again) == sorted([b"0-0", b"1-0", b"1-1", b"1-2", b"2-2"])
