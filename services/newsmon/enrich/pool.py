"""Where the spaCy work runs: NLP processes beside the worker's event loop, so that the loop keeps
serving Kafka heartbeats, watched so that no article can stall the stream.

    pool = start_nlp_pool(settings)          # processes built and warmed before the worker joins
    results = await pool.run(articles)      # one EnrichedArticle or EnrichmentFailure per article

The pool has `nlp_processes` processes and runs one batch in each at a time: up to that many `run`
calls proceed at once, the others wait for a free process. A batch that runs past
`nlp_batch_timeout_seconds` has its process killed and replaced, and is split in halves that are
retried; an article that alone runs past the limit comes back as a `processing_timeout` failure. A
batch whose process dies is retried once whole, then split the same way, so one article that kills
its process is found and dead-lettered (`nlp_error`) while the others go on. A process found dead
while idle is replaced before it takes a batch. Only the process of the failing batch is replaced:
the batches in the other processes go on. An article's failures are its own: however many processes
it takes to find it, they never stop the worker (a restarted worker would meet the same article
again, for ever). What stops it is new processes that cannot start: each start builds and warms a
process on a sample article, and when `nlp_max_restarts + 1` starts in a row fail (the process dies
or hangs while starting) `run` raises NlpPoolBroken, then and ever after: the worker must exit
non-zero for its supervisor to restart it.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Generic, TypeVar

from newsmon.enrich.articles import EnrichmentFailure, enrich_articles, warm_up
from newsmon.nlp.enricher import Enricher
from newsmon.nlp.places.watchlist import load_watchlist
from newsmon.records import EnrichedArticle, NormalizedArticle
from newsmon.settings import Settings

log = logging.getLogger(__name__)

_process_enricher: Enricher | None = None

Item = TypeVar("Item")
Result = TypeVar("Result")


def init_process_enricher(settings: Settings) -> None:
    global _process_enricher
    _process_enricher = Enricher(settings)


def enrich_in_process(articles: Sequence[NormalizedArticle]) -> list[EnrichedArticle | EnrichmentFailure]:
    assert _process_enricher is not None, "init_process_enricher did not run in this process"
    return enrich_articles(_process_enricher, articles)


def warm_up_in_process() -> None:
    assert _process_enricher is not None, "init_process_enricher did not run in this process"
    warm_up(_process_enricher)


class NlpPoolBroken(RuntimeError):
    """New NLP processes keep failing to start: only a restart of the worker can help."""


class TimedOut(Exception):
    """One item ran past the time limit on its own."""


class ProcessDied(Exception):
    """One item's process died while working on it, twice."""


