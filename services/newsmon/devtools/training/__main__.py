"""Train newsmon's Indonesian and English NER pipelines from ../shared/data (fixed seed).

    python -m newsmon.devtools.training [--lang id] [--lang en] [--data ../shared/data]

For each language: convert the shared sets into DocBins (convert.py, under var/training/<lang>/),
build the floret vectors from raw text (vectors.py; --keep-vectors reuses those already built),
run `spacy train` with config.cfg (seed 0, the language's step budget), then write the best model
(by dev ents_f) to newsmon/nlp/models/ner-<lang>/ with a meta.json that records the data sources,
sentence counts, vectors, seed, dev scores and training time. `make models` runs this.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import spacy
from spacy.cli.train import train

from newsmon.devtools.training.convert import DEFAULT_DATA, SOURCES, WORK_DIR, convert
from newsmon.devtools.training.vectors import build as build_vectors
from newsmon.devtools.training.vectors import info as vectors_info
from newsmon.devtools.training.vectors import vectors_dir
from newsmon.nlp import tokenizer as _tokenizer  # noqa: F401  (registers newsmon.tokenizer.v1)
from newsmon.nlp.enricher import MODELS_DIR

CONFIG = Path(__file__).with_name("config.cfg")
MODEL_VERSION = "v1"
# Training steps per language: each trains in ~10-15 minutes on one shared CPU core.
BUDGETS = {
    "id": {"training.max_steps": 3000, "training.max_epochs": 0},
    "en": {"training.max_steps": 8000, "training.max_epochs": 0},
}
SEED = 0


def model_name(lang: str) -> str:
    return f"spacy-ner-{lang}-{MODEL_VERSION}"


def train_language(lang: str, data: Path, keep_vectors: bool = False) -> Path:
    work = WORK_DIR / lang
    stats = convert(lang, data, work)
    vectors = vectors_dir(lang)
    if not (keep_vectors and (vectors / "vocab" / "vectors").is_file()):
        vectors = build_vectors(lang, data)
    output = work / "output"
    if output.exists():
        shutil.rmtree(output)
    overrides = {
        "nlp.lang": lang,
        "paths.train": str(work / "train.spacy"),
        "paths.dev": str(work / "dev.spacy"),
        "paths.vectors": str(vectors),
        "system.seed": SEED,
        **BUDGETS[lang],
    }
    started = time.monotonic()
    train(CONFIG, output, use_gpu=-1, overrides=overrides)
    seconds = round(time.monotonic() - started)
    return export(lang, output / "model-best", {**stats, "vectors": vectors_info(lang)}, seconds, data)


def export(lang: str, best: Path, stats: dict[str, Any], seconds: int, data: Path) -> Path:
    nlp = spacy.load(best)
    performance = nlp.meta.get("performance", {})
    nlp.meta.update(
        {
            "name": f"newsmon_ner_{lang}",
            "version": "1.0.0",
            "description": f"newsmon {model_name(lang)}: PER/LOC/ORG, trained by `make models`",
            "newsmon": {
                "model": model_name(lang),
                "command": "make models  (python -m newsmon.devtools.training)",
                "config": "services/newsmon/devtools/training/config.cfg",
                "seed": SEED,
                "data_root": "../shared/data (read in place)",
                "sources": [s.path for s in SOURCES[lang]],
                "conversion": stats,
                "dev_scores": {
                    "ents_f": performance.get("ents_f"),
                    "ents_p": performance.get("ents_p"),
                    "ents_r": performance.get("ents_r"),
                    "ents_per_type": performance.get("ents_per_type"),
                },
                "training_seconds": seconds,
                "budget": BUDGETS[lang],
                "spacy_version": version("spacy"),
            },
        }
    )
    target = MODELS_DIR / f"ner-{lang}"
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=sorted(SOURCES), action="append")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--keep-vectors",
        action="store_true",
        help="reuse the vectors already built under var/training/<lang>/vectors (they are deterministic)",
    )
    args = parser.parse_args(argv)
    for lang in args.lang or ["id", "en"]:
        target = train_language(lang, args.data, args.keep_vectors)
        meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
        print(f"{lang}: {target} dev ents_f={meta['newsmon']['dev_scores']['ents_f']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
