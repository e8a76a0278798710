"""Alerts sent before a crash that the story-alerts table never learnt of, read back from news.alerts.

The alert stage sends an article's alert versions, then records them in its table: two writes, to two
partitions, through the producer's buffer. A SIGKILL between them leaves a version in news.alerts
that the table does not hold; the article was not committed, so the restarted worker reads it again
and, without this, sends the same version a second time.

So a story's alerts go to the news.alerts partition of its enriched partition (modulo the alert
topic's partition count), and before the first article a worker reads from a partition (after a start
or a rebalance) is processed, the alerts written to that partition since the article itself was
written (less a margin for clocks) are read back: an alert found there counts as sent. Every alert
the re-read article could have caused was sent after the article was written, so none is missed; a
read that fails is logged, and then a version may go out twice (at least once), never be lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from pydantic import ValidationError

from newsmon import topics
from newsmon.kafka_clients import client_config
from newsmon.records import Alert
from newsmon.settings import Settings

log = logging.getLogger(__name__)

CLOCK_MARGIN_SECONDS = 300.0  # workers on other machines: their clocks may differ by this much
READ_TIMEOUT_SECONDS = 60.0


def newest_by_story(alerts: Iterable[Alert]) -> dict[str, dict[str, Alert]]:
    """story id -> rule -> the highest version among `alerts`; a spike alert has no story and is skipped."""
    by_story: dict[str, dict[str, Alert]] = {}
    for alert in alerts:
        if alert.story_id is None:
            continue
        rules = by_story.setdefault(alert.story_id, {})
        known = rules.get(alert.rule)
        if known is None or alert.version >= known.version:
            rules[alert.rule] = alert
    return by_story


def newer_of(held: dict[str, Alert], sent: dict[str, Alert]) -> dict[str, Alert]:
    """For each rule the alert with the higher version: the table's or the one read back."""
    merged = dict(held)
    for rule, alert in sent.items():
        if rule not in merged or alert.version > merged[rule].version:
            merged[rule] = alert
    return merged


def parse_alerts(values: Iterable[bytes | None]) -> list[Alert]:
    alerts = []
    for value in values:
        if value is None:
            continue
        try:
            alerts.append(Alert.model_validate_json(value))
        except ValidationError:
            continue  # not this stage's: the topic is read, not trusted
    return alerts


def read_partition_since(
    settings: Settings, topic: str, partition: int, since_ms: int, timeout: float = READ_TIMEOUT_SECONDS
) -> tuple[list[bytes | None], int]:
    """The values written to `topic` partition `partition` (modulo its partition count) at or after
    `since_ms`, and the topic's partition count. Blocking: run it off the event loop."""
    consumer = KafkaConsumer(
        **client_config(settings),
        group_id=None,
        enable_auto_commit=False,
        # Under exactly once an aborted alert was never sent (without transactions the same as read_uncommitted).
        isolation_level="read_committed",
        max_partition_fetch_bytes=topics.MAX_MESSAGE_BYTES,
    )
    try:
        deadline = time.monotonic() + timeout
        partitions = consumer.partitions_for_topic(topic)
        while not partitions:  # metadata not fetched yet
            if time.monotonic() > deadline:
                raise TimeoutError(f"no metadata for {topic} within {timeout:.0f} s")
            consumer.topics()
            partitions = consumer.partitions_for_topic(topic)
        tp = TopicPartition(topic, partition % len(partitions))
        consumer.assign([tp])
        found = consumer.offsets_for_times({tp: since_ms})[tp]
        if found is None:  # nothing written since
            return [], len(partitions)
        end = consumer.end_offsets([tp])[tp]
        consumer.seek(tp, found.offset)
        values: list[bytes | None] = []
        while consumer.position(tp) < end:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic}/{tp.partition} not read to offset {end} within {timeout:.0f} s")
            for records in consumer.poll(timeout_ms=1000).values():
                values.extend(record.value for record in records if record.offset < end)
        return values, len(partitions)
    finally:
        consumer.close()


class SentAlerts:
    """The alerts read back per source partition (news.articles.enriched for the story alerts,
    news.mentions for the spike alerts), until the agent's table holds them."""

    def __init__(self, settings: Settings, alerts_topic: str) -> None:
        self._settings = settings
        self._topic = alerts_topic
        self._alert_partitions: int | None = None
        self._read: set[int] = set()
        self._sent: dict[int, dict[str, dict[str, Alert]]] = {}
        self._sent_ids: dict[int, set[str]] = {}

    def alert_partition(self, partition: int) -> int | None:
        """Where an alert caused by a message of source `partition` goes; None (the key's partition)
        when the alert topic's partition count could not be read."""
        return None if self._alert_partitions is None else partition % self._alert_partitions

    async def read_back(self, partition: int, first_written_ms: int) -> None:
        """Before the first message read from `partition` since it was assigned (written at
        `first_written_ms`, or earlier), learn the alerts sent to its alert partition since then."""
        if partition in self._read:
            return
        self._read.add(partition)
        since = max(0, first_written_ms - int(CLOCK_MARGIN_SECONDS * 1000))
        try:
            values, count = await asyncio.to_thread(read_partition_since, self._settings, self._topic, partition, since)
        except (KafkaError, OSError) as exc:  # TimeoutError is an OSError
            log.warning(
                "could not read back the alerts of source partition %d (%s): an alert sent "
                "before a crash may be sent again",
                partition,
                exc,
            )
            return
        self._alert_partitions = count
        alerts = parse_alerts(values)
        self._sent[partition] = newest_by_story(alerts)
        self._sent_ids[partition] = {alert.alert_id for alert in alerts}
        if values:
            log.info(
                "read back %d alert message(s) of %s/%d sent since the partition's first message",
                len(values),
                self._topic,
                partition % count,
            )

    def held(self, partition: int, story_id: str, in_table: dict[str, Alert]) -> dict[str, Alert]:
        """The story's alerts: the table's, or a higher version read back."""
        sent = self._sent.get(partition, {}).get(story_id)
        return in_table if not sent else newer_of(in_table, sent)

    def was_sent(self, partition: int, alert_id: str) -> bool:
        """An alert of that id was read back: for an alert with one version only (a spike)."""
        return alert_id in self._sent_ids.get(partition, ())

    def recorded(self, partition: int, story_id: str) -> None:
        """The table now holds what was read back for the story."""
        self._sent.get(partition, {}).pop(story_id, None)

    def forget(self, partitions: Iterable[int]) -> None:
        """Partitions given away: read back again if they come back, as the log may have grown."""
        for partition in partitions:
            self._read.discard(partition)
            self._sent.pop(partition, None)
            self._sent_ids.pop(partition, None)

    def on_revoked(self, enriched_topic: str) -> Any:
        async def forget_revoked(sender: Any, revoked: Iterable[TopicPartition], **_: Any) -> None:
            self.forget(tp.partition for tp in revoked if tp.topic == enriched_topic)

        return forget_revoked
