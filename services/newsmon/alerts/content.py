"""What an alert says, built from an enriched article: its id, counts, places, names and headline."""

from __future__ import annotations

import hashlib
from collections import Counter as Tally

from newsmon.records import AlertPlace, Count, EnrichedArticle, Severity, Topic

HEADLINE_PLACES = 2


def alert_id(rule: str, article_id: str) -> str:
    """Stable, so a re-processed article updates its alert in the compacted topic."""
    return hashlib.blake2b(f"{rule}\x00{article_id}".encode(), digest_size=12).hexdigest()


def alert_places(article: EnrichedArticle) -> list[AlertPlace]:
    """Resolved places, most mentioned first; cities before their districts ("Darnytskyi, Kyiv": a
    district placed at the city the text puts it in) and before the countries that contain them."""
    mentions = Tally(e.canonical for e in article.entities if e.label == "LOC")
    places: dict[str, AlertPlace] = {}
    kinds: dict[str, str] = {}
    for entity in article.entities:
        if entity.label != "LOC" or entity.canonical in places:
            continue
        place = entity.place
        enclosing = place if place is not None and place.relation == "enclosing" else None
        places[entity.canonical] = AlertPlace(
            name=f"{entity.canonical}, {enclosing.name}" if enclosing else entity.canonical,
            country_code=place.country_code if place else None,
            latitude=place.latitude if place else None,
            longitude=place.longitude if place else None,
        )
        kinds[entity.canonical] = "district" if enclosing else place.feature if place else "unresolved"
    rank = {"city": 0, "district": 1, "region": 2, "country": 3, "unresolved": 4}
    order = sorted(places, key=lambda name: (rank[kinds[name]], -mentions[name]))
    return [places[name] for name in order]


def names(article: EnrichedArticle, label: str) -> list[str]:
    tally = Tally(e.canonical for e in article.entities if e.label == label)
    return [name for name, _ in tally.most_common()]


def describe_count(count: Count, what: str) -> str:
    return f"{'at least ' if count.lower_bound else ''}{count.number} {what}"


def headline(
    severity: Severity, places: list[AlertPlace], counts: list[tuple[Count, str]], topic: Topic | None, otherwise: str
) -> str:
    """ "[HIGH] Kyiv, Kryvyi Rih: at least 2 killed, 13 injured (conflict, war and peace)"; with no
    count, `otherwise` (the rule's description) says what happened."""
    where = ", ".join(p.name for p in places[:HEADLINE_PLACES]) or "place unknown"
    what = ", ".join(describe_count(c, w) for c, w in counts) or otherwise
    about = f" ({topic.label})" if topic is not None else ""
    return f"[{severity.upper()}] {where}: {what}{about}"
