"""normalize: raw message bytes -> a valid, language-tagged, fingerprinted article, or a
dead letter that says why not. Pure functions; the agent only moves bytes."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import unicodedata
from dataclasses import dataclass

import orjson
from pydantic import ValidationError

from newsmon.clock import now_iso
from newsmon.nlp.language import detect_language
from newsmon.records import DeadLetter, DeadLetterReason, NormalizedArticle, RawArticle

# Enough text to tell the language; detecting on a whole 1 MiB article buys nothing.
_LANGUAGE_SAMPLE_CHARS = 4000
# A declared language is an ISO 639-1 code, optionally with a region: "id", "en-GB", "pt_BR".
_DECLARED_LANGUAGE = re.compile(r"^([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)?$")
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_NEWLINES = re.compile(r"\r\n?")
_WORDS = re.compile(r"\w+")
# Markup that scrapers leave in article bodies: removed so entities and facts see the words.
_HTML_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?|/[a-zA-Z][a-zA-Z0-9]*\s*)/?>")
_HTML_HIDDEN = re.compile(r"<(script|style|noscript)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_BREAK = re.compile(r"<(?:br|/?p|/?div|/?li|/?h[1-6]|/?tr|/?blockquote)\b[^>]*>", re.IGNORECASE)
_HTML_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")


@dataclass(frozen=True)
class Position:
    """Where a message came from, for dead letters and tracing."""

    topic: str
    partition: int
    offset: int


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


def strip_markup(text: str) -> str:
    """Plain text from HTML left in an article; text without tags is returned as it is."""
    if not _HTML_TAG.search(text):
        return html.unescape(text) if _HTML_ENTITY.search(text) else text
    text = _HTML_HIDDEN.sub(" ", text)
    text = _HTML_BREAK.sub("\n", text)
    return html.unescape(_HTML_TAG.sub("", text))


def clean_text(text: str) -> str:
    """Plain NFC text, one newline convention, no runs of blanks; offsets downstream point into this."""
    text = unicodedata.normalize("NFC", strip_markup(text))
    text = _NEWLINES.sub("\n", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()


def fingerprint(text: str) -> str:
    """Equal for texts that differ only in case, spacing and punctuation."""
    words = _WORDS.findall(text.casefold())
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=16).hexdigest()


def choose_language(text: str, declared: str | None) -> tuple[str, float]:
    """The source's declared language wins (feeds and archives state it, and detectors confuse
    close languages such as Indonesian and Malay); otherwise detect it."""
    match = _DECLARED_LANGUAGE.match(declared.strip()) if declared else None
    if match:
        return match.group(1).lower(), 1.0
    return detect_language(text[:_LANGUAGE_SAMPLE_CHARS])


def to_normalized(raw: RawArticle, *, ingested_at: str | None, raw_position: str | None) -> NormalizedArticle:
    text = clean_text(raw.text)
    if not text:
        raise Rejected("empty_text", "'text' has no visible characters")
    digest = fingerprint(text)
    language, score = choose_language(text, raw.language)
    return NormalizedArticle(
        id=raw.id or f"fp-{digest[:20]}",
        text=text,
        title=clean_text(raw.title) if raw.title else None,
        url=raw.url,
        source=raw.source,
        published=raw.published,
        language=language,
        language_score=round(score, 4),
        fingerprint=digest,
        ingested_at=ingested_at,
        raw_position=raw_position,
        normalized_at=now_iso(),
    )


def dead_letter(value: bytes | None, position: Position, reason: DeadLetterReason, error: str, stage: str) -> DeadLetter:
    return DeadLetter(
        reason=reason,
        error=error[:2000],
        stage=stage,  # type: ignore[arg-type]
        source_topic=position.topic,
        source_partition=position.partition,
        source_offset=position.offset,
        original_base64=base64.b64encode(value or b"").decode("ascii"),
        received_at=now_iso(),
    )


def normalize_message(
    value: bytes | None, position: Position, *, ingested_at: str | None, max_text_bytes: int
) -> NormalizedArticle | DeadLetter:
    """The whole normalize stage for one message: never raises on bad input."""
    try:
        raw = parse_raw(value, max_text_bytes=max_text_bytes)
        return to_normalized(raw, ingested_at=ingested_at, raw_position=f"{position.partition}/{position.offset}")
    except Rejected as exc:
        return dead_letter(value, position, exc.reason, exc.error, "normalize")


def is_duplicate(first_seen_epoch: float | None, now_epoch: float, window_seconds: float) -> bool:
    """A fingerprint seen within the window is a duplicate; an older one is news again."""
    return first_seen_epoch is not None and now_epoch - first_seen_epoch < window_seconds
