"""The topic contracts: JSON Schema (draft 2020-12) per topic, generated from `records`,
and the one way records become message bytes."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import orjson
from jsonschema import Draft202012Validator

from newsmon.records import RECORD_BY_TOPIC, _Record

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_for(topic: str) -> dict:
    """The JSON Schema of a topic's message value, as committed in schemas/."""
    schema = RECORD_BY_TOPIC[topic].model_json_schema(mode="serialization")
    return {"$schema": SCHEMA_DIALECT, "$id": f"https://newsmon.example.org/schemas/{topic}.schema.json", **schema}


def schema_path(schema_dir: Path, topic: str) -> Path:
    return schema_dir / f"{topic}.schema.json"


def write_schemas(schema_dir: Path) -> list[Path]:
    schema_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for topic in RECORD_BY_TOPIC:
        path = schema_path(schema_dir, topic)
        path.write_text(json.dumps(schema_for(topic), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


@lru_cache(maxsize=None)
def validator(schema_dir: Path, topic: str) -> Draft202012Validator:
    schema = json.loads(schema_path(schema_dir, topic).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def encode(record: _Record) -> bytes:
    return orjson.dumps(record.to_json_dict())
