"""`python -m newsmon.devtools.evaluation` (`make eval`): accuracy on the labelled public data in ../shared/data,
measured through the code `newsmon analyze` runs (`newsmon.analyze.analyze_messages`: normalize, then
enrich), so the numbers are the pipeline's and not a re-implementation's."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from newsmon.analyze import analyze_messages
from newsmon.nlp.enricher import MODELS_DIR, Enricher
from newsmon.records import EnrichedArticle
from newsmon.settings import REPO_ROOT, Settings

BATCH_SIZE = 64


def default_data_dir() -> Path:
    """../shared/data beside the repository (NEWSMON_EVAL_DATA overrides)."""
    if env := os.environ.get("NEWSMON_EVAL_DATA"):
        return Path(env)
    return REPO_ROOT.parent / "shared" / "data"


def analyze_items(
    items: Iterable[dict[str, Any]], settings: Settings, enricher: Enricher
) -> dict[str, EnrichedArticle | dict[str, Any]]:
    """JSONL-style items ({"id", "text", optional "title", "language"}) through analyze_messages,
    exactly as `newsmon analyze --jsonl` feeds them. -> {id: enriched record, or {reason, error}}."""
    messages = ((item["id"], orjson.dumps(item)) for item in items)
    return dict(analyze_messages(messages, settings, batch_size=BATCH_SIZE, enricher=enricher))


def trained_on(ner_model: str) -> str:
    """The training data a trained model's meta.json records (newsmon/nlp/models/ner-<lang>/)."""
    for meta_path in MODELS_DIR.glob("ner-*/meta.json"):
        meta = json.loads(meta_path.read_text(encoding="utf-8")).get("newsmon", {})
        if meta.get("model") and ner_model.startswith(meta["model"]):
            sources = ", ".join(meta.get("sources", []))
            return f"trained on {sources} with the eval splits removed, plus gazetteers" if sources else "trained"
    return "trained model without a model card"


def describe_models(names: Iterable[str]) -> str:
    """What the models behind `ner_model` values were trained on."""
    described = []
    for name in sorted(set(names)):
        if name.startswith("rules-gazetteer-"):
            described.append(f"{name} (rules + gazetteers, no training data)")
        elif name:
            described.append(f"{name} ({trained_on(name)})")
    return "; ".join(described) or "no records"
