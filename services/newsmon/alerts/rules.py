"""The alert rules: each turns an enriched article into an alert, or None. Pure functions."""

from __future__ import annotations

from collections.abc import Callable

from newsmon.alerts.content import alert_id, alert_places, headline, largest, names
from newsmon.clock import now_iso
from newsmon.records import Alert, Count, EnrichedArticle, Severity

CONFLICT = "medtop:16000000"
DISASTER = "medtop:03000000"
# Topics where people being killed or hurt is the news an ops team must see at once.
CASUALTY_TOPICS = frozenset({CONFLICT, DISASTER})
# A topic this weak is a passing mention (a sports report that names a war), not the story;
# so is one far behind the article's leading topic (a shooting report where "fire" hints at disaster).
MIN_TOPIC_SCORE = 0.3
MIN_SHARE_OF_LEADING_TOPIC = 0.75


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
RULE_NAMES = tuple(RULES)


def evaluate(article: EnrichedArticle) -> list[Alert]:
    return [alert for rule in RULES.values() if (alert := rule(article)) is not None]
