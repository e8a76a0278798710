"""Article text as every later stage sees it: markup removed, NFC, one newline convention, no runs
of blanks; and the fingerprint that makes duplicates equal."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_NEWLINES = re.compile(r"\r\n?")
_WORDS = re.compile(r"\w+")
# Markup that scrapers leave in article bodies: removed so entities and facts see the words.
_HTML_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?|/[a-zA-Z][a-zA-Z0-9]*\s*)/?>")
_HTML_HIDDEN = re.compile(r"<(script|style|noscript)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_BREAK = re.compile(r"<(?:br|/?p|/?div|/?li|/?h[1-6]|/?tr|/?blockquote)\b[^>]*>", re.IGNORECASE)
_HTML_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")


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
