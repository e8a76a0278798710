"""Which fingerprints count as duplicates: the rule the deduplicate agent applies to its table."""

from __future__ import annotations


def is_duplicate(first_seen_epoch: float | None, now_epoch: float, window_seconds: float) -> bool:
    """A fingerprint seen within the window is a duplicate; an older one is news again."""
    return first_seen_epoch is not None and now_epoch - first_seen_epoch < window_seconds
