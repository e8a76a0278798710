"""`newsmon kafka fetch|up|down|status`, also `python -m newsmon.devtools.local_kafka`: one set of
options for both."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from newsmon.devtools.local_kafka.broker import (
    DEFAULT_CONTROLLER_PORT,
    DEFAULT_PORT,
    LOG_FILE_NAME,
    running_pid,
    start,
    stop,
)
from newsmon.devtools.local_kafka.jars import KAFKA_DIR, LocalKafkaError, ensure_jars
from newsmon.devtools.local_kafka.readiness import first_host_port, wait_ready
from newsmon.settings import Settings, load_settings


def add_commands(parser: argparse.ArgumentParser) -> None:
    """The fetch, up, down and status subcommands with their options, onto `parser`."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=None, help="default: NEWSMON_DATA_DIR/kafka")
    common.add_argument("--port", type=int, default=None, help="client port (default: from NEWSMON_KAFKA_BOOTSTRAP)")
    common.add_argument("--controller-port", type=int, default=DEFAULT_CONTROLLER_PORT, help="default: %(default)s")
    commands = parser.add_subparsers(dest="action", required=True)
    commands.add_parser("fetch", help="download the Kafka jars into deploy/kafka/libs")
    up = commands.add_parser("up", parents=[common], help="start the broker (idempotent) and wait until ready")
    up.add_argument("--heap", default="512m")
    up.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for readiness")
    commands.add_parser("down", parents=[common], help="stop the broker (no-op when not running)")
    commands.add_parser("status", parents=[common], help="exit 0 if the broker runs and answers")


def default_port(settings: Settings) -> int:
    try:
        return first_host_port(settings.kafka_bootstrap)[1]
    except ValueError:
        return DEFAULT_PORT


def run(args: argparse.Namespace, settings: Settings) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        if args.action == "fetch":
            print(ensure_jars(KAFKA_DIR))
            return 0
        data_dir: Path = args.data_dir or settings.data_dir / "kafka"
        port = args.port if args.port is not None else default_port(settings)
        if args.action == "up":
            ensure_jars(KAFKA_DIR)
            began = time.monotonic()
            pid = start(data_dir, port, args.controller_port, args.heap, ready_timeout=args.timeout)
            print(
                f"Kafka ready at 127.0.0.1:{port} (pid {pid}, {time.monotonic() - began:.1f}s, "
                f"log {data_dir.resolve() / LOG_FILE_NAME})"
            )
            return 0
        if args.action == "down":
            print("stopped" if stop(data_dir) else "not running")
            return 0
        running = running_pid(data_dir.resolve())
        if running is None:
            print(f"not running (data dir {data_dir})")
            return 1
        cluster = wait_ready(f"127.0.0.1:{port}", timeout=5)
        print(f"running: pid {running}, 127.0.0.1:{port}, cluster id {cluster.get('cluster_id')}")
        return 0
    except LocalKafkaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newsmon.devtools.local_kafka", description="the local development broker"
    )
    add_commands(parser)
    return run(parser.parse_args(argv), load_settings())
