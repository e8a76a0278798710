"""When a key spikes: the rule, and the state one key keeps for one window.

The method is Europe Media Monitor's early warning for breaking news (C. Best, E. van der Goot,
D. Horby, "A method for early warning detection by monitoring internet reports", European patent
application EP 1 973 073 A1, 2008; the EMM NewsBrief's "breaking news" is a rapid growth in the
number of articles about a subject): count the articles about a subject in fixed time intervals,
average the counts of a number of past intervals, and alert when the current interval's count
exceeds that average by a predetermined factor.

The exact rule. Time is cut into tumbling windows of `window_seconds` (a window starts at a
multiple of its length since the epoch). Let c be the number of distinct articles that mention a
key in the current window, and m the mean of its counts in the `previous_windows` windows before
it (a window without a mention counts 0). The key fires when

    c >= min_count   and   c >= factor * max(m, mean_floor)

The floor keeps a key with no history (m = 0) from firing on its first mention: it then needs
max(min_count, factor * mean_floor) articles, the minimum count with the defaults. Windows without
a mention count 0, so a key that starts at a steady rate c fires in window k of its life while
c >= factor * c * k / previous_windows, that is for k <= previous_windows / factor. A key fires at
most once per window: the window's state remembers that it fired. The decision reads the counts
only, never the clock, so a mention processed again after a crash (with the state as it was
before it) decides again as it did the first time, and an article already counted is skipped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsmon.clock import iso_from_epoch
from newsmon.records import Mention, Spike
from newsmon.settings import Settings

# Article ids kept per key and window, to count each article once: past this a window's further
# articles still count but are no longer checked for repeats (such a key is far past any threshold).
MAX_ARTICLE_IDS = 1000
SAMPLE_ARTICLE_IDS = 10


@dataclass(frozen=True)
class SpikeRule:
    window_seconds: float
    previous_windows: int
    min_count: int
    factor: float
    mean_floor: float

    @classmethod
    def from_settings(cls, settings: Settings) -> SpikeRule:
        return cls(
            window_seconds=settings.spike_window_seconds,
            previous_windows=settings.spike_previous_windows,
            min_count=settings.spike_min_count,
            factor=settings.spike_factor,
            mean_floor=settings.spike_mean_floor,
        )

    @property
    def expires_seconds(self) -> float:
        """How long a window is kept: the current one and the previous ones it is compared with."""
        return self.window_seconds * (self.previous_windows + 1)

    def window_start(self, epoch: float) -> float:
        """The start of the window holding `epoch`, as Faust's tumbling windows cut time."""
        return epoch - epoch % self.window_seconds

    def threshold(self, previous_counts: Sequence[int]) -> float:
        """The count at which a key with these previous counts fires."""
        return max(float(self.min_count), self.factor * max(baseline_mean(previous_counts), self.mean_floor))

    def fires(self, count: int, previous_counts: Sequence[int]) -> bool:
        return count >= self.threshold(previous_counts)


def baseline_mean(previous_counts: Sequence[int]) -> float:
    """The mean of the previous windows' counts (0 for none)."""
    return math.fsum(previous_counts) / len(previous_counts) if previous_counts else 0.0


@dataclass(frozen=True)
class WindowCounts:
    """What one key keeps for one window: its count, the articles counted, whether it fired."""

    count: int = 0
    article_ids: tuple[str, ...] = ()
    fired: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "article_ids": list(self.article_ids), "fired": self.fired}

    @classmethod
    def from_json(cls, value: Any) -> WindowCounts:
        """The table's value; nothing (a window without mentions) or an unreadable value is empty."""
        if not isinstance(value, dict) or not isinstance(value.get("count"), int):
            return cls()
        ids = value.get("article_ids")
        return cls(
            count=value["count"],
            article_ids=tuple(i for i in ids if isinstance(i, str)) if isinstance(ids, list) else (),
            fired=value.get("fired") is True,
        )


@dataclass(frozen=True)
class Observation:
    """What one mention does to its key's window."""

    state: WindowCounts  # the window's state after the mention
    counted: bool  # False: the article was already counted for this key and window
    fires: bool  # the key fires now (for the first and only time in this window)
    baseline_mean: float


def could_fire(state: WindowCounts, article_id: str, rule: SpikeRule) -> bool:
    """Whether this mention could make the key fire, whatever its previous windows held: only then
    does `observe` need their counts (each is a table read; most keys stay under the minimum)."""
    return article_id not in state.article_ids and not state.fired and state.count + 1 >= rule.min_count


def observe(state: WindowCounts, article_id: str, previous_counts: Sequence[int], rule: SpikeRule) -> Observation:
    """Count an article mentioning a key in a window whose state is `state`; `previous_counts` are
    the key's counts in the rule's previous windows, which may be left empty when `could_fire` is
    False (the observation is the same but for its `baseline_mean`)."""
    mean = baseline_mean(previous_counts)
    if article_id in state.article_ids:
        return Observation(state, counted=False, fires=False, baseline_mean=mean)
    count = state.count + 1
    ids = (*state.article_ids, article_id) if len(state.article_ids) < MAX_ARTICLE_IDS else state.article_ids
    fires = not state.fired and rule.fires(count, previous_counts)
    return Observation(WindowCounts(count, ids, state.fired or fires), counted=True, fires=fires, baseline_mean=mean)


def spike_record(mention: Mention, observation: Observation, rule: SpikeRule, window_start: float) -> Spike:
    return Spike(
        key=mention.key,
        kind=mention.kind,
        label=mention.label,
        count=observation.state.count,
        baseline_mean=observation.baseline_mean,
        factor=rule.factor,
        window_start=iso_from_epoch(window_start),
        window_end=iso_from_epoch(window_start + rule.window_seconds),
        article_ids=list(observation.state.article_ids[:SAMPLE_ARTICLE_IDS]),
    )


def spike_message_key(spike: Spike) -> bytes:
    """One key per key and window: a spike sent again after a crash replaces itself (compacted topic)."""
    return f"{spike.key}@{spike.window_start}".encode()
