"""POST /articles on the worker's web server: articles pushed over HTTP, published to news.articles.raw.

Served by every worker that runs the normalize stage (the one that reads what is pushed); a worker of
another stage alone answers 404. The decisions are in newsmon/sources/push.py; this view reads the
body (never more than NEWSMON_PUSH_MAX_BYTES of it), checks the token, publishes through the worker's
own producer and answers 202 only once the broker confirmed every article.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, cast

import faust
from aiohttp import web as aiohttp_web
from faust.web import Request, Response, View

from newsmon.metrics import Metrics
from newsmon.settings import Settings
from newsmon.sources.push import Accepted, Refused, bearer_token_matches, body_too_large, parse_push

log = logging.getLogger(__name__)

PATH = "/articles"
# How long a request waits for the broker's confirmation before it is answered 503.
CONFIRM_SECONDS = 30.0


async def read_body(request: aiohttp_web.Request, limit: int) -> bytes | Refused:
    """The body, or 413 as soon as it is known to be over `limit`: from Content-Length before reading,
    else once more than `limit` bytes came (a chunked body has no length)."""
    if request.content_length is not None and request.content_length > limit:
        return body_too_large(request.content_length, limit)
    chunks: list[bytes] = []
    received = 0
    while chunk := await request.content.read(64 * 1024):
        received += len(chunk)
        if received > limit:
            return body_too_large(received, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def register_push(
    app: faust.App, settings: Settings, metrics: Metrics, raw: faust.TopicT, derive_id: Callable[[str], str]
) -> None:
    secret = settings.push_secret()  # read once: a token file that cannot be read stops the worker at start
    token = secret.get_secret_value() if secret is not None else None

    def answer(view: View, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
        metrics.push_requests.labels(code=str(status)).inc()
        return view.json(body, status=status, headers=headers)

    def refuse(view: View, refused: Refused, headers: dict[str, str] | None = None) -> Response:
        return answer(view, refused.status, {"error": refused.reason}, headers)

    async def publish(accepted: Accepted) -> None:
        async def send_and_confirm() -> None:
            sending = [await raw.send(key=key, value=value) for key, value in accepted.messages]
            await asyncio.gather(*sending)  # each resolves once the broker acknowledged it

        await asyncio.wait_for(send_and_confirm(), CONFIRM_SECONDS)

    class Articles(View):
        async def post(self, request: Request) -> Response:
            http = cast(aiohttp_web.Request, request)  # the aiohttp driver hands the view aiohttp's request
            if token is not None and not bearer_token_matches(http.headers.get("Authorization"), token):
                return refuse(self, Refused(401, "a valid bearer token is required"), {"WWW-Authenticate": "Bearer"})
            body = await read_body(http, settings.push_max_bytes)
            if isinstance(body, Refused):
                return refuse(self, body, {"Connection": "close"})  # the unread rest of the body is not wanted
            parsed = parse_push(
                body, http.headers.get("Content-Type"), max_text_bytes=settings.max_text_bytes, derive_id=derive_id
            )
            if isinstance(parsed, Refused):
                return refuse(self, parsed)
            try:
                await publish(parsed)
            except Exception as error:  # noqa: BLE001  (the client is told to retry; the worker goes on)
                log.warning("POST %s: publishing %d article(s) failed: %r", PATH, len(parsed.ids), error)
                return refuse(self, Refused(503, f"the articles could not be published, retry: {error!r}"))
            metrics.push_articles.inc(len(parsed.ids))
            return answer(self, 202, {"ids": parsed.ids})

        async def not_allowed(self) -> Response:
            return refuse(self, Refused(405, f"{PATH} takes POST"), {"Allow": "POST"})

        async def get(self, request: Request) -> Response:
            return await self.not_allowed()

        async def put(self, request: Request) -> Response:
            return await self.not_allowed()

        async def patch(self, request: Request) -> Response:
            return await self.not_allowed()

        async def delete(self, request: Request) -> Response:
            return await self.not_allowed()

    app.page(PATH)(Articles)
