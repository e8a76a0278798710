"""`newsmon sources`: the feed poller as a process, with its /metrics port and a clean stop.

SIGTERM and SIGINT stop it between requests; what was published is on news.sources.seen, so the
next start takes up where this one stopped.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Sequence

from prometheus_client import start_http_server

from newsmon.kafka_clients import check_access, create_topics
from newsmon.metrics import FeedMetrics
from newsmon.settings import Settings
from newsmon.sources.feeds import PollReport, run_feeds
from newsmon.sources.feeds_config import FeedConfig


def summary_line(reports: Sequence[PollReport]) -> str:
    published = sum(r.published for r in reports)
    failed = [r for r in reports if r.error]
    page_errors = sum(r.page_errors for r in reports)
    unchanged = sum(r.not_modified for r in reports)
    return (
        f"newsmon sources: {len(reports)} feed(s) polled, {published} new item(s) published, "
        f"{len(failed)} feed(s) failed, {page_errors} page(s) failed, {unchanged} feed(s) not modified"
    )


def run_sources(settings: Settings, feeds: Sequence[FeedConfig], *, once: bool) -> int:
    check_access(settings)
    create_topics(settings)  # news.sources.seen must be compacted before the first record lands on it
    metrics = FeedMetrics()
    if settings.sources_metrics_port and not once:
        start_http_server(settings.sources_metrics_port, addr=settings.web_host)
    if once:
        reports = asyncio.run(run_feeds(settings, feeds, once=True, metrics=metrics))
        for report in reports:
            if report.error:
                print(f"newsmon sources: {report.error}", file=sys.stderr)
        print(summary_line(reports), file=sys.stderr)
        return 1 if any(r.error or r.page_errors for r in reports) else 0
    asyncio.run(_until_signalled(settings, feeds, metrics))
    return 0


async def _until_signalled(settings: Settings, feeds: Sequence[FeedConfig], metrics: FeedMetrics) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await run_feeds(settings, feeds, once=False, stop=stop, metrics=metrics)
