"""ingest: publish raw messages to news.articles.raw with kafka-python (`newsmon ingest PATH...`)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kafka import KafkaProducer
from tqdm import tqdm

from newsmon import topics
from newsmon.kafka_clients import client_config
from newsmon.settings import Settings
from newsmon.sources.files import Outgoing

# Room for the record batch header around one value, under the broker's 8 MiB limit.
MAX_VALUE_BYTES = topics.MAX_MESSAGE_BYTES - 4096


@dataclass
class IngestReport:
    published: int = 0
    rejected: int = 0


def make_producer(settings: Settings) -> KafkaProducer:
    # kafka-python's own retry policy (retry until delivery_timeout_ms, 2 min): a topic just created
    # has no leader for a moment, and 5 retries of 100 ms could drop articles then.
    return KafkaProducer(**client_config(settings), acks="all", linger_ms=5, max_request_size=topics.MAX_MESSAGE_BYTES)


def publish(
    messages: Iterable[Outgoing], settings: Settings, *, progress: bool = False, producer: Any = None
) -> IngestReport:
    """Publish every message to news.articles.raw; too large ones are reported, not sent.
    The progress bar shows only on a terminal."""
    report = IngestReport()
    own_producer = producer is None
    producer = producer or make_producer(settings)
    futures = []
    try:
        for message in tqdm(
            messages,
            desc="ingest",
            unit=" articles",
            disable=None if progress else True,
            file=sys.stderr,
            mininterval=0.5,
        ):
            if len(message.value) > MAX_VALUE_BYTES:
                report.rejected += 1
                print(
                    f"newsmon ingest: {message.origin}: {len(message.value)} bytes is over the "
                    f"{MAX_VALUE_BYTES}-byte message limit; not published",
                    file=sys.stderr,
                )
                continue
            futures.append(producer.send(topics.RAW, key=message.key, value=message.value))
        producer.flush()
        for future in futures:
            future.get(timeout=30)  # raises if the broker refused it
            report.published += 1
    finally:
        if own_producer:
            producer.close()
    return report
