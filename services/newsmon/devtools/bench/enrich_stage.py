"""The enrich stage alone through Kafka: how well the enrich agent uses its NLP processes.

    python -m newsmon.devtools.bench.enrich_stage [--articles 1000] [--seed 11]

A throw-away broker and a `newsmon worker --stage enrich` with NEWSMON_NLP_PROCESSES processes (by
default one per core); the benchmark's articles, normalized here, are published at once to
news.articles.unique, and the stage's articles per second are counted from the first publish to
the last enriched record. The other stages (normalize, deduplicate, alert) do not run, so what
is measured is the enrich agent, its NLP processes and its Kafka hop; `make bench` measures the
whole pipeline. Prints one JSON line, with the CPU milliseconds per article of each process.
"""

from __future__ import annotations

import argparse
import json
import time

import orjson

from newsmon import topics
from newsmon.clock import now_iso
from newsmon.contracts import encode
from newsmon.devtools.bench.cpu import worker_cpu_watch
from newsmon.devtools.bench.pipeline import collect, generate_articles
from newsmon.devtools.run import broker, reader_from_start, worker_process
from newsmon.kafka_clients import create_topics
from newsmon.normalize.article import to_normalized
from newsmon.normalize.parse import parse_raw
from newsmon.settings import Settings, load_settings
from newsmon.sources.publish import make_producer


def enrich_stage(settings: Settings, articles: int, seed: int, timeout: float = 1800) -> dict[str, object]:
    generated = generate_articles(articles, seed)
    ingested_at = now_iso()
    parsed = [parse_raw(orjson.dumps(a), max_text_bytes=settings.max_text_bytes) for a in generated]
    normalized = [to_normalized(raw, ingested_at=ingested_at, raw_position=None) for raw in parsed]
    with broker(settings, once=True) as live:
        create_topics(live)
        with worker_process(live, stage="enrich") as worker:
            consumer = reader_from_start(live, topics.ENRICHED, consumer_timeout_ms=200)
            cpu = worker_cpu_watch(live, worker.pid)
            producer = make_producer(live)
            cpu.start()
            started = time.time()
            for record in normalized:
                producer.send(topics.UNIQUE, key=record.fingerprint.encode(), value=encode(record))
            producer.flush()
            producer.close()
            got = collect(consumer, {a["id"] for a in generated}, timeout)
            elapsed = got.last_enriched_at - started
            spent = cpu.stop(articles)
            consumer.close()
    return {
        "nlp_processes": settings.nlp_processes,
        "articles": articles,
        "enriched": len(got.enriched),
        "seconds": round(elapsed, 2),
        "articles_per_s": round(len(got.enriched) / elapsed, 1),
        "cpu": spent,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    print(json.dumps(enrich_stage(load_settings(), args.articles, args.seed)))


if __name__ == "__main__":
    main()
