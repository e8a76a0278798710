"""Which URLs newsmon passes on: absolute http or https URLs with a host, nothing else. A URL from a
feed ends up as a link in an alert a person clicks, so `javascript:`, `data:`, `file:`, relative and
malformed ones are dropped, with a note saying why."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

SAFE_SCHEMES = frozenset({"http", "https"})
# Longer URLs are tracking junk or an attack; browsers and chat tools cut them anyway.
MAX_URL_CHARS = 2048
# What the JSON Schemas say about a url: a weaker, language-neutral statement of safe_url's rule.
SAFE_URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#@\\]+(?:[/?#][^\s\\]*)?$"


def _is_hidden_or_blank(char: str) -> bool:
    # Controls, format characters (bidi overrides, zero-width), surrogates, private use, blanks.
    return unicodedata.category(char)[0] in "CZ"


def url_problem(url: str) -> str | None:
    """Why `url` (already stripped) is not a safe absolute http(s) URL, or None when it is."""
    if not url:
        return "it is empty"
    if len(url) > MAX_URL_CHARS:
        return f"it is {len(url)} characters long, the limit is {MAX_URL_CHARS}"
    if any(_is_hidden_or_blank(char) for char in url):
        return "it holds a control, invisible or blank character"
    if "\\" in url:
        return "it holds a backslash, which browsers read as '/'"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number in range)
    except ValueError as exc:
        return f"it is malformed ({exc})"
    scheme = parts.scheme.lower()
    if not scheme:
        return "it is relative (no scheme)"
    if scheme not in SAFE_SCHEMES:
        return f"scheme {scheme!r} is not http or https"
    if "@" in parts.netloc:  # "https://bank.example@evil.example/" goes to evil.example
        return "it names a user or password before the host"
    if not parts.hostname:
        return "it has no host"
    return None


def safe_url(value: str | None) -> tuple[str | None, str | None]:
    """(url, None) for a safe URL (surrounding blanks removed), (None, note) for one that is dropped,
    (None, None) when there is no URL."""
    if value is None:
        return None, None
    url = value.strip()
    problem = url_problem(url)
    return (url, None) if problem is None else (None, f"url dropped: {problem}")


def require_safe_url(value: str) -> str:
    """For record validation: the URL unchanged, or ValueError saying what is wrong with it."""
    problem = url_problem(value)
    if problem is not None or value != value.strip():
        raise ValueError(f"url is not a safe http or https URL: {problem or 'it has surrounding blanks'}")
    return value
