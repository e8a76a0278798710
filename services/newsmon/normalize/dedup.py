"""Which fingerprints count as duplicates: the rule the deduplicate agent applies to its table of
fingerprints (whose entries expire past the window, newsmon/stream/expiry.py).

An entry remembers when a fingerprint was first seen and the position (partition/offset in
news.articles.normalized) of the message that carried it. The same message read again, after a
crash between recording its fingerprint and forwarding it, is not a duplicate of itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FirstSeen:
    epoch: float
    position: str | None = None  # "partition/offset" of the message that carried the fingerprint first

    def to_json(self) -> list[Any]:
        return [self.epoch, self.position]

    @classmethod
    def from_json(cls, value: Any) -> FirstSeen | None:
        """The table's value; older workers stored the bare epoch."""
        if isinstance(value, int | float):
            return cls(float(value))
        if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int | float):
            return cls(float(value[0]), value[1] if isinstance(value[1], str) else None)
        return None


def is_duplicate(first_seen: FirstSeen | None, now_epoch: float, window_seconds: float, position: str) -> bool:
    """A fingerprint seen within the window is a duplicate, unless this is the message that was seen;
    an older one is news again."""
    if first_seen is None or first_seen.position == position:
        return False
    return now_epoch - first_seen.epoch < window_seconds
