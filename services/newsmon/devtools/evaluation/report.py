"""Plain aligned text tables, and the JSON results file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else str(value)


def table(title: str, about: Sequence[str], headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A title, `about` lines (data set, split, counts, model), then columns: text left-aligned,
    numbers right-aligned."""
    cells = [[fmt(c) for c in row] for row in rows]
    left = {0} | {i for i in range(len(headers)) if any(isinstance(r[i], str) and r[i] for r in rows)}
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = [v.ljust(widths[i]) if i in left else v.rjust(widths[i]) for i, v in enumerate(values)]
        return "  ".join(parts).rstrip()

    out = [title, "=" * len(title), *(f"  {a}" for a in about), ""]
    out.append(line(list(headers)))
    out.append(line(["-" * w for w in widths]))
    out.extend(line(r) for r in cells)
    return "\n".join(out) + "\n"


def write_json(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
