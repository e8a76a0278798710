"""The spike agents: enriched articles -> news.mentions -> counts in a windowed table -> news.spikes.

mentions (news.articles.enriched -> news.mentions) sends one small Mention per key of an article,
keyed by the key, so every mention of a key lands on one partition, next to the key's counts.
spikes (news.mentions -> news.spikes) counts them in a Faust windowed table and sends a Spike when
a key fires (the rule: newsmon/spikes/detect.py).

The table is Faust's own tumbling-window table (table.tumbling(size, expires)). Its keys are
(key, (window start, end)) tuples, which Faust serialises as JSON lists and makes tuples again on
recovery; newsmon's other tables (stream/expiry.py) keep raw bytes keys, which a windowed key cannot
be, so this one uses JSON keys (the key's text) and JSON values. Its changelog entry goes to the
key's partition of news.mentions, computed from the key (MentionWindowTable). Expiry is Faust's
too: a window is dropped from memory when it is older than the previous windows the rule reads
(expires), and its changelog topic keeps entries that long (retention), in segments of one window
so that old ones are deleted soon.

A mention's time is when newsmon first saw the article (its ingest time, else the enriched
message's time), written as the mention message's timestamp: the window an article counts in is
the same when the article is processed again. A spike also goes to news.alerts as a `spike` alert
(alerts/spike_alerts.py), its id from the key and the window.

The counts are written before the spike is sent, but a table write reaches its changelog later, through
the producer's buffer: a SIGKILL in between makes the restarted worker count the mention again and
fire again. So a spike alert goes to the news.alerts partition of its mention's partition, and a
worker taking a partition first reads back the alerts written there (stream/sent_alerts.py): a spike
whose alert is there was sent, and neither its record nor its alert goes out again.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import faust
from pydantic import ValidationError

from newsmon.alerts.spike_alerts import spike_alert
from newsmon.clock import epoch_from_iso, iso_from_epoch
from newsmon.contracts import encode
from newsmon.records import EnrichedArticle, Mention
from newsmon.spikes.detect import SpikeRule, WindowCounts, could_fire, observe, spike_message_key, spike_record
from newsmon.spikes.keys import mentions_of
from newsmon.stream.agents import Worker, position_of
from newsmon.stream.expiry import key_partition
from newsmon.stream.sent_alerts import SentAlerts

log = logging.getLogger(__name__)

SPIKE_COUNTS_TABLE = "newsmon-spike-counts"


class MentionWindowTable(faust.Table[Any, Any]):
    """A windowed table whose changelog partition is its mention key's partition of news.mentions,
    computed from the key as the producer of news.mentions computed it. Faust's own choice, the
    current event's partition, is the same one, but Faust first compares the partition counts of
    the source and changelog topics in the consumer's metadata, which a fresh worker may not have
    for the changelog yet: it reads 0 partitions and refuses the write (PartitionsMismatch)."""

    def partition_for_key(self, key: Any) -> int:
        assert self.partitions, "a MentionWindowTable is made with its partition count"
        mention_key, _window = key
        return key_partition(str(mention_key).encode(), self.partitions)


def spike_counts_table(app: faust.App, partitions: int, rule: SpikeRule) -> Any:
    """The windowed table of WindowCounts (as JSON) per mention key and window."""
    table: Any = app.tables.add(
        MentionWindowTable(
            app,
            name=SPIKE_COUNTS_TABLE,
            default=None,
            beacon=app.tables.beacon,
            partitions=partitions,
            key_type=str,
            help="mention key and window -> {count, article_ids, fired}",
            extra_topic_configs={"segment.ms": str(int(rule.window_seconds * 1000))},
        )
    )
    windowed = table.tumbling(rule.window_seconds, expires=rule.expires_seconds)

    async def expire_recovered_windows() -> None:
        # Faust schedules a window's expiry when it writes it, not when it reads it back from the
        # changelog at start: schedule the recovered ones too, or they would stay until the next restart.
        for key in list(table.data.keys()):
            if isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str):
                table._maybe_set_key_ttl(key, table.partition_for_key(key))

    table.on_recover(expire_recovered_windows)

    return windowed


def window_value(read: Any) -> Any:
    """A windowed table read (`window.current`, a bound `window.delta`) or None for an empty window."""
    try:
        return read()
    except KeyError:
        return None


def previous_counts(window: Any, rule: SpikeRule) -> list[int]:
    """A key's counts in the rule's previous windows, the nearest first (`window`: table[key])."""
    counts = []
    for back in range(1, rule.previous_windows + 1):
        value = window_value(lambda back=back: window.delta(rule.window_seconds * back))
        counts.append(WindowCounts.from_json(value).count)
    return counts


def observed_epoch(article: EnrichedArticle, message_timestamp: float | None) -> float:
    if article.ingested_at:
        return epoch_from_iso(article.ingested_at)
    return message_timestamp if message_timestamp else 0.0


def register_spikes(
    app: faust.App,
    worker: Worker,
    enriched: faust.TopicT,
    mentions: faust.TopicT,
    spikes: faust.TopicT,
    alerts: faust.TopicT,
) -> None:
    m, rule = worker.metrics, SpikeRule.from_settings(worker.settings)
    counts = spike_counts_table(app, worker.settings.topic_partitions, rule)
    sent_alerts = SentAlerts(worker.settings, alerts.get_topic_name())
    app.on_partitions_revoked.connect(sent_alerts.on_revoked(mentions.get_topic_name()))

    @app.agent(enriched, name="mentions")
    async def mention(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            try:
                article = EnrichedArticle.model_validate_json(event.value)
            except ValidationError:
                continue  # the alert agent, reading the same message, dead-letters it
            try:
                epoch = observed_epoch(article, event.message.timestamp)
                for record in mentions_of(article, iso_from_epoch(epoch)):
                    await mentions.send(key=record.key.encode(), value=encode(record), timestamp=epoch)
                    m.mentions.inc()
            except Exception as exc:
                log.exception("mentions failed on %s", position_of(event))
                await worker.reject(event, "processing_error", f"{type(exc).__name__}: {exc}", "alert")

    @app.agent(mentions, name="spikes")
    async def spike(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            partition = event.message.partition
            # A mention's timestamp is its article's ingest time: at or before any spike it caused.
            await sent_alerts.read_back(partition, int((event.message.timestamp or 0) * 1000))
            try:
                record = Mention.model_validate_json(event.value)
                window = counts[record.key]
                state = WindowCounts.from_json(window_value(window.current))
                previous = previous_counts(window, rule) if could_fire(state, record.article_id, rule) else []
                seen = observe(state, record.article_id, previous, rule)
                if not seen.counted:
                    continue
                counts[record.key] = seen.state.to_json()
                if seen.fires:
                    found = spike_record(record, seen, rule, rule.window_start(event.message.timestamp))
                    alert = spike_alert(found, iso_from_epoch(time.time()))
                    if sent_alerts.was_sent(partition, alert.alert_id):
                        log.info("spike %s was sent before a restart: not sent again", found.key)
                        continue
                    await spikes.send(key=spike_message_key(found), value=encode(found))
                    m.spikes.labels(kind=found.kind).inc()
                    await alerts.send(
                        key=alert.alert_id.encode(),
                        value=encode(alert),
                        partition=sent_alerts.alert_partition(partition),
                    )
                    m.alerts.labels(rule=alert.rule, severity=alert.severity).inc()
                    log.info(
                        "spike: %s (%s) %d articles, baseline %.2f",
                        found.label,
                        found.key,
                        found.count,
                        found.baseline_mean,
                    )
            except ValidationError as exc:
                await worker.reject(event, "schema_violation", str(exc), "alert")
            except Exception as exc:
                log.exception("spikes failed on %s", position_of(event))
                await worker.reject(event, "processing_error", f"{type(exc).__name__}: {exc}", "alert")
