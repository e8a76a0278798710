"""HTTP push: what a POST /articles request asks to publish, or why it is refused (status and reason).

Plain functions; the worker's view (newsmon/stream/push.py) reads the body, calls these and publishes.
A body is one JSON article, a JSON array of them, or text/plain (one article, the body its text).
All or nothing: one bad article in an array refuses the whole request, naming its index, so a client
never has to find out which of its articles went through. Articles without an id get the one
normalize would derive (`derive_id`, the text's fingerprint), so the 202 answer names the ids the
pipeline will use.
"""

from __future__ import annotations

import codecs
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import ValidationError

from newsmon import topics
from newsmon.records import RawArticle

JSON_TYPES = ("application/json",)
TEXT_TYPES = ("text/plain",)
# Room for the record batch header around one value, under the broker's message limit.
MAX_VALUE_BYTES = topics.MAX_MESSAGE_BYTES - 4096


@dataclass(frozen=True)
class Refused:
    status: int
    reason: str


@dataclass(frozen=True)
class Accepted:
    """The messages to publish to news.articles.raw: (key, value) with the article id as key."""

    ids: list[str]
    messages: list[tuple[bytes, bytes]]


def bearer_token_matches(authorization: str | None, token: str) -> bool:
    """Whether an Authorization header carries `Bearer <token>`, compared in constant time."""
    if not authorization:
        return False
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(credentials.strip().encode("utf-8"), token.encode("utf-8"))


def media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    """`text/plain; charset=latin-1` -> ("text/plain", {"charset": "latin-1"}), names lowercased."""
    kind, *params = (content_type or "").split(";")
    parameters = {}
    for param in params:
        name, _, value = param.partition("=")
        parameters[name.strip().lower()] = value.strip().strip('"')
    return kind.strip().lower(), parameters


def body_too_large(length: int, limit: int) -> Refused:
    return Refused(413, f"the body is {length} bytes or more, the limit is {limit} (NEWSMON_PUSH_MAX_BYTES)")


def parse_push(
    body: bytes, content_type: str | None, *, max_text_bytes: int, derive_id: Callable[[str], str]
) -> Accepted | Refused:
    kind, parameters = media_type(content_type)
    if kind in TEXT_TYPES:
        charset = parameters.get("charset") or "utf-8"  # RFC 2046 says US-ASCII; UTF-8 is its superset
        try:
            codecs.lookup(charset)
        except LookupError:
            return Refused(415, f"unknown charset {charset!r}")
        try:
            items: list[Any] = [{"text": body.decode(charset)}]
        except UnicodeDecodeError as error:
            return Refused(400, f"the body is not {charset}: {error}")
        where = ["the article"]
    elif kind in JSON_TYPES:
        try:
            document = orjson.loads(body.removeprefix(codecs.BOM_UTF8))  # JSON is UTF-8 (RFC 8259)
        except orjson.JSONDecodeError as error:
            return Refused(400, f"the body is not JSON: {error}")
        if isinstance(document, list):
            if not document:
                return Refused(400, "the array holds no article")
            items, where = document, [f"article [{n}]" for n in range(len(document))]
        else:
            items, where = [document], ["the article"]
    else:
        return Refused(415, f"Content-Type {kind or '(none)'!r}: send application/json or text/plain")
    ids: list[str] = []
    messages: list[tuple[bytes, bytes]] = []
    for item, name in zip(items, where, strict=True):
        article = validated(item, max_text_bytes)
        if isinstance(article, str):
            return Refused(400, f"{name}: {article}")
        article_id = article.id or derive_id(article.text)
        value = orjson.dumps({**item, "id": article_id})
        if len(value) > MAX_VALUE_BYTES:
            return Refused(413, f"{name} is {len(value)} bytes, over the {MAX_VALUE_BYTES}-byte message limit")
        ids.append(article_id)
        messages.append((article_id.encode("utf-8"), value))
    return Accepted(ids, messages)


def validated(item: Any, max_text_bytes: int) -> RawArticle | str:
    """The raw article, or why normalize would refuse it (the same rules, said before publishing)."""
    if not isinstance(item, dict):
        return f"is a JSON {type(item).__name__}, expected an object"
    try:
        article = RawArticle.model_validate(item)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "value"
        return f"'{field}': {first['msg']}"
    if not article.text.strip():
        return "'text' is empty or only white space"
    size = len(article.text.encode("utf-8"))
    if size > max_text_bytes:
        return f"'text' is {size} bytes, the limit is {max_text_bytes} (NEWSMON_MAX_TEXT_BYTES)"
    return article
