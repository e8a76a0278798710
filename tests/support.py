"""Helpers shared by the test tiers: every message a test produces is checked against its topic's schema."""

from __future__ import annotations

from pathlib import Path

import orjson

from newsmon.contracts import validator
from newsmon.records import _Record

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas"
SHARED = REPO.parent / "shared"
SEED = SHARED / "samples" / "seed-id-kyiv-drone-attack.txt"


def assert_valid(topic: str, message: _Record | dict | bytes) -> dict:
    """Validate one message value against schemas/<topic>.schema.json and return it as a dict."""
    if isinstance(message, _Record):
        value = message.to_json_dict()
    elif isinstance(message, bytes):
        value = orjson.loads(message)
    else:
        value = message
    errors = sorted(validator(SCHEMAS, topic).iter_errors(value), key=lambda e: list(e.path))
    assert not errors, f"{topic} message breaks its schema: " + "; ".join(
        f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors[:5])
    return value
