"""`newsmon run`: the whole monitor on this machine (what `make run` calls).

Starts the local Kafka broker, creates the topics, starts a worker, ingests articles and
prints alerts. With --once it uses a throw-away broker on free ports, prints each alert version
as one JSON line on stdout and a summary JSON line on stderr, waits until the worker has delivered
every alert to the configured sinks (NEWSMON_ALERTMANAGER_URL, NEWSMON_WEBHOOK_URL) or
dead-lettered it, stops what it started and exits.

Ctrl-C, SIGTERM and SIGHUP stop it alike (stopping.py): the worker and its NLP processes, then a
broker this command started, are stopped, the throw-away data dir is removed, and the exit status
is 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from kafka import KafkaConsumer
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from newsmon import topics
from newsmon.devtools import local_kafka, stopping
from newsmon.kafka_clients import client_config, create_topics
from newsmon.records import Alert
from newsmon.settings import ENV_PREFIX, PACKAGE_DIR, Settings
from newsmon.sinks.senders import configured_sinks
from newsmon.sources.feeds import run_feeds
from newsmon.sources.feeds_config import FeedConfig, load_feeds
from newsmon.sources.files import read_sources
from newsmon.sources.publish import IngestReport, publish

SAMPLES_DIR = PACKAGE_DIR / "samples" / "articles"


def say(message: str) -> None:
    """Progress for a person on stderr; a closed terminal or pipe must not stop the clean-up."""
    with contextlib.suppress(OSError):
        print(f"newsmon: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class PipelineCounts:
    normalized_in: int = 0
    enriched: int = 0
    deadletter: int = 0
    duplicates: int = 0
    alert_stage_done: int = 0
    alerts: int = 0
    delivered: int = 0  # alert messages a sink took, summed over the sinks
    delivery_dead_letters: int = 0  # alert messages a sink never took, summed over the sinks

    def accounted_for(self) -> int:
        return self.enriched + self.deadletter + self.duplicates


def parse_counts(metrics_text: str) -> PipelineCounts:
    """Read the worker's own counters from its /metrics page."""
    values: dict[str, float] = {}
    for family in text_string_to_metric_families(metrics_text):
        for sample in family.samples:
            name, labels = sample.name, sample.labels
            if name == "newsmon_articles_in_total" and labels.get("stage") == "normalize":
                values["normalized_in"] = sample.value
            elif name == "newsmon_articles_out_total" and labels.get("stage") == "enrich":
                values["enriched"] = sample.value
            elif name == "newsmon_articles_out_total" and labels.get("stage") == "alert":
                values["alert_stage_done"] = sample.value
            elif name == "newsmon_deadletter_messages_total" and labels.get("stage") in ("normalize", "enrich"):
                values["deadletter"] = values.get("deadletter", 0) + sample.value
            elif name == "newsmon_duplicate_articles_total":
                values["duplicates"] = sample.value
            elif name == "newsmon_alerts_total":
                values["alerts"] = values.get("alerts", 0) + sample.value
            elif name == "newsmon_deliveries_total" and labels.get("outcome") in ("delivered", "dead_lettered"):
                field = "delivered" if labels["outcome"] == "delivered" else "delivery_dead_letters"
                values[field] = values.get(field, 0) + sample.value
    return PipelineCounts(**{k: int(v) for k, v in values.items()})


def fetch_counts(web_port: int) -> PipelineCounts | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/metrics", timeout=5) as response:
            return parse_counts(response.read().decode("utf-8"))
    except OSError:
        return None


def format_alert(alert: Alert) -> str:
    """Several lines a person can read at a glance."""
    lines = [f"{alert.created_at[11:19]}  {alert.headline}"]
    details = [f"language {alert.language}", f"rule {alert.rule}"]
    if alert.persons:
        details.append("people: " + ", ".join(alert.persons[:5]))
    if alert.organisations:
        details.append("organisations: " + ", ".join(alert.organisations[:5]))
    lines.append("          " + " · ".join(details))
    located = [p for p in alert.places if p.latitude is not None][:3]
    if located:
        lines.append("          " + "; ".join(f"{p.name} ({p.latitude:.2f}, {p.longitude:.2f})" for p in located))
    if alert.title or alert.url:
        lines.append("          " + " ".join(x for x in (alert.title, alert.url) if x))
    return "\n".join(lines)


