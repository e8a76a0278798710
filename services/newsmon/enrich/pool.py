"""Where the spaCy work runs: a process pool (or one thread) beside the worker's event loop, so that
the loop keeps serving Kafka heartbeats. Each pool process builds its own Enricher once, from the
Settings the worker hands it."""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

from newsmon.enrich.articles import enrich_articles, warm_up
from newsmon.nlp.enricher import Enricher
from newsmon.nlp.places.watchlist import load_watchlist
from newsmon.records import EnrichedArticle, NormalizedArticle
from newsmon.settings import Settings

_process_enricher: Enricher | None = None


def init_process_enricher(settings: Settings) -> None:
    global _process_enricher
    _process_enricher = Enricher(settings)


def enrich_in_process(articles: Sequence[NormalizedArticle]) -> list[EnrichedArticle]:
    assert _process_enricher is not None, "init_process_enricher did not run in this process"
    return enrich_articles(_process_enricher, articles)


def warm_up_in_process() -> None:
    assert _process_enricher is not None, "init_process_enricher did not run in this process"
    warm_up(_process_enricher)


def make_executor(settings: Settings) -> Executor:
    """Where the spaCy work runs, its pipelines built and warmed before this returns, so the worker
    joins the consumer group only when it can enrich at full speed. A broken watchlist raises
    WatchlistError here, in the worker's own process, before any pool starts."""
    load_watchlist(settings.watchlist_path)
    if settings.nlp_executor == "thread":
        executor: Executor = ThreadPoolExecutor(max_workers=1, initializer=init_process_enricher, initargs=(settings,))
    else:
        # spawn: never fork a process that runs an event loop and Kafka client threads.
        executor = ProcessPoolExecutor(
            max_workers=settings.nlp_processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_process_enricher,
            initargs=(settings,),
        )
    for warming in [executor.submit(warm_up_in_process) for _ in range(settings.nlp_processes)]:
        warming.result()
    return executor
