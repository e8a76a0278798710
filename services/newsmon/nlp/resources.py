"""Read the rule data shipped in newsmon/nlp/data/ (reviewed like code, loaded once per process)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).with_name("data")


@cache
def load_json(relative_path: str) -> Any:
    """The parsed JSON file `data/<relative_path>`; keys starting with '_' are documentation."""
    text = resources.files("newsmon.nlp").joinpath("data", relative_path).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def load_jsonl(relative_path: str) -> tuple[dict[str, Any], ...]:
    text = resources.files("newsmon.nlp").joinpath("data", relative_path).read_text(encoding="utf-8")
    return tuple(json.loads(line) for line in text.splitlines() if line.strip())


def data_exists(relative_path: str) -> bool:
    return resources.files("newsmon.nlp").joinpath("data", relative_path).is_file()
