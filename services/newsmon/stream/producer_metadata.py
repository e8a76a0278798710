"""A fix for aiokafka 0.14: a record the producer holds can wait for ever for a leader it forgot.

The producer's client fetches metadata for the topics it tracks, and for every topic while it
tracks none. Its send adds a topic to the tracked set only when the metadata does not know the
topic yet, so a topic first sent to while the set was empty (a worker's first sends) is never
tracked. The first send to a topic the metadata does not know then makes the set non-empty, the
next refresh drops the untracked topics, and their pending batches have no leader: the sender
refreshes metadata in a loop and never sends them. An enrich batch awaiting its records never
finishes, and the worker's enrichment stops without an error (seen in the test suite; reproduced
in tests/integration/test_producer_metadata.py).

With the fix every topic a client sends to is tracked from its first send.
"""

from __future__ import annotations

from typing import Any

from aiokafka.client import AIOKafkaClient

_wait_on_metadata = AIOKafkaClient._wait_on_metadata


async def _wait_on_metadata_tracking_the_topic(self: AIOKafkaClient, topic: str) -> Any:
    if topic not in self._topics:
        self.add_topic(topic)  # requests a refresh that includes it
    return await _wait_on_metadata(self, topic)


def track_every_topic_sent_to() -> None:
    """Patch aiokafka's client in this process; workers call it before their app starts."""
    AIOKafkaClient._wait_on_metadata = _wait_on_metadata_tracking_the_topic
