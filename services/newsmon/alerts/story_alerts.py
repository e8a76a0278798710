"""One alert per rule and story, versioned: what a story's alert says after an article joined it.

An article's event view (view.py) is checked against the rules as before; a rule that holds for it,
or that already holds for its story, gives the story's alert for that rule. The alert speaks for the
whole story: its places are where the story's event happened, its counts the story's best figures
(stories/counts.py: the largest report wins, the injured less the deaths reported since), its sources
and articles the story's, its evidence the union of what the rule matched in each article. Its
`version` grows only when what a reader acts on changes: the severity, a source, a place, a count,
the evidence; a new article that changes none of these adds its id to the next version and makes
none of its own. `title`, `url` and `language` are
the latest report's (the article that brought the version), so a reader follows the newest link.
Within a rule's cooldown a new version waits for the next article after it, unless the severity or a
count rose.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Sequence
from datetime import datetime

import orjson
from pydantic import BaseModel

from newsmon.alerts.content import headline
from newsmon.alerts.engine import RuleMatch
from newsmon.alerts.rule_models import Rule
from newsmon.alerts.rules import alert_of
from newsmon.alerts.view import EventView, ViewFact, ViewPlace
from newsmon.records import (
    Alert,
    AlertEvidence,
    AlertFact,
    AlertPlace,
    Count,
    EnrichedArticle,
    Severity,
    Story,
    StoryCount,
)

SEVERITY_RANK: dict[Severity, int] = {"low": 0, "medium": 1, "high": 2, "critical": 3}
MAX_EVIDENCE = 20  # facts, terms and places kept per alert: enough to show why, bounded
# What a version is about; the rest (the article that brought it, the time) changes with every article.
VERSIONED_FIELDS = (
    "severity", "sources", "places", "killed", "injured", "missing", "evidence", "topic", "story_id", "rule",
)  # fmt: skip


def story_alert_id(rule: str, story_id: str) -> str:
    """Stable from the rule and the story: every version of one alert replaces the last in the compacted topic."""
    return hashlib.blake2b(f"{rule}\x00story\x00{story_id}".encode(), digest_size=12).hexdigest()


def content_digest(alert: Alert) -> str:
    content = alert.model_dump(mode="json", include=set(VERSIONED_FIELDS), exclude_none=True)
    return hashlib.blake2b(orjson.dumps(content, option=orjson.OPT_SORT_KEYS), digest_size=16).hexdigest()


def higher(first: Severity, second: Severity) -> Severity:
    return first if SEVERITY_RANK[first] >= SEVERITY_RANK[second] else second


def _fact(fact: ViewFact) -> AlertFact:
    return AlertFact(
        kind=fact.kind, number=fact.number, lower_bound=fact.lower_bound, text=fact.text, article_id=fact.article_id
    )


def _view_place(place: ViewPlace) -> AlertPlace:
    return AlertPlace(
        name=place.name,
        geonameid=place.geonameid,
        country_code=place.country_code,
        latitude=place.latitude,
        longitude=place.longitude,
    )


def _union(first: Iterable[object], second: Iterable[object]) -> list[object]:
    """The distinct items of both, in order, at most MAX_EVIDENCE. Models (facts, places: scalar
    fields only) compare by type and field values, as pydantic's == does, but through a set."""
    union: list[object] = []
    seen: set[object] = set()
    for item in itertools.chain(first, second):
        if len(union) == MAX_EVIDENCE:
            break
        identity = (type(item), *vars(item).values()) if isinstance(item, BaseModel) else item
        if identity not in seen:
            seen.add(identity)
            union.append(item)
    return union


def merged_evidence(previous: AlertEvidence | None, match: RuleMatch | None) -> AlertEvidence:
    held = previous or AlertEvidence()
    if match is None:
        return held
    found = match.evidence
    return AlertEvidence(
        matched=[str(m) for m in _union(held.matched, found.matched)],
        terms=[str(t) for t in _union(held.terms, found.terms)],
        facts=[f for f in _union(held.facts, map(_fact, found.facts)) if isinstance(f, AlertFact)],
        places=[p for p in _union(held.places, map(_view_place, found.places)) if isinstance(p, AlertPlace)],
    )


