"""Faust's Kafka transport, with a seek to the committed offsets that reaches every partition.

Faust seeks back to the committed offsets whenever it has thrown fetched messages away (a rebalance,
a fetch that comes back while the flow is stopped), and counts on that seek to fetch them again.
aiokafka's `seek_to_committed` (0.14) seeks only the partitions whose committed offset is above 0: a
partition with no commit yet, or committed at 0, keeps its fetch position, past the messages thrown
away. Its first messages were then never read in that worker's life (a restarted worker that never put
the first report of a partition into a story, tests/integration/test_story_restart.py), or, once
later messages came, committed past. `seek_every_partition_to_committed` also moves those partitions:
to offset 0, or to the start of the log where nothing was committed (the app reads from the earliest);
a table's changelog partitions, which recovery positions itself, stay where they are.

Under exactly once the transport also brings stream/transactions.py: one transaction per worker, and
commits of the consumer that go through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

import faust
from aiokafka import AIOKafkaConsumer, TopicPartition
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP

from newsmon.stream.transactions import MessagesInOrder, OneTransactionPerWorker


async def seek_every_partition_to_committed(
    consumer: AIOKafkaConsumer, keep: Callable[[TopicPartition], bool] = lambda tp: False
) -> Mapping[TopicPartition, int | None]:
    """aiokafka's seek_to_committed, and the partitions it leaves moved too, but for those `keep` names."""
    committed: Mapping[TopicPartition, int | None] = await consumer.seek_to_committed()
    for tp, offset in committed.items():
        if keep(tp):
            continue
        if offset == 0:
            consumer.seek(tp, 0)
        elif offset is None:
            await consumer.seek_to_beginning(tp)
    return committed


class ConsumerThreadSeekingEveryPartition(faust_aiokafka.AIOKafkaConsumerThread):
    async def seek_to_committed(self) -> Any:
        # A table's changelog partitions are never committed: recovery reads them from offsets of its own.
        changelogs = self.consumer.app.tables.changelog_topics
        return await self.call_thread(
            seek_every_partition_to_committed, self._ensure_consumer(), lambda tp: tp.topic in changelogs
        )


class ConsumerSeekingEveryPartition(faust_aiokafka.Consumer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.in_transaction:
            self._unacked_messages = MessagesInOrder()

    async def _commit_tps(self, tps: Iterable[TP], start_new_transaction: bool) -> bool:
        if self.in_transaction:
            return await cast(OneTransactionPerWorker, self.transactions).commit_drained(tps, start_new_transaction)
        return await super()._commit_tps(tps, start_new_transaction)

    def _new_consumer_thread(self) -> faust_aiokafka.AIOKafkaConsumerThread:
        return ConsumerThreadSeekingEveryPartition(self, loop=self.loop, beacon=self.beacon)


class KafkaTransport(faust_aiokafka.Transport):
    Consumer = ConsumerSeekingEveryPartition
    TransactionManager = OneTransactionPerWorker


class App(faust.App):
    """faust.App on the transport above."""

    def _new_transport(self) -> Any:
        return KafkaTransport(self.conf.broker_consumer, self)
