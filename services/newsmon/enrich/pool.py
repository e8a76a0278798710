"""Where the spaCy work runs: NLP processes beside the worker's event loop, so that the loop keeps
serving Kafka heartbeats, watched so that no article can stall the stream.

    pool = NlpPool.start(settings)           # processes built and warmed before the worker joins
    results = await pool.run(articles)      # one EnrichedArticle or EnrichmentFailure per article

A batch that runs past `nlp_batch_timeout_seconds` has its processes killed and replaced, and is
split in halves that are retried; an article that alone runs past the limit comes back as a
`processing_timeout` failure. A batch whose process dies is retried once whole, then split the
same way, so one article that kills its process is found and dead-lettered (`nlp_error`) while the
others go on. An article's failures are its own: however many processes it takes to find it, they
never stop the worker (a restarted worker would meet the same article again, for ever). What stops
it is new processes that cannot start: each start builds and warms them on a sample article, and
when `nlp_max_restarts + 1` starts in a row fail (the processes die or hang while starting) `run`
raises NlpPoolBroken: the worker must exit non-zero for its supervisor to restart it.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
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


class ProcessPool(Generic[Item, Result]):
    """Runs `task(items) -> results` (one result per item) in processes with a time limit, splitting
    batches that are too slow or kill their process; see the module's docstring."""

    def __init__(
        self,
        build: Callable[[], ProcessPoolExecutor],
        task: Callable[[Sequence[Item]], list[Result]],
        *,
        timeout: float,
        max_restarts: int,
        on_replace: Callable[[str], None] = lambda cause: None,
    ) -> None:
        self._build = build
        self._task = task
        self.timeout = timeout
        self.max_restarts = max_restarts
        self._on_replace = on_replace
        self._executor = build()

    async def run(self, items: Sequence[Item]) -> list[Result | TimedOut | ProcessDied]:
        """One result per item, in order; TimedOut or ProcessDied for an item that alone failed."""
        if not items:
            return []
        return await self._run(list(items), retry_whole=True)

    async def _run(self, items: list[Item], *, retry_whole: bool) -> list[Result | TimedOut | ProcessDied]:
        try:
            results: list[Result | TimedOut | ProcessDied] = list(await self._attempt(items))
        except TimeoutError:
            await self._replace(f"a batch of {len(items)} ran past {self.timeout:g} s")
            if len(items) == 1:
                return [TimedOut(f"the NLP took longer than {self.timeout:g} s on this article alone")]
            return await self._split(items)
        except BrokenProcessPool:
            await self._replace(f"an NLP process died on a batch of {len(items)}")
            if retry_whole:
                return await self._run(items, retry_whole=False)
            if len(items) == 1:
                return [ProcessDied("the NLP process died twice while working on this article")]
            return await self._split(items)
        return results

    async def _split(self, items: list[Item]) -> list[Result | TimedOut | ProcessDied]:
        half = len(items) // 2
        return await self._run(items[:half], retry_whole=False) + await self._run(items[half:], retry_whole=False)

    async def _attempt(self, items: list[Item]) -> list[Result]:
        future = asyncio.wrap_future(self._executor.submit(self._task, items))
        results = await asyncio.wait_for(future, timeout=self.timeout)
        if len(results) != len(items):
            raise RuntimeError(f"the NLP returned {len(results)} results for {len(items)} articles")
        return results

    async def _replace(self, cause: str) -> None:
        log.warning("%s: replacing the NLP processes", cause)
        self._on_replace(cause)
        await asyncio.to_thread(kill_executor, self._executor)
        failure: Exception | None = None
        for failed_starts in range(1, self.max_restarts + 2):
            try:
                self._executor = await asyncio.to_thread(self._build)
                return
            except Exception as exc:  # noqa: BLE001  (died or hung while starting: try again, then give up)
                log.error("new NLP processes could not start (%d in a row): %r", failed_starts, exc)
                failure = exc
                if failed_starts <= self.max_restarts:
                    await asyncio.sleep(min(2.0 ** (failed_starts - 1), 30.0))  # a passing cause may pass
        raise NlpPoolBroken(
            f"{cause}; new NLP processes could not start {self.max_restarts + 1} times in a row "
            f"(the last: {failure!r}), giving up"
        ) from failure

    def close(self) -> None:
        kill_executor(self._executor)


NlpPool = ProcessPool[NormalizedArticle, EnrichedArticle | EnrichmentFailure]


def start_nlp_pool(settings: Settings, on_replace: Callable[[str], None] = lambda cause: None) -> NlpPool:
    """The worker's NLP processes, built and warmed before this returns, so the worker joins the
    consumer group only when it can enrich at full speed. A broken watchlist raises WatchlistError
    here, in the worker's own process, before any process starts."""
    load_watchlist(settings.watchlist_path)

    def build() -> ProcessPoolExecutor:
        return make_executor(
            settings.nlp_processes,
            init_process_enricher,
            (settings,),
            warm_up_in_process,
            start_timeout=max(120.0, settings.nlp_batch_timeout_seconds),
        )

    return ProcessPool(
        build,
        enrich_in_process,
        timeout=settings.nlp_batch_timeout_seconds,
        max_restarts=settings.nlp_max_restarts,
        on_replace=on_replace,
    )
