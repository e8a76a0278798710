"""The feed poller on a real broker, against a local web site (tests/web_server.py): what arrives on
news.articles.raw, what each failure counts, what a second poll and a restart fetch again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from prometheus_client import CollectorRegistry
from support import assert_valid, consume
from web_server import Site, serve_site

from newsmon import topics
from newsmon.kafka_clients import create_topics
from newsmon.metrics import FeedMetrics
from newsmon.settings import Settings
from newsmon.sources.feeds import run_feeds
from newsmon.sources.feeds_config import FeedConfig

pytestmark = pytest.mark.kafka
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with serve_site() as running:
        running.slow_seconds = 3.0
        yield running


@pytest.fixture(scope="module")
def feed_settings(kafka_settings: Settings) -> Settings:
    create_topics(kafka_settings)
    return kafka_settings.model_copy(update={
        "fetch_timeout_seconds": 1.0, "fetch_host_interval_seconds": 0.0, "fetch_host_concurrency": 8})


def feed(site: Site, path: str, tag: str, **extra: object) -> FeedConfig:
    return FeedConfig(name=f"{path.strip('/').split('.')[0]}-{tag}", url=site.url(path), **extra)


def json_object(value: bytes | None) -> dict | None:
    try:
        found = orjson.loads(value) if value else None
    except orjson.JSONDecodeError:
        return None
    return found if isinstance(found, dict) else None


def articles_of(settings: Settings, sources: set[str], at_least: int) -> list[dict]:
    """The articles of these sources on news.articles.raw, each checked against its schema."""

    def mine(messages) -> list[dict]:
        # Other tests leave what they like on the session broker's raw topic: empty values, broken JSON.
        values = [json_object(m.value) for m in messages]
        return [v for v in values if v and v.get("source") in sources]

    messages = consume(settings, topics.RAW, lambda got: len(mine(got)) >= at_least, timeout=60)
    found = mine(messages)
    for article in found:
        assert_valid(topics.RAW, article)
    return found


def value(metrics: FeedMetrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


def test_every_feed_format_and_failure_is_counted_and_the_good_items_arrive(site: Site, feed_settings: Settings):
    tag = uuid.uuid4().hex[:8]
    feeds = [feed(site, p, tag) for p in ("/rss2.xml", "/rss1.rdf", "/atom.xml", "/malformed.xml", "/error/404",
                                          "/error/500", "/slow")]
    metrics = FeedMetrics(CollectorRegistry())
    reports = asyncio.run(run_feeds(feed_settings, feeds, once=True, metrics=metrics))
    by_feed = {r.feed: r for r in reports}
    rss2, rss1, atom, malformed, missing, failing, slow = (f.name for f in feeds)

    assert (by_feed[rss2].published, by_feed[rss2].page_errors) == (3, 2)  # gone.html: its summary; 500: none
    assert (by_feed[rss1].published, by_feed[atom].published, by_feed[atom].page_errors) == (1, 1, 3)
    for name, kind in ((malformed, "malformed_feed"), (missing, "http_404"), (failing, "http_500"),
                       (slow, "timeout")):
        assert f": {kind}: " in by_feed[name].error
        assert value(metrics, "newsmon_feed_errors_total", feed=name, kind=kind) == 1
        assert value(metrics, "newsmon_feed_last_success_timestamp_seconds", feed=name) == 0
    for name, kind, count in ((rss2, "http_404", 1), (rss2, "http_500", 1), (atom, "timeout", 1),
                              (atom, "too_large", 1), (atom, "redirect_loop", 1)):
        assert value(metrics, "newsmon_feed_page_errors_total", feed=name, kind=kind) == count, (name, kind)
    assert value(metrics, "newsmon_feed_new_items_total", feed=rss2) == 3
    assert value(metrics, "newsmon_feed_last_success_timestamp_seconds", feed=rss2) > time.time() - 120

    articles = {a["title"]: a for a in articles_of(feed_settings, {rss2, rss1, atom}, at_least=5)}
    assert sorted(articles) == sorted([
        "River floods force thousands from their homes", "Banjir rendam ribuan rumah di Bekasi",
        "A story whose page is gone", "Sturm „Xaver“ legt Bahnverkehr im Norden lahm",
        "Le café “Chez Zoé” ferme après 90 ans"])
    flood = articles["River floods force thousands from their homes"]
    assert (flood["source"], flood["language"], flood["published"]) == (rss2, "en", "2026-11-24")
    assert "Comments" not in flood["text"]
    gone = articles["A story whose page is gone"]
    assert gone["text"].startswith("The summary of a story whose page answers 404")
    assert gone["published"] == "2026-11-23T10:00:00Z", "the feed's date when the page gives none"
    cafe = articles["Le café “Chez Zoé” ferme après 90 ans"]
    assert "900 €" in cafe["text"] and cafe["published"] == "2026-11-21T16:45:00Z"
    assert articles["Sturm „Xaver“ legt Bahnverkehr im Norden lahm"]["source"] == rss1


def test_a_500_item_feed_polled_again_fetches_only_the_new_items_pages(site: Site, feed_settings: Settings):
    # The fixture's 1 s timeout is for the slow-answer test; 500 pages on a loaded machine may take longer,
    # and a page that times out is rightly tried again at the next poll, which is not what this test counts.
    feed_settings = feed_settings.model_copy(update={"fetch_timeout_seconds": 30.0})
    tag = uuid.uuid4().hex[:8]
    first = 10_000 + 1000 * (int(tag, 16) % 1000)  # page paths of this test only
    site.many_items = list(range(first, first + 500))
    many = feed(site, "/many.xml", tag)
    metrics = FeedMetrics(CollectorRegistry())

    async def polls():
        from newsmon.sources.feeds import FeedPoller
        from newsmon.sources.publish import make_producer
        from newsmon.sources.seen import SeenItems
        from newsmon.sources.web import WebClient

        producer = make_producer(feed_settings)
        try:
            async with WebClient(feed_settings) as web:
                poller = FeedPoller(feed_settings, web, SeenItems.load(feed_settings), producer, metrics)
                [one] = await poller.poll_all([many])
                before = site.counted("/many/")
                site.many_items = list(range(first + 20, first + 520))  # 20 dropped, 20 new at the end
                [two] = await poller.poll_all([many])
                after = site.counted("/many/")
                [three] = await poller.poll_all([many])
                return one, two, three, before, after
        finally:
            producer.close()

    one, two, three, before, after = asyncio.run(polls())
    assert (one.page_errors, two.page_errors) == (0, 0), (one, two)
    assert (one.published, two.published) == (500, 20)
    assert sum(before.values()) == 500 and set(before.values()) == {1}
    assert after - before == Counter({f"/many/{n}.html": 1 for n in range(first + 500, first + 520)})
    assert three.not_modified, "an unchanged feed answers 304 to the conditional GET"
    assert value(metrics, "newsmon_feed_not_modified_total", feed=many.name) == 1
    assert value(metrics, "newsmon_feed_new_items_total", feed=many.name) == 520
    published = articles_of(feed_settings, {many.name}, at_least=520)
    assert len(published) == 520 and len({a["id"] for a in published}) == 520


def sources_process(settings: Settings, config: Path, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(REPO / "services"), NEWSMON_KAFKA_BOOTSTRAP=settings.kafka_bootstrap,
               NEWSMON_FETCH_TIMEOUT_SECONDS="1", NEWSMON_FETCH_HOST_INTERVAL_SECONDS="0",
               NEWSMON_SOURCES_METRICS_PORT="0")
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "newsmon", "sources", "--config", str(config)], env=env,
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def seen_count(settings: Settings, source: str, at_least: int) -> int:
    messages = consume(settings, topics.SOURCES_SEEN,
                       lambda got: sum(m.key.startswith(f"{source}\x1f".encode()) for m in got) >= at_least,
                       timeout=60)
    return sum(m.key.startswith(f"{source}\x1f".encode()) for m in messages)


def test_a_poller_killed_between_two_polls_ingests_nothing_twice(site: Site, feed_settings: Settings,
                                                                 tmp_path: Path):
    tag = uuid.uuid4().hex[:8]
    first = 2_000_000 + 1000 * (int(tag, 16) % 1000)
    site.many_items = list(range(first, first + 30))
    name = f"restart-{tag}"
    config = tmp_path / "feeds.yaml"
    config.write_text(f"feeds:\n  - {{name: {name}, url: '{site.url('/many.xml')}', interval_seconds: 1}}\n")
    log = tmp_path / "sources.log"

    process = sources_process(feed_settings, config, log)
    try:
        assert seen_count(feed_settings, name, 30) == 30, log.read_text()
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    site.many_items = list(range(first, first + 40))  # 10 new items while it is down

    process = sources_process(feed_settings, config, log)
    try:
        assert seen_count(feed_settings, name, 40) == 40, log.read_text()
        time.sleep(2.5)  # two more polls of the unchanged feed
        assert process.poll() is None, log.read_text()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, log.read_text()

    published = articles_of(feed_settings, {name}, at_least=40)
    assert sorted(Counter(a["url"] for a in published).values()) == [1] * 40, "an article published twice"
    pages = site.counted("/many/")
    assert [pages[f"/many/{n}.html"] for n in range(first, first + 40)] == [1] * 40, "a page fetched twice"
