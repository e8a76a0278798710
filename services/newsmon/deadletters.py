"""Dead letters: a message newsmon could not process, kept with where it came from and why."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from newsmon import topics
from newsmon.clock import now_iso
from newsmon.records import DeadLetter, DeadLetterReason, Stage

MAX_ERROR_CHARS = 2000
# The original is kept whole while its dead letter still fits in one message (base64 grows it by a
# third; 64 KiB is room for the other fields); a longer one keeps its first MAX_ORIGINAL_BYTES.
MAX_ORIGINAL_BYTES = (topics.MAX_MESSAGE_BYTES - (64 << 10)) * 3 // 4


@dataclass(frozen=True)
class Position:
    """Where a message came from, for dead letters and tracing."""

    topic: str
    partition: int
    offset: int


def dead_letter(
    value: bytes | None, position: Position, reason: DeadLetterReason, error: str, stage: Stage
) -> DeadLetter:
    original = value or b""
    cut = len(original) > MAX_ORIGINAL_BYTES
    if cut:
        error = f"{error[: MAX_ERROR_CHARS - 80]} (original cut to its first {MAX_ORIGINAL_BYTES} bytes)"
    return DeadLetter(
        reason=reason,
        # An error message may quote the input: a lone surrogate in it could not be encoded.
        error=error[:MAX_ERROR_CHARS].encode("utf-8", "replace").decode("utf-8"),
        stage=stage,
        source_topic=position.topic,
        source_partition=position.partition,
        source_offset=position.offset,
        original_base64=base64.b64encode(original[:MAX_ORIGINAL_BYTES]).decode("ascii"),
        original_size=len(original) if cut else None,
        received_at=now_iso(),
    )
