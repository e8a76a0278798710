"""The delivery engine: per sink, a bounded queue and one task that delivers its alerts in order,
retrying with exponential backoff and jitter, and dead-letters what no attempt delivered.

A full queue makes `submit` wait (back-pressure): the agent stops reading news.alerts, whose
messages wait in Kafka, durable, with their offsets uncommitted. Nothing is dropped for lack of room,
and a sink that is down holds the others back only once its queue is full; each queued alert leaves
after at most its attempts, so the hold is bounded."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from newsmon.deadletters import Position
from newsmon.metrics import Metrics
from newsmon.records import Alert
from newsmon.sinks.http import DeliveryError

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 60.0


class Sink(Protocol):
    name: str

    async def send(self, alert: Alert) -> None:
        """Deliver one alert or raise DeliveryError."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int
    first_delay_seconds: float
    max_delay_seconds: float = MAX_BACKOFF_SECONDS

    def delay(self, retry: int, rng: random.Random) -> float:
        """The wait before retry number `retry` (0 first): the doubled delay's upper half at random,
        so it keeps growing and many workers retrying at once spread out."""
        ceiling = min(self.max_delay_seconds, self.first_delay_seconds * 2.0**retry)
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


@dataclass
class Job:
    alert: Alert
    value: bytes  # the news.alerts message, kept whole in a dead letter
    position: Position
    done: asyncio.Future[None]


DeadLetterSender = Callable[[Job, str, str], Awaitable[None]]  # job, sink name, error


@dataclass
class SinkQueue:
    sink: Sink
    policy: RetryPolicy
    metrics: Metrics
    dead_letter: DeadLetterSender
    size: int
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self.queue: asyncio.Queue[Job] = asyncio.Queue(self.size)
        self.task: asyncio.Task[None] | None = None
        self.gauge = self.metrics.delivery_queue.labels(sink=self.sink.name)

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run(), name=f"deliver-{self.sink.name}")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    async def submit(self, alert: Alert, value: bytes, position: Position) -> asyncio.Future[None]:
        """Queue an alert, waiting while the queue is full; the future is done once the alert is
        delivered or dead-lettered (its exception: the dead letter could not be sent)."""
        job = Job(alert, value, position, asyncio.get_running_loop().create_future())
        await self.queue.put(job)
        self.gauge.set(self.queue.qsize())
        return job.done

    async def _run(self) -> None:
        while True:
            job = await self.queue.get()
            try:
                await self.deliver(job)
                if not job.done.done():  # no one waits for a cancelled one
                    job.done.set_result(None)
            except asyncio.CancelledError:
                job.done.cancel()
                raise
            except Exception as exc:  # noqa: BLE001  (the agent decides; this task goes on)
                if not job.done.done():
                    job.done.set_exception(exc)
            finally:
                self.gauge.set(self.queue.qsize())

    async def deliver(self, job: Job) -> None:
        name = self.sink.name
        error = "no attempt"
        for attempt in range(self.policy.attempts):
            started = time.perf_counter()
            try:
                await self.sink.send(job.alert)
            except DeliveryError as exc:
                error, retryable = str(exc), exc.retryable
            except Exception as exc:  # a bug in a sink must not stop delivery
                log.exception("%s: sending alert %s failed", name, job.alert.alert_id)
                error, retryable = f"{type(exc).__name__}: {exc}", False
            else:
                self.metrics.delivery_seconds.labels(sink=name).observe(time.perf_counter() - started)
                self.metrics.deliveries.labels(sink=name, outcome="delivered").inc()
                return
            self.metrics.delivery_seconds.labels(sink=name).observe(time.perf_counter() - started)
            if not retryable or attempt + 1 == self.policy.attempts:
                error = f"{error} (attempt {attempt + 1} of {self.policy.attempts}{'' if retryable else ', final'})"
                break
            self.metrics.deliveries.labels(sink=name, outcome="retried").inc()
            log.warning("%s: alert %s not delivered (%s); retrying", name, job.alert.alert_id, error)
            await asyncio.sleep(self.policy.delay(attempt, self.rng))
        log.error("%s: alert %s dead-lettered: %s", name, job.alert.alert_id, error)
        await self.dead_letter(job, name, error)
        self.metrics.deliveries.labels(sink=name, outcome="dead_lettered").inc()
