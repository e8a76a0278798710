"""What the sources already published, kept in Kafka (news.sources.seen) so a restart ingests nothing twice.

The topic is compacted and keyed by source and item, so it holds one record per item ever published
(for SEEN_RETENTION_MS). A source reads it whole at start (`SeenItems.load`) and records an item only
after the broker has confirmed the article itself: a crash in between publishes the article again, with
the same id, and normalize drops the repeat. Any number of source processes may share the topic.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from newsmon import topics
from newsmon.clock import now_iso
from newsmon.contracts import encode
from newsmon.kafka_clients import client_config
from newsmon.records import SeenItem
from newsmon.settings import Settings

KEY_SEPARATOR = "\x1f"  # unit separator: cannot appear in a feed name typed into a config file


def seen_key(source: str, item: str) -> str:
    return f"{source}{KEY_SEPARATOR}{item}"


class SeenItems:
    """The set of (source, item) keys already published, with a way to add to it."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self.keys: set[str] = set(keys)

    def __contains__(self, key: object) -> bool:
        return key in self.keys

    def __len__(self) -> int:
        return len(self.keys)

    def has(self, source: str, item: str) -> bool:
        return seen_key(source, item) in self.keys

    @classmethod
    def load(cls, settings: Settings, *, timeout: float = 60.0) -> SeenItems:
        """Every key on news.sources.seen, read from its start to its end as of now."""
        consumer = KafkaConsumer(**client_config(settings), group_id=None, enable_auto_commit=False)
        try:
            partitions = [
                TopicPartition(topics.SOURCES_SEEN, p) for p in consumer.partitions_for_topic(topics.SOURCES_SEEN) or ()
            ]
            if not partitions:
                return cls()
            consumer.assign(partitions)
            consumer.seek_to_beginning(*partitions)
            end = consumer.end_offsets(partitions)
            keys: set[str] = set()
            deadline = time.monotonic() + timeout
            while any(consumer.position(tp) < end[tp] for tp in partitions):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"reading {topics.SOURCES_SEEN} took over {timeout:.0f} s")
                for records in consumer.poll(timeout_ms=500).values():
                    for record in records:
                        if record.key is None:
                            continue
                        key = record.key.decode("utf-8", "replace")
                        if record.value is None:  # a tombstone forgets the item
                            keys.discard(key)
                        else:
                            keys.add(key)
            return cls(keys)
        finally:
            consumer.close()

    def record(self, producer: Any, source: str, item: str, article_id: str, url: str | None = None) -> Any:
        """Send the item's record with a kafka-python producer; returns the send's future. The key
        counts as seen at once, so one run never publishes an item twice."""
        key = seen_key(source, item)
        self.keys.add(key)
        value = encode(SeenItem(source=source, item=item, article_id=article_id, url=url, seen_at=now_iso()))
        return producer.send(topics.SOURCES_SEEN, key=key.encode("utf-8"), value=value)
