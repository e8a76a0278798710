"""The feed poller (`newsmon sources`): RSS 2.0, RSS 1.0 and Atom feeds -> news.articles.raw.

Each feed is polled every `interval_seconds` with a conditional GET (the ETag and Last-Modified of
its last answer, kept in memory). Items are known by their guid / id, else their link; an item on
news.sources.seen (seen.py) was published before, by this process or an earlier one, and is skipped.
Each new item's page is fetched and extracted (pages.py); the article goes out with the feed's name as
`source`, then the item is recorded as seen.

A page that cannot be fetched or has no main text is counted (newsmon_feed_page_errors_total) and
the item falls back to the feed's own summary when it has one; without one the item is left unseen
and tried again at the next poll. A feed that fails is counted (newsmon_feed_errors_total) and
polled again at its next interval; nothing stops the other feeds.
"""

from __future__ import annotations

import asyncio
import calendar
import contextlib
import html
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import feedparser
import orjson

from newsmon.metrics import FeedMetrics
from newsmon.settings import Settings
from newsmon.sources.feeds_config import FeedConfig
from newsmon.sources.files import Outgoing
from newsmon.sources.pages import article_from_response, article_id
from newsmon.sources.publish import make_producer, publish
from newsmon.sources.seen import SeenItems
from newsmon.sources.web import FetchError, WebClient

log = logging.getLogger(__name__)

FEED_ACCEPT = "application/rss+xml, application/rdf+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.8"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[ \t]+")


@dataclass
class FeedState:
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class PollReport:
    feed: str
    published: int = 0
    page_errors: int = 0
    error: str | None = None  # the feed itself failed
    not_modified: bool = False


@dataclass(frozen=True)
class FeedItem:
    key: str
    link: str | None
    title: str | None
    summary: str | None
    published: str | None


def item_key(entry: Any) -> str | None:
    """guid (RSS) / id (Atom), else the link: what makes an item the same on the next poll."""
    for name in ("id", "link"):
        value = entry.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _iso(parsed: time.struct_time | None) -> str | None:
    if not parsed:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(calendar.timegm(parsed)))


