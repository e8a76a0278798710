"""Named entities: strict span match (start, end and label all equal), per label and micro-averaged."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newsmon.devtools.evaluation import analyze_items, describe_models
from newsmon.devtools.evaluation.readers import (
    EVAL_NER_SETS,
    NerSet,
    Span,
    deduplicate,
    read_bio,
    remove_overlap,
    train_keys,
)
from newsmon.devtools.evaluation.report import table
from newsmon.nlp.enricher import Enricher
from newsmon.records import EnrichedArticle
from newsmon.settings import Settings

LABELS = ("PER", "LOC", "ORG")


def ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
    f1 = ratio(2 * precision * recall, precision + recall) if precision + recall else 0.0
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "gold": tp + fn,
        "predicted": tp + fp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def score_spans(
    pairs: Iterable[tuple[Iterable[Span], Iterable[Span]]], labels: Iterable[str] = LABELS
) -> dict[str, Any]:
    """(gold spans, predicted spans) per sentence -> {label: P/R/F1 counts, ..., "micro": ...}.
    A span counts only when start, end and label all equal a gold span's."""
    labels = tuple(labels)
    counts = {label: [0, 0, 0] for label in labels}  # tp, fp, fn
    for gold, predicted in pairs:
        gold_set = {g for g in gold if g[2] in counts}
        predicted_set = {p for p in predicted if p[2] in counts}
        for span in predicted_set:
            counts[span[2]][0 if span in gold_set else 1] += 1
        for span in gold_set - predicted_set:
            counts[span[2]][2] += 1
    result = {label: prf(*counts[label]) for label in labels}
    result["micro"] = prf(*(sum(counts[label][i] for label in labels) for i in range(3)))
    return result


def predicted_spans(record: EnrichedArticle) -> list[Span]:
    return [(e.start, e.end, e.label) for e in record.entities]


def evaluate_set(
    ner_set: NerSet, data: Path, keys: set[str], settings: Settings, enricher: Enricher, limit: int | None = None
) -> dict[str, Any]:
    read = read_bio(data / ner_set.path, ner_set.fmt, ner_set.labels)
    unique, duplicates = deduplicate(read)
    kept, overlap = remove_overlap(unique, keys)
    if limit:
        kept = kept[:limit]
    records = analyze_items(
        ({"id": s.id, "text": s.text, "language": ner_set.language} for s in kept), settings, enricher
    )
    pairs, models = [], set()
    rejected, changed = 0, 0
    for sentence in kept:
        record = records.get(sentence.id)
        if not isinstance(record, EnrichedArticle):  # rejected by normalize: not scored
            rejected += 1
            continue
        models.add(record.ner_model)
        if record.text != sentence.text:
            # normalize rewrote the text (markup such as "</per>" or "&amp;" left in the data): the
            # gold offsets no longer point into it, so the sentence is not scored
            changed += 1
            continue
        pairs.append((sentence.spans, predicted_spans(record)))
    return {
        "task": "ner",
        "dataset": ner_set.name,
        "language": ner_set.language,
        "split": ner_set.split,
        "path": ner_set.path,
        "note": ner_set.note,
        "sentences_read": len(read),
        "duplicates_removed": duplicates,
        "train_overlap_removed": overlap,
        "limit": limit,
        "sentences_analysed": len(kept),
        "rejected": rejected,
        "text_changed": changed,
        "sentences_scored": len(pairs),
        "gold_spans": sum(len(gold) for gold, _ in pairs),
        "ner_models": sorted(models),
        "trained_on": describe_models(models),
        "scores": score_spans(pairs),
    }


def evaluate(
    data: Path, settings: Settings, enricher: Enricher, limit: int | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    keys, missing_train = train_keys(data)
    notes = [f"train split missing, not used for the overlap check: {m}" for m in missing_train]
    results = []
    for ner_set in EVAL_NER_SETS:
        if not (data / ner_set.path).is_file():
            notes.append(f"NER {ner_set.name} {ner_set.split}: {ner_set.path} missing, skipped")
            continue
        results.append(evaluate_set(ner_set, data, keys, settings, enricher, limit))
    return results, notes


def render(result: dict[str, Any]) -> str:
    about = [
        f"data: {result['path']} (split: {result['split']}, language declared: {result['language']})",
        f"sentences: {result['sentences_read']} read, {result['duplicates_removed']} duplicates removed, "
        f"{result['train_overlap_removed']} removed as they occur in a train split, "
        f"{result['sentences_analysed']} analysed" + (f" (capped at {result['limit']})" if result["limit"] else ""),
        (
            f"scored: {result['sentences_scored']} sentences, {result['gold_spans']} gold spans "
            f"(not scored: {result['text_changed']} whose text normalize rewrote, e.g. markup left in the data, "
            f"so gold offsets would not line up; {result['rejected']} rejected by normalize)"
        ),
        f"model: {result['trained_on']}",
    ]
    if result["note"]:
        about.append(f"note: {result['note']}")
    rows = [
        [label, s["gold"], s["predicted"], s["tp"], s["precision"], s["recall"], s["f1"]]
        for label, s in result["scores"].items()
    ]
    title = f"NER, strict spans: {result['dataset']} {result['split']} ({result['language']})"
    return table(title, about, ["label", "gold", "pred", "correct", "precision", "recall", "F1"], rows)