def exit_with_parent(parent_pid: int, interval: float = 1.0) -> None:
    """Exit this process when its parent is gone: a worker killed on its own (not its whole process
    group) must not leave its NLP processes behind, holding memory."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def init_child(parent_pid: int, initializer: Callable[..., None], initargs: tuple[object, ...]) -> None:
    exit_with_parent(parent_pid)
    initializer(*initargs)


def make_executor(
    processes: int,
    initializer: Callable[..., None],
    initargs: tuple[object, ...],
    warm: Callable[[], None] | None = None,
    start_timeout: float | None = None,
) -> ProcessPoolExecutor:
    """`processes` NLP processes, each initialised (and warmed) before this returns; a process that
    dies or takes longer than `start_timeout` seconds to warm raises, with the processes stopped."""
    # spawn: never fork a process that runs an event loop and Kafka client threads.
    executor = ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_child,
        initargs=(os.getpid(), initializer, initargs),
    )
    if warm is not None:
        try:
            for warming in [executor.submit(warm) for _ in range(processes)]:
                warming.result(timeout=start_timeout)
        except BaseException:
            kill_executor(executor)
            raise
    return executor


def kill_executor(executor: ProcessPoolExecutor) -> None:
    """Stop the processes now, whatever they are doing: a running task cannot be cancelled."""
    # The pool offers no way to kill its workers; _processes is the pid -> Process map it keeps.
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        if process.is_alive():
            process.kill()
    executor.shutdown(wait=True, cancel_futures=True)


class _Slot:
    """One NLP process (an executor of one process): a batch runs on a slot of its own, so a batch
    that times out or kills its process costs that process only, never the batches beside it."""

    def __init__(self, executor: ProcessPoolExecutor) -> None:
        self.executor = executor

    def is_broken(self) -> bool:
        """Its process died while idle (the executor noticed), or a replacement was cut short: it
        must be replaced before use."""
        # The executor's own flags: it offers no public way to ask.
        return bool(getattr(self.executor, "_broken", False) or getattr(self.executor, "_shutdown_thread", False))


class ProcessPool(Generic[Item, Result]):
    """Runs `task(items) -> results` (one result per item) in `processes` processes with a time
    limit, one batch per process at a time, splitting batches that are too slow or kill their
    process; see the module's docstring. `build` makes the executor of one process."""

    def __init__(
        self,
        build: Callable[[], ProcessPoolExecutor],
        task: Callable[[Sequence[Item]], list[Result]],
        *,
        processes: int = 1,
        timeout: float,
        max_restarts: int,
        on_replace: Callable[[str], None] = lambda cause: None,
    ) -> None:
        self._build = build
        self._task = task
        self.timeout = timeout
        self.max_restarts = max_restarts
        self._on_replace = on_replace
        self._slots = [_Slot(executor) for executor in build_all(build, processes)]
        self._idle: deque[_Slot] = deque(self._slots)  # taken from the left, so every slot gets used
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._broken: NlpPoolBroken | None = None

    @property
    def processes(self) -> int:
        return len(self._slots)

    async def run(self, items: Sequence[Item]) -> list[Result | TimedOut | ProcessDied]:
        """One result per item, in order; TimedOut or ProcessDied for an item that alone failed.
        Up to `processes` calls run at once, each in a process of its own; the others wait."""
        if not items:
            return []
        return await self._run(list(items), retry_whole=True)

    async def _run(self, items: list[Item], *, retry_whole: bool) -> list[Result | TimedOut | ProcessDied]:
        slot = await self._take_slot()
        try:
            try:
                return list(await self._attempt(slot, items))
            except TimeoutError:
                timed_out = True
                await self._replace(slot, f"a batch of {len(items)} ran past {self.timeout:g} s")
            except BrokenProcessPool:
                timed_out = False
                await self._replace(slot, f"an NLP process died on a batch of {len(items)}")
        finally:
            self._give_back(slot)  # before any retry takes a slot again
        if timed_out:
            if len(items) == 1:
                return [TimedOut(f"the NLP took longer than {self.timeout:g} s on this article alone")]
            return await self._split(items)
        if retry_whole:
            return await self._run(items, retry_whole=False)
        if len(items) == 1:
            return [ProcessDied("the NLP process died twice while working on this article")]
        return await self._split(items)

    async def _split(self, items: list[Item]) -> list[Result | TimedOut | ProcessDied]:
        half = len(items) // 2
        return await self._run(items[:half], retry_whole=False) + await self._run(items[half:], retry_whole=False)

    async def _attempt(self, slot: _Slot, items: list[Item]) -> list[Result]:
        future = asyncio.wrap_future(slot.executor.submit(self._task, items))
        results = await asyncio.wait_for(future, timeout=self.timeout)
        if len(results) != len(items):
            raise RuntimeError(f"the NLP returned {len(results)} results for {len(items)} articles")
        return results

    async def _take_slot(self) -> _Slot:
        while True:
            if self._broken is not None:
                raise self._broken
            if self._idle:
                slot = self._idle.popleft()
                if not slot.is_broken():
                    return slot
                try:  # a process that died idle must not count against the batch that meets it
                    await self._replace(slot, "an NLP process died while idle")
                except BaseException:
                    self._give_back(slot)
                    raise
                return slot
            # Futures of the running loop, made per wait: the pool outlives any one event loop.
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._wake_next()  # woken, then cancelled: the slot goes to the next in line
                else:
                    self._waiting.remove(waiter)
                raise

    def _give_back(self, slot: _Slot) -> None:
        self._idle.append(slot)
        self._wake_next()

    def _wake_next(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done() and not waiter.get_loop().is_closed():
                waiter.set_result(None)
                return

    async def _replace(self, slot: _Slot, cause: str) -> None:
        log.warning("%s: replacing the NLP process", cause)
        self._on_replace(cause)
        await asyncio.to_thread(kill_executor, slot.executor)
        failure: Exception | None = None
        for failed_starts in range(1, self.max_restarts + 2):
            try:
                slot.executor = await asyncio.to_thread(self._build)
                return
            except Exception as exc:  # noqa: BLE001  (died or hung while starting: try again, then give up)
                log.error("a new NLP process could not start (%d in a row): %r", failed_starts, exc)
                failure = exc
                if failed_starts <= self.max_restarts:
                    await asyncio.sleep(min(2.0 ** (failed_starts - 1), 30.0))  # a passing cause may pass
        self._broken = NlpPoolBroken(
            f"{cause}; new NLP processes could not start {self.max_restarts + 1} times in a row "
            f"(the last: {failure!r}), giving up"
        )
        raise self._broken from failure

    def close(self) -> None:
        for slot in self._slots:
            kill_executor(slot.executor)


def build_all(build: Callable[[], ProcessPoolExecutor], count: int) -> list[ProcessPoolExecutor]:
    """`count` executors built at once (each start loads and warms the models: seconds); if one
    cannot start, those that did are stopped and its error raised."""
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="nlp-start") as starting:
        starts = [starting.submit(build) for _ in range(count)]
        built, failures = [], []
        for start in starts:
            try:
                built.append(start.result())
            except BaseException as exc:  # noqa: BLE001  (re-raised below, once the others are stopped)
                failures.append(exc)
    if failures:
        for executor in built:
            kill_executor(executor)
        raise failures[0]
    return built


NlpPool = ProcessPool[NormalizedArticle, EnrichedArticle | EnrichmentFailure]


def start_nlp_pool(settings: Settings, on_replace: Callable[[str], None] = lambda cause: None) -> NlpPool:
    """The worker's NLP processes, built and warmed before this returns, so the worker joins the
    consumer group only when it can enrich at full speed. A broken watchlist raises WatchlistError
    here, in the worker's own process, before any process starts."""
    load_watchlist(settings.watchlist_path)

    def build() -> ProcessPoolExecutor:
        return make_executor(
            1,
            init_process_enricher,
            (settings,),
            warm_up_in_process,
            start_timeout=max(120.0, settings.nlp_batch_timeout_seconds),
        )

    return ProcessPool(
        build,
        enrich_in_process,
        processes=settings.nlp_processes,
        timeout=settings.nlp_batch_timeout_seconds,
        max_restarts=settings.nlp_max_restarts,
        on_replace=on_replace,
    )