def _plain(fragment: str | None) -> str | None:
    if not fragment:
        return None
    text = html.unescape(_TAG.sub(" ", fragment))
    text = "\n".join(_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return text.strip() or None


def parse_feed(body: bytes, url: str, content_type: str | None) -> tuple[list[FeedItem], str | None]:
    """The items of a feed document and its declared language; FetchError malformed_feed when it
    is broken and has no items (a broken feed that still yields items is used)."""
    parsed = feedparser.parse(body, response_headers={"content-type": content_type or "application/xml"})
    if not parsed.entries:
        if parsed.bozo:
            reason = getattr(parsed.get("bozo_exception"), "getMessage", lambda: None)() or parsed.get("bozo_exception")
            raise FetchError("malformed_feed", url, f"not a readable feed: {reason}")
        if not parsed.get("version"):
            raise FetchError("malformed_feed", url, "not an RSS or Atom document")
    items = []
    for entry in parsed.entries:
        key = item_key(entry)
        if key is None:
            log.warning("%s: an item with neither guid/id nor link is skipped", url)
            continue
        summary = _plain(entry.get("summary")) or _plain((entry.get("content") or [{}])[0].get("value"))
        items.append(
            FeedItem(
                key=key,
                link=entry.get("link") or None,
                title=_plain(entry.get("title")),
                summary=summary,
                published=_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
            )
        )
    language = parsed.feed.get("language") if parsed.get("feed") else None
    return items, language if isinstance(language, str) and language else None


@dataclass
class FeedPoller:
    settings: Settings
    web: WebClient
    seen: SeenItems
    producer: Any  # a kafka-python producer (publish.make_producer)
    metrics: FeedMetrics
    states: dict[str, FeedState] = field(default_factory=dict)

    async def poll(self, feed: FeedConfig) -> PollReport:
        """One poll of one feed; every failure is counted and reported, none is raised."""
        report = PollReport(feed.name)
        state = self.states.setdefault(feed.name, FeedState())
        self.metrics.fetches.labels(feed=feed.name).inc()
        try:
            response = await self.web.get(
                feed.url, etag=state.etag, last_modified=state.last_modified, accept=FEED_ACCEPT
            )
            if response.not_modified:
                self.metrics.not_modified.labels(feed=feed.name).inc()
                self.metrics.last_success.labels(feed=feed.name).set(time.time())
                report.not_modified = True
                return report
            items, language = parse_feed(response.body, feed.url, response.headers.get("content-type"))
        except FetchError as error:
            self.metrics.errors.labels(feed=feed.name, kind=error.kind).inc()
            log.warning("feed %s: %s", feed.name, error)
            report.error = str(error)
            return report
        state.etag = response.headers.get("etag")
        state.last_modified = response.headers.get("last-modified")
        new = [item for item in items if not self.seen.has(feed.name, item.key)]
        new = list({item.key: item for item in reversed(new)}.values())[::-1]  # an item listed twice: once
        if feed.max_items_per_poll is not None:
            new = new[: feed.max_items_per_poll]
        results = await asyncio.gather(*(self._ingest(feed, item, language) for item in new))
        report.published = sum(1 for published, _ in results if published)
        report.page_errors = sum(1 for _, failed in results if failed)
        self.metrics.last_success.labels(feed=feed.name).set(time.time())
        return report

    async def _ingest(self, feed: FeedConfig, item: FeedItem, language: str | None) -> tuple[bool, bool]:
        """(published, page failed) for one new item."""
        article, page_failed = await self._article(feed, item)
        if article is None:
            return False, page_failed
        article["source"] = feed.name
        for name, value in (("published", item.published), ("title", item.title), ("language", language)):
            if value and not article.get(name):
                article[name] = value
        message = Outgoing(article["id"].encode("utf-8"), orjson.dumps(article), f"{feed.name}: {item.key}")
        # kafka-python blocks on the broker's answer: off the event loop, so the other fetches go on.
        report = await asyncio.to_thread(publish, [message], self.settings, producer=self.producer)
        if not report.published:
            self.metrics.page_errors.labels(feed=feed.name, kind="too_large").inc()
            return False, True
        self.seen.record(self.producer, feed.name, item.key, article["id"], article.get("url"))
        self.metrics.new_items.labels(feed=feed.name).inc()
        return True, page_failed

    async def _article(self, feed: FeedConfig, item: FeedItem) -> tuple[dict[str, Any] | None, bool]:
        if item.link:
            try:
                return article_from_response(await self.web.get(item.link, accept=PAGE_ACCEPT)), False
            except FetchError as error:
                self.metrics.page_errors.labels(feed=feed.name, kind=error.kind).inc()
                log.warning(
                    "feed %s: item %s: %s%s",
                    feed.name,
                    item.key,
                    error,
                    "; using the feed's summary" if item.summary else "; tried again at the next poll",
                )
        if not item.summary:
            return None, bool(item.link)
        summary = {"id": article_id(item.link or item.key), "text": item.summary}
        if item.link:
            summary["url"] = item.link
        return summary, bool(item.link)

    async def poll_all(self, feeds: Sequence[FeedConfig]) -> list[PollReport]:
        reports = await asyncio.gather(*(self.poll(feed) for feed in feeds))
        await asyncio.to_thread(self.producer.flush)  # the seen records too
        return list(reports)

    async def run(self, feeds: Sequence[FeedConfig], stop: asyncio.Event) -> None:
        """Poll every feed at its own interval until `stop` is set."""

        async def keep_polling(feed: FeedConfig) -> None:
            while not stop.is_set():
                report = await self.poll(feed)
                log.info(
                    "feed %s: %d new item(s)%s", feed.name, report.published, f"; {report.error}" * bool(report.error)
                )
                await asyncio.to_thread(self.producer.flush)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=feed.interval_seconds)

        await asyncio.gather(*(keep_polling(feed) for feed in feeds))


async def run_feeds(
    settings: Settings,
    feeds: Sequence[FeedConfig],
    *,
    once: bool,
    stop: asyncio.Event | None = None,
    metrics: FeedMetrics | None = None,
) -> list[PollReport]:
    """`newsmon sources`: load what was seen, then poll once (and return the reports) or until `stop`."""
    metrics = metrics or FeedMetrics()
    for feed in feeds:
        metrics.start_feed(feed.name)
    seen = await asyncio.to_thread(SeenItems.load, settings)
    producer = make_producer(settings)
    try:
        async with WebClient(settings) as web:
            poller = FeedPoller(settings, web, seen, producer, metrics)
            if once:
                return await poller.poll_all(feeds)
            await poller.run(feeds, stop or asyncio.Event())
            return []
    finally:
        await asyncio.to_thread(producer.close)
