"""What the gazetteer knows of a name (its entries and their place candidates) and the rule that
turns a place mention into one geonames place, or none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from newsmon.records import Place

# A mention is resolved to the most populous candidate only when it is this many times larger
# than the runner-up; otherwise (Victoria, Canada vs Victoria, Texas) it stays unresolved.
POPULATION_DOMINANCE = 5.0

Feature = Literal["country", "city", "region"]
Label = Literal["LOC", "ORG", "PER"]


@dataclass(frozen=True)
class PlaceCandidate:
    geonameid: int | None
    name: str
    country_code: str | None
    latitude: float | None
    longitude: float | None
    feature: Feature
    population: int
    by_own_name: bool = True  # False when only a geonames alternate name matched

    def to_place(self) -> Place | None:
        if self.latitude is None or self.longitude is None:
            return None
        return Place(
            geonameid=self.geonameid,
            name=self.name,
            country_code=self.country_code,
            latitude=self.latitude,
            longitude=self.longitude,
            feature=self.feature,
        )


@dataclass(frozen=True)
class GazetteerEntry:
    label: Label
    canonical: str  # for LOC, refined by resolution (the resolved place's name)
    candidates: tuple[PlaceCandidate, ...] = field(default=())
    watchlist_id: str | None = None  # set for the entries of the watchlist
    # For a watchlist person: the last words of its multi-word aliases ("Klychko", "Кличко"),
    # which name that person alone once the article has named them in full.
    surnames: tuple[str, ...] = field(default=())


def resolve_place(candidates: Sequence[PlaceCandidate], co_mentioned_countries: set[str]) -> PlaceCandidate | None:
    """One place for a mention, or None when the text does not decide between its candidates.

    Countries, then regions, win over cities of the same name (Mexico, Kuwait, Gaza). Among cities: those in a country
    the text also mentions, then those matched by their own name rather than a geonames alternate
    spelling, then the most populous if it dominates the runner-up by POPULATION_DOMINANCE.
    """
    if not candidates:
        return None
    countries = [c for c in candidates if c.feature == "country"] or [c for c in candidates if c.feature == "region"]
    if countries:
        if len(countries) == 1:
            return countries[0]
        mentioned = [c for c in countries if c.country_code in co_mentioned_countries]
        return mentioned[0] if len(mentioned) == 1 else None
    pool = list(candidates)
    in_mentioned = [c for c in pool if c.country_code in co_mentioned_countries]
    pool = in_mentioned or pool
    own_named = [c for c in pool if c.by_own_name]
    pool = own_named or pool
    pool.sort(key=lambda c: c.population, reverse=True)
    if len(pool) == 1 or pool[0].population >= POPULATION_DOMINANCE * max(pool[1].population, 1):
        return pool[0]
    return None
