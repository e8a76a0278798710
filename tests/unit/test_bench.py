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
    normalized = [to_normalized(parse_raw(orjson.dumps(a), max_text_bytes=settings.max_text_bytes),
                                ingested_at=None, raw_position=None) for a in articles]
    alone = enrich_articles(Enricher(settings), normalized)
    assert measured["alerts"] == sum(len(evaluate(r)) for r in alone if isinstance(r, EnrichedArticle)) > 0
