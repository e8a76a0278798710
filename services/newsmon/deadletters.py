"""Dead letters: a message newsmon could not process, kept whole with where it came from and why."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from newsmon.clock import now_iso
from newsmon.records import DeadLetter, DeadLetterReason, Stage


@dataclass(frozen=True)
class Position:
    """Where a message came from, for dead letters and tracing."""

    topic: str
    partition: int
    offset: int


def dead_letter(
    value: bytes | None, position: Position, reason: DeadLetterReason, error: str, stage: Stage
) -> DeadLetter:
    return DeadLetter(
        reason=reason,
        error=error[:2000],
        stage=stage,
        source_topic=position.topic,
        source_partition=position.partition,
        source_offset=position.offset,
        original_base64=base64.b64encode(value or b"").decode("ascii"),
        received_at=now_iso(),
    )
