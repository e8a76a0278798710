"""The sources' HTTP client: polite, bounded GETs of feeds and pages (httpx).

Every request names newsmon in its user agent, asks robots.txt first (cached per host), waits its
turn for the host (a minimum interval between requests and a concurrency limit per host), follows
redirects itself (each hop is checked and rate-limited like the first), stops reading a body past
the size limit, and gives up after the timeout. Whatever goes wrong becomes one `FetchError` with
a `kind` (a metric label) and a message for a person.
"""

from __future__ import annotations

import asyncio
import time
import urllib.robotparser
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from newsmon import __version__
from newsmon.settings import Settings

PROJECT_URL = "https://github.com/newsmon/newsmon"
USER_AGENT = f"newsmon/{__version__} (+{PROJECT_URL})"
ROBOTS_AGENT = "newsmon"  # the token robots.txt groups name
# A robots.txt answering 5xx means "disallow all" (RFC 9309); it is asked again this soon.
ROBOTS_RETRY_SECONDS = 60.0
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: crawlers must read at least 500 KiB
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# Kinds other than these are "http_<status>" (http_404, http_500): a bounded set of label values.
FETCH_ERROR_KINDS = (
    "bad_url",
    "timeout",
    "connection",
    "too_large",
    "redirect_loop",
    "too_many_redirects",
    "robots_disallowed",
    "malformed_feed",
    "extraction_empty",
)


class FetchError(Exception):
    """A feed or page that could not be had; `kind` says why in one word, the message in a sentence."""

    def __init__(self, kind: str, url: str, message: str) -> None:
        super().__init__(f"{url}: {kind}: {message}")
        self.kind = kind
        self.url = url


@dataclass(frozen=True)
class Fetched:
    """A response that was read whole: the final URL after redirects, and its headers."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def host_of(url: str) -> str:
    """scheme://host[:port]: robots.txt, rate limits and concurrency are per origin."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class HostLimits:
    """Per host: at most `concurrency` requests at once, and starts at least `min_interval` apart."""

    def __init__(
        self,
        min_interval: float,
        concurrency: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.min_interval = min_interval
        self.concurrency = concurrency
        self._clock = clock
        self._sleep = sleep
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        semaphore = self._semaphores.setdefault(host, asyncio.Semaphore(self.concurrency))
        async with semaphore:
            now = self._clock()
            start = max(now, self._next_start.get(host, now))
            self._next_start[host] = start + self.min_interval  # booked before waiting: the next one queues behind
            if start > now:
                await self._sleep(start - now)
            yield


@dataclass
class _Robots:
    parser: urllib.robotparser.RobotFileParser | None  # None: disallow all (robots.txt unreachable)
    expires: float
    reason: str = ""


@dataclass
class WebClient:
    """One per process: holds the connection pool, the robots.txt cache and the per-host limits."""

    settings: Settings
    client: httpx.AsyncClient = field(init=False)
    limits: HostLimits = field(init=False)
    _robots: dict[str, _Robots] = field(init=False, default_factory=dict)
    _robots_locks: dict[str, asyncio.Lock] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        s = self.settings
        # httpx asks for gzip/deflate and decodes them; redirects are followed here, hop by hop.
        self.client = httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(s.fetch_timeout_seconds),
            follow_redirects=False,
            trust_env=False,
        )
        self.limits = HostLimits(s.fetch_host_interval_seconds, s.fetch_host_concurrency)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def __aenter__(self) -> WebClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, accept: str = "*/*"
    ) -> Fetched:
        """GET `url` following redirects; a 304 (with etag / last_modified sent) comes back as is,
        any other status but 2xx raises FetchError."""
        conditional = {"If-None-Match": etag, "If-Modified-Since": last_modified}
        headers = {"Accept": accept, **{k: v for k, v in conditional.items() if v}}
        visited: list[str] = []
        current = url
        while True:
            check_url(current)
            if current in visited:
                raise FetchError("redirect_loop", url, f"redirected back to {current} after {len(visited)} hop(s)")
            if len(visited) > self.settings.fetch_max_redirects:
                raise FetchError("too_many_redirects", url, f"more than {self.settings.fetch_max_redirects} redirects")
            visited.append(current)
            await self.require_allowed(current)
            response = await self._read(current, headers, self.settings.fetch_max_bytes)
            if response.status in REDIRECT_STATUSES and "location" in response.headers:
                current = urljoin(current, response.headers["location"])
                continue
            if response.status == 304 and (etag or last_modified):
                return response
            if not 200 <= response.status < 300:
                raise FetchError(f"http_{response.status}", url, f"the server answered HTTP {response.status}")
            return response

    async def _read(self, url: str, headers: dict[str, str], max_bytes: int) -> Fetched:
        """One request, its decoded body read by streaming and abandoned past max_bytes."""
        timeout = self.settings.fetch_timeout_seconds
        async with self.limits.slot(host_of(url)):
            try:
                async with asyncio.timeout(timeout), self.client.stream("GET", url, headers=headers) as response:
                    chunks: list[bytes] = []
                    size = 0
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise FetchError("too_large", url, f"the body is over the {max_bytes}-byte limit")
                        chunks.append(chunk)
                    return Fetched(str(response.url), response.status_code, response.headers, b"".join(chunks))
            except (TimeoutError, httpx.TimeoutException):
                raise FetchError("timeout", url, f"no complete answer within {timeout:g} s") from None
            except httpx.DecodingError as error:
                raise FetchError("connection", url, f"the body cannot be decoded: {error}") from None
            except httpx.TransportError as error:
                raise FetchError("connection", url, f"{type(error).__name__}: {error or 'no answer'}") from None

    async def require_allowed(self, url: str) -> None:
        """FetchError robots_disallowed unless the host's robots.txt lets newsmon fetch `url`."""
        host = host_of(url)
        async with self._robots_locks.setdefault(host, asyncio.Lock()):
            robots = self._robots.get(host)
            if robots is None or robots.expires < time.monotonic():
                robots = self._robots[host] = await self._load_robots(host)
        if robots.parser is None:
            raise FetchError("robots_disallowed", url, robots.reason)
        if not robots.parser.can_fetch(ROBOTS_AGENT, url):
            raise FetchError("robots_disallowed", url, f"{host}/robots.txt disallows it for {ROBOTS_AGENT}")

    async def _load_robots(self, host: str) -> _Robots:
        now = time.monotonic()
        ttl = self.settings.robots_cache_seconds
        try:
            # Redirects of robots.txt itself are not followed: a missing one is as good as a 404.
            response = await self._read(f"{host}/robots.txt", {"Accept": "text/plain"}, ROBOTS_MAX_BYTES)
        except FetchError as error:
            if error.kind == "too_large":  # RFC 9309: parse what fits; simpler and safe: allow nothing
                return _Robots(None, now + ttl, f"{host}/robots.txt is over {ROBOTS_MAX_BYTES} bytes")
            # The host itself cannot be reached: say so (nothing is fetched), and ask again next time.
            raise FetchError(error.kind, error.url, str(error).removeprefix(f"{error.url}: {error.kind}: ")) from None
        parser = urllib.robotparser.RobotFileParser()
        if response.status >= 500:
            return _Robots(
                None, now + ROBOTS_RETRY_SECONDS, f"{host}/robots.txt answered HTTP {response.status} (disallow all)"
            )
        if 200 <= response.status < 300:
            parser.parse(response.body.decode("utf-8", "replace").splitlines())
        else:  # 3xx not followed, 4xx: no rules, everything allowed (RFC 9309)
            parser.parse([])
        return _Robots(parser, now + ttl)


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError("bad_url", url, "only absolute http and https URLs are fetched")
