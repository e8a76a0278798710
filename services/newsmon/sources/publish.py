"""ingest: publish raw messages to news.articles.raw with kafka-python (`newsmon ingest PATH...`).

Resumable: with a Resume, an article whose id news.sources.seen already holds (source "files") is
skipped, and each article is recorded there once the broker confirmed it, so a run stopped at any
point (even SIGKILL) and started again publishes only the rest; the few confirmed but not yet
recorded when it stopped are published again, with the same id (normalize drops the repeats).
"""

from __future__ import annotations

import hashlib
import sys
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
from kafka import KafkaProducer
from kafka.errors import KafkaError
from tqdm import tqdm

from newsmon import topics
from newsmon.kafka_clients import client_config
from newsmon.settings import Settings
from newsmon.sources.files import Outgoing
from newsmon.sources.seen import SeenItems

# Room for the record batch header around one value, under the broker's 8 MiB limit.
MAX_VALUE_BYTES = topics.MAX_MESSAGE_BYTES - 4096
SEEN_SOURCE = "files"
CONFIRM_SECONDS = 30.0


@dataclass
class IngestReport:
    read: int = 0
    published: int = 0
    skipped: int = 0  # already ingested (news.sources.seen), or earlier in this run
    rejected: int = 0  # not published: too large, or the broker refused it
    unrecorded: int = 0  # published, but news.sources.seen did not take the record: a re-run repeats them
    unreadable: int = 0  # files that could not be read

    def summary(self) -> str:
        line = (
            f"read {self.read}, published {self.published}, skipped {self.skipped} already ingested, "
            f"{self.rejected} not published"
        )
        if self.unrecorded:
            line += f", {self.unrecorded} not recorded as ingested"
        return line + (f", {self.unreadable} file(s) unreadable" if self.unreadable else "")


@dataclass
class Resume:
    """What makes a run resumable: the ids already ingested, and how to tell a message's id."""

    seen: SeenItems
    derive_id: Callable[[str], str]  # the id normalize gives an article without one
    skip: bool = True  # False (--no-resume): publish every article, and still record them
    sent: set[str] = field(default_factory=set)  # ids sent in this run

    def item_of(self, value: bytes) -> str:
        return pipeline_id(value, self.derive_id) or f"bytes-{hashlib.sha256(value).hexdigest()[:40]}"

    def already(self, item: str) -> bool:
        return self.skip and (item in self.sent or self.seen.has(SEEN_SOURCE, item))


def pipeline_id(value: bytes, derive_id: Callable[[str], str]) -> str | None:
    """The id the pipeline will give this message's article: its own, or the one derived from its
    text; None for a message normalize will dead-letter (no JSON object, no text), which a resumed
    run knows by its bytes' hash instead."""
    try:
        article = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(article, dict):
        return None
    article_id, text = article.get("id"), article.get("text")
    if isinstance(article_id, str) and article_id:
        return article_id
    if article_id is None and isinstance(text, str) and text.strip():
        return derive_id(text)
    return None


def make_producer(settings: Settings) -> KafkaProducer:
    # kafka-python's own retry policy (retry until delivery_timeout_ms, 2 min): a topic just created
    # has no leader for a moment, and 5 retries of 100 ms could drop articles then.
    return KafkaProducer(**client_config(settings), acks="all", linger_ms=5, max_request_size=topics.MAX_MESSAGE_BYTES)


def say(message: str) -> None:
    print(f"newsmon ingest: {message}", file=sys.stderr)


@dataclass
class Confirmations:
    """Sends in flight, settled in order: an article is recorded as ingested only once it is confirmed."""

    producer: Any
    report: IngestReport
    resume: Resume | None
    articles: deque[tuple[Any, str | None, str]] = field(default_factory=deque)
    records: deque[tuple[Any, str]] = field(default_factory=deque)

    def settle(self, *, wait: bool) -> None:
        while self.articles and (wait or self.articles[0][0].is_done):
            future, item, origin = self.articles.popleft()
            try:
                future.get(timeout=CONFIRM_SECONDS)
            except KafkaError as error:
                self.report.rejected += 1
                say(f"{origin}: the broker did not take it: {error}; not published")
                continue
            self.report.published += 1
            if self.resume is not None and item is not None:
                self.records.append((self.resume.seen.record(self.producer, SEEN_SOURCE, item, item), item))
        while self.records and (wait or self.records[0][0].is_done):
            future, item = self.records.popleft()
            try:
                future.get(timeout=CONFIRM_SECONDS)
            except KafkaError as error:
                self.report.unrecorded += 1
                say(f"{item}: published, but not recorded in {topics.SOURCES_SEEN}: {error}")


def publish(
    messages: Iterable[Outgoing],
    settings: Settings,
    *,
    progress: bool = False,
    producer: Any = None,
    resume: Resume | None = None,
) -> IngestReport:
    """Publish every message to news.articles.raw; too large ones are reported, not sent; with
    `resume`, those already ingested are skipped. The progress bar shows only on a terminal."""
    report = IngestReport()
    own_producer = producer is None
    producer = producer or make_producer(settings)
    pending = Confirmations(producer, report, resume)
    try:
        for message in tqdm(
            messages,
            desc="ingest",
            unit=" articles",
            disable=None if progress else True,
            file=sys.stderr,
            mininterval=0.5,
        ):
            report.read += 1
            if len(message.value) > MAX_VALUE_BYTES:
                report.rejected += 1
                say(
                    f"{message.origin}: {len(message.value)} bytes is over the "
                    f"{MAX_VALUE_BYTES}-byte message limit; not published"
                )
                continue
            item = resume.item_of(message.value) if resume is not None else None
            if resume is not None and item is not None and resume.already(item):
                report.skipped += 1
                continue
            try:
                future = producer.send(topics.RAW, key=message.key, value=message.value)
            except KafkaError as error:  # e.g. no metadata for the topic in time
                report.rejected += 1
                say(f"{message.origin}: not sent: {error}; not published")
                continue
            if resume is not None and item is not None:
                resume.sent.add(item)
            pending.articles.append((future, item, message.origin))
            pending.settle(wait=False)
        producer.flush()
        pending.settle(wait=True)
        producer.flush()  # the last records of news.sources.seen
        pending.settle(wait=True)
    finally:
        if own_producer:
            producer.close()
    return report


def ensure_seen_topic(settings: Settings) -> None:
    """news.sources.seen must be compacted: created here if missing, as a broker would auto-create
    it uncompacted on the first record. A cluster that refuses is told how to do it instead."""
    from newsmon.kafka_clients import create_topics

    try:
        create_topics(settings, [topics.SOURCES_SEEN])
    except KafkaError as error:
        say(f"cannot create {topics.SOURCES_SEEN} ({error}); if it is missing, `newsmon topics create` makes it")
