"""The topic contracts: JSON Schema (draft 2020-12) per topic, generated from `records` and kept in
NEWSMON_SCHEMA_DIR (`newsmon schemas write`, checked by `newsmon schemas check`; with them the
schemas of files newsmon reads, passed in by the command), and the one way records become message
bytes. The tests validate every message they produce against these files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson

from newsmon.records import RECORD_BY_TOPIC, _Record

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_for(topic: str) -> dict[str, Any]:
    """The JSON Schema of a topic's message value, as committed in schemas/."""
    schema = RECORD_BY_TOPIC[topic].model_json_schema(mode="serialization")
    return {"$schema": SCHEMA_DIALECT, "$id": f"https://newsmon.example.org/schemas/{topic}.schema.json", **schema}


def schema_path(schema_dir: Path, topic: str) -> Path:
    return schema_dir / f"{topic}.schema.json"


def write_schemas(schema_dir: Path, documents: dict[str, dict[str, Any]] | None = None) -> list[Path]:
    """Every topic's schema, and `documents` (name -> schema: files newsmon reads, such as the rules)."""
    schema_dir.mkdir(parents=True, exist_ok=True)
    wanted = {**{topic: schema_for(topic) for topic in RECORD_BY_TOPIC}, **(documents or {})}
    written = []
    for name, schema in wanted.items():
        path = schema_path(schema_dir, name)
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(schema_dir: Path, documents: dict[str, dict[str, Any]] | None = None) -> list[tuple[Path, str]]:
    """(path, problem) for each topic (and document) whose schema file is missing, unreadable or not
    the one the models generate."""
    wanted = {**{topic: schema_for(topic) for topic in RECORD_BY_TOPIC}, **(documents or {})}
    stale = []
    for name, schema in wanted.items():
        path = schema_path(schema_dir, name)
        try:
            committed = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            stale.append((path, "missing"))
            continue
        except (OSError, ValueError) as error:
            stale.append((path, f"unreadable ({error})"))
            continue
        if committed != schema:
            model = RECORD_BY_TOPIC[name].__name__ if name in RECORD_BY_TOPIC else name
            stale.append((path, f"differs from the {model} model"))
    return stale


def encode(record: _Record) -> bytes:
    return orjson.dumps(record.to_json_dict())
