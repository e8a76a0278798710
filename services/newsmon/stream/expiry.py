"""Tables that forget: entries past a window are deleted, so a worker's state stays bounded.

The tables are keyed like their source topic and put each entry in the changelog partition that
Kafka's default partitioner gives its key (KeyPartitionedTable), which is the source partition it
came from, so an entry can be deleted while another partition's event is processed. A worker deletes only entries of the
partitions it owns: a standby copy is another worker's to expire.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

import faust
from aiokafka.partitioner import DefaultPartitioner

_partitioner = DefaultPartitioner()


def key_partition(key: bytes, partitions: int) -> int:
    """The partition Kafka's default partitioner (murmur2) gives `key`, as producers do."""
    return int(_partitioner(key, list(range(partitions)), []))


class KeyPartitionedTable(faust.Table[bytes, Any]):
    """A table whose changelog partition is computed from the raw key, as producers of the source
    topic computed it. Faust's own choices fail here: the current event's partition is wrong for a
    key swept from another partition, and its partitioner needs the producer's metadata of the
    changelog topic, which a fresh worker does not have before its first write (a TypeError)."""

    # For a key made of the source key and more (bucket/story id): the source key's part of it.
    routing_key: Callable[[bytes], bytes] | None = None

    def partition_for_key(self, key: Any) -> int:
        assert self.partitions, "a KeyPartitionedTable is made with its partition count"
        return key_partition(self.routing_key(key) if self.routing_key else key, self.partitions)


def key_partitioned_table(
    app: faust.App, name: str, partitions: int, help: str, routing_key: Callable[[bytes], bytes] | None = None
) -> Any:
    """A KeyPartitionedTable of raw keys and JSON values, registered with the app as app.Table does.
    With `routing_key`, an entry goes to the partition of routing_key(key) (the source topic's key)."""
    table = KeyPartitionedTable(
        app, name=name, default=None, beacon=app.tables.beacon, partitions=partitions, key_type=bytes, help=help
    )
    table.routing_key = routing_key
    return app.tables.add(table)


def expired_keys(
    entries: Iterable[tuple[Any, Any]],
    now_epoch: float,
    window_seconds: float,
    epoch_of: Callable[[Any], float | None],
    *,
    partitions: int,
    owned: Collection[int],
    routing_key: Callable[[bytes], bytes] | None = None,
) -> list[bytes]:
    """Keys of the entries (key, stored value) older than the window in the owned partitions (of
    routing_key(key), when given); an entry whose time cannot be read is expired too."""
    expired = []
    for key, value in entries:
        if not isinstance(key, bytes):
            continue
        if key_partition(routing_key(key) if routing_key else key, partitions) not in owned:
            continue
        epoch = epoch_of(value)
        if epoch is None or now_epoch - epoch >= window_seconds:
            expired.append(key)
    return expired
