"""Exactly once (NEWSMON_PROCESSING_GUARANTEE=exactly_once): each worker's output and the offsets of
what caused it commit together, in one Kafka transaction at a time.

Faust 0.15's own transaction manager is not used; measured with SIGKILL (devtools/chaos.py), it
repeats and loses articles, and stalls:
- it sends a message in the transaction of the partition number it goes *to*, but commits a source
  partition's offsets in the transaction of that partition's number: an event's output and its
  offset land in different transactions, and a crash between their commits repeats or loses it;
- its commit may fall between an event's sends and its ack: the output commits, the offset does not;
- it refuses to commit past two adjacent transaction markers at the head of a partition (the
  `min(acked) - committed > 1` check in Consumer._new_offset), so a restarted worker stops committing.

Here a worker has one transactional producer; its id (app id, host, web port) stays the same across
restarts, so a restarted worker fences its killed self and aborts the transaction it left open.
- Every message sent for an event goes into the open transaction. A send made for no event (POST
  /articles, whose client is told the article is accepted) goes out at once, outside it.
- A commit (every `broker_commit_interval`) first drains: the events that have sent must all be
  acked. Meanwhile an event that has not sent yet waits at its first send, unless it was read
  before one that has (it holds the commit up otherwise). Then the tables' buffered changelog writes
  are flushed, and the offsets, each partition's first message read and not acked (a transaction
  marker is never read, so never waited for), are committed with the output.
- An event read before a rebalance (an older consumer generation) sends nothing: its partition is
  read again from its committed offset. On a rebalance the drained part commits, the rest aborts.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakSet

import faust
from faust.streams import current_event
from faust.transport.consumer import TransactionManager
from faust.types import TP

log = logging.getLogger(__name__)

# How long a commit waits for the events that have sent to be acked before it tries again later.
DRAIN_SECONDS = 30.0
DRAIN_POLL_SECONDS = 0.02

Position = tuple[TP, int]

# The events a send is made for, where Faust's current event is not the right answer: a batch of
# the enrich agent, sent from a task of its own.
_sending_for: ContextVar[tuple[faust.EventT[Any], ...] | None] = ContextVar("newsmon_sending_for", default=None)


@contextmanager
def sending_for(events: Iterable[faust.EventT[Any]]) -> Iterator[None]:
    """The sends made inside are made for `events` (all of them at once)."""
    token = _sending_for.set(tuple(events))
    try:
        yield
    finally:
        _sending_for.reset(token)


def source_events() -> tuple[faust.EventT[Any], ...]:
    explicit = _sending_for.get()
    if explicit is not None:
        return explicit
    event = current_event()
    return () if event is None else (event,)


def positions_of(events: Iterable[faust.EventT[Any]]) -> list[Position]:
    return [(event.message.tp, event.message.offset) for event in events]


@dataclass
class Gate:
    """Who may send into the open transaction: everyone, but while a commit drains (only events that
    have sent, or were read before one that has) or commits (nobody)."""

    draining: bool = False
    committing: bool = False
    sending: int = 0  # sends on their way into the transaction's producer
    wrote: bool = False  # the open transaction holds a message
    entered: set[Position] = field(default_factory=set)
    highest_entered: dict[TP, int] = field(default_factory=dict)

    def may_enter(self, positions: Iterable[Position]) -> bool:
        if self.committing:
            return False
        if not self.draining:
            return True
        return all(p in self.entered or p[1] <= self.highest_entered.get(p[0], -1) for p in positions)

    def enter(self, positions: Iterable[Position]) -> None:
        for tp, offset in positions:
            self.entered.add((tp, offset))
            if offset > self.highest_entered.get(tp, -1):
                self.highest_entered[tp] = offset

    def covered(self, done: Mapping[TP, int | None]) -> bool:
        """Every event that has sent is below the offset its partition commits now."""
        return all((done.get(tp) or 0) > highest for tp, highest in self.highest_entered.items())

    def committed(self) -> None:
        self.entered.clear()
        self.highest_entered.clear()
        self.wrote = False


class MessagesInOrder(WeakSet[Any]):
    """Faust's set of the messages read and not yet acked (Consumer._unacked_messages), which also
    keeps each partition's messages in the order they were read, to tell how far it is done."""

    def __init__(self) -> None:
        super().__init__()
        self.in_order: dict[TP, deque[Any]] = defaultdict(deque)
        self.done: dict[TP, int] = {}

    def add(self, message: Any) -> None:
        super().add(message)
        self.in_order[message.tp].append(message)

    def done_offset(self, tp: TP, generation: int) -> int | None:
        """Where `tp` may be committed: its first message read and not acked, or past the last one
        when all are acked; None before any was acked. Messages of an older generation (read before
        a rebalance) are read again, so they count for nothing."""
        queue = self.in_order.get(tp)
        while queue and (queue[0].acked or queue[0].generation_id != generation):
            message = queue.popleft()
            if message.acked and message.generation_id == generation:
                self.done[tp] = max(self.done.get(tp, 0), message.offset + 1)
        if queue and tp in self.done:
            first_not_acked: int = queue[0].offset
            return first_not_acked
        return self.done.get(tp)

    def forget(self) -> None:
        self.in_order.clear()
        self.done.clear()


