"""Topics: accuracy of the top IPTC topic on the Indonesian channel-labelled sets, with the channels
mapped to top-level codes by topic_label_map.json."""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from newsmon.devtools.evaluation import analyze_items, describe_models
from newsmon.devtools.evaluation.readers import (
    LabelledArticle,
    deduplicate_articles,
    held_out,
    overlap_key,
    read_detik,
    read_tribun,
)
from newsmon.devtools.evaluation.report import table
from newsmon.nlp.enricher import Enricher
from newsmon.nlp.resources import load_json
from newsmon.nlp.topics.classifier import MODEL_PATH
from newsmon.records import EnrichedArticle
from newsmon.settings import Settings

MAP_PATH = Path(__file__).with_name("topic_label_map.json")
NO_TOPIC = "(none)"


@lru_cache(maxsize=1)
def label_map() -> dict[str, dict[str, str | None]]:
    data = json.loads(MAP_PATH.read_text(encoding="utf-8"))
    return {name: mapping for name, mapping in data.items() if not name.startswith("_")}


@lru_cache(maxsize=1)
def top_level_names() -> dict[str, str]:
    return dict(load_json("iptc_top_level.json")["topics"])


def short(code: str) -> str:
    name = top_level_names().get(code)
    return f"{code[7:9]} {name.split(',')[0]}" if name else code


def top_topic(record: EnrichedArticle | dict[str, Any] | None) -> str:
    if isinstance(record, EnrichedArticle) and record.topics:
        return record.topics[0].code
    return NO_TOPIC


def evaluate_set(
    name: str,
    split: str,
    path: str,
    articles: list[LabelledArticle],
    settings: Settings,
    enricher: Enricher,
    limit: int | None = None,
    train: list[LabelledArticle] | None = None,
) -> dict[str, Any]:
    mapping = label_map()[name]
    unique, duplicates = deduplicate_articles(articles)
    train_keys = {overlap_key(a.text) for a in train or []}
    in_train = sum(overlap_key(a.text) in train_keys for a in unique)
    unique = [a for a in unique if overlap_key(a.text) not in train_keys]
    unmapped = Counter(a.label for a in unique if mapping.get(a.label) is None)
    scored = [a for a in unique if mapping.get(a.label)]
    if limit:
        scored = scored[:limit]
    records = analyze_items(
        ({"id": a.id, "title": a.title, "text": a.text, "language": "id"} for a in scored), settings, enricher
    )
    per_label: dict[str, Counter[str]] = {}
    models = set()
    correct = 0
    for article in scored:
        record = records.get(article.id)
        if isinstance(record, EnrichedArticle):
            models.add(record.ner_model)
        predicted = top_topic(record)
        gold = mapping[article.label]
        hit = predicted == gold
        correct += hit
        tally = per_label.setdefault(article.label, Counter())
        tally["n"] += 1
        tally["correct"] += hit
        tally[f"pred:{predicted}"] += 1
    labels = {}
    for label, tally in sorted(per_label.items()):
        predictions = Counter({k[5:]: v for k, v in tally.items() if k.startswith("pred:")})
        labels[label] = {
            "gold_code": mapping[label],
            "n": tally["n"],
            "correct": tally["correct"],
            "accuracy": tally["correct"] / tally["n"],
            "predicted": dict(predictions.most_common()),
        }
    return {
        "task": "topics",
        "dataset": name,
        "language": "id",
        "split": split,
        "path": path,
        "articles_read": len(articles),
        "duplicates_removed": duplicates,
        "train_overlap_removed": in_train if train is not None else None,
        "limit": limit,
        "unmapped_labels": dict(unmapped),
        "articles_scored": len(scored),
        "correct": correct,
        "accuracy": correct / len(scored) if scored else 0.0,
        "ner_models": sorted(models),
        "trained_on": describe_models(models),
        "labels": labels,
        "topic_model": topic_model_about(),
    }


def topic_model_about() -> str | None:
    return json.loads(MODEL_PATH.read_text(encoding="utf-8")).get("_about") if MODEL_PATH.is_file() else None


def evaluate(
    data: Path, settings: Settings, enricher: Enricher, limit: int | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    results, notes = [], []
    detik = read_detik(data)
    if detik is None:
        notes.append("topics: topics/id/detik/berita.csv missing, skipped")
    else:
        # The topic classifier trains on four fifths of detik; only the held-out fifth is scored.
        results.append(
            evaluate_set(
                "detik",
                "held-out fifth (never trained on)",
                "topics/id/detik/berita.csv",
                [a for a in detik if held_out(a.text)],
                settings,
                enricher,
                limit,
            )
        )
    tribun = read_tribun(data, "test")
    if tribun is None:
        notes.append("topics: topics/id/tribun/test.jsonl missing, skipped")
    else:
        results.append(
            evaluate_set(
                "tribun",
                "test",
                "topics/id/tribun/test.jsonl",
                tribun,
                settings,
                enricher,
                limit,
                train=read_tribun(data, "train"),
            )
        )
    return results, notes


def render(result: dict[str, Any]) -> str:
    in_train = result["train_overlap_removed"]
    about = [
        f"data: {result['path']} (split: {result['split']}, language declared: id)",
        f"articles: {result['articles_read']} read, {result['duplicates_removed']} duplicates removed, "
        + (f"{in_train} removed as they occur in the set's train split, " if in_train is not None else "")
        + f"{result['articles_scored']} scored"
        + (f" (capped at {result['limit']})" if result["limit"] else ""),
        (
            "gold: the site's channel mapped to an IPTC top-level code (evaluation/topic_label_map.json); "
            "prediction: the record's first topic, from the article text (the title is passed but topics read the text)"
        ),
        f"model: {result['trained_on']}; topics: hand-written term rules"
        + (f" + {result['topic_model']}" if result.get("topic_model") else ""),
    ]
    if result["unmapped_labels"]:
        about.append(f"not scored (no honest IPTC code): {result['unmapped_labels']}")
    rows = []
    for label, s in result["labels"].items():
        top = ", ".join(
            f"{short(code) if code != NO_TOPIC else code}: {n}" for code, n in list(s["predicted"].items())[:3]
        )
        rows.append([label, short(s["gold_code"]), s["n"], s["correct"], s["accuracy"], top])
    rows.append(["all", "", result["articles_scored"], result["correct"], result["accuracy"], ""])
    title = f"Topics, top-1 accuracy: {result['dataset']} {result['split'].split(' ')[0]} (id)"
    return table(title, about, ["label", "IPTC gold", "n", "correct", "accuracy", "most predicted"], rows)