@contextmanager
def broker(settings: Settings, once: bool) -> Iterator[Settings]:
    """A running broker; stopped afterwards only if this call started it."""
    local_kafka.ensure_jars()
    throw_away: Path | None = None
    started_here = False
    try:
        if once:
            throw_away = data_dir = Path(tempfile.mkdtemp(prefix="newsmon-once-"))
            port, controller_port, web_port = local_kafka.free_ports(3)
        else:
            data_dir = settings.data_dir
            port = int(settings.kafka_bootstrap.rsplit(":", 1)[1])
            controller_port, web_port = port + 1, settings.web_port
        kafka_dir = data_dir / "kafka"
        started_here = local_kafka.running_pid(kafka_dir) is None
        say(f"starting Kafka on 127.0.0.1:{port} ...")
        local_kafka.start(kafka_dir, port=port, controller_port=controller_port)  # a stop may come while it waits
        yield settings.model_copy(
            update={
                "kafka_bootstrap": f"127.0.0.1:{port}",
                "web_port": web_port,
                "data_dir": data_dir,
            }
        )
    finally:
        with stopping.deferred():
            if started_here:
                say("stopping Kafka ...")
                local_kafka.stop(kafka_dir)
            if throw_away is not None:
                shutil.rmtree(throw_away, ignore_errors=True)


KAFKA_SECURITY_FIELDS = (
    "kafka_security_protocol",
    "kafka_sasl_mechanism",
    "kafka_sasl_username",
    "kafka_sasl_password",
    "kafka_sasl_password_file",
    "kafka_ssl_cafile",
    "kafka_ssl_certfile",
    "kafka_ssl_keyfile",
)
DELIVERY_FIELDS = (
    "alertmanager_url",
    "webhook_url",
    "webhook_secret",
    "delivery_attempts",
    "delivery_backoff_seconds",
    "delivery_timeout_seconds",
    "delivery_queue_size",
    "alert_repost_seconds",
    "alert_active_seconds",
)


def settings_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "NEWSMON_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
            "NEWSMON_WEB_PORT": str(settings.web_port),
            "NEWSMON_DATA_DIR": str(settings.data_dir),
            "NEWSMON_WORKER_ID": settings.worker_id,  # its consumer groups and changelog topics
            # As many as the caller counts on (the benchmark compares with its own).
            "NEWSMON_NLP_PROCESSES": str(settings.nlp_processes),
            "NEWSMON_PROCESSING_GUARANTEE": settings.processing_guarantee,
        }
    )
    # The child connects and delivers as these settings do: an inherited variable must not mix in.
    for field in KAFKA_SECURITY_FIELDS + DELIVERY_FIELDS:
        name, value = f"{ENV_PREFIX}{field.upper()}", getattr(settings, field)
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
    return env


