"""The alert stage: news.articles.enriched -> news.stories and news.alerts. Each article joins a
story, whose current state is published, and the rules in force turn the story into versioned
alerts, one per rule and story (alerts/story_alerts.py).

The enriched records are keyed by their story bucket (newsmon/stories/where.py: bucket_key), so every
article of one event is read by the worker that owns that bucket's partition. The stories live in a
table of that worker, keyed "<bucket>/<story id>" and put in the changelog partition of the bucket
(stream/expiry.py: routing_key), the input partition they belong to: after a restart or a rebalance
the partition's next owner reads them back from the changelog before it reads on. A story no article
joined for a window (NEWSMON_STORY_WINDOW_SECONDS) is deleted.

An article processed again (at least once delivery) finds itself in its story and sends the same
record again, byte for byte: news.stories is compacted by story id, so a consumer sees no change,
and a record lost in a crash between the table write and its send goes out after all. The story's
alerts live in a second table with the same keys, written right after the versions are queued for
sending: an article read again after a crash finds its versions there and sends none again. A crash
between the two writes leaves versions the table does not know; they are read back from news.alerts
before the partition's first article is processed again (stream/sent_alerts.py), so none goes out twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import faust
from pydantic import ValidationError

from newsmon.alerts.engine import capital_geonameids, evaluate_rules
from newsmon.alerts.rules import rules_in_force
from newsmon.alerts.story_alerts import story_alert
from newsmon.alerts.view import event_view_from_article
from newsmon.clock import epoch_from_iso, iso_from_epoch
from newsmon.contracts import encode
from newsmon.records import Alert, EnrichedArticle, Story
from newsmon.stories.matching import article_features, assign
from newsmon.stories.state import StoryState, last_epoch_of
from newsmon.stream.agents import Sweeper, Worker, position_of
from newsmon.stream.expiry import key_partitioned_table
from newsmon.stream.sent_alerts import SentAlerts

log = logging.getLogger(__name__)

STORIES_TABLE = "newsmon-stories"
STORY_ALERTS_TABLE = "newsmon-story-alerts"
_SEPARATOR = b"/"  # never in a bucket: a country code or "lang:<code>"


def story_key(bucket: str, story_id: str) -> bytes:
    return bucket.encode() + _SEPARATOR + story_id.encode()


def bucket_of(key: bytes) -> bytes:
    """The part of a story key that chose its partition: the bucket, as the enriched records are keyed."""
    return key.split(_SEPARATOR, 1)[0]


def stored_version(value: Any) -> tuple[str, int] | None:
    """What changes with every update of a stored story: when it was updated and how many articles it has."""
    try:
        story = value["story"]
        return str(story["updated_at"]), int(story["article_count"])
    except (KeyError, TypeError, ValueError):
        return None


def bucket_stories(
    entries: Any, bucket: str, parsed: dict[bytes, tuple[tuple[str, int], StoryState]] | None = None
) -> list[StoryState]:
    """The stories of a bucket among the table's entries. `parsed` keeps each story as last read, so
    a busy bucket's stories are parsed again only when they changed."""
    prefix = bucket.encode() + _SEPARATOR
    parsed = {} if parsed is None else parsed
    stories = []
    for key, value in entries:
        if not key.startswith(prefix):
            continue
        version = stored_version(value)
        known = parsed.get(key)
        if known is not None and version is not None and known[0] == version:
            stories.append(known[1])
            continue
        story = StoryState.from_json(value)
        if story is not None and version is not None:
            parsed[key] = (version, story)
            stories.append(story)
    return stories


class BucketIndex:
    """The story table's keys by bucket, in the table's order, so that an article reads the stories of
    its bucket instead of every story the table holds (a scan that grows with the story window: about
    a microsecond per story, per article). It follows the agent's own writes (`added`); whatever else
    changes the table (a sweep, a rebalance, a recovery) calls `invalidate` or changes the table's
    size, and the next read rebuilds the index from the table's keys."""

    def __init__(self) -> None:
        self._keys: dict[bytes, dict[bytes, None]] = {}
        self._size = -1  # the table's size the index was kept for; -1: to rebuild

    def invalidate(self) -> None:
        self._size = -1

    def keys_of(self, table: Any, bucket: str) -> list[bytes]:
        """The keys of `table` (a Faust table or a dict) whose bucket is `bucket`, in the table's order."""
        if self._size != len(table):
            self._keys = {}
            for key in table:
                self._keys.setdefault(bucket_of(key), {})[key] = None
            self._size = len(table)
        return [key for key in self._keys.get(bucket.encode(), ()) if key in table]

    def added(self, key: bytes) -> None:
        """`key` was just written to the table (a new story, or a story that changed)."""
        keys = self._keys.setdefault(bucket_of(key), {})
        if key not in keys and self._size >= 0:
            keys[key] = None
            self._size += 1


def held_alerts(value: Any) -> dict[str, Alert]:
    """The story's alerts the table keeps, by rule."""
    alerts = value.get("alerts", {}) if isinstance(value, dict) else {}
    held = {}
    for rule, entry in alerts.items():
        try:
            held[rule] = Alert.model_validate(entry)
        except ValidationError:
            continue
    return held


def alerts_epoch(value: Any) -> float | None:
    try:
        return float(value["epoch"])
    except (KeyError, TypeError, ValueError):
        return None


