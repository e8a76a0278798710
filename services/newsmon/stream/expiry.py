"""Tables that forget: entries past a window are deleted, so a worker's state stays bounded.

The tables use Kafka's partitioner on their keys (`use_partitioner=True`) with the keys of their
source topic, so an entry lives in the changelog partition of the source partition it came from
and can be deleted outside that partition's events. A worker deletes only entries of the
partitions it owns: a standby copy is another worker's to expire.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

from aiokafka.partitioner import DefaultPartitioner

_partitioner = DefaultPartitioner()


def key_partition(key: bytes, partitions: int) -> int:
    """The partition Kafka's default partitioner (murmur2) gives `key`, as producers do."""
    return int(_partitioner(key, list(range(partitions)), []))


def expired_keys(
    entries: Iterable[tuple[Any, Any]],
    now_epoch: float,
    window_seconds: float,
    epoch_of: Callable[[Any], float | None],
    *,
    partitions: int,
    owned: Collection[int],
) -> list[bytes]:
    """Keys of the entries (key, stored value) older than the window in the owned partitions; an
    entry whose time cannot be read is expired too."""
    expired = []
    for key, value in entries:
        if not isinstance(key, bytes) or key_partition(key, partitions) not in owned:
            continue
        epoch = epoch_of(value)
        if epoch is None or now_epoch - epoch >= window_seconds:
            expired.append(key)
    return expired
