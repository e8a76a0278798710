"""Topics: accuracy of the first IPTC topic on the labelled sets: CLICK-ID's held-out fifth, detik's held-out
fifth and tribun test (Indonesian, channels mapped to top-level codes by topic_label_map.json), SIB-200 test
in English and Indonesian (its labels mapped the same way), and the held-out hard-news set written for
newsmon (data/README.md), where an article lists the codes that count as right."""

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
    read_clickid,
    read_detik,
    read_hard_news,
    read_sib200,
    read_tribun,
)
from newsmon.devtools.evaluation.report import table
from newsmon.nlp.enricher import Enricher
from newsmon.nlp.resources import load_json
from newsmon.nlp.topics.classifier import MODEL_LANGUAGES, load_model
from newsmon.records import EnrichedArticle
from newsmon.settings import Settings

MAP_PATH = Path(__file__).with_name("topic_label_map.json")
NO_TOPIC = "(none)"
HARD_NEWS = "hard-news"


@lru_cache(maxsize=1)
def label_map() -> dict[str, dict[str, str | None]]:
    data = json.loads(MAP_PATH.read_text(encoding="utf-8"))
    return {name: mapping for name, mapping in data.items() if not name.startswith("_")}


@lru_cache(maxsize=1)
def top_level_names() -> dict[str, str]:
    return dict(load_json("iptc_top_level.json")["topics"])


def gold_codes(name: str, label: str) -> tuple[str, ...]:
    """The codes that count as right for a set's label: the hard-news set lists them ("a|b"); for the
    others the label map's longest matching key ("pub/channel/sub", then "pub/channel") gives one code
    or null (not scored)."""
    if name == HARD_NEWS:
        return tuple(label.split("|"))
    mapping = label_map()[name]
    key = label
    while key:
        if key in mapping:
            code = mapping[key]
            return (code,) if code else ()
        key = key.rpartition("/")[0]
    return ()


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
    language: str = "id",
) -> dict[str, Any]:
    unique, duplicates = deduplicate_articles(articles)
    train_keys = {overlap_key(a.text) for a in train or []}
    in_train = sum(overlap_key(a.text) in train_keys for a in unique)
    unique = [a for a in unique if overlap_key(a.text) not in train_keys]
    unmapped = Counter(a.label for a in unique if not gold_codes(name, a.label))
    scored = [a for a in unique if gold_codes(name, a.label)]
    if limit:
        scored = scored[:limit]
    records = analyze_items(
        ({"id": a.id, "title": a.title, "text": a.text, "language": language} for a in scored), settings, enricher
    )
    per_label: dict[str, Counter[str]] = {}
    models = set()
    correct = 0
    for article in scored:
        record = records.get(article.id)
        if isinstance(record, EnrichedArticle):
            models.add(record.ner_model)
        predicted = top_topic(record)
        hit = predicted in gold_codes(name, article.label)
        correct += hit
        # CLICK-ID has a hundred channels and the hard-news set none: their rows are gold codes.
        row = "|".join(gold_codes(name, article.label)) if name in ("clickid", HARD_NEWS) else article.label
        tally = per_label.setdefault(row, Counter())
        tally["n"] += 1
        tally["correct"] += hit
        tally[f"pred:{predicted}"] += 1
    labels = {}
    for label, tally in sorted(per_label.items()):
        predictions = Counter({k[5:]: v for k, v in tally.items() if k.startswith("pred:")})
        labels[label] = {
            "gold_code": label if name in ("clickid", HARD_NEWS) else "|".join(gold_codes(name, label)),
            "n": tally["n"],
            "correct": tally["correct"],
            "accuracy": tally["correct"] / tally["n"],
            "predicted": dict(predictions.most_common()),
        }
    return {
        "task": "topics",
        "dataset": name,
        "language": language,
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
    models = [(lang, load_model(lang)) for lang in MODEL_LANGUAGES]
    return "; ".join(f"{lang}: {model.about}" for lang, model in models if model) or None


def evaluate(
    data: Path, settings: Settings, enricher: Enricher, limit: int | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    results, notes = [], []

    def run(name: str, split: str, path: str, articles: list[LabelledArticle] | None, **options: Any) -> None:
        if articles is None:
            notes.append(f"topics: {path} missing, skipped")
        else:
            results.append(evaluate_set(name, split, path, articles, settings, enricher, limit, **options))

    fifth = "held-out fifth (never trained on)"
    clickid = read_clickid(data)
    run("clickid", fifth, "topics/id/clickid/*.jsonl", clickid and [a for a in clickid if held_out(a.text)])
    for language in ("en", "id"):
        run(
            "sib200",
            "test",
            f"topics/{language}/sib200/test.tsv",
            read_sib200(data, language, "test"),
            train=read_sib200(data, language, "train"),
            language=language,
        )
    for language in ("en", "id"):
        run(
            HARD_NEWS,
            "held out (written for newsmon, never tuned on)",
            f"evaluation/data/hard_news_heldout_{language}.jsonl",
            read_hard_news(language),
            language=language,
        )
    detik = read_detik(data)
    run("detik", fifth, "topics/id/detik/berita.csv", detik and [a for a in detik if held_out(a.text)])
    run("tribun", "test", "topics/id/tribun/test.jsonl", read_tribun(data, "test"), train=read_tribun(data, "train"))
    return results, notes


def render(result: dict[str, Any]) -> str:
    in_train = result["train_overlap_removed"]
    about = [
        f"data: {result['path']} (split: {result['split']}, language declared: {result['language']})",
        f"articles: {result['articles_read']} read, {result['duplicates_removed']} duplicates removed, "
        + (f"{in_train} removed as they occur in the set's train split, " if in_train is not None else "")
        + f"{result['articles_scored']} scored"
        + (f" (capped at {result['limit']})" if result["limit"] else ""),
        (
            "gold: the codes each article lists as right (evaluation/data/README.md)"
            if result["dataset"] == HARD_NEWS
            else "gold: the set's channel or label mapped to an IPTC top-level code (evaluation/topic_label_map.json)"
        )
        + "; prediction: the record's first topic, from the article text (topics read the text, not the title)",
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
        gold = " or ".join(short(code) for code in s["gold_code"].split("|"))
        rows.append(
            [
                label if result["dataset"] not in ("clickid", HARD_NEWS) else "",
                gold,
                s["n"],
                s["correct"],
                s["accuracy"],
                top,
            ]
        )
    rows.append(["all", "", result["articles_scored"], result["correct"], result["accuracy"], ""])
    title = f"Topics, top-1 accuracy: {result['dataset']} {result['split'].split(' ')[0]} ({result['language']})"
    return table(title, about, ["label", "IPTC gold", "n", "correct", "accuracy", "most predicted"], rows)
