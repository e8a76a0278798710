"""`make chaos` (`python -m newsmon.devtools.chaos`): crash a worker mid-work and count what came out.

A throw-away broker; N unique articles published to news.articles.raw; one `newsmon worker` in a
process group of its own, killed with SIGKILL (the whole group: the worker and its NLP processes)
each time the enriched count passes a mark, then started again; in the end every article must be
enriched or dead-lettered. The last line on stdout is JSON:

    {"sent": 10000, "enriched": 10000, "deadlettered": 0, "duplicates": 12, "lost": 0,
     "duplicate_alert_ids": 0, "kills": 2, ...}

`duplicates` counts enriched records beyond the first per article (at least once allows them;
exactly once, NEWSMON_PROCESSING_GUARANTEE=exactly_once, does not: the topics are then read
read_committed); `duplicate_alert_ids` counts alert messages repeating an alert already sent with
the same content. The command exits 1 when anything is lost or an alert repeats, or under exactly
once when an article was enriched twice.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from newsmon import topics
from newsmon.devtools.bench.pipeline import generate_articles, process_tree_rss_mib
from newsmon.devtools.run import broker, reader_from_start, say, settings_env
from newsmon.kafka_clients import create_topics
from newsmon.settings import Settings, load_settings
from newsmon.sources.files import Outgoing
from newsmon.sources.publish import publish

# An alert's content without the moment it was written: equal content means a repeated alert.
_ALERT_TIME_FIELDS = ("created_at",)
# The last count waits until the topics were this long without a new message.
QUIET_SECONDS = 10.0


@dataclass
class Outcome:
    """What came out of the pipeline, read from its topics."""

    enriched: Counter[str] = field(default_factory=Counter)
    deadlettered: dict[str, str] = field(default_factory=dict)  # article id -> reason
    alerts: Counter[tuple[str, bytes]] = field(default_factory=Counter)  # (alert id, content) -> messages
    messages: int = 0  # every message read, of any topic

    def add(self, topic: str, value: bytes) -> None:
        self.messages += 1
        record = orjson.loads(value)
        if topic == topics.ENRICHED:
            self.enriched[record["id"]] += 1
        elif topic == topics.DEADLETTER:
            self.deadlettered[dead_letter_article_id(record)] = record["reason"]
        elif topic == topics.ALERTS:
            content = {k: v for k, v in record.items() if k not in _ALERT_TIME_FIELDS}
            self.alerts[(record["alert_id"], orjson.dumps(content, option=orjson.OPT_SORT_KEYS))] += 1

    def accounted(self, sent: set[str]) -> int:
        return len(sent & (set(self.enriched) | set(self.deadlettered)))


def dead_letter_article_id(record: dict[str, Any]) -> str:
    """The id of the article a dead letter holds, or a placeholder when the original is not an article."""
    try:
        original = orjson.loads(base64.b64decode(record["original_base64"]))
        return str(original["id"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return f"(unreadable at {record['source_topic']} {record['source_partition']}/{record['source_offset']})"


def repeated_alerts(outcome: Outcome) -> list[str]:
    """Each alert version sent more than once, as '<rule> v<version> <alert id> x<messages>'."""
    repeated = []
    for (alert_id, content), n in outcome.alerts.items():
        if n > 1:
            record = orjson.loads(content)
            repeated.append(f"{record.get('rule')} v{record.get('version')} {alert_id} x{n}")
    return sorted(repeated)


def summarise(sent: set[str], outcome: Outcome, kills: int, seconds: float) -> dict[str, Any]:
    arrived = set(outcome.enriched) | set(outcome.deadlettered)
    return {
        "sent": len(sent),
        "enriched": len(sent & set(outcome.enriched)),
        "deadlettered": len(sent & set(outcome.deadlettered)),
        "duplicates": sum(n - 1 for article_id, n in outcome.enriched.items() if article_id in sent),
        "lost": len(sent - arrived),
        "alerts": len({alert_id for alert_id, _ in outcome.alerts}),
        "duplicate_alert_ids": sum(n - 1 for n in outcome.alerts.values()),
        "repeated_alerts": repeated_alerts(outcome)[:5],
        "kills": kills,
        "seconds": round(seconds, 1),
    }


class TopicReader:
    """Reads the output topics from the start, keeping what it saw across calls."""

    def __init__(
        self, settings: Settings, isolation_level: str, inspect: Callable[[str, bytes], object] | None = None
    ) -> None:
        self.outcome = Outcome()
        self._inspect = inspect  # e.g. a schema check of every message
        self._consumer = reader_from_start(
            settings,
            topics.ENRICHED,
            topics.DEADLETTER,
            topics.ALERTS,
            isolation_level=isolation_level,
            max_partition_fetch_bytes=topics.MAX_MESSAGE_BYTES,
        )

    def poll(self, seconds: float = 1.0) -> Outcome:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            for records in self._consumer.poll(timeout_ms=int(left * 1000)).values():
                for message in records:
                    if self._inspect is not None:
                        self._inspect(message.topic, message.value)
                    self.outcome.add(message.topic, message.value)
        return self.outcome

    def poll_until_quiet(self, quiet_seconds: float, at_most_seconds: float) -> Outcome:
        """Read until nothing new came for `quiet_seconds`: the alerts the last articles cause come
        a few stages (and commits) after their enriched records."""
        deadline = time.monotonic() + at_most_seconds
        last_new, seen = time.monotonic(), self.outcome.messages
        while time.monotonic() < deadline and time.monotonic() - last_new < quiet_seconds:
            self.poll(1.0)
            if self.outcome.messages != seen:
                last_new, seen = time.monotonic(), self.outcome.messages
        return self.outcome

    def close(self) -> None:
        self._consumer.close()


@contextmanager
def worker_group(settings: Settings, log_path: Path, extra_env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """A `newsmon worker` leading a process group of its own, so SIGKILL reaches its NLP processes."""
    with open(log_path, "ab") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsmon", "worker"],
            env={**settings_env(settings), **extra_env},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        kill_group(process)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def exactly_once(settings: Settings) -> bool:
    return settings.processing_guarantee == "exactly_once"


def run_chaos(
    settings: Settings,
    *,
    articles: int,
    words: int,
    kill_at: list[float],
    timeout: float,
    extra_env: dict[str, str],
) -> dict[str, Any]:
    started = time.monotonic()
    with broker(settings, once=True) as live:
        create_topics(live)
        generated = generate_articles(articles, seed=11, words=words)
        sent = {a["id"] for a in generated}
        report = publish((Outgoing(None, orjson.dumps(a), a["id"]) for a in generated), live)
        if report.published != len(generated):
            raise SystemExit(f"only {report.published} of {len(generated)} articles were published")
        say(f"published {report.published} articles")
        # Exactly once: what an aborted transaction wrote was never sent.
        reader = TopicReader(live, "read_committed" if exactly_once(live) else "read_uncommitted")
        log_path = live.data_dir / "worker.log"
        marks = sorted(int(fraction * articles) for fraction in kill_at)
        kills = 0
        rss: list[float] = []
        deadline = time.monotonic() + timeout
        try:
            while True:
                with worker_group(live, log_path, extra_env) as process:
                    while time.monotonic() < deadline:
                        outcome = reader.poll(1.0)
                        done = outcome.accounted(sent)
                        if process.poll() is not None:
                            say(f"the worker exited with {process.returncode}; starting it again")
                            break
                        if kills < len(marks) and done >= marks[kills]:
                            rss.append(process_tree_rss_mib(process.pid))
                            say(f"{done} accounted for: killing the worker's process group (kill {kills + 1})")
                            kills += 1
                            break
                        if done == len(sent):
                            # Let late duplicates and alerts arrive before the last count.
                            reader.poll_until_quiet(QUIET_SECONDS, at_most_seconds=120.0)
                            break
                outcome = reader.outcome
                if outcome.accounted(sent) == len(sent) or time.monotonic() >= deadline:
                    break
            summary = summarise(sent, reader.poll(2.0), kills, time.monotonic() - started)
            summary["worker_rss_mib_at_kills"] = rss
        finally:
            reader.close()
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=150, help="about this many words per article")
    parser.add_argument("--kill-at", type=float, nargs="*", default=[0.2, 0.5], help="fractions accounted for")
    parser.add_argument("--timeout", type=float, default=3600.0)
    args = parser.parse_args(argv)
    settings = load_settings()
    # A killed worker's partitions move on after the session timeout: 10 s, not Faust's 60, unless set.
    extra_env = {"NEWSMON_KAFKA_SESSION_TIMEOUT_SECONDS": os.environ.get("NEWSMON_KAFKA_SESSION_TIMEOUT_SECONDS", "10")}
    summary = run_chaos(
        settings,
        articles=args.articles,
        words=args.words,
        kill_at=args.kill_at,
        timeout=args.timeout,
        extra_env=extra_env,
    )
    print(json.dumps(summary))
    repeated = summary["duplicates"] if exactly_once(settings) else 0
    return 1 if summary["lost"] or summary["duplicate_alert_ids"] or repeated else 0


if __name__ == "__main__":
    sys.exit(main())
