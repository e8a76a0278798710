"""Article text as every later stage sees it: markup removed, NFC, one newline convention, no runs
of blanks, no invisible controls, no endless runs of symbols; and the fingerprint that makes
duplicates equal.

Every pattern here runs on up to 1 MiB of hostile text, so none may backtrack more than linearly:
tag bodies stop at the next '<', and hidden blocks are found by a scan, not by one lazy pattern
(`<script>` repeated without its closing tag made that quadratic)."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_NEWLINES = re.compile(r"\r\n?|[\x85\u2028\u2029]")
_WORDS = re.compile(r"\w+")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Removed from the text: C0 and C1 controls other than tab and newline (which the blank rules
# handle), and invisible characters that split words or reorder what a person sees: soft hyphen,
# zero-width space, word joiner, byte order mark, bidi embeddings, overrides and isolates.
# Kept: zero-width (non-)joiners and the bidi marks LRM/RLM/ALM, which Persian, Indic and
# right-to-left text need.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
# spaCy's tokenizer strips affixes one at a time, copying the rest of the chunk each time, so a
# blank-free run of punctuation, symbols or emoji costs the square of its length (100,000 emoji:
# about an hour). A blank after every SYMBOL_RUN_CHARS of them keeps that linear and keeps every
# character (the fingerprint ignores blanks).
SYMBOL_RUN_CHARS = 64
_SYMBOL_RUN = re.compile(rf"(?:[^\w\s]|_){{{SYMBOL_RUN_CHARS}}}(?=[^\w\s]|_)")
# Markup that scrapers leave in article bodies: removed so entities and facts see the words.
_HTML_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?|/[a-zA-Z][a-zA-Z0-9]*\s*)/?>")
_HTML_HIDDEN_OPEN = re.compile(r"<(script|style|noscript)\b[^<>]*>", re.IGNORECASE)
_HTML_HIDDEN_CLOSE = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("script", "style", "noscript")}
_HTML_BREAK = re.compile(r"<(?:br|/?p|/?div|/?li|/?h[1-6]|/?tr|/?blockquote)\b[^<>]*>", re.IGNORECASE)
_HTML_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")
# A decimal reference past U+10FFFF: html.unescape would give U+FFFD, but first hands the digits
# to int(), which refuses more than 4300 of them.
_HUGE_DECIMAL_REFERENCE = re.compile(r"&#0*[1-9][0-9]{7,};?")


def replace_lone_surrogates(text: str) -> str:
    """U+FFFD for each lone surrogate (JSON's "\\ud800" with no partner, which Python's JSON reader
    accepts). It is no character and cannot be encoded as UTF-8, so no record holding it could be
    sent; replacing it, as a UTF-8 decoder does with broken bytes, keeps the rest of the article."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def _unescape(text: str) -> str:
    return html.unescape(_HUGE_DECIMAL_REFERENCE.sub("\ufffd", text))


def _remove_hidden_blocks(text: str) -> str:
    """Script, style and noscript blocks replaced by a blank; an opening tag never closed stays."""
    parts: list[str] = []
    kept_from = search_from = 0
    unclosed: set[str] = set()  # names with no closing tag after some opening: none later has one either
    while opening := _HTML_HIDDEN_OPEN.search(text, search_from):
        name = opening.group(1).lower()
        closing = None if name in unclosed else _HTML_HIDDEN_CLOSE[name].search(text, opening.end())
        if closing is None:
            unclosed.add(name)
            search_from = opening.end()
            continue
        parts += [text[kept_from : opening.start()], " "]
        kept_from = search_from = closing.end()
    parts.append(text[kept_from:])
    return "".join(parts)


def strip_markup(text: str) -> str:
    """Plain text from HTML left in an article; text without tags is returned as it is."""
    if not _HTML_TAG.search(text):
        return _unescape(text) if _HTML_ENTITY.search(text) else text
    text = _remove_hidden_blocks(text)
    text = _HTML_BREAK.sub("\n", text)
    return _unescape(_HTML_TAG.sub("", text))


def clean_text(text: str) -> str:
    """Plain NFC text, one newline convention, no runs of blanks, no invisible controls; offsets
    downstream point into this."""
    text = unicodedata.normalize("NFC", strip_markup(replace_lone_surrogates(text)))
    text = _INVISIBLE.sub("", _NEWLINES.sub("\n", text))
    lines = (_SYMBOL_RUN.sub(r"\g<0> ", _SPACES.sub(" ", line)).strip() for line in text.split("\n"))
    return "\n".join(lines).strip()


def fingerprint(text: str) -> str:
    """Equal for texts that differ only in case, spacing and punctuation. A text with no words
    (emoji, symbols) is fingerprinted by its characters, or all such texts would be duplicates."""
    words = _WORDS.findall(text.casefold())
    basis = " ".join(words) if words else "".join(text.casefold().split())
    return hashlib.blake2b(basis.encode("utf-8"), digest_size=16).hexdigest()
