"""A story's state: what news.stories publishes (the Story record) and what matching needs besides
(every place level, entities, MinHash signatures, times as epochs), stored as one JSON value in the
story table.

Counts (killed, injured, missing): the largest figure any article reported, the injured less those
who died since (counts.py); the state keeps the articles' injured figures that settle it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

from newsmon.clock import iso_from_epoch
from newsmon.records import Count, Place, Story, StoryCount, StoryPlace, StoryTopic
from newsmon.stories.counts import InjuryReport, merged_counts
from newsmon.stories.where import EventPlace, place_key

COUNT_KINDS = ("killed", "injured", "missing")
# Bounds on one story's state: a story reported for days by hundreds of outlets must not grow without end.
MAX_ARTICLE_IDS = 1000
MAX_SIGNATURES = 20
MAX_ENTITIES = 200
_LEVELS = ("city", "region", "country")


def story_id_for(first_article_id: str) -> str:
    """Stable: the first article's id decides it, so a re-processed stream gives the same ids."""
    return hashlib.blake2b(first_article_id.encode(), digest_size=10).hexdigest()


@dataclass(frozen=True)
class ArticleFeatures:
    """What of one article matching compares and a story keeps."""

    article_id: str
    source: str | None
    language: str
    epoch: float  # when it came in (ingest time, else enrichment time)
    bucket: str
    places: tuple[EventPlace, ...]
    entities: frozenset[str]
    counts: dict[str, Count]
    topic: tuple[str, str] | None  # (code, label) of its leading topic
    signature: str

    @property
    def place_keys(self) -> frozenset[str]:
        return frozenset(p.key for p in self.places if p.place.feature == "city")

    @property
    def countries(self) -> frozenset[str]:
        return frozenset(p.place.country_code for p in self.places if p.place.country_code)


@dataclass(frozen=True)
class StoryState:
    story_id: str
    bucket: str
    article_ids: tuple[str, ...]
    article_count: int
    sources: tuple[str, ...]
    languages: tuple[str, ...]
    first_epoch: float
    last_epoch: float
    places: tuple[StoryPlace, ...]  # every level reported (the record shows the finest)
    counts: dict[str, StoryCount]
    topics: tuple[StoryTopic, ...]  # in the order first seen
    updated_at: str
    entities: tuple[str, ...] = ()
    signatures: tuple[tuple[str, str], ...] = field(default=())  # (language, signature), latest last
    injury_reports: tuple[InjuryReport, ...] = ()  # what settles counts["injured"] (counts.py)

    @property
    def place_keys(self) -> frozenset[str]:
        return frozenset(
            place_key(p.geonameid, p.feature, p.country_code, p.name) for p in self.places if p.feature == "city"
        )

    @property
    def countries(self) -> frozenset[str]:
        return frozenset(p.country_code for p in self.places if p.country_code)

    def leading_topic(self) -> StoryTopic | None:
        return max(self.topics, key=lambda t: t.articles, default=None)  # max keeps the first of equals

    def record(self) -> Story:
        finest = next((level for level in _LEVELS if any(p.feature == level for p in self.places)), None)
        shown = [p for p in self.places if p.feature == finest]
        return Story(
            story_id=self.story_id,
            bucket=self.bucket,
            article_ids=list(self.article_ids),
            article_count=self.article_count,
            sources=list(self.sources),
            languages=list(self.languages),
            first_seen=iso_from_epoch(self.first_epoch),
            last_seen=iso_from_epoch(self.last_epoch),
            places=sorted(shown, key=lambda p: -p.articles),  # stable: first reported first among equals
            killed=self.counts.get("killed"),
            injured=self.counts.get("injured"),
            missing=self.counts.get("missing"),
            topic=self.leading_topic(),
            updated_at=self.updated_at,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "story": self.record().to_json_dict(),
            "places": [p.to_json_dict() for p in self.places],
            "first_epoch": self.first_epoch,
            "last_epoch": self.last_epoch,
            "topics": [t.to_json_dict() for t in self.topics],
            "entities": list(self.entities),
            "signatures": [list(s) for s in self.signatures],
            "injury_reports": [r.to_json() for r in self.injury_reports],
        }

    @classmethod
    def from_json(cls, value: Any) -> StoryState | None:
        """The table's value, or None when it is not a story this code wrote."""
        try:
            story = Story.model_validate(value["story"])
            return cls(
                story_id=story.story_id,
                bucket=story.bucket,
                article_ids=tuple(story.article_ids),
                article_count=story.article_count,
                sources=tuple(story.sources),
                languages=tuple(story.languages),
                first_epoch=float(value["first_epoch"]),
                last_epoch=float(value["last_epoch"]),
                places=tuple(StoryPlace.model_validate(p) for p in value["places"]),
                counts={k: c for k in COUNT_KINDS if (c := getattr(story, k)) is not None},
                topics=tuple(StoryTopic.model_validate(t) for t in value["topics"]),
                updated_at=story.updated_at,
                entities=tuple(str(e) for e in value["entities"]),
                signatures=tuple((str(lang), str(sig)) for lang, sig in value["signatures"]),
                injury_reports=_injury_reports(value, story),
            )
        except (KeyError, TypeError, ValueError, ValidationError):
            return None


