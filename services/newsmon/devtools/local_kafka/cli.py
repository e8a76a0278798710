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
    TLS_DIR_NAME,
    running_pid,
    start,
    stop,
)
from newsmon.devtools.local_kafka.jars import KAFKA_DIR, LocalKafkaError, ensure_jars
from newsmon.devtools.local_kafka.readiness import first_host_port, wait_ready
from newsmon.devtools.local_kafka.sasl import SCRAM_HASHES, SaslSslListener, ScramUser
from newsmon.devtools.local_kafka.storage import CONFIG_FILE_NAME, config_listeners
from newsmon.devtools.local_kafka.tls import CA_CERT_NAME
from newsmon.kafka_clients import check_access, sasl_password
from newsmon.settings import ENV_PREFIX, ConfigError, Settings, load_settings


def add_commands(parser: argparse.ArgumentParser) -> None:
    """The fetch, up, down and status subcommands with their options, onto `parser`."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=None, help="default: NEWSMON_DATA_DIR/kafka")
    common.add_argument(
        "--port", type=int, default=None, help="PLAINTEXT client port (default: from NEWSMON_KAFKA_BOOTSTRAP)"
    )
    common.add_argument("--controller-port", type=int, default=DEFAULT_CONTROLLER_PORT, help="default: %(default)s")
    commands = parser.add_subparsers(dest="action", required=True)
    commands.add_parser("fetch", help="download the Kafka jars into deploy/kafka/libs")
    up = commands.add_parser("up", parents=[common], help="start the broker (idempotent) and wait until ready")
    up.add_argument("--heap", default="512m")
    up.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for readiness")
    commands.add_parser("down", parents=[common], help="stop the broker (no-op when not running)")
    commands.add_parser("status", parents=[common], help="exit 0 if the broker runs and answers")


def default_port(settings: Settings) -> int:
    """The PLAINTEXT client port: NEWSMON_KAFKA_BOOTSTRAP's, unless that is the SASL_SSL listener."""
    if settings.kafka_protocol == "SASL_SSL":
        return DEFAULT_PORT
    try:
        return first_host_port(settings.kafka_bootstrap)[1]
    except ValueError:
        return DEFAULT_PORT


def sasl_ssl_listener(settings: Settings) -> SaslSslListener | None:
    """The SASL_SSL listener the settings' clients expect: on their bootstrap port, for their user."""
    protocol = settings.kafka_protocol
    if protocol == "PLAINTEXT":
        return None
    if protocol != "SASL_SSL":
        raise LocalKafkaError(
            f"the local broker offers PLAINTEXT and SASL_SSL, not {ENV_PREFIX}KAFKA_SECURITY_PROTOCOL={protocol}"
        )
    if settings.kafka_sasl_mechanism not in SCRAM_HASHES:
        raise LocalKafkaError(
            f"the local broker's SASL_SSL listener offers {' and '.join(SCRAM_HASHES)}, "
            f"not {ENV_PREFIX}KAFKA_SASL_MECHANISM={settings.kafka_sasl_mechanism}"
        )
    user = ScramUser(settings.kafka_sasl_username or "", sasl_password(settings))
    return SaslSslListener(first_host_port(settings.kafka_bootstrap)[1], (user,))


def describe_sasl_ssl(data_dir: Path, settings: Settings) -> str:
    """Where the SASL_SSL listener of a running broker is and whether the settings' user gets in."""
    listeners = config_listeners((data_dir / CONFIG_FILE_NAME).read_text())
    if "SASL_SSL" not in listeners:
        return ""
    ca_file = data_dir / TLS_DIR_NAME / CA_CERT_NAME
    text = f"; SASL_SSL at 127.0.0.1:{listeners['SASL_SSL']}"
    if settings.kafka_protocol != "SASL_SSL":
        return f"{text}, CA {ca_file}"
    if settings.kafka_ssl_cafile is None:
        return f"{text}; clients need {ENV_PREFIX}KAFKA_SSL_CAFILE={ca_file}"
    check_access(settings)  # a refusal raises KafkaAccessError, one line
    return f"{text}, user {settings.kafka_sasl_username!r} logs in"


def run(args: argparse.Namespace, settings: Settings) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        if args.action == "fetch":
            print(ensure_jars(KAFKA_DIR))
            return 0
        data_dir: Path = (args.data_dir or settings.data_dir / "kafka").resolve()
        port = args.port if args.port is not None else default_port(settings)
        if args.action == "up":
            listener = sasl_ssl_listener(settings)
            ensure_jars(KAFKA_DIR)
            began = time.monotonic()
            pid = start(data_dir, port, args.controller_port, args.heap, ready_timeout=args.timeout, sasl_ssl=listener)
            print(
                f"Kafka ready at 127.0.0.1:{port} (pid {pid}, {time.monotonic() - began:.1f}s, "
                f"log {data_dir / LOG_FILE_NAME}){describe_sasl_ssl(data_dir, settings)}"
            )
            return 0
        if args.action == "down":
            print("stopped" if stop(data_dir) else "not running")
            return 0
        running = running_pid(data_dir)
        if running is None:
            print(f"not running (data dir {data_dir})")
            return 1
        if args.port is None:  # the port it was started with
            port = config_listeners((data_dir / CONFIG_FILE_NAME).read_text()).get("PLAINTEXT", port)
        cluster = wait_ready(f"127.0.0.1:{port}", timeout=5)
        print(
            f"running: pid {running}, 127.0.0.1:{port}, cluster id {cluster.get('cluster_id')}"
            + describe_sasl_ssl(data_dir, settings)
        )
        return 0
    except (LocalKafkaError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newsmon.devtools.local_kafka", description="the local development broker"
    )
    add_commands(parser)
    return run(parser.parse_args(argv), load_settings())
