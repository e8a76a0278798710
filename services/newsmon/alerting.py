"""alert: rules that turn an enriched article into alerts. Pure functions."""

from __future__ import annotations

import hashlib
from collections import Counter as Tally
from collections.abc import Callable, Iterable

from newsmon.clock import now_iso
from newsmon.records import Alert, AlertPlace, Count, EnrichedArticle, Fact, Severity, Topic

CONFLICT = "medtop:16000000"
DISASTER = "medtop:03000000"
# Topics where people being killed or hurt is the news an ops team must see at once.
CASUALTY_TOPICS = frozenset({CONFLICT, DISASTER})
# A topic this weak is a passing mention (a sports report that names a war), not the story;
# so is one far behind the article's leading topic (a shooting report where "fire" hints at disaster).
MIN_TOPIC_SCORE = 0.3
MIN_SHARE_OF_LEADING_TOPIC = 0.75
HEADLINE_PLACES = 2


def alert_id(rule: str, article_id: str) -> str:
    """Stable, so a re-processed article updates its alert in the compacted topic."""
    return hashlib.blake2b(f"{rule}\x00{article_id}".encode(), digest_size=12).hexdigest()


def largest(facts: Iterable[Fact], kind: str) -> Count | None:
    """The largest figure reported for a kind: later paragraphs often repeat smaller partial counts."""
    matching = [f for f in facts if f.kind == kind]
    if not matching:
        return None
    best = max(matching, key=lambda f: (f.number, f.lower_bound))
    return Count(number=best.number, lower_bound=best.lower_bound)


def casualty_severity(killed: Count | None, injured: Count | None) -> Severity:
    dead = killed.number if killed else 0
    hurt = injured.number if injured else 0
    if dead >= 10 or hurt >= 50:
        return "critical"
    if dead >= 1:
        return "high"
    if hurt >= 1:
        return "medium"
    return "low"


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
        enclosed = place is not None and place.relation == "enclosing"
        places[entity.canonical] = AlertPlace(
            name=f"{entity.canonical}, {place.name}" if enclosed else entity.canonical,
            country_code=place.country_code if place else None,
            latitude=place.latitude if place else None,
            longitude=place.longitude if place else None,
        )
        kinds[entity.canonical] = "district" if enclosed else place.feature if place else "unresolved"
    rank = {"city": 0, "district": 1, "region": 2, "country": 3, "unresolved": 4}
    order = sorted(places, key=lambda name: (rank[kinds[name]], -mentions[name]))
    return [places[name] for name in order]


def names(article: EnrichedArticle, label: str) -> list[str]:
    tally = Tally(e.canonical for e in article.entities if e.label == label)
    return [name for name, _ in tally.most_common()]


def describe_count(count: Count, what: str) -> str:
    return f"{'at least ' if count.lower_bound else ''}{count.number} {what}"


def headline(severity: Severity, places: list[AlertPlace], killed: Count | None, injured: Count | None, topic: Topic) -> str:
    where = ", ".join(p.name for p in places[:HEADLINE_PLACES]) or "place unknown"
    counts = [describe_count(c, w) for c, w in ((killed, "killed"), (injured, "injured")) if c]
    return f"[{severity.upper()}] {where}: {', '.join(counts)} ({topic.label})"


def casualties_rule(article: EnrichedArticle) -> Alert | None:
    """Conflict or disaster articles that report people killed or injured."""
    leading = max((t.score for t in article.topics), default=0.0)
    floor = max(MIN_TOPIC_SCORE, MIN_SHARE_OF_LEADING_TOPIC * leading)
    topic = next((t for t in article.topics if t.code in CASUALTY_TOPICS and t.score >= floor), None)
    if topic is None:
        return None
    killed = largest(article.facts, "killed")
    injured = largest(article.facts, "injured")
    if not ((killed and killed.number) or (injured and injured.number)):
        return None
    severity = casualty_severity(killed, injured)
    places = alert_places(article)
    return Alert(
        alert_id=alert_id("casualties", article.id),
        rule="casualties",
        severity=severity,
        headline=headline(severity, places, killed, injured, topic),
        article_id=article.id,
        title=article.title,
        url=article.url,
        language=article.language,
        topic=topic,
        places=places,
        persons=names(article, "PER"),
        organisations=names(article, "ORG"),
        killed=killed,
        injured=injured,
        missing=largest(article.facts, "missing"),
        published=article.published,
        ingested_at=article.ingested_at,
        created_at=now_iso(),
    )


RULES: dict[str, Callable[[EnrichedArticle], Alert | None]] = {"casualties": casualties_rule}


def evaluate(article: EnrichedArticle) -> list[Alert]:
    return [alert for rule in RULES.values() if (alert := rule(article)) is not None]
