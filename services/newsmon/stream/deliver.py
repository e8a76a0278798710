"""The deliver agent: news.alerts to the configured sinks (newsmon.sinks), in the worker.

Each alert message goes to every sink's queue; its offset is acked once every sink delivered it or
dead-lettered it (reason delivery_failed, stage deliver), and once every message read before it on
its partition was acked (stream/acks.py: Faust's commit would pass an unfinished one), so a crash
delivers it again, never skips it (at least once: a receiver may see an alert version twice and
keys on alert_id and content).
Alertmanager's active alerts live in a table (alert id -> what to post) backed by a changelog, so a
restarted or rebalanced worker keeps re-posting them; a timer re-posts those of the partitions this
worker owns."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import cast

import faust
from pydantic import ValidationError

from newsmon.deadletters import dead_letter
from newsmon.records import Alert
from newsmon.sinks.delivery import Job, RetryPolicy, Sink, SinkQueue
from newsmon.sinks.http import HttpPoster
from newsmon.sinks.senders import AlertmanagerSink, WebhookSink, configured_sinks
from newsmon.stream.acks import InOrderAcks
from newsmon.stream.agents import Worker, bytes_table, position_of
from newsmon.stream.expiry import key_partition

log = logging.getLogger(__name__)

ACTIVE_ALERTS_TABLE = "newsmon-active-alerts"


def register_deliver(app: faust.App, worker: Worker, alerts: faust.TopicT) -> tuple[str, ...]:
    """Register the agent when a sink is configured; returns the sinks' names (none: nothing registered)."""
    settings, m = worker.settings, worker.metrics
    names = configured_sinks(settings)
    if not names:
        return names
    poster = HttpPoster(settings.delivery_timeout_seconds)
    sinks: list[Sink] = []
    alertmanager: AlertmanagerSink | None = None
    if settings.alertmanager_url:
        active = bytes_table(app, ACTIVE_ALERTS_TABLE, settings, "alert id -> what Alertmanager is sent")
        alertmanager = AlertmanagerSink(settings, poster, active, m)
        sinks.append(alertmanager)
    if settings.webhook_url:
        sinks.append(WebhookSink(settings, poster))
    policy = RetryPolicy(settings.delivery_attempts, settings.delivery_backoff_seconds)

    async def send_dead_letter(job: Job, sink: str, error: str) -> None:
        record = dead_letter(job.value, job.position, "delivery_failed", f"{sink}: {error}", "deliver")
        await worker.send_deadletter(record)

    @app.agent(alerts, name="deliver")
    async def deliver(stream: faust.StreamT[bytes]) -> None:
        noacking = cast(faust.Stream[bytes], stream).noack()
        queues = [SinkQueue(sink, policy, m, send_dead_letter, settings.delivery_queue_size) for sink in sinks]
        for queue in queues:
            queue.start()
        pending: set[asyncio.Task[None]] = set()
        acks = InOrderAcks()

        async def ack_in_order(event: faust.EventT[bytes]) -> None:
            for ready in acks.finished(event):
                await noacking.ack(ready)

        async def ack_when_delivered(event: faust.EventT[bytes], done: list[asyncio.Future[None]]) -> None:
            try:
                await asyncio.gather(*done)
            except Exception as exc:  # noqa: BLE001  (a dead letter that cannot be sent: Kafka is failing)
                log.critical("stopping the worker: a failed delivery could not be dead-lettered: %s", exc)
                await app.crash(exc)  # its offset stays uncommitted: delivered again after the restart
                return
            await ack_in_order(event)
            m.articles_out.labels(stage="deliver").inc()

        try:
            async for event in noacking.events():
                m.articles_in.labels(stage="deliver").inc()
                acks.read(event)
                if event.value is None:  # a compaction tombstone: nothing to deliver
                    await ack_in_order(event)
                    continue
                try:
                    alert = Alert.model_validate_json(event.value)
                except ValidationError as exc:
                    await worker.reject(event, "schema_violation", str(exc), "deliver")
                    await ack_in_order(event)
                    continue
                done = [await queue.submit(alert, event.value, position_of(event)) for queue in queues]
                task = asyncio.ensure_future(ack_when_delivered(event, done))
                pending.add(task)
                task.add_done_callback(pending.discard)
        finally:
            for queue in queues:
                await queue.stop()
            await poster.close()

    if alertmanager is not None:
        am, topic_name, partitions = alertmanager, alerts.get_topic_name(), settings.topic_partitions

        async def repost_active_alerts() -> None:
            if app.rebalancing:
                return
            owned = {tp.partition for tp in app.assignor.assigned_actives() if tp.topic == topic_name}
            await am.repost(time.time(), lambda key: key_partition(key, partitions) in owned)

        app.timer(interval=settings.alert_repost_seconds, name="repost-active-alerts")(repost_active_alerts)

    return names
