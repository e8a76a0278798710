"""The broker's configuration and storage: server.properties rendered into a data directory, and
the storage tool's format on first use."""

from __future__ import annotations

import base64
import string
import subprocess
import uuid
from collections.abc import Sequence
from pathlib import Path

from newsmon.devtools.local_kafka.jars import KAFKA_DIR, LocalKafkaError, java_executable

FORMAT_LOG_NAME = "format.log"
CONFIG_FILE_NAME = "server.properties"


def render_server_properties(template: str, *, port: int, controller_port: int, data_dir: Path) -> str:
    """Fill the template's ${PORT}, ${CONTROLLER_PORT} and ${DATA_DIR}; unknown placeholders raise."""
    if port == controller_port:
        raise ValueError(f"client and controller port must differ, both are {port}")
    rendered = string.Template(template).substitute(
        PORT=port, CONTROLLER_PORT=controller_port, DATA_DIR=str(data_dir.resolve())
    )
    return "# Rendered by `newsmon kafka up` from deploy/kafka/server.properties; overwritten on start.\n" + rendered


def new_cluster_id() -> str:
    """A Kafka cluster id: 22 chars of URL-safe base64 of a random UUID, as Uuid.randomUuid() makes.

    Never starts with '-': the storage tool's argument parser would take it for an option.
    """
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def config_values(config_text: str) -> dict[str, str]:
    """The key=value pairs of a rendered server.properties."""
    values: dict[str, str] = {}
    for line in config_text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith(("#", "!")):
            values[key.strip()] = value.strip()
    return values


def config_log_dirs(config_text: str) -> list[Path]:
    """The log.dirs (or log.dir) entries of a rendered server.properties."""
    values = config_values(config_text)
    raw = values.get("log.dirs") or values.get("log.dir", "")
    return [Path(entry.strip()) for entry in raw.split(",") if entry.strip()]


def config_listeners(config_text: str) -> dict[str, int]:
    """The port of each listener name in a rendered server.properties' `listeners`."""
    listeners: dict[str, int] = {}
    for entry in config_values(config_text).get("listeners", "").split(","):
        name, sep, address = entry.strip().partition("://")
        if sep:
            listeners[name] = int(address.rpartition(":")[2])
    return listeners


def is_formatted(config_text: str) -> bool:
    """Has the storage tool already written meta.properties into every log dir of this config?"""
    log_dirs = config_log_dirs(config_text)
    return bool(log_dirs) and all((log_dir / "meta.properties").is_file() for log_dir in log_dirs)


def log_excerpt(path: Path, tail_lines: int = 25, error_lines: int = 5) -> str:
    """The first ERROR lines (the cause; shutdown noise follows it) and the last lines of a Kafka log."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return f"({path} does not exist)"
    errors: list[str] = []
    for index, line in enumerate(lines):
        if ("] ERROR " in line or "] FATAL " in line) and len(errors) < error_lines:
            following = lines[index + 1] if index + 1 < len(lines) else ""
            has_message = following and not following.startswith(("[", "\t"))  # the exception's message
            errors.append(f"{line}\n  {following}" if has_message else line)
    excerpt = "\n".join(lines[-tail_lines:])
    if errors:
        excerpt = "first errors:\n" + "\n".join(errors) + "\nlast lines:\n" + excerpt
    return excerpt


def logging_opts(kafka_dir: Path, data_dir: Path) -> list[str]:
    # Without an explicit config Log4j2 prints ERROR only and the broker looks dead.
    return [f"-Dlog4j2.configurationFile={kafka_dir / 'log4j2.properties'}", f"-Dkafka.logs.dir={data_dir}"]


def format_storage(
    data_dir: Path, *, kafka_dir: Path = KAFKA_DIR, cluster_id: str | None = None, extra_arguments: Sequence[str] = ()
) -> str:
    """Format log.dirs for the rendered config in data_dir once; return the cluster id used.
    extra_arguments go to the storage tool's format (e.g. --add-scram)."""
    cluster_id = cluster_id or new_cluster_id()
    command = [
        java_executable(),
        "-Xmx256m",
        *logging_opts(kafka_dir, data_dir),
        "-cp",
        str(kafka_dir / "libs" / "*"),
        "kafka.tools.StorageTool",
        "format",
        "--cluster-id",
        cluster_id,
        "--config",
        str(data_dir / CONFIG_FILE_NAME),
        *extra_arguments,
    ]  # static quorum (controller.quorum.voters): no --standalone
    format_log = data_dir / FORMAT_LOG_NAME
    with format_log.open("w") as out:
        result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        raise LocalKafkaError(f"kafka storage format failed (exit {result.returncode}):\n{log_excerpt(format_log)}")
    return cluster_id
