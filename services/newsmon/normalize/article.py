"""normalize: raw message bytes -> a valid, language-tagged, fingerprinted article, or a dead letter
that says why not. Pure functions; the agent only moves bytes."""

from __future__ import annotations

import logging
import re

from newsmon.clock import now_iso
from newsmon.contracts import encode
from newsmon.deadletters import Position, dead_letter
from newsmon.nlp.language import detect_language
from newsmon.normalize.parse import Rejected, parse_raw
from newsmon.normalize.text import clean_text, fingerprint
from newsmon.records import DeadLetter, NormalizedArticle, RawArticle
from newsmon.urls import safe_url

log = logging.getLogger(__name__)

# Enough text to tell the language; detecting on a whole 1 MiB article buys nothing.
_LANGUAGE_SAMPLE_CHARS = 4000
# A declared language is an ISO 639-1 code, optionally with a region: "id", "en-GB", "pt_BR".
_DECLARED_LANGUAGE = re.compile(r"^([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)?$")


def choose_language(text: str, declared: str | None) -> tuple[str, float]:
    """The source's declared language wins (feeds and archives state it, and detectors confuse
    close languages such as Indonesian and Malay); otherwise detect it."""
    match = _DECLARED_LANGUAGE.match(declared.strip()) if declared else None
    if match:
        return match.group(1).lower(), 1.0
    return detect_language(text[:_LANGUAGE_SAMPLE_CHARS])


def id_from_fingerprint(digest: str) -> str:
    return f"fp-{digest[:20]}"


def derived_id(text: str) -> str:
    """The id normalize gives an article that has none. Sources that must name an article before
    normalize sees it (HTTP push, a resumed ingest) use this, so all agree on it."""
    return id_from_fingerprint(fingerprint(clean_text(text)))


def to_normalized(raw: RawArticle, *, ingested_at: str | None, raw_position: str | None) -> NormalizedArticle:
    text = clean_text(raw.text)
    if not text:
        raise Rejected("empty_text", "'text' has no visible characters")
    digest = fingerprint(text)
    language, score = choose_language(text, raw.language)
    url, url_note = safe_url(raw.url)
    return NormalizedArticle(
        id=raw.id or id_from_fingerprint(digest),
        text=text,
        title=clean_text(raw.title) if raw.title else None,
        url=url,
        source=raw.source,
        published=raw.published,
        language=language,
        language_score=round(score, 4),
        fingerprint=digest,
        ingested_at=ingested_at,
        raw_position=raw_position,
        notes=[url_note] if url_note else [],
        normalized_at=now_iso(),
    )


def normalize_value(
    value: bytes | None, *, ingested_at: str | None, raw_position: str | None, max_text_bytes: int
) -> NormalizedArticle | Rejected:
    """One message's article, one that encodes, or why not. Never raises: an error nobody foresaw
    is Rejected with reason processing_error."""
    try:
        raw = parse_raw(value, max_text_bytes=max_text_bytes)
        article = to_normalized(raw, ingested_at=ingested_at, raw_position=raw_position)
        encode(article)  # what is sent next: an article that cannot be encoded stops here
        return article
    except Rejected as exc:
        return exc
    except Exception as exc:  # no input may stop the stream
        log.debug("normalize failed on a message at %s", raw_position, exc_info=True)
        return Rejected("processing_error", f"{type(exc).__name__}: {exc}")


def normalize_message(
    value: bytes | None, position: Position, *, ingested_at: str | None, max_text_bytes: int
) -> NormalizedArticle | DeadLetter:
    """The whole normalize stage for one message: never raises on any input."""
    result = normalize_value(
        value,
        ingested_at=ingested_at,
        raw_position=f"{position.partition}/{position.offset}",
        max_text_bytes=max_text_bytes,
    )
    if isinstance(result, Rejected):
        return dead_letter(value, position, result.reason, result.error, "normalize")
    return result
