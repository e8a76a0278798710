"""The agents: thin loops that decode, call the stages' pure functions, send and count.

normalize (news.articles.raw -> news.articles.normalized), deduplicate (-> news.articles.unique,
a table of fingerprints), enrich (-> news.articles.enriched, batches in the NLP processes) and
alert (-> news.alerts). Anything a stage cannot process goes to news.deadletter with a reason.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import cast

import faust
from pydantic import ValidationError

from newsmon.alerts.rules import evaluate
from newsmon.clock import epoch_from_iso, iso_from_epoch
from newsmon.contracts import encode
from newsmon.deadletters import Position, dead_letter
from newsmon.enrich.pool import enrich_in_process
from newsmon.metrics import Metrics
from newsmon.normalize.article import normalize_message
from newsmon.normalize.dedup import is_duplicate
from newsmon.records import DeadLetter, EnrichedArticle, NormalizedArticle
from newsmon.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Worker:
    """What every agent of one worker shares."""

    settings: Settings
    metrics: Metrics
    deadletter: faust.TopicT

    async def send_deadletter(self, record: DeadLetter) -> None:
        self.metrics.deadletters.labels(stage=record.stage, reason=record.reason).inc()
        await self.deadletter.send(key=None, value=encode(record))


def position_of(event: faust.EventT[bytes]) -> Position:
    return Position(event.message.topic, event.message.partition, event.message.offset)


def register_normalize(
    app: faust.App, worker: Worker, raw: faust.TopicT, normalized: faust.TopicT, unique: faust.TopicT
) -> None:
    m, settings = worker.metrics, worker.settings
    first_seen = app.Table(
        "newsmon-fingerprints",
        default=None,
        partitions=settings.topic_partitions,
        help="fingerprint -> epoch seconds it was first seen",
    )

    @app.agent(raw, name="normalize")
    async def normalize(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            m.articles_in.labels(stage="normalize").inc()
            with m.processing_seconds.labels(stage="normalize").time():
                result = normalize_message(
                    event.value,
                    position_of(event),
                    max_text_bytes=settings.max_text_bytes,
                    ingested_at=iso_from_epoch(event.message.timestamp) if event.message.timestamp else None,
                )
            if isinstance(result, DeadLetter):
                await worker.send_deadletter(result)
                continue
            # Keyed by fingerprint: every copy of a text lands on one partition, next to its table entry.
            await normalized.send(key=result.fingerprint.encode(), value=encode(result))
            m.articles_out.labels(stage="normalize").inc()

    @app.agent(normalized, name="deduplicate")
    async def deduplicate(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            fingerprint = event.key.decode() if event.key else ""
            now = time.time()
            if is_duplicate(first_seen.get(fingerprint), now, settings.dedup_window_seconds):
                m.duplicates.inc()
                log.info("duplicate article dropped: fingerprint %s", fingerprint)
                continue
            first_seen[fingerprint] = now
            await unique.send(key=event.key, value=event.value)


def register_enrich(
    app: faust.App, worker: Worker, executor: Executor, unique: faust.TopicT, enriched: faust.TopicT
) -> None:
    m, settings = worker.metrics, worker.settings

    @app.agent(unique, name="enrich")
    async def enrich(stream: faust.StreamT[bytes]) -> None:
        loop = asyncio.get_running_loop()
        batches = cast(faust.Stream[bytes], stream)  # an agent's stream is a Stream; StreamT lacks take_events
        async for events in batches.take_events(settings.nlp_batch_size, within=settings.nlp_batch_seconds):
            m.articles_in.labels(stage="enrich").inc(len(events))
            batch: list[tuple[faust.EventT[bytes], NormalizedArticle]] = []
            for event in events:
                try:
                    batch.append((event, NormalizedArticle.model_validate_json(event.value)))
                except ValidationError as exc:
                    await worker.send_deadletter(
                        dead_letter(event.value, position_of(event), "schema_violation", str(exc), "enrich")
                    )
            started = time.perf_counter()
            try:
                results = await loop.run_in_executor(executor, enrich_in_process, [a for _, a in batch])
            except Exception:
                log.exception("enrich batch failed; retrying its %d articles one by one", len(batch))
                results = []
                for event, article in batch:
                    try:
                        results += await loop.run_in_executor(executor, enrich_in_process, [article])
                    except Exception as exc:  # noqa: BLE001  (one bad article must not stop the stream)
                        await worker.send_deadletter(
                            dead_letter(event.value, position_of(event), "processing_error", repr(exc), "enrich")
                        )
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
    async def alert(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            m.articles_in.labels(stage="alert").inc()
            try:
                with m.processing_seconds.labels(stage="alert").time():
                    article = EnrichedArticle.model_validate_json(event.value)
                    raised = evaluate(article)
            except ValidationError as exc:
                await worker.send_deadletter(
                    dead_letter(event.value, position_of(event), "schema_violation", str(exc), "alert")
                )
                continue
            for record in raised:
                await alerts.send(key=record.alert_id.encode(), value=encode(record))
                m.alerts.labels(rule=record.rule, severity=record.severity).inc()
                if record.ingested_at:
                    m.end_to_end_seconds.observe(max(0.0, time.time() - epoch_from_iso(record.ingested_at)))
            m.articles_out.labels(stage="alert").inc()
