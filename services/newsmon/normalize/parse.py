"""Raw message bytes -> a RawArticle, or Rejected with a dead-letter reason code."""

from __future__ import annotations

import json

import orjson
from pydantic import ValidationError

from newsmon.records import DeadLetterReason, RawArticle


class Rejected(Exception):
    def __init__(self, reason: DeadLetterReason, error: str) -> None:
        super().__init__(error)
        self.reason = reason
        self.error = error


def parse_raw(value: bytes | None, *, max_text_bytes: int) -> RawArticle:
    """Decode and validate one raw message, raising Rejected with a reason code."""
    if value is None:
        raise Rejected("invalid_json", "message has no value (tombstone)")
    try:
        decoded = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected("undecodable_bytes", f"value is not UTF-8: {exc}") from None
    try:
        obj = orjson.loads(decoded)
    except orjson.JSONDecodeError as exc:
        try:  # orjson refuses valid JSON it cannot represent, such as integers over 64 bits
            obj = json.loads(decoded)
        except ValueError:
            raise Rejected("invalid_json", f"value is not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise Rejected("not_an_object", f"value is a JSON {type(obj).__name__}, expected an object")
    if "text" not in obj or obj["text"] is None:
        raise Rejected("missing_text", "the article has no 'text' field")
    text = obj["text"]
    if not isinstance(text, str):
        raise Rejected("wrong_type", f"'text' must be a string, got {type(text).__name__}")
    if not text.strip():
        raise Rejected("empty_text", "'text' is empty or only white space")
    size = len(text.encode("utf-8"))
    if size > max_text_bytes:
        raise Rejected("text_too_large", f"'text' is {size} bytes, the limit is {max_text_bytes}")
    try:
        return RawArticle.model_validate(obj)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "value"
        reason: DeadLetterReason = "wrong_type" if first["type"].endswith("_type") else "schema_violation"
        raise Rejected(reason, f"'{field}': {first['msg']}") from None
