"""The Faust worker: thin agents that decode, call the pure stage functions, send and count.

Run: `newsmon worker` (all stages) or `newsmon worker --stage enrich` (one stage, its own
consumer group, to scale the CPU-bound NLP stage on its own). Metrics: http://127.0.0.1:6066/metrics
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
from collections.abc import Iterable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass

import faust
from faust.sensors.prometheus import setup_prometheus_sensors
from pydantic import ValidationError

from newsmon import topics
from newsmon.alerting import evaluate
from newsmon.clock import epoch_from_iso, iso_from_epoch
from newsmon.contracts import encode
from newsmon.metrics import Metrics, default_metrics
from newsmon.normalize import Position, dead_letter, is_duplicate, normalize_message
from newsmon.pipeline import enrich_in_process, init_process_enricher, warm_up_in_process
from newsmon.records import DeadLetter, EnrichedArticle, NormalizedArticle
from newsmon.settings import Settings

log = logging.getLogger(__name__)

STAGES = ("normalize", "enrich", "alert")


@dataclass
class Worker:
    settings: Settings
    metrics: Metrics
    executor: Executor
    deadletter: faust.TopicT

    async def send_deadletter(self, record: DeadLetter) -> None:
        self.metrics.deadletters.labels(stage=record.stage, reason=record.reason).inc()
        await self.deadletter.send(key=None, value=encode(record))


def position_of(event: faust.EventT) -> Position:
    return Position(event.message.topic, event.message.partition, event.message.offset)


def make_executor(settings: Settings) -> Executor:
    """Where the spaCy work runs, its pipelines built and warmed before this returns, so the
    worker joins the consumer group only when it can enrich at full speed."""
    if settings.nlp_executor == "thread":
        executor: Executor = ThreadPoolExecutor(max_workers=1, initializer=init_process_enricher)
    else:
        # spawn: never fork a process that runs an event loop and Kafka client threads.
        executor = ProcessPoolExecutor(max_workers=settings.nlp_processes,
                                       mp_context=multiprocessing.get_context("spawn"),
                                       initializer=init_process_enricher)
    for warming in [executor.submit(warm_up_in_process) for _ in range(settings.nlp_processes)]:
        warming.result()
    return executor


def make_app(settings: Settings, stages: Iterable[str] = STAGES, metrics: Metrics | None = None) -> faust.App:
    stages = tuple(stages)
    unknown = set(stages) - set(STAGES)
    if unknown:
        raise ValueError(f"unknown stage(s) {sorted(unknown)}; choose from {STAGES}")
    app_id = settings.worker_id if stages == STAGES else f"{settings.worker_id}-{'-'.join(stages)}"
    credentials = None
    if settings.kafka_sasl_username:
        credentials = faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=settings.kafka_sasl_password.get_secret_value() if settings.kafka_sasl_password else None,
        )
    app = faust.App(
        app_id,
        broker=[f"kafka://{server.strip()}" for server in settings.kafka_bootstrap.split(",")],
        broker_credentials=credentials,
        store="memory://",
        autodiscover=False,
        datadir=str(settings.data_dir / "faust" / app_id),
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication,
        web_enabled=True,
        web_bind=settings.web_host,
        web_port=settings.web_port,
        producer_max_request_size=topics.MAX_MESSAGE_BYTES,
        consumer_max_fetch_size=topics.MAX_MESSAGE_BYTES,
        # An NLP batch runs in another process, but give the loop room on a loaded machine.
        broker_max_poll_interval=300.0,
        consumer_auto_offset_reset="earliest",
    )
    setup_prometheus_sensors(app, name_prefix="faust")
    metrics = metrics or default_metrics()

    def topic(name: str, **kwargs) -> faust.TopicT:
        return app.topic(name, key_serializer="raw", value_serializer="raw",
                         partitions=settings.topic_partitions, **kwargs)

    worker = Worker(settings, metrics, make_executor(settings) if "enrich" in stages else None,
                    topic(topics.DEADLETTER))  # type: ignore[arg-type]
    if "normalize" in stages:
        register_normalize(app, worker, topic(topics.RAW), topic(topics.NORMALIZED), topic(topics.UNIQUE))
    if "enrich" in stages:
        register_enrich(app, worker, topic(topics.UNIQUE), topic(topics.ENRICHED))
    if "alert" in stages:
        register_alert(app, worker, topic(topics.ENRICHED), topic(topics.ALERTS, compacting=True))
    return app


def register_normalize(app: faust.App, worker: Worker, raw: faust.TopicT, normalized: faust.TopicT,
                       unique: faust.TopicT) -> None:
    m, settings = worker.metrics, worker.settings
    first_seen = app.Table("newsmon-fingerprints", default=None, partitions=settings.topic_partitions,
                           help="fingerprint -> epoch seconds it was first seen")

    @app.agent(raw, name="normalize")
    async def normalize(stream: faust.StreamT) -> None:
        async for event in stream.events():
            m.articles_in.labels(stage="normalize").inc()
            with m.processing_seconds.labels(stage="normalize").time():
                result = normalize_message(
                    event.value, position_of(event), max_text_bytes=settings.max_text_bytes,
                    ingested_at=iso_from_epoch(event.message.timestamp) if event.message.timestamp else None,
                )
            if isinstance(result, DeadLetter):
                await worker.send_deadletter(result)
                continue
            # Keyed by fingerprint: every copy of a text lands on one partition, next to its table entry.
            await normalized.send(key=result.fingerprint.encode(), value=encode(result))
            m.articles_out.labels(stage="normalize").inc()

    @app.agent(normalized, name="deduplicate")
    async def deduplicate(stream: faust.StreamT) -> None:
        async for event in stream.events():
            fingerprint = event.key.decode() if event.key else ""
            now = time.time()
            if is_duplicate(first_seen.get(fingerprint), now, settings.dedup_window_seconds):
                m.duplicates.inc()
                log.info("duplicate article dropped: fingerprint %s", fingerprint)
                continue
            first_seen[fingerprint] = now
            await unique.send(key=event.key, value=event.value)


def register_enrich(app: faust.App, worker: Worker, unique: faust.TopicT, enriched: faust.TopicT) -> None:
    m, settings = worker.metrics, worker.settings

    @app.agent(unique, name="enrich")
    async def enrich(stream: faust.StreamT) -> None:
        loop = asyncio.get_running_loop()
        async for events in stream.take_events(settings.nlp_batch_size, within=settings.nlp_batch_seconds):
            m.articles_in.labels(stage="enrich").inc(len(events))
            batch: list[tuple[faust.EventT, NormalizedArticle]] = []
            for event in events:
                try:
                    batch.append((event, NormalizedArticle.model_validate_json(event.value)))
                except ValidationError as exc:
                    await worker.send_deadletter(dead_letter(event.value, position_of(event), "schema_violation", str(exc), "enrich"))
            started = time.perf_counter()
            try:
                results = await loop.run_in_executor(worker.executor, enrich_in_process, [a for _, a in batch])
            except Exception:
                log.exception("enrich batch failed; retrying its %d articles one by one", len(batch))
                results = []
                for event, article in batch:
                    try:
                        results += await loop.run_in_executor(worker.executor, enrich_in_process, [article])
                    except Exception as exc:  # one bad article must not stop the stream
                        await worker.send_deadletter(dead_letter(event.value, position_of(event), "processing_error", repr(exc), "enrich"))
            if batch:
                per_article = (time.perf_counter() - started) / len(batch)
                for _ in batch:
                    m.processing_seconds.labels(stage="enrich").observe(per_article)
            for record in results:
                await enriched.send(key=record.id.encode(), value=encode(record))
            m.articles_out.labels(stage="enrich").inc(len(results))


def register_alert(app: faust.App, worker: Worker, enriched: faust.TopicT, alerts: faust.TopicT) -> None:
    m = worker.metrics

    @app.agent(enriched, name="alert")
    async def alert(stream: faust.StreamT) -> None:
        async for event in stream.events():
            m.articles_in.labels(stage="alert").inc()
            try:
                with m.processing_seconds.labels(stage="alert").time():
                    article = EnrichedArticle.model_validate_json(event.value)
                    raised = evaluate(article)
            except ValidationError as exc:
                await worker.send_deadletter(dead_letter(event.value, position_of(event), "schema_violation", str(exc), "alert"))
                continue
            for record in raised:
                await alerts.send(key=record.alert_id.encode(), value=encode(record))
                m.alerts.labels(rule=record.rule, severity=record.severity).inc()
                if record.ingested_at:
                    m.end_to_end_seconds.observe(max(0.0, time.time() - epoch_from_iso(record.ingested_at)))
            m.articles_out.labels(stage="alert").inc()
