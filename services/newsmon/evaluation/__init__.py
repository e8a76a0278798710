"""`python -m newsmon.evaluation` (`make eval`): accuracy on the labelled public data in ../shared/data,
measured through the code `newsmon analyze` runs (`newsmon.analyze.analyze_messages`: normalize, then
enrich), so the numbers are the pipeline's and not a re-implementation's."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import orjson

from newsmon.analyze import analyze_messages
from newsmon.nlp.enricher import Enricher
from newsmon.records import EnrichedArticle
from newsmon.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[3]
BATCH_SIZE = 64


def default_data_dir() -> Path:
    """../shared/data beside the repository (NEWSMON_EVAL_DATA overrides)."""
    if env := os.environ.get("NEWSMON_EVAL_DATA"):
        return Path(env)
    return REPO_ROOT.parent / "shared" / "data"


def analyze_items(
    items: Iterable[dict], settings: Settings, enricher: Enricher
) -> dict[str, EnrichedArticle | dict]:
    """JSONL-style items ({"id", "text", optional "title", "language"}) through analyze_messages,
    exactly as `newsmon analyze --jsonl` feeds them. -> {id: enriched record, or {reason, error}}."""
    messages = ((item["id"], orjson.dumps(item)) for item in items)
    return dict(analyze_messages(messages, settings, batch_size=BATCH_SIZE, enricher=enricher))


def describe_models(names: Iterable[str]) -> str:
    """What the models behind `ner_model` values were trained on."""
    described = []
    for name in sorted(set(names)):
        if name.startswith("rules-gazetteer-"):
            described.append(f"{name} (rules + gazetteers, no training data)")
        elif name:
            described.append(f"{name} (see its model card for its training data)")
    return "; ".join(described) or "no records"
