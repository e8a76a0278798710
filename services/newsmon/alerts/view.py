"""What the rules look at: an EventView, built from one article now and from a story (many
articles) later, so that the same rules run on both.

A view's facts are the best figure per kind (the largest; "at least" wins a tie), each with its
evidence: the text span and the article it was read from. A count whose sentence is about another
time ("the 2004 tsunami killed 230,000", "tahun lalu"; timing.py) is set aside, never a fact of the
event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from newsmon.alerts.timing import other_time_marker, year_of
from newsmon.records import EnrichedArticle, FactKind, Topic


@dataclass(frozen=True)
class ViewPlace:
    name: str  # the canonical name of the mention
    geonameid: int | None = None  # a district carries its city's id: it is inside it
    country_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    feature: str | None = None  # city, region, country, district; None: unresolved
    within: str | None = None  # for a district: the city the text puts it in
    article_id: str = ""


@dataclass(frozen=True)
class ViewEntity:
    canonical: str
    label: str
    watchlist_id: str | None = None


@dataclass(frozen=True)
class ViewFact:
    kind: FactKind
    number: int
    lower_bound: bool
    text: str
    start: int
    end: int
    article_id: str
    other_time: str | None = None  # what says the count is about another time, when set aside


@dataclass(frozen=True)
class ViewText:
    article_id: str
    language: str
    text: str


@dataclass(frozen=True)
class EventView:
    article_ids: tuple[str, ...]
    languages: tuple[str, ...]
    topics: tuple[Topic, ...]  # best first
    places: tuple[ViewPlace, ...]
    entities: tuple[ViewEntity, ...]
    facts: tuple[ViewFact, ...]  # the best per kind
    texts: tuple[ViewText, ...]  # titles and bodies, where terms are matched
    set_aside: tuple[ViewFact, ...] = ()  # counts about another time

    def fact(self, kind: str) -> ViewFact | None:
        return next((f for f in self.facts if f.kind == kind), None)

    def leading_topic(self) -> Topic | None:
        return self.topics[0] if self.topics else None


def best_facts(facts: Iterable[ViewFact]) -> tuple[ViewFact, ...]:
    """The largest figure per kind (later paragraphs often repeat smaller partial counts), exact
    before "at least" at an equal number, as the story counts an article's figure."""
    best: dict[str, ViewFact] = {}
    for fact in facts:
        held = best.get(fact.kind)
        if held is None or (fact.number, not fact.lower_bound) > (held.number, not held.lower_bound):
            best[fact.kind] = fact
    return tuple(best.values())


def view_places(article: EnrichedArticle) -> tuple[ViewPlace, ...]:
    places: dict[str, ViewPlace] = {}
    for entity in article.entities:
        if entity.label != "LOC" or entity.canonical in places:
            continue
        place = entity.place
        if place is None:
            places[entity.canonical] = ViewPlace(name=entity.canonical, article_id=article.id)
            continue
        district = place.relation == "enclosing"
        places[entity.canonical] = ViewPlace(
            name=entity.canonical,
            geonameid=place.geonameid,
            country_code=place.country_code,
            latitude=place.latitude,
            longitude=place.longitude,
            feature="district" if district else place.feature,
            within=place.name if district else None,
            article_id=article.id,
        )
    return tuple(places.values())


def event_view_from_article(article: EnrichedArticle) -> EventView:
    year = year_of(article.published, article.ingested_at, article.enriched_at)
    kept: list[ViewFact] = []
    set_aside: list[ViewFact] = []
    for fact in article.facts:
        marker = other_time_marker(article.text, fact.start, fact.end, article.language, year)
        view_fact = ViewFact(
            fact.kind, fact.number, fact.lower_bound, fact.text, fact.start, fact.end, article.id, marker
        )
        (set_aside if marker else kept).append(view_fact)
    entities = dict.fromkeys(ViewEntity(e.canonical, e.label, e.watchlist_id) for e in article.entities)
    texts = [ViewText(article.id, article.language, t) for t in (article.title, article.text) if t]
    return EventView(
        article_ids=(article.id,),
        languages=(article.language,),
        topics=tuple(sorted(article.topics, key=lambda t: -t.score)),
        places=view_places(article),
        entities=tuple(entities),
        facts=best_facts(kept),
        texts=tuple(texts),
        set_aside=tuple(set_aside),
    )
