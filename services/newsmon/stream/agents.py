"""The agents: thin loops that decode, call the stages' pure functions, send and count.

normalize (news.articles.raw -> news.articles.normalized), deduplicate (-> news.articles.unique,
a table of fingerprints), enrich (-> news.articles.enriched, batches in the NLP processes) and
alert (-> news.alerts, a table of what each article's alerts said). Anything a stage cannot
process goes to news.deadletter with a reason; no exception stops a stream.

Delivery is at least once: a message's offset is committed only after what it produced was sent
(Faust flushes the producer before each commit; the enrich agent acks each article itself once
its output is confirmed, see register_enrich). Tables forget entries past their window
(stream/expiry.py).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, cast

import faust
from pydantic import ValidationError

from newsmon.clock import iso_from_epoch
from newsmon.contracts import encode
from newsmon.deadletters import Position, dead_letter
from newsmon.enrich.articles import EnrichmentFailure
from newsmon.enrich.pool import NlpPool, NlpPoolBroken, TimedOut
from newsmon.metrics import Metrics
from newsmon.normalize.article import normalize_message
from newsmon.normalize.dedup import FirstSeen, is_duplicate
from newsmon.records import DeadLetter, DeadLetterReason, EnrichedArticle, NormalizedArticle, Stage
from newsmon.settings import Settings
from newsmon.stories.where import bucket_key
from newsmon.stream import transactions
from newsmon.stream.expiry import expired_keys, key_partitioned_table
from newsmon.stream.in_flight import BatchesInFlight

log = logging.getLogger(__name__)

FINGERPRINTS_TABLE = "newsmon-fingerprints"
# How often at most a table is swept for expired entries.
SWEEP_INTERVAL_SECONDS = 60.0


@dataclass
class Worker:
    """What every agent of one worker shares."""

    settings: Settings
    metrics: Metrics
    deadletter: faust.TopicT

    async def send_deadletter(self, record: DeadLetter) -> None:
        self.metrics.deadletters.labels(stage=record.stage, reason=record.reason).inc()
        await self.deadletter.send(key=None, value=encode(record))

    async def reject(self, event: faust.EventT[bytes], reason: DeadLetterReason, error: str, stage: Stage) -> None:
        await self.send_deadletter(dead_letter(event.value, position_of(event), reason, error, stage))


def position_of(event: faust.EventT[bytes]) -> Position:
    return Position(event.message.topic, event.message.partition, event.message.offset)


def bytes_table(app: faust.App, name: str, settings: Settings, help: str) -> Any:
    """A table keyed by the raw key of its source topic, partitioned like it (see stream/expiry.py)."""
    return key_partitioned_table(app, name, settings.topic_partitions, help)


@dataclass
class Sweeper:
    """Deletes a table's entries past the window, at most every SWEEP_INTERVAL_SECONDS."""

    app: faust.App
    table: Any
    source_topic: str
    window_seconds: float
    epoch_of: Callable[[Any], float | None]
    metrics: Metrics
    routing_key: Callable[[bytes], bytes] | None = None  # the part of a key that chose its partition
    after_sweep: Callable[[], None] = lambda: None  # e.g. drop what a cache holds of deleted entries
    last: float = field(default_factory=time.monotonic)

    def maybe_sweep(self, now_epoch: float) -> None:
        if time.monotonic() - self.last < min(SWEEP_INTERVAL_SECONDS, self.window_seconds / 10):
            return
        self.last = time.monotonic()
        owned = {tp.partition for tp in self.app.assignor.assigned_actives() if tp.topic == self.source_topic}
        expired = expired_keys(
            list(self.table.items()),
            now_epoch,
            self.window_seconds,
            self.epoch_of,
            partitions=self.app.conf.topic_partitions,
            owned=owned,
            routing_key=self.routing_key,
        )
        for key in expired:
            del self.table[key]
        self.after_sweep()
        self.metrics.table_expired.labels(table=self.table.name).inc(len(expired))
        self.metrics.table_entries.labels(table=self.table.name).set(len(self.table))


def first_seen_epoch(value: Any) -> float | None:
    entry = FirstSeen.from_json(value)
    return entry.epoch if entry else None