def last_epoch_of(value: Any) -> float | None:
    """When a stored story was last reported (the sweeper expires it a window later)."""
    try:
        return float(value["last_epoch"])
    except (KeyError, TypeError, ValueError):
        return None


def _injury_reports(value: Any, story: Story) -> tuple[InjuryReport, ...]:
    """The stored injury reports; for a story stored before they were, its injured figure as one
    report beside its deaths, so that it stands until the death toll rises."""
    if "injury_reports" in value:
        return tuple(InjuryReport.from_json(r) for r in value["injury_reports"])
    if story.injured is None:
        return ()
    injured = Count(number=story.injured.number, lower_bound=story.injured.lower_bound)
    return (InjuryReport(story.injured.article_id, injured, story.killed.number if story.killed else 0),)


def _story_place(place: Place, districts: tuple[str, ...]) -> StoryPlace:
    return StoryPlace(
        name=place.name,
        geonameid=place.geonameid,
        country_code=place.country_code,
        latitude=place.latitude,
        longitude=place.longitude,
        feature=place.feature,
        districts=list(districts),
        articles=1,
    )


def merged_places(places: tuple[StoryPlace, ...], reported: tuple[EventPlace, ...]) -> tuple[StoryPlace, ...]:
    by_key = {place_key(p.geonameid, p.feature, p.country_code, p.name): p for p in places}
    for event_place in reported:
        known = by_key.get(event_place.key)
        if known is None:
            by_key[event_place.key] = _story_place(event_place.place, event_place.districts)
        else:
            districts = known.districts + [d for d in event_place.districts if d not in known.districts]
            by_key[event_place.key] = known.model_copy(update={"districts": districts, "articles": known.articles + 1})
    return tuple(by_key.values())


def _appended(items: tuple[str, ...], item: str | None) -> tuple[str, ...]:
    return items if item is None or item in items else (*items, item)


def _tallied(topics: tuple[StoryTopic, ...], topic: tuple[str, str] | None) -> tuple[StoryTopic, ...]:
    if topic is None:
        return topics
    code, label = topic
    if any(t.code == code for t in topics):
        return tuple(t.model_copy(update={"articles": t.articles + 1}) if t.code == code else t for t in topics)
    return (*topics, StoryTopic(code=code, label=label, articles=1))


def new_story(article: ArticleFeatures, updated_at: str) -> StoryState:
    empty = StoryState(
        story_id=story_id_for(article.article_id),
        bucket=article.bucket,
        article_ids=(),
        article_count=0,
        sources=(),
        languages=(),
        first_epoch=article.epoch,
        last_epoch=article.epoch,
        places=(),
        counts={},
        topics=(),
        updated_at=updated_at,
    )
    return with_article(empty, article, updated_at)


def with_article(story: StoryState, article: ArticleFeatures, updated_at: str) -> StoryState:
    """The story once `article` has joined it."""
    counts, injury_reports = merged_counts(story.counts, story.injury_reports, article.article_id, article.counts)
    entities = story.entities + tuple(sorted(article.entities - set(story.entities)))
    return replace(
        story,
        article_ids=(*story.article_ids, article.article_id)[-MAX_ARTICLE_IDS:],
        article_count=story.article_count + 1,
        sources=_appended(story.sources, article.source),
        languages=_appended(story.languages, article.language),
        first_epoch=min(story.first_epoch, article.epoch),
        last_epoch=max(story.last_epoch, article.epoch),
        places=merged_places(story.places, article.places),
        counts=counts,
        topics=_tallied(story.topics, article.topic),
        updated_at=updated_at,
        entities=entities[:MAX_ENTITIES],
        signatures=(*story.signatures, (article.language, article.signature))[-MAX_SIGNATURES:],
        injury_reports=injury_reports,
    )
