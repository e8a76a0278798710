"""Raw message bytes -> a RawArticle, or Rejected with a dead-letter reason code."""

from __future__ import annotations

import codecs
import json
from typing import Any, NoReturn

import orjson
from pydantic import ValidationError

from newsmon.normalize.text import replace_lone_surrogates
from newsmon.records import DeadLetterReason, RawArticle


class Rejected(Exception):
    def __init__(self, reason: DeadLetterReason, error: str) -> None:
        super().__init__(error)
        self.reason = reason
        self.error = error


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def _encoding_hint(value: bytes) -> str:
    if value.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return " (it starts with a UTF-16 byte order mark; newsmon reads UTF-8)"
    if b"\x00" in value[:64]:
        return " (it holds NUL bytes: UTF-16 or binary?)"
    return ""


def decode_json(value: bytes) -> Any:
    """The JSON value of UTF-8 bytes (a leading UTF-8 byte order mark is ignored, as RFC 8259 allows).

    orjson first; Python's reader second, for valid JSON orjson refuses to represent: integers over
    64 bits, and lone surrogate escapes ("\\ud800"). The record models refuse lone surrogates, so in
    the top-level names and strings they become U+FFFD (see text.replace_lone_surrogates); nested
    values are extra fields no stage reads. NaN and Infinity, which only Python's reader takes, are
    refused: they are not JSON."""
    try:
        decoded = value.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Rejected("undecodable_bytes", f"value is not UTF-8: {exc}{_encoding_hint(value)}") from None
    try:
        return orjson.loads(decoded)
    except orjson.JSONDecodeError as exc:
        first_error = str(exc)
    try:
        obj = json.loads(decoded, parse_constant=_refuse_constant)
    except RecursionError:
        raise Rejected("invalid_json", f"value is nested too deeply to read: {first_error}") from None
    except ValueError as exc:  # JSONDecodeError, a refused constant, an integer of over 4300 digits
        raise Rejected("invalid_json", f"value is not JSON: {exc}{_encoding_hint(value)}") from None
    if isinstance(obj, dict):
        return {
            replace_lone_surrogates(k): replace_lone_surrogates(v) if isinstance(v, str) else v for k, v in obj.items()
        }
    return obj


def parse_raw(value: bytes | None, *, max_text_bytes: int) -> RawArticle:
    """Decode and validate one raw message, raising Rejected with a reason code."""
    if value is None:
        raise Rejected("invalid_json", "message has no value (tombstone)")
    obj = decode_json(value)
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
