"""A story's casualty counts, from the figures of its articles.

Killed and missing: the largest figure any article reported, since a toll is revised upwards as
reports come in and a later copy of an early report must not lower it; at an equal number an exact
figure beats "at least". A downward correction is therefore not followed: the story errs on the side
of the larger figure, and says which article it comes from.

Injured: the largest figure any article reported, less the deaths the story knows of beyond those
that article reported. An early report counts among the hurt the people who die later ("a girl was
critically wounded", then "the girl has died": 1 killed, 0 injured; "one killed, three hurt", then
"a second victim died": 2 killed, 2 injured), as within one article the people shot include the
dead (nlp/facts/victims.py). So each article's injured figure is kept beside the deaths it knew of
(an InjuryReport), and the story's figure is settled again whenever its death toll rises.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from newsmon.records import Count, StoryCount

# Reports that another report outdoes whatever the death toll are dropped; this bounds the rest.
MAX_INJURY_REPORTS = 20


@dataclass(frozen=True)
class InjuryReport:
    """An article's injured figure and the deaths the same article reported."""

    article_id: str
    injured: Count
    killed: int

    def settled(self, killed: int) -> int:
        """The injured once the story's `killed` are known: those who died since are not hurt."""
        return self.injured.number - max(0, killed - self.killed)

    def to_json(self) -> list[Any]:
        return [self.article_id, self.injured.number, self.injured.lower_bound, self.killed]

    @classmethod
    def from_json(cls, value: Any) -> InjuryReport:
        article_id, number, lower_bound, killed = value
        return cls(str(article_id), Count(number=int(number), lower_bound=bool(lower_bound)), int(killed))


def better_count(current: StoryCount | None, reported: Count, article_id: str) -> StoryCount:
    """The larger figure; at an equal number the exact one (module docstring)."""
    candidate = StoryCount(number=reported.number, lower_bound=reported.lower_bound, article_id=article_id)
    if current is None:
        return candidate
    rank = (candidate.number, not candidate.lower_bound)
    return candidate if rank > (current.number, not current.lower_bound) else current


def kept_reports(reports: Iterable[InjuryReport]) -> tuple[InjuryReport, ...]:
    """The reports that may still give the injured figure: one with no fewer injured and no fewer
    injured and killed together outdoes another at any death toll, and an exact one an equal "at least"."""
    ranked = sorted(reports, key=lambda r: (-r.injured.number, -(r.injured.number + r.killed), r.injured.lower_bound))
    kept: list[InjuryReport] = []
    for report in ranked:
        total = report.injured.number + report.killed
        if not any(k.injured.number >= report.injured.number and k.injured.number + k.killed >= total for k in kept):
            kept.append(report)
    return tuple(kept[:MAX_INJURY_REPORTS])


def settled_injured(reports: Iterable[InjuryReport], killed: int) -> StoryCount | None:
    """The story's injured figure at a death toll of `killed` (module docstring); None when every
    reported injured has since died."""
    best: StoryCount | None = None
    for report in reports:
        number = report.settled(killed)
        if number > 0:
            best = better_count(best, Count(number=number, lower_bound=report.injured.lower_bound), report.article_id)
    return best


def merged_counts(
    counts: Mapping[str, StoryCount],
    reports: tuple[InjuryReport, ...],
    article_id: str,
    reported: Mapping[str, Count],
) -> tuple[dict[str, StoryCount], tuple[InjuryReport, ...]]:
    """A story's counts and injury reports once an article reporting `reported` has joined it."""
    merged = dict(counts)
    for kind, count in reported.items():
        if kind != "injured":
            merged[kind] = better_count(merged.get(kind), count, article_id)
    if "injured" in reported:
        killed_here = reported["killed"].number if "killed" in reported else 0
        reports = kept_reports((*reports, InjuryReport(article_id, reported["injured"], killed_here)))
    if reports:
        injured = settled_injured(reports, merged["killed"].number if "killed" in merged else 0)
        if injured is None:
            merged.pop("injured", None)
        else:
            merged["injured"] = injured
    return merged, reports


def incident_counts(articles: Iterable[tuple[str, Mapping[str, Count]]]) -> dict[str, StoryCount]:
    """The counts of a story made of these (article id, figures) reports: the same figures in any order."""
    counts: dict[str, StoryCount] = {}
    reports: tuple[InjuryReport, ...] = ()
    for article_id, reported in articles:
        counts, reports = merged_counts(counts, reports, article_id, reported)
    return counts