def register_normalize(
    app: faust.App, worker: Worker, raw: faust.TopicT, normalized: faust.TopicT, unique: faust.TopicT
) -> None:
    m, settings = worker.metrics, worker.settings
    first_seen = bytes_table(app, FINGERPRINTS_TABLE, settings, "fingerprint -> [epoch first seen, position]")
    sweeper = Sweeper(app, first_seen, normalized.get_topic_name(), settings.dedup_window_seconds, first_seen_epoch, m)

    @app.agent(raw, name="normalize")
    async def normalize(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            m.articles_in.labels(stage="normalize").inc()
            try:
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
            except Exception as exc:
                log.exception("normalize failed on %s", position_of(event))
                await worker.reject(event, "processing_error", f"{type(exc).__name__}: {exc}", "normalize")
                continue
            m.articles_out.labels(stage="normalize").inc()

    @app.agent(normalized, name="deduplicate")
    async def deduplicate(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            now = time.time()
            key = event.key or b""
            position = f"{event.message.partition}/{event.message.offset}"
            seen = FirstSeen.from_json(first_seen.get(key))
            if is_duplicate(seen, now, settings.dedup_window_seconds, position):
                m.duplicates.inc()
                log.info("duplicate article dropped: fingerprint %s", key.decode(errors="replace"))
            else:
                if seen is None or seen.position != position:
                    first_seen[key] = FirstSeen(now, position).to_json()
                await unique.send(key=event.key, value=event.value)
            sweeper.maybe_sweep(now)


def register_enrich(
    app: faust.App, worker: Worker, pool: NlpPool, unique: faust.TopicT, enriched: faust.TopicT
) -> None:
    """Batches of articles through the NLP processes, as many at once as the pool has processes.
    The stream does not ack by itself: each article is acked once its enriched record or dead
    letter is confirmed sent, and the batches are acked in the order they were taken (each
    partition's offsets in order, stream/in_flight.py), so a crash at any point leaves an article
    to be processed again, never skipped."""
    m = worker.metrics

    async def confirm(sending: list[Awaitable[Any]]) -> None:
        for sent in await asyncio.gather(*sending):
            await sent  # the broker acknowledged it

    async def enrich_batch(taken: list[faust.EventT[bytes]]) -> bool:
        """Enrich one batch and send what became of each article, confirmed; False when the NLP
        processes cannot start again: the worker is crashing and these articles must stay unacked."""
        with transactions.sending_for(taken):  # exactly once: these sends are for the whole batch
            return await enrich_and_send(taken)

    async def enrich_and_send(taken: list[faust.EventT[bytes]]) -> bool:
        decoded: list[tuple[faust.EventT[bytes], NormalizedArticle]] = []
        sending: list[Awaitable[Any]] = []
        for event in taken:
            try:
                decoded.append((event, NormalizedArticle.model_validate_json(event.value)))
            except ValidationError as exc:
                sending.append(
                    worker.deadletter.send(
                        key=None,
                        value=encode(
                            dead_letter(event.value, position_of(event), "schema_violation", str(exc), "enrich")
                        ),
                    )
                )
                m.deadletters.labels(stage="enrich", reason="schema_violation").inc()
        started = time.perf_counter()
        try:
            results = await pool.run([article for _, article in decoded])
        except NlpPoolBroken as exc:
            log.critical("stopping the worker: %s", exc)
            await app.crash(exc)  # exits non-zero; these articles' offsets stay uncommitted
            return False
        if decoded:
            per_article = (time.perf_counter() - started) / len(decoded)
            for _ in decoded:
                m.processing_seconds.labels(stage="enrich").observe(per_article)
        done = 0
        for (event, _), result in zip(decoded, results, strict=True):
            reason: DeadLetterReason = "processing_timeout" if isinstance(result, TimedOut) else "nlp_error"
            if isinstance(result, EnrichedArticle):
                try:
                    # Keyed by story bucket: the articles of one event meet in one partition.
                    key = bucket_key(result).encode()
                    sending.append(enriched.send(key=key, value=encode(result)))
                    done += 1
                    continue
                except Exception as exc:  # noqa: BLE001  (a record that cannot be written is dead-lettered)
                    reason, error = "processing_error", f"the enriched record cannot be sent: {exc!r}"
            else:
                error = result.error if isinstance(result, EnrichmentFailure) else str(result)
            record = dead_letter(event.value, position_of(event), reason, error, "enrich")
            sending.append(worker.deadletter.send(key=None, value=encode(record)))
            m.deadletters.labels(stage="enrich", reason=reason).inc()
        await confirm(sending)
        m.articles_out.labels(stage="enrich").inc(done)
        return True

    @app.agent(unique, name="enrich")
    async def enrich(stream: faust.StreamT[bytes]) -> None:
        # noack(): no event is ever acked but by `acknowledge` below. noack_take alone turns the
        # stream's own acks back on when it ends (a crash, a stop), and the articles still arriving
        # would then be acked, and committed, without being processed.
        # The agent's stream is a Stream: faust's StreamT declares neither noack nor noack_take.
        batches = cast(faust.Stream[bytes], cast(faust.Stream[bytes], stream).noack())
        settings = worker.settings
        # One batch at work per NLP process; as many more may wait, done, for an earlier one's acks.
        in_flight = BatchesInFlight(running=pool.processes, waiting=pool.processes)
        try:
            async for events in batches.noack_take(settings.nlp_batch_size, within=settings.nlp_batch_seconds):
                taken = list(cast(list[faust.EventT[bytes]], events))  # noack_take yields the events
                m.articles_in.labels(stage="enrich").inc(len(taken))
                await transactions.enter(app, taken)  # exactly once: in reading order, before their NLP

                async def acknowledge(taken: list[faust.EventT[bytes]] = taken) -> None:
                    for event in taken:
                        await batches.ack(event)

                await in_flight.start(functools.partial(enrich_batch, taken), acknowledge)
                if in_flight.stopped:
                    return  # a batch was not acked (the worker is crashing): no later one may be
        finally:
            # A stop or rebalance does not wait for the batches in flight: they stay unacked.
            await in_flight.close()