def story_places(story: Story) -> list[AlertPlace]:
    """Where the story's event happened, most reported first (its cities; districts are inside them)."""
    return [
        AlertPlace(
            name=place.name,
            geonameid=place.geonameid,
            country_code=place.country_code,
            latitude=place.latitude,
            longitude=place.longitude,
        )
        for place in story.places
    ]


def _count(story_count: StoryCount | None) -> Count | None:
    return Count(number=story_count.number, lower_bound=story_count.lower_bound) if story_count else None


def headline_counts(killed: Count | None, injured: Count | None, view: EventView) -> list[tuple[Count, str]]:
    people = [(c, what) for c, what in ((killed, "killed"), (injured, "injured")) if c is not None]
    if people:
        return people
    weapons = [(f, f.kind) for f in (view.fact("drones"), view.fact("missiles")) if f is not None]
    return [(Count(number=f.number, lower_bound=f.lower_bound), kind) for f, kind in weapons]


def _rose(new: Alert, old: Alert) -> bool:
    if SEVERITY_RANK[new.severity] > SEVERITY_RANK[old.severity]:
        return True
    return any(
        (getattr(new, kind) or Count(number=0, lower_bound=False)).number
        > (getattr(old, kind) or Count(number=0, lower_bound=False)).number
        for kind in ("killed", "injured", "missing")
    )


def seconds_between(earlier: str, later: str) -> float:
    def parse(stamp: str) -> datetime:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))

    return (parse(later) - parse(earlier)).total_seconds()


def story_alert(
    rule: Rule,
    match: RuleMatch | None,
    view: EventView,
    article: EnrichedArticle,
    story: Story,
    previous: Alert | None,
    now: str,
) -> Alert | None:
    """The story's alert for `rule` after `article` joined `story`: `previous` itself when nothing a
    reader acts on changed (or the cooldown holds it), a new version otherwise; None when the rule
    holds neither for the article nor, before it, for the story."""
    if match is None and previous is None:
        return None
    base = alert_of(match, view, article) if match is not None else previous
    assert base is not None
    severity = base.severity if previous is None else higher(previous.severity, base.severity)
    places = story_places(story) or base.places
    killed, injured, missing = _count(story.killed), _count(story.injured), _count(story.missing)
    topic = (previous.topic if previous is not None else None) or base.topic
    first = previous or base
    candidate = base.model_copy(
        update={
            "alert_id": story_alert_id(rule.name, story.story_id),
            "severity": severity,
            "headline": headline(severity, places, headline_counts(killed, injured, view), topic, rule.description),
            "story_id": story.story_id,
            "article_id": article.id,
            "article_ids": list(story.article_ids),
            "sources": list(story.sources),
            "title": base.title if match is not None else article.title,
            "url": base.url if match is not None else article.url,
            "language": article.language,
            "topic": topic,
            "places": places,
            "persons": _names(first.persons, base.persons),
            "organisations": _names(first.organisations, base.organisations),
            "killed": killed,
            "injured": injured,
            "missing": missing,
            "evidence": merged_evidence(previous.evidence if previous else None, match),
            "published": first.published,
            "ingested_at": first.ingested_at,
            "first_seen": story.first_seen,
            "created_at": now,
        }
    )
    if previous is None:
        return candidate.model_copy(update={"version": 1})
    if content_digest(candidate) == content_digest(previous):
        return previous
    in_cooldown = seconds_between(previous.created_at, now) < rule.cooldown_seconds
    if in_cooldown and not _rose(candidate, previous):
        return previous
    return candidate.model_copy(update={"version": previous.version + 1})


def _names(first: Sequence[str], second: Sequence[str], limit: int = 10) -> list[str]:
    return list(dict.fromkeys([*first, *second]))[:limit]
