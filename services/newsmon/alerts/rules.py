"""From an enriched article to its alerts: the rules in force (the rules file, rules_file.py) run on
the article's event view (view.py, engine.py), one Alert per rule that holds."""

from __future__ import annotations

from newsmon.alerts.content import alert_id, alert_places, headline, names
from newsmon.alerts.engine import RuleMatch, evaluate_rules
from newsmon.alerts.rule_models import Rule, iptc_topics
from newsmon.alerts.rules_file import DEFAULT_RULES_PATH, RulesSource, load_rules
from newsmon.alerts.view import EventView, ViewFact, event_view_from_article
from newsmon.clock import now_iso
from newsmon.records import Alert, Count, EnrichedArticle, Topic

DEFAULT_RULES = load_rules(DEFAULT_RULES_PATH)
# The rules whose metric counters start at zero.
RULE_NAMES = tuple(rule.name for rule in DEFAULT_RULES)

_in_force: RulesSource | None = None


def use_rules(source: RulesSource | None) -> None:
    """Set the process's rules (the worker does, from NEWSMON_RULES_PATH); None: the defaults."""
    global _in_force
    _in_force = source


def rules_in_force() -> tuple[Rule, ...]:
    return _in_force.rules() if _in_force is not None else DEFAULT_RULES


def alert_topic(match: RuleMatch, view: EventView) -> Topic:
    """The topic the rule matched on; else the leading topic (an exclusion would have stopped the
    rule); else the rule's `topic`, scored 0: no topic was scored for the article."""
    if match.evidence.topics:
        return match.evidence.topics[0]
    leading = view.leading_topic()
    if leading is not None:
        return leading
    code = match.rule.topic
    return Topic(code=code, label=iptc_topics()[code], score=0.0, evidence=[f"rule {match.rule.name}: no topic scored"])


def count(fact: ViewFact | None) -> Count | None:
    return Count(number=fact.number, lower_bound=fact.lower_bound) if fact else None


def headline_counts(view: EventView) -> list[tuple[Count, str]]:
    """People killed and injured; the weapons counted when no one was reported killed or injured."""
    people = [(c, what) for what in ("killed", "injured") if (c := count(view.fact(what)))]
    weapons = [(c, what) for what in ("drones", "missiles") if (c := count(view.fact(what)))]
    return people or weapons


def alert_of(match: RuleMatch, view: EventView, article: EnrichedArticle) -> Alert:
    topic = alert_topic(match, view)
    killed, injured = count(view.fact("killed")), count(view.fact("injured"))
    places = alert_places(article)
    return Alert(
        alert_id=alert_id(match.rule.name, article.id),
        rule=match.rule.name,
        severity=match.severity,
        headline=headline(match.severity, places, headline_counts(view), topic, match.rule.description),
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
        missing=count(view.fact("missing")),
        published=article.published,
        ingested_at=article.ingested_at,
        created_at=now_iso(),
    )


def evaluate(article: EnrichedArticle, rules: tuple[Rule, ...] | None = None) -> list[Alert]:
    view = event_view_from_article(article)
    matches = evaluate_rules(rules_in_force() if rules is None else rules, view)
    return [alert_of(match, view, article) for match in matches]
