"""Acks in offset order, for agents whose messages finish out of order (the deliver agent).

Faust commits a partition up to the first offset not acked, but its check lets one unacked message at
the head through: with offset 10 committed (the next to read) and still in progress, an ack of 11
makes it commit 12, and a crash then skips 10 for good. The check is loose on purpose, for a head
offset that no longer exists (compaction, transaction markers); so newsmon never acks out of order
instead: an event that finished early waits until the events read before it on its partition are done.
"""

from __future__ import annotations

from collections import deque
from typing import Any, Protocol


class _Position(Protocol):
    @property
    def tp(self) -> Any: ...

    @property
    def offset(self) -> int: ...


class _Event(Protocol):
    @property
    def message(self) -> _Position: ...


class InOrderAcks:
    """The events read and not yet acked, per partition in offset order, with whether each is done."""

    def __init__(self) -> None:
        self._pending: dict[Any, deque[list[Any]]] = {}  # tp -> [event, done]

    def read(self, event: _Event) -> None:
        """An event read from its partition; it is acked by a later `finished`."""
        queue = self._pending.setdefault(event.message.tp, deque())
        offset = event.message.offset
        while queue and queue[-1][0].message.offset >= offset:
            # Read again from here (a rebalance or a seek): the events after it come again too.
            queue.pop()
        queue.append([event, False])

    def finished(self, event: _Event) -> list[Any]:
        """`event` is done; the events that may be acked now, in offset order (none while an
        earlier event of its partition is still in progress)."""
        queue = self._pending.get(event.message.tp)
        if not queue:
            return []
        for entry in queue:
            if entry[0] is event:
                entry[1] = True
                break
        else:
            return []  # dropped when its partition was read again
        ready = []
        while queue and queue[0][1]:
            ready.append(queue.popleft()[0])
        return ready

    def in_progress(self) -> int:
        return sum(len(queue) for queue in self._pending.values())
