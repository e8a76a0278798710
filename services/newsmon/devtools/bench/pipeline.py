"""`make bench` (`newsmon bench`): the whole pipeline on a real broker against the same code in a bare loop.

Both runs process the same generated articles in this one process's run, with the same number of
NLP processes (NEWSMON_NLP_PROCESSES, by default one per core), so the ratio pipeline/baseline says
what Kafka, Faust and the hops cost, whatever the machine's speed."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from kafka import KafkaConsumer

from newsmon import topics
from newsmon.alerts.rules import evaluate
from newsmon.analyze import batched
from newsmon.clock import epoch_from_iso
from newsmon.devtools.bench.articles import make_articles, measure
from newsmon.devtools.bench.cpu import CpuWatch, nlp_children, worker_cpu_watch
from newsmon.devtools.run import broker, reader_from_start, worker_process
from newsmon.enrich.pool import NlpPool, start_nlp_pool
from newsmon.kafka_clients import create_topics
from newsmon.nlp.enricher import Enricher
from newsmon.normalize.article import to_normalized
from newsmon.normalize.parse import parse_raw
from newsmon.records import EnrichedArticle
from newsmon.settings import Settings
from newsmon.sources.files import Outgoing
from newsmon.sources.publish import make_producer, publish

LANGUAGES = ("id", "en")


def generate_articles(count: int, seed: int, words: int = 400) -> list[dict[str, Any]]:
    """Articles of about `words` words, Indonesian and English in turn, assembled from the sample
    articles' sentences with varied numbers and names (so the tokenizer cache mostly misses)."""
    per_language = {lang: make_articles(lang, (count + 1) // 2, words, seed=seed) for lang in LANGUAGES}
    articles = []
    for number in range(count):
        language = LANGUAGES[number % 2]
        text = per_language[language][number // 2]
        articles.append({"id": f"bench-{seed}-{number}", "text": f"{text} [{number}]", "language": language})
    return articles


def enrichment_per_core(count: int, words: int, settings: Settings) -> dict[str, float]:
    """The enrichment alone, in this one process (one core), per language."""
    enricher = Enricher(settings)
    return {lang: round(measure(enricher, lang, count, words), 1) for lang in LANGUAGES}


def process_tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (the worker and its NLP processes)."""
    total_kib, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total_kib += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return round(total_kib / 1024, 1)


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def baseline(articles: list[dict[str, Any]], settings: Settings) -> dict[str, Any]:
    """The same normalize, enrich and alert code in a bare loop, no broker, no Faust, with as many
    NLP processes as the worker (the worker's pool, started and warmed before the clock starts):
    what the machine can do, for the pipeline to be measured against."""
    pool = start_nlp_pool(settings)
    try:
        return asyncio.run(baseline_run(pool, articles, settings))
    finally:
        pool.close()


async def baseline_run(pool: NlpPool, articles: list[dict[str, Any]], settings: Settings) -> dict[str, Any]:
    async def one_batch(batch: list[dict[str, Any]]) -> int:
        normalized = [
            to_normalized(
                parse_raw(orjson.dumps(a), max_text_bytes=settings.max_text_bytes), ingested_at=None, raw_position=None
            )
            for a in batch
        ]
        results = await pool.run(normalized)  # waits for a free NLP process: one batch at work in each
        return sum(len(evaluate(result)) for result in results if isinstance(result, EnrichedArticle))

    cpu = CpuWatch({"bench_main": [os.getpid()], "nlp": nlp_children(os.getpid())})
    cpu.start()
    started = time.perf_counter()
    alerts = sum(await asyncio.gather(*(one_batch(b) for b in batched(articles, settings.nlp_batch_size))))
    elapsed = time.perf_counter() - started
    return {
        "articles": len(articles),
        "seconds": round(elapsed, 2),
        "articles_per_s": round(len(articles) / elapsed, 1),
        "alerts": alerts,
        "nlp_processes": pool.processes,
        "cpu": cpu.stop(len(articles)),
    }


def publish_paced(articles: list[dict[str, Any]], settings: Settings, rate: float) -> None:
    """Publish at a steady rate, as a live feed would, instead of all at once."""
    producer = make_producer(settings)
    try:
        started = time.monotonic()
        for number, article in enumerate(articles):
            time.sleep(max(0.0, started + number / rate - time.monotonic()))
            producer.send(topics.RAW, key=article["id"].encode(), value=orjson.dumps(article))
        producer.flush()
    finally:
        producer.close()


@dataclass
class Collected:
    enriched: dict[str, float] = field(default_factory=dict)  # article id -> ingest-to-receipt seconds
    alerts: list[float] = field(default_factory=list)
    last_enriched_at: float = 0.0  # epoch seconds


def collect(consumer: KafkaConsumer, expected: set[str], timeout: float) -> Collected:
    """Read enriched records and alerts of the expected articles until all are in and the topic is quiet."""
    got_all = Collected()
    enriched, alerts = got_all.enriched, got_all.alerts
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        got = False
        for message in consumer:
            got = True
            record = orjson.loads(message.value) if message.value is not None else {}  # None: a tombstone
            if not record.get("ingested_at"):
                continue  # a spike's alert: no one article's ingest time
            lag = time.time() - epoch_from_iso(record["ingested_at"])
            if message.topic == topics.ENRICHED and record["id"] in expected:
                enriched[record["id"]] = lag
                got_all.last_enriched_at = time.time()
            elif message.topic == topics.ALERTS and record["article_id"] in expected:
                alerts.append(lag)
        if len(enriched) == len(expected):
            # Alerts trail their enriched records by one hop: wait until the topic is quiet.
            quiet_since = quiet_since or time.monotonic()
            if not got and time.monotonic() - quiet_since > 2:
                break
    return got_all


def latency_summary(collected: Collected) -> dict[str, Any]:
    latencies, alerts = list(collected.enriched.values()), collected.alerts
    return {
        "ingest_to_enriched_p50_s": round(percentile(latencies, 0.5), 3),
        "ingest_to_enriched_p99_s": round(percentile(latencies, 0.99), 3),
        "ingest_to_alert_p50_s": round(percentile(alerts, 0.5), 3),
        "ingest_to_alert_p99_s": round(percentile(alerts, 0.99), 3),
    }


def pipeline(
    articles: list[dict[str, Any]], paced: list[dict[str, Any]], rate: float, settings: Settings, timeout: float
) -> dict[str, Any]:
    with broker(settings, once=True) as live:
        create_topics(live)
        with worker_process(live) as worker:
            consumer = reader_from_start(live, topics.ENRICHED, topics.ALERTS, consumer_timeout_ms=200)
            cpu = worker_cpu_watch(live, worker.pid)
            cpu.start()
            started = time.time()
            publish((Outgoing(a["id"].encode(), orjson.dumps(a), a["id"]) for a in articles), live)
            burst = collect(consumer, {a["id"] for a in articles}, timeout)
            elapsed = burst.last_enriched_at - started
            burst_cpu = cpu.stop(len(articles))
            worker_rss = process_tree_rss_mib(worker.pid)
            publisher = threading.Thread(target=publish_paced, args=(paced, live, rate))
            publisher.start()
            steady = collect(consumer, {a["id"] for a in paced}, timeout)
            publisher.join()
            consumer.close()
    return {
        "worker_rss_mib": worker_rss,
        "burst": {
            "articles": len(articles),
            "enriched": len(burst.enriched),
            "seconds": round(elapsed, 2),
            "articles_per_s": round(len(burst.enriched) / elapsed, 1),
            "alerts": len(burst.alerts),
            **latency_summary(burst),
            "cpu": burst_cpu,
        },
        "paced": {
            "articles": len(paced),
            "rate_per_s": rate,
            "enriched": len(steady.enriched),
            "alerts": len(steady.alerts),
            **latency_summary(steady),
        },
    }


def main(
    settings: Settings,
    articles: int = 2000,
    seed: int = 7,
    timeout: float = 1800,
    paced_articles: int = 200,
    paced_rate: float = 20.0,
) -> int:
    generated = generate_articles(articles + paced_articles, seed)
    burst, paced = generated[:articles], generated[articles:]
    words = statistics.mean(len(a["text"].split()) for a in generated)
    print(
        f"bench: {articles} + {paced_articles} generated articles, {words:.0f} words on average (seed {seed})",
        file=sys.stderr,
    )
    print("bench: enrichment alone, one process ...", file=sys.stderr)
    per_core = enrichment_per_core(400, 400, settings)
    print(f"bench: baseline (bare loop, {settings.nlp_processes} NLP processes) ...", file=sys.stderr)
    bare = baseline(burst, settings)
    print(
        f"bench: pipeline (Kafka + Faust worker, {settings.nlp_processes} NLP processes): "
        "a burst, then a steady feed ...",
        file=sys.stderr,
    )
    piped = pipeline(burst, paced, paced_rate, settings, timeout)
    ratio = round(piped["burst"]["articles_per_s"] / bare["articles_per_s"], 3)
    result = {
        "nlp_processes": settings.nlp_processes,
        "enrichment_articles_per_s_per_core": per_core,
        "baseline": bare,
        "pipeline": piped,
        "throughput_ratio_pipeline_to_baseline": ratio,
    }
    rows = [
        *((f"enrichment alone, {lang}, per core", per_core[lang], "") for lang in LANGUAGES),
        ("articles/s", bare["articles_per_s"], piped["burst"]["articles_per_s"]),
        ("alerts", bare["alerts"], piped["burst"]["alerts"]),
        ("ratio pipeline/baseline", "", ratio),
    ]
    for phase in ("burst", "paced"):
        label = f"{phase} ({articles} at once)" if phase == "burst" else f"paced ({paced_rate:g}/s)"
        for key in (
            "ingest_to_enriched_p50_s",
            "ingest_to_enriched_p99_s",
            "ingest_to_alert_p50_s",
            "ingest_to_alert_p99_s",
        ):
            rows.append((f"{label} {key.removeprefix('ingest_to_').removesuffix('_s')} s", "", piped[phase][key]))
    rows.append(("NLP processes", bare["nlp_processes"], settings.nlp_processes))
    for key in sorted({*bare["cpu"], *piped["burst"]["cpu"]}, key=lambda k: (k == "machine_busy_share", k)):
        name = key.replace("_cpu_ms_per_article", " CPU ms/article").replace("_", " ")
        rows.append((f"{name} (burst)", bare["cpu"].get(key, ""), piped["burst"]["cpu"].get(key, "")))
    rows.append(("worker memory (RSS, with NLP processes) MiB", "", piped["worker_rss_mib"]))
    print(f"{'':44}{'baseline':>10}{'pipeline':>10}")
    for name, left, right in rows:
        print(f"{name:44}{left!s:>10}{right!s:>10}")
    print(json.dumps(result))
    complete = piped["burst"]["enriched"] == articles and piped["paced"]["enriched"] == paced_articles
    return 0 if complete else 1
