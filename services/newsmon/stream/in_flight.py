"""Batches worked on side by side, acknowledged one after the other in the order they were taken.

    in_flight = BatchesInFlight(running=2, waiting=2)
    async for batch in stream:
        await in_flight.start(lambda: work(batch), lambda: ack(batch))  # returns once there is room
    await in_flight.close()

Faust commits a partition up to the first offset not acknowledged, but its bookkeeping counts on
acks given in offset order: a later offset acked before an earlier one can let the commit pass the
earlier one, and with it an article never processed. A stream yields each partition's messages in
offset order, so acknowledging whole batches in the order they were taken keeps that order while
their work runs at once. A batch whose work returns False, raises or is cancelled is never
acknowledged, and neither is any batch taken after it: `stopped` turns true, and `start` raises
the first error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class BatchesInFlight:
    """At most `running` batches at work at once, and at most `waiting` more done with their work
    and waiting for an earlier batch to be acknowledged (a slow batch holds back a bounded amount
    of finished work: what a crash then makes the worker do again)."""

    def __init__(self, running: int, waiting: int = 0) -> None:
        if running < 1 or waiting < 0:
            raise ValueError(f"running must be at least 1 and waiting at least 0, not {running} and {waiting}")
        self._max_running = running
        self._max_unacknowledged = running + waiting
        self._working: set[asyncio.Task[bool]] = set()  # their work not yet done
        self._batches: set[asyncio.Task[bool]] = set()  # not yet acknowledged (or given up)
        self._last: asyncio.Task[bool] | None = None  # the batch taken last
        self._changed = asyncio.Event()
        self._failure: BaseException | None = None
        self.stopped = False

    @property
    def unacknowledged(self) -> int:
        return len(self._batches)

    async def start(self, work: Callable[[], Awaitable[bool]], acknowledge: Callable[[], Awaitable[None]]) -> None:
        """Start one batch: `work` (True when it may be acknowledged), then, once every batch taken
        before it is acknowledged, `acknowledge`. Returns once the batch started; waits for room
        first. Raises the first error of an earlier batch."""
        while not self.stopped and (
            len(self._working) >= self._max_running or len(self._batches) >= self._max_unacknowledged
        ):
            self._changed.clear()
            await self._changed.wait()
        if self._failure is not None:
            raise self._failure
        if self.stopped:
            return
        batch = asyncio.create_task(self._batch(self._last, work, acknowledge))
        self._working.add(batch)
        self._batches.add(batch)
        batch.add_done_callback(self._done)
        self._last = batch

    async def _batch(
        self,
        previous: asyncio.Task[bool] | None,
        work: Callable[[], Awaitable[bool]],
        acknowledge: Callable[[], Awaitable[None]],
    ) -> bool:
        try:
            may_acknowledge = await work()
        finally:
            if (this := asyncio.current_task()) is not None:
                self._working.discard(this)
            self._changed.set()
        # Awaiting the batch before re-raises its error, or its cancellation: this one stops too.
        if previous is not None and not await previous:
            return False
        if not may_acknowledge:
            return False
        await acknowledge()
        return True

    def _done(self, batch: asyncio.Task[bool]) -> None:
        self._working.discard(batch)  # cancelled before its work began
        self._batches.discard(batch)
        if batch.cancelled():
            self.stopped = True
        elif (error := batch.exception()) is not None:
            self.stopped = True
            self._failure = self._failure or error
        elif not batch.result():
            self.stopped = True
        self._changed.set()

    async def join(self) -> None:
        """Wait until every batch started is acknowledged or given up; raise the first error."""
        while self._batches:
            await asyncio.wait(set(self._batches))
        if self._failure is not None:
            raise self._failure

    async def close(self) -> None:
        """Cancel the batches still in flight: none of them, nor any after them, is acknowledged."""
        self.stopped = True
        batches = list(self._batches)
        for batch in batches:
            batch.cancel()
        await asyncio.gather(*batches, return_exceptions=True)
        self._changed.set()