def alerts_to_send(
    article: EnrichedArticle,
    story: Story,
    held: dict[str, Alert],
    now: str,
    event_places: Iterable[int] | None = None,
) -> tuple[list[Alert], dict[str, Alert]]:
    """The new alert versions after `article` joined `story`, and the story's alerts then.
    `event_places` (GeoNames ids, stories/where.py): the rules' place conditions look only at where
    the event happened, not at every place the article names (a summit in Paris, a ministry in Moscow)."""
    view = event_view_from_article(article)
    if event_places is not None:
        where = set(event_places)
        view = replace(view, places=tuple(p for p in view.places if p.geonameid in where))
    rules = rules_in_force()
    matches = {match.rule.name: match for match in evaluate_rules(rules, view)}
    send: list[Alert] = []
    keep = dict(held)
    for rule in rules:
        previous = held.get(rule.name)
        alert = story_alert(rule, matches.get(rule.name), view, article, story, previous, now)
        if alert is not None and alert is not previous:
            keep[rule.name] = alert
            send.append(alert)
    return send, keep


def register_stories(
    app: faust.App, worker: Worker, enriched: faust.TopicT, stories_topic: faust.TopicT, alerts_topic: faust.TopicT
) -> None:
    m, settings = worker.metrics, worker.settings
    window = settings.story_window_seconds
    table = key_partitioned_table(
        app, STORIES_TABLE, settings.topic_partitions, "bucket/story id -> story state", routing_key=bucket_of
    )
    alert_table = key_partitioned_table(
        app, STORY_ALERTS_TABLE, settings.topic_partitions, "bucket/story id -> its alerts", routing_key=bucket_of
    )
    parsed: dict[bytes, tuple[tuple[str, int], StoryState]] = {}
    index = BucketIndex()

    def forget_deleted() -> None:  # an expired story, or one of a partition given away
        index.invalidate()
        for deleted in [k for k in parsed if k not in table]:
            del parsed[deleted]

    def partitions_changed(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        index.invalidate()  # stories of a partition given away, or read back for one taken

    source = enriched.get_topic_name()
    sweeper = Sweeper(app, table, source, window, last_epoch_of, m, routing_key=bucket_of, after_sweep=forget_deleted)
    alert_sweeper = Sweeper(app, alert_table, source, window, alerts_epoch, m, routing_key=bucket_of)
    sent_alerts = SentAlerts(settings, alerts_topic.get_topic_name())
    app.on_partitions_revoked.connect(sent_alerts.on_revoked(source))
    app.on_partitions_revoked.connect(partitions_changed)
    app.on_partitions_assigned.connect(partitions_changed)

    @app.agent(enriched, name="stories")
    async def stories(stream: faust.StreamT[bytes]) -> None:
        capital_geonameids()  # GeoNames' cities take about a second to read: at start, not on an article
        async for event in stream.events():
            m.articles_in.labels(stage="alert").inc()
            now = time.time()
            partition = event.message.partition
            written = event.message.timestamp
            await sent_alerts.read_back(partition, int((written or now - window) * 1000))
            try:
                with m.processing_seconds.labels(stage="alert").time():
                    article = EnrichedArticle.model_validate_json(event.value)
                    features = article_features(article)
                    stories_of_bucket = ((k, table[k]) for k in index.keys_of(table, features.bucket))
                    candidates = bucket_stories(stories_of_bucket, features.bucket, parsed)
                    assignment = assign(features, candidates, iso_from_epoch(now), window)
                    story = assignment.story
                    key = story_key(features.bucket, story.story_id)
                    if assignment.outcome != "unchanged":
                        table[key] = story.to_json()
                        index.added(key)
                    record = story.record()
                    in_table = held_alerts(alert_table.get(key))
                    held = sent_alerts.held(partition, story.story_id, in_table)
                    where = (p.place.geonameid for p in features.places if p.place.geonameid is not None)
                    send, keep = alerts_to_send(article, record, held, iso_from_epoch(now), where)
                await stories_topic.send(key=story.story_id.encode(), value=encode(record))
                m.stories.labels(outcome=assignment.outcome).inc()
                alert_partition = sent_alerts.alert_partition(partition)
                for alert in send:
                    await alerts_topic.send(key=alert.alert_id.encode(), value=encode(alert), partition=alert_partition)
                if send or held != in_table:  # new versions, or ones read back that the table lacked
                    alert_table[key] = {"epoch": now, "alerts": {rule: a.to_json_dict() for rule, a in keep.items()}}
                    sent_alerts.recorded(partition, story.story_id)
                for alert in send:
                    m.alerts.labels(rule=alert.rule, severity=alert.severity).inc()
                    m.count_alert_subjects(alert, article)
                    if alert.ingested_at and alert.version == 1:
                        m.end_to_end_seconds.observe(max(0.0, now - epoch_from_iso(alert.ingested_at)))
            except ValidationError as exc:
                await worker.reject(event, "schema_violation", str(exc), "alert")
                continue
            except Exception as exc:
                log.exception("alert stage failed on %s", position_of(event))
                await worker.reject(event, "processing_error", f"{type(exc).__name__}: {exc}", "alert")
                continue
            finally:
                sweeper.maybe_sweep(now)
                alert_sweeper.maybe_sweep(now)
            m.articles_out.labels(stage="alert").inc()
