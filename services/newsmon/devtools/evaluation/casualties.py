"""Casualty figures: exact-match accuracy of killed and injured on Gun Violence Archive incidents.

GVA's gold is per incident, so an incident's prediction is what its story would report
(`newsmon.stories.counts.incident_counts`): each article's figure is the largest of its kind among
the record's facts (`newsmon.stories.matching.reported_count`, which the alert stage's `largest`
agrees with in number), and across articles the largest, the injured less the deaths another
article adds; 0 when there is none. For a single article that is the article's own largest figure,
the fair test; incidents with several articles test how the figures of several reports combine."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newsmon.devtools.evaluation import analyze_items, describe_models
from newsmon.devtools.evaluation.readers import Incident, read_gva
from newsmon.devtools.evaluation.report import table
from newsmon.nlp.enricher import Enricher
from newsmon.records import Count, EnrichedArticle
from newsmon.settings import Settings
from newsmon.stories.counts import incident_counts
from newsmon.stories.matching import reported_count

KINDS = ("killed", "injured")
PATH = "casualties/en/gva/incidents_dev.jsonl"


def reported(record: EnrichedArticle | dict[str, Any] | None) -> dict[str, Count]:
    """An article's figures as a story takes them; none for a record normalize rejected."""
    if not isinstance(record, EnrichedArticle):
        return {}
    return {kind: count for kind in KINDS if (count := reported_count(record.facts, kind)) is not None}


def incident_figure(records: Iterable[tuple[str, EnrichedArticle | dict[str, Any] | None]], kind: str) -> int:
    """What the story of these articles reports for `kind`, 0 for nothing."""
    count = incident_counts((key, reported(record)) for key, record in records).get(kind)
    return count.number if count else 0


def score(pairs: Iterable[tuple[int, int]]) -> dict[str, Any]:
    """(gold, predicted) pairs -> exact matches, too high, too low."""
    tally: Counter[str] = Counter()
    for gold, predicted in pairs:
        tally["n"] += 1
        tally["exact" if predicted == gold else "too_high" if predicted > gold else "too_low"] += 1
        tally["predicted_zero"] += predicted == 0
    n = tally["n"]
    return {
        "n": n,
        "exact": tally["exact"],
        "accuracy": tally["exact"] / n if n else 0.0,
        "too_high": tally["too_high"],
        "too_low": tally["too_low"],
        "predicted_zero": tally["predicted_zero"],
    }


def deduplicate_incidents(incidents: list[Incident]) -> tuple[list[Incident], int]:
    seen, kept = set(), []
    for incident in incidents:
        if incident.id not in seen:
            seen.add(incident.id)
            kept.append(incident)
    return kept, len(incidents) - len(kept)


def evaluate(
    data: Path, settings: Settings, enricher: Enricher, limit: int | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    incidents = read_gva(data)
    if incidents is None:
        return [], [f"casualties: {PATH} missing, skipped"]
    unique, duplicates = deduplicate_incidents(incidents)
    groups = {
        "single article": [i for i in unique if len(i.articles) == 1],
        "several articles (as their story reports them)": [i for i in unique if len(i.articles) > 1],
    }
    if limit:
        groups = {name: members[:limit] for name, members in groups.items()}
    items = {}
    for incident in (i for members in groups.values() for i in members):
        for number, (doc_id, title, content) in enumerate(incident.articles):
            key = f"{incident.id}/{number}/{doc_id}"
            items[key] = {"id": key, "title": title, "text": content, "language": "en"}
    records = analyze_items(items.values(), settings, enricher)
    rejected = sum(1 for r in records.values() if not isinstance(r, EnrichedArticle))
    models = {r.ner_model for r in records.values() if isinstance(r, EnrichedArticle)}
    rows: dict[str, dict[str, Any]] = {}
    for name, members in groups.items():
        rows[name] = {}
        for kind in KINDS:
            pairs = []
            for incident in members:
                keys = [f"{incident.id}/{n}/{doc}" for n, (doc, _, _) in enumerate(incident.articles)]
                predicted = incident_figure(((k, records.get(k)) for k in keys), kind)
                pairs.append((getattr(incident, kind), predicted))
            rows[name][kind] = score(pairs)
    result = {
        "task": "casualties",
        "dataset": "GVA",
        "language": "en",
        "split": "dev",
        "path": PATH,
        "incidents_read": len(incidents),
        "duplicates_removed": duplicates,
        "limit": limit,
        "incidents": {name: len(members) for name, members in groups.items()},
        "articles": len(items),
        "articles_rejected": rejected,
        "ner_models": sorted(models),
        "trained_on": describe_models(models),
        "scores": rows,
    }
    return [result], []


def render(result: dict[str, Any]) -> str:
    counts = ", ".join(f"{n} with {name.split(' (')[0]}" for name, n in result["incidents"].items())
    about = [
        f"data: {result['path']} (split: {result['split']}, language declared: en)",
        f"incidents: {result['incidents_read']} read, {result['duplicates_removed']} duplicates removed; {counts}"
        + (f" (capped at {result['limit']} each)" if result["limit"] else ""),
        (
            f"articles analysed: {result['articles']} ({result['articles_rejected']} rejected by normalize, "
            "e.g. empty text: predicted 0)"
        ),
        (
            "gold: GVA's incident counts (suspects included); prediction: the incident's story counts "
            "(stories.counts.incident_counts over each article's largest figures), 0 if none"
        ),
        f"model: {result['trained_on']} (casualty facts: hand-written rules)",
    ]
    rows = []
    for name, kinds in result["scores"].items():
        for kind, s in kinds.items():
            rows.append(
                [name, kind, s["n"], s["exact"], s["accuracy"], s["too_high"], s["too_low"], s["predicted_zero"]]
            )
    title = "Casualties, exact match: GVA dev (en)"
    return table(
        title, about, ["incidents", "kind", "n", "exact", "accuracy", "too high", "too low", "predicted 0"], rows
    )
