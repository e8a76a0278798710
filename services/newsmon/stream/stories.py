"""The story agent: news.articles.enriched -> news.stories, each article's story in its current state.

The enriched records are keyed by their story bucket (newsmon/stories/where.py: bucket_key), so every
article of one event is read by the worker that owns that bucket's partition. The stories live in a
table of that worker, keyed "<bucket>/<story id>" and put in the changelog partition of the bucket
(stream/expiry.py: routing_key), the input partition they belong to: after a restart or a rebalance
the partition's next owner reads them back from the changelog before it reads on. A story no article
joined for a window (NEWSMON_STORY_WINDOW_SECONDS) is deleted.

An article processed again (at least once delivery) finds itself in its story and sends the same
record again, byte for byte: news.stories is compacted by story id, so a consumer sees no change,
and a record lost in a crash between the table write and its send goes out after all.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import faust
from pydantic import ValidationError

from newsmon.clock import iso_from_epoch
from newsmon.contracts import encode
from newsmon.metrics import Metrics
from newsmon.records import EnrichedArticle
from newsmon.stories.matching import article_features, assign
from newsmon.stories.state import StoryState, last_epoch_of
from newsmon.stream.agents import SWEEP_INTERVAL_SECONDS, Worker, position_of
from newsmon.stream.expiry import expired_keys, key_partitioned_table

log = logging.getLogger(__name__)

STORIES_TABLE = "newsmon-stories"
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


@dataclass
class StorySweeper:
    """Deletes the stories of the owned partitions that no article joined for a window (as agents.Sweeper,
    with the bucket part of the key deciding the partition)."""

    app: faust.App
    table: Any
    source_topic: str
    window_seconds: float
    metrics: Metrics
    parsed: dict[bytes, Any]  # the agent's parsed stories: an expired one goes from there too
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
            last_epoch_of,
            partitions=self.app.conf.topic_partitions,
            owned=owned,
            routing_key=bucket_of,
        )
        for key in expired:
            del self.table[key]
        for key in [k for k in self.parsed if k not in self.table]:  # expired, or a partition given away
            del self.parsed[key]
        self.metrics.table_expired.labels(table=self.table.name).inc(len(expired))
        self.metrics.table_entries.labels(table=self.table.name).set(len(self.table))


def register_stories(app: faust.App, worker: Worker, enriched: faust.TopicT, stories_topic: faust.TopicT) -> None:
    m, settings = worker.metrics, worker.settings
    window = settings.story_window_seconds
    table = key_partitioned_table(
        app, STORIES_TABLE, settings.topic_partitions, "bucket/story id -> story state", routing_key=bucket_of
    )
    parsed: dict[bytes, tuple[tuple[str, int], StoryState]] = {}
    sweeper = StorySweeper(app, table, enriched.get_topic_name(), window, m, parsed)

    @app.agent(enriched, name="stories")
    async def stories(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            now = time.time()
            try:
                features = article_features(EnrichedArticle.model_validate_json(event.value))
                candidates = bucket_stories(table.items(), features.bucket, parsed)
                assignment = assign(features, candidates, iso_from_epoch(now), window)
                story = assignment.story
                if assignment.outcome != "unchanged":
                    table[story_key(features.bucket, story.story_id)] = story.to_json()
                await stories_topic.send(key=story.story_id.encode(), value=encode(story.record()))
                m.stories.labels(outcome=assignment.outcome).inc()
            except ValidationError:
                # The alert agent reads the same message and dead-letters it: one dead letter is enough.
                log.warning("story agent skipped an invalid enriched record at %s", position_of(event))
            except Exception as exc:
                log.exception("story agent failed on %s", position_of(event))
                await worker.reject(event, "processing_error", f"stories: {type(exc).__name__}: {exc}", "alert")
            finally:
                sweeper.maybe_sweep(now)