def stale(app: faust.App, events: Iterable[faust.EventT[Any]]) -> bool:
    generation = app.consumer_generation_id
    return any(event.message.generation_id != generation for event in events)


class OneTransactionPerWorker(TransactionManager):
    """Faust's TransactionManager with the behaviour above (installed by stream/transport.py)."""

    def __init__(self, transport: Any, *, consumer: Any, producer: Any, **kwargs: Any) -> None:
        super().__init__(transport, consumer=consumer, producer=producer, **kwargs)
        self.gate = Gate()
        self._changed = asyncio.Event()
        self._began = False
        self._commit_lock = asyncio.Lock()
        # Faust's consumer, producer and app, with the private state this class reads and keeps.
        self._consumer: Any = consumer
        self._producer: Any = producer
        self._app: Any = self.app
        self.transactional_id = f"{self.app.conf.id}-{socket.gethostname()}-{self.app.conf.web_port}"

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _until(self, condition: Any) -> None:
        while not condition():
            changed = self._changed
            await changed.wait()

    # --- Faust's hooks -----------------------------------------------------------------------------

    async def on_rebalance(self, assigned: set[TP], revoked: set[TP], newly_assigned: set[TP]) -> None:
        if assigned and not self._began:
            # The first begin starts the producer: its InitProducerId fences a killed predecessor
            # and aborts what that one left open.
            await self.producer.begin_transaction(self.transactional_id)
            self._began = True

    async def on_partitions_revoked(self, revoked: set[TP]) -> None:
        await self.flush()
        if not self._began:
            return
        await self.consumer.commit()
        if self.gate.entered or self.gate.wrote:
            log.info("rebalance: aborting the output of %d event(s) not done", len(self.gate.entered))
            async with self._commit_lock:
                self.gate.committing = True
                try:
                    await self._until(lambda: self.gate.sending == 0)
                    await self.producer.abort_transaction(self.transactional_id)
                    await self.producer.begin_transaction(self.transactional_id)
                    self.gate.committed()
                finally:
                    self.gate.committing = False
                    self._notify()
        messages = self._consumer._unacked_messages
        if isinstance(messages, MessagesInOrder):
            messages.forget()

    async def send(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        partition: int | None,
        timestamp: float | None,
        headers: Any,
        *,
        transactional_id: str | None = None,
    ) -> Any:
        events = source_events()
        changelog = topic in self.app.tables.changelog_topics
        if not events and not changelog:
            return await self.producer.send(topic, key, value, partition, timestamp, headers)
        await self.admit(events)
        if stale(self._app, events):
            return self._dropped(topic)
        self.gate.sending += 1
        try:
            sent = await self.producer.send(
                topic, key, value, partition, timestamp, headers, transactional_id=self.transactional_id
            )
            self.gate.wrote = True
            return sent
        finally:
            self.gate.sending -= 1
            self._notify()

    async def admit(self, events: Iterable[faust.EventT[Any]]) -> None:
        """Wait until `events` may send into the open transaction, and count them in."""
        positions = positions_of(events)
        if not positions:  # a table's changelog write: held only while committing
            await self._until(lambda: not self.gate.committing)
            return
        await self._until(lambda: self.gate.may_enter(positions))
        self.gate.enter(positions)

    def _dropped(self, topic: str) -> asyncio.Future[None]:
        log.info("a send to %s for an event read before a rebalance is dropped: it is read again", topic)
        dropped: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        dropped.set_result(None)
        return dropped

    async def commit(self, offsets: Mapping[TP, int], start_new_transaction: bool = True) -> bool:
        await self.producer.commit_transactions(
            {self.transactional_id: offsets}, self.app.conf.id, start_new_transaction=start_new_transaction
        )
        return True

    # --- the commit --------------------------------------------------------------------------------

    def done_offsets(self, tps: Iterable[TP]) -> dict[TP, int]:
        messages = self._consumer._unacked_messages
        generation = self.app.consumer_generation_id
        done: dict[TP, int] = {}
        for tp in set(tps) | set(messages.in_order):
            offset = messages.done_offset(tp, generation)
            if offset is not None:
                done[tp] = offset
        return done

    async def commit_drained(self, tps: Iterable[TP], start_new_transaction: bool) -> bool:
        """Drain, flush, commit the offsets with the output; False when nothing was committed."""
        if not self._began:
            return False
        tps = list(tps)
        gate = self.gate
        async with self._commit_lock:
            gate.draining = True
            try:
                deadline = time.monotonic() + DRAIN_SECONDS
                while True:
                    while not gate.covered(self.done_offsets(tps)):
                        if time.monotonic() > deadline:
                            log.warning("commit skipped: events that sent were not acked in %.0f s", DRAIN_SECONDS)
                            return False
                        await asyncio.sleep(DRAIN_POLL_SECONDS)
                    await self.app.producer.buffer.flush()  # the tables' changelog writes
                    gate.committing = True
                    await self._until(lambda: gate.sending == 0)
                    done = self.done_offsets(tps)
                    if gate.covered(done):
                        break
                    gate.committing = False  # an event read earlier sent meanwhile: drain it too
                    self._notify()
                offsets = self._committable(done)
                if not offsets and not gate.wrote:
                    return False
                await self._commit_transaction(offsets, start_new_transaction)
            finally:
                gate.draining = gate.committing = False
                self._notify()
        return bool(offsets)

    def _committable(self, done: Mapping[TP, int]) -> dict[TP, int]:
        assignment = self.consumer.assignment()
        committed = self._consumer._committed_offset
        return {
            tp: offset
            for tp, offset in done.items()
            if tp in assignment and (committed[tp] is None or offset > committed[tp])
        }

    async def _commit_transaction(self, offsets: Mapping[TP, int], start_new_transaction: bool) -> None:
        tid = self.transactional_id
        transaction_producer = self._producer._transaction_producers[tid]
        await transaction_producer.flush()
        try:
            if offsets:
                await self.commit(offsets, start_new_transaction)
            else:  # only table writes (a sweep): no offset moved
                await transaction_producer.commit_transaction()
                if start_new_transaction:
                    await transaction_producer.begin_transaction()
        except Exception as exc:
            log.critical("the transaction could not commit (%r): the worker stops", exc)
            await self.app.crash(exc)
            raise
        self.gate.committed()
        consumer = self._consumer
        consumer._committed_offset.update(offsets)
        for tp, offset in offsets.items():
            acked = consumer._acked[tp]
            acked[:] = [o for o in acked if o >= offset]
            consumer._acked_index[tp].intersection_update(acked)
        if offsets:
            self.app.tables.on_commit(dict(offsets))
            self.app.monitor.on_tp_commit(dict(offsets))


async def enter(app: faust.App, events: Iterable[faust.EventT[Any]]) -> None:
    """Under exactly once, wait until `events` may send into the open transaction (a commit may be
    draining) and count them in; at once otherwise. For events whose sends come later, from
    another task (the enrich agent's batches): entering when taken keeps them in reading order."""
    manager = getattr(app.consumer, "transactions", None) if app.in_transaction else None
    if isinstance(manager, OneTransactionPerWorker):
        await manager.admit(events)
