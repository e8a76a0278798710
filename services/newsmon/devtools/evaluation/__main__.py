"""python -m newsmon.devtools.evaluation [--data DIR] [--out FILE] [--limit N] [--tasks ner,topics,...]"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from newsmon.clock import now_iso
from newsmon.devtools.evaluation import casualties, default_data_dir, language, ner, topics
from newsmon.devtools.evaluation.report import write_json
from newsmon.nlp.enricher import Enricher
from newsmon.settings import load_settings

TASKS = ("ner", "topics", "casualties", "language")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsmon.devtools.evaluation", description=__doc__)
    parser.add_argument("--data", type=Path, default=None, help="the shared data folder (default: ../shared/data)")
    parser.add_argument("--out", type=Path, default=None, help="results JSON (default: var/eval/results.json)")
    parser.add_argument("--limit", type=int, default=None, help="score at most N items per set (quick runs)")
    parser.add_argument("--tasks", default=",".join(TASKS), help=f"comma-separated subset of {','.join(TASKS)}")
    args = parser.parse_args(argv)
    tasks = [t.strip() for t in args.tasks.split(",") if t.strip()]
    if unknown := set(tasks) - set(TASKS):
        parser.error(f"unknown task(s): {', '.join(sorted(unknown))}")
    data = args.data or default_data_dir()
    if not data.is_dir():
        print(
            f"newsmon evaluation: no data folder at {data} (expected ../shared/data beside the repository; "
            "--data or NEWSMON_EVAL_DATA to point elsewhere)",
            file=sys.stderr,
        )
        return 2
    settings = load_settings()
    out = args.out or settings.data_dir / "eval" / "results.json"
    enricher = Enricher(settings)
    started = time.monotonic()
    results: dict[str, list[dict[str, Any]]] = {}
    notes: list[str] = []
    seconds: dict[str, float] = {}
    renderers = {
        "ner": ner.render,
        "topics": topics.render,
        "casualties": casualties.render,
        "language": language.render,
    }
    for task in tasks:
        begun = time.monotonic()
        if task == "language":
            found, task_notes = language.evaluate(data, args.limit)
        else:
            module = {"ner": ner, "topics": topics, "casualties": casualties}[task]
            found, task_notes = module.evaluate(data, settings, enricher, args.limit)
        seconds[task] = round(time.monotonic() - begun, 1)
        results[task] = found
        notes.extend(task_notes)
        for result in found:
            print(renderers[task](result))
        for note in task_notes:
            print(f"note: {note}\n")
        sys.stdout.flush()
    total = round(time.monotonic() - started, 1)
    write_json(
        out,
        {
            "generated_at": now_iso(),
            "data_dir": str(data),
            "limit": args.limit,
            "seconds": {**seconds, "total": total},
            "notes": notes,
            "results": results,
        },
    )
    print(f"{' '.join(f'{t} {s:.1f}s' for t, s in seconds.items())}; total {total:.1f}s. Results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
