"""`make soak` (`python -m newsmon.devtools.soak`): does a worker's memory stay flat over a long run?

A throw-away broker and one `newsmon worker`; N unique short articles published in chunks as the
worker keeps up, with a dedup window far shorter than the run so that the tables must forget as
they go. Prints the worker's resident memory (its process tree: the worker and its NLP
processes) after the first chunk and at the end, the tables' sizes, and as its last line JSON:

    {"articles": 100000, "rss_start_mib": 480.1, "rss_end_mib": 486.0, "rss_growth": 1.012, ...}
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from prometheus_client.parser import text_string_to_metric_families

from newsmon.devtools.bench.pipeline import generate_articles, process_tree_rss_mib
from newsmon.devtools.chaos import worker_group
from newsmon.devtools.run import broker, fetch_counts, say
from newsmon.kafka_clients import create_topics
from newsmon.nlp.enricher import Enricher
from newsmon.settings import Settings, load_settings
from newsmon.sources.files import Outgoing
from newsmon.sources.publish import make_producer, publish


def chunks(total: int, size: int, words: int) -> Iterator[list[dict[str, Any]]]:
    """Unique articles, `size` at a time, generated as needed (a distinct seed per chunk)."""
    for start in range(0, total, size):
        batch = generate_articles(min(size, total - start), seed=1000 + start, words=words)
        yield [dict(article, id=f"soak-{start + n}") for n, article in enumerate(batch)]


def table_entries(web_port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/metrics", timeout=5) as response:
        text = response.read().decode()
    return {
        sample.labels["table"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "newsmon_table_entries"
    }


def process_rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return round(int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) / 1024, 1)


def wait_processed(web_port: int, at_least: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = fetch_counts(web_port)
        if counts and counts.accounted_for() >= at_least and counts.alert_stage_done >= counts.enriched:
            return
        time.sleep(1.0)
    raise SystemExit(f"the worker did not process {at_least} articles within {timeout:.0f} s")


def run_soak(settings: Settings, *, articles: int, chunk: int, words: int, window: float) -> dict[str, Any]:
    started = time.monotonic()
    env = {"NEWSMON_DEDUP_WINDOW_SECONDS": str(window), "NEWSMON_STORY_WINDOW_SECONDS": str(window)}
    with broker(settings, once=True) as live:
        create_topics(live)
        with worker_group(live, live.data_dir / "worker.log", env) as process:
            wait_processed(live.web_port, 0, 300)
            producer = make_producer(live)
            sent, rss_start = 0, 0.0
            try:
                for batch in chunks(articles, chunk, words):
                    publish((Outgoing(None, orjson.dumps(a), a["id"]) for a in batch), live, producer=producer)
                    sent += len(batch)
                    wait_processed(live.web_port, sent, 3600)
                    rss = process_tree_rss_mib(process.pid)
                    rss_start = rss_start or rss
                    own = process_rss_mib(process.pid)
                    say(
                        f"{sent} articles processed; RSS {rss} MiB (worker {own}, NLP {round(rss - own, 1)}); "
                        f"tables {table_entries(live.web_port)}"
                    )
            finally:
                producer.close()
            rss_end = process_tree_rss_mib(process.pid)
            tables = table_entries(live.web_port)
    return {
        "articles": sent,
        "words": words,
        "dedup_window_seconds": window,
        "rss_start_mib": rss_start,
        "rss_end_mib": rss_end,
        "rss_growth": round(rss_end / rss_start, 3) if rss_start else None,
        "table_entries_end": tables,
        "seconds": round(time.monotonic() - started, 1),
    }


def run_nlp_soak(settings: Settings, *, articles: int, chunk: int, words: int) -> dict[str, Any]:
    """The same articles through an Enricher in this process alone: the NLP's own memory."""
    enricher = Enricher(settings)
    rss_start, done = 0.0, 0
    for batch in chunks(articles, chunk, words):
        items = [(a["text"], a["language"]) for a in batch]
        for start in range(0, len(items), settings.nlp_batch_size):
            enricher.enrich(items[start : start + settings.nlp_batch_size])
        done += len(batch)
        rss = process_rss_mib(os.getpid())
        rss_start = rss_start or rss
        say(f"{done} articles enriched; NLP RSS {rss} MiB")
    rss_end = process_rss_mib(os.getpid())
    return {"articles": done, "words": words, "nlp_only": True, "rss_start_mib": rss_start, "rss_end_mib": rss_end}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=5_000, help="articles published before waiting for the worker")
    parser.add_argument("--words", type=int, default=40, help="about this many words per article")
    parser.add_argument("--window", type=float, default=120.0, help="dedup and story window, s (short: tables expire)")
    parser.add_argument("--nlp-only", action="store_true", help="the enrichment alone in this process, no broker")
    args = parser.parse_args(argv)
    if args.nlp_only:
        print(json.dumps(run_nlp_soak(load_settings(), articles=args.articles, chunk=args.chunk, words=args.words)))
        return 0
    summary = run_soak(load_settings(), articles=args.articles, chunk=args.chunk, words=args.words, window=args.window)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
