"""The benchmark's bare loop: the worker's NLP pool, as many processes as the worker, the same results."""

from newsmon.alerts.rules import evaluate
from newsmon.devtools.bench.pipeline import baseline, generate_articles
from newsmon.enrich.articles import enrich_articles
from newsmon.nlp.enricher import Enricher
from newsmon.normalize.article import to_normalized
from newsmon.normalize.parse import parse_raw
from newsmon.records import EnrichedArticle
from newsmon.settings import Settings

import orjson


def test_the_baseline_runs_the_workers_pool_and_finds_what_one_process_finds():
    settings = Settings(nlp_processes=2, nlp_batch_size=4)
    articles = generate_articles(10, seed=3, words=60)
    measured = baseline(articles, settings)
    assert measured["articles"] == 10 and measured["nlp_processes"] == 2
    assert measured["cpu"]["nlp_cpu_ms_per_article"] > 0  # the enrichment ran in the pool's processes
    normalized = [to_normalized(parse_raw(orjson.dumps(a), max_text_bytes=settings.max_text_bytes),
                                ingested_at=None, raw_position=None) for a in articles]
    alone = enrich_articles(Enricher(settings), normalized)
    assert measured["alerts"] == sum(len(evaluate(r)) for r in alone if isinstance(r, EnrichedArticle)) > 0


def test_cpu_accounting_counts_the_processes_of_each_role_and_the_machine():
    import os
    import time

    from newsmon.devtools.bench.cpu import CpuWatch, cpu_seconds, nlp_children
    from newsmon.enrich.pool import make_executor

    executor = make_executor(1, print, ())
    try:
        executor.submit(time.sleep, 0).result()  # spawned and started
        [child] = nlp_children(os.getpid())
        watch = CpuWatch({"here": [os.getpid()], "nlp": [child]})
        watch.start()
        deadline = time.process_time() + 0.3
        while time.process_time() < deadline:
            pass  # 0.3 s of CPU here, none in the child
        spent = watch.stop(articles=3)
    finally:
        executor.shutdown()
    assert spent["here_cpu_ms_per_article"] >= 90  # 300 ms over 3 articles
    assert spent["nlp_cpu_ms_per_article"] < 30
    assert 0 < spent["machine_busy_share"] <= 1
    assert cpu_seconds(2**22 + 12345) == 0.0  # no such process