@contextmanager
def newsmon_process(
    settings: Settings, arguments: list[str], log_name: str, what: str
) -> Iterator[subprocess.Popen[bytes]]:
    """`newsmon ARGUMENTS` as a child with these settings, logging to data_dir/log_name, in its own
    process group: stopping it can kill the group (a worker and its NLP processes), and a terminal's
    Ctrl-C reaches only this command, which then stops the child in order."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log_path = settings.data_dir / log_name
    process: subprocess.Popen[bytes] | None = None
    try:
        # Deferred: a stop must not leave a started child unknown to the `finally` below.
        with stopping.deferred(), open(log_path, "ab") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "newsmon", *arguments],
                env=settings_env(settings),
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        yield process
    finally:
        with stopping.deferred():
            if process is not None and not stopping.stop_process_group(process, timeout=30):
                say(f"the {what} ignored SIGTERM for 30 s; killed it and its process group (log {log_path})")


@contextmanager
def worker_process(settings: Settings, stage: str = "all") -> Iterator[subprocess.Popen[bytes]]:
    with newsmon_process(settings, ["worker", "--stage", stage], "worker.log", "worker") as process:
        log_path = settings.data_dir / "worker.log"
        deadline = time.monotonic() + 120
        while fetch_counts(settings.web_port) is None:
            if process.poll() is not None:
                tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-25:])
                raise RuntimeError(f"the worker exited with {process.returncode}; the end of {log_path}:\n{tail}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the worker did not serve /metrics within 120 s; see {log_path}")
            time.sleep(0.5)
        say(f"worker up, metrics on http://127.0.0.1:{settings.web_port}/metrics (log {log_path})")
        yield process


@contextmanager
def sources_process(settings: Settings, feeds_path: Path | None) -> Iterator[subprocess.Popen[bytes] | None]:
    """`newsmon sources --config feeds_path` beside the worker, stopped with it; nothing without a
    feeds file. Its log: sources.log in the data directory."""
    if feeds_path is None:
        yield None
        return
    with newsmon_process(settings, ["sources", "--config", str(feeds_path)], "sources.log", "feed poller") as process:
        say(f"feed poller up for {feeds_path}, metrics on port {settings.sources_metrics_port}")
        yield process


def reader_from_start(settings: Settings, *topic_names: str, **options: Any) -> KafkaConsumer:
    """A consumer of no group reading `topic_names` from their first message, committing nothing:
    how the dev tools watch what the workers wrote."""
    return KafkaConsumer(
        *topic_names,
        **client_config(settings),
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **options,
    )


@contextmanager
def alert_consumer(settings: Settings) -> Iterator[KafkaConsumer]:
    consumer = reader_from_start(settings, topics.ALERTS, consumer_timeout_ms=500)
    try:
        yield consumer
    finally:
        with stopping.deferred():
            consumer.close()  # before the broker goes, or the client logs errors about it


def is_feed_url(item: str) -> bool:
    return item.lower().startswith(("http://", "https://"))


def ingest(
    settings: Settings, inputs: list[str], progress: bool = False, feeds: Sequence[FeedConfig] = ()
) -> IngestReport:
    """Files as `newsmon ingest` reads them; an http(s) INPUT is a feed, whose current items are
    ingested once as `newsmon sources --once` does (its name: the URL), and so are the given feeds."""
    files = [item for item in inputs if not is_feed_url(item)]
    report = publish(read_sources(files), settings, progress=progress) if files else IngestReport()
    feeds = [*feeds, *(FeedConfig(name=url, url=url) for url in inputs if is_feed_url(url))]
    if feeds:
        for poll in asyncio.run(run_feeds(settings, feeds, once=True)):
            report.published += poll.published
            report.rejected += poll.page_errors
            if poll.error:
                say(f"feed {poll.feed}: {poll.error}")
            say(f"feed {poll.feed}: {poll.published} new item(s), {poll.page_errors} page(s) failed")
    return report


def run_once(settings: Settings, inputs: list[str], timeout: float, feeds: Sequence[FeedConfig] = ()) -> int:
    with broker(settings, once=True) as live:
        create_topics(live)
        with worker_process(live):
            report = ingest(live, inputs, feeds=feeds)
            printed: set[tuple[str, int]] = set()  # every version of every alert, once
            deadline = time.monotonic() + timeout
            counts = PipelineCounts()
            sinks = len(configured_sinks(live))
            with alert_consumer(live) as consumer:
                while True:
                    for message in consumer:
                        alert = Alert.model_validate_json(message.value)
                        if (alert.alert_id, alert.version) not in printed:
                            printed.add((alert.alert_id, alert.version))
                            sys.stdout.write(orjson.dumps(alert.to_json_dict()).decode() + "\n")
                            sys.stdout.flush()
                    counts = fetch_counts(live.web_port) or counts
                    done = (
                        counts.normalized_in >= report.published
                        and counts.accounted_for() >= report.published
                        and counts.alert_stage_done >= counts.enriched
                        and len(printed) >= counts.alerts
                        and counts.delivered + counts.delivery_dead_letters >= counts.alerts * sinks
                    )
                    if done or time.monotonic() > deadline:
                        break
    summary: dict[str, int | str] = {
        "ingested": report.published,
        "enriched": counts.enriched,
        "deadletter": counts.deadletter,
        "duplicates": counts.duplicates,
        "alerts": len({alert_id for alert_id, _ in printed}),
        "alert_versions": len(printed),
    }
    if report.rejected:
        summary["not_published"] = report.rejected
    if configured_sinks(settings):
        summary["delivered"] = counts.delivered
        summary["delivery_dead_letters"] = counts.delivery_dead_letters
    if not done:
        summary["error"] = f"timed out after {timeout:.0f} s before every article was accounted for"
    print(json.dumps(summary), file=sys.stderr)
    return 0 if done else 1


def run_forever(settings: Settings, inputs: list[str], feeds_path: Path | None = None) -> int:
    with broker(settings, once=False) as live:
        create_topics(live)
        with worker_process(live), sources_process(live, feeds_path):
            report = ingest(live, inputs, progress=True)
            say(
                f"ingested {report.published} articles from {', '.join(inputs) or 'no file'}; "
                + (f"the feeds of {feeds_path} are polled; " if feeds_path else "")
                + "alerts follow (Ctrl-C stops everything this command started)"
            )
            with alert_consumer(live) as consumer:
                last = None
                while True:
                    for message in consumer:
                        print(format_alert(Alert.model_validate_json(message.value)) + "\n", flush=True)
                    counts = fetch_counts(live.web_port)
                    if counts and counts != last:
                        say(
                            f"pipeline so far: {counts.enriched} enriched, {counts.deadletter} dead letters, "
                            f"{counts.duplicates} duplicates, {counts.alerts} alerts"
                        )
                        last = counts


def run(settings: Settings, inputs: list[str], once: bool, timeout: float, feeds_path: Path | None = None) -> int:
    """Exit status: 0 done, 1 --once gave up (timeout), 128 + N when stopped by signal N.

    With a feeds file (--feeds, NEWSMON_FEEDS_PATH) its feeds are polled too: once with --once, else by
    a `newsmon sources` process beside the worker. Without inputs or feeds: the bundled samples."""
    feeds_path = feeds_path or settings.feeds_path
    feeds = load_feeds(feeds_path) if feeds_path else []  # a bad file stops here, before any start
    inputs = inputs or ([] if feeds else [str(SAMPLES_DIR)])
    try:
        with stopping.stop_signals():
            if once:
                return run_once(settings, inputs, timeout, feeds)
            return run_forever(settings, inputs, feeds_path)
    except stopping.StopRequested as stop:
        say(f"stopped by {stop.signal_name}, and so is everything this command started")
        return stop.exit_status
