"""A real single-node Apache Kafka (KRaft, broker + controller in one JVM) on 127.0.0.1, no Docker.

The jars come from Maven Central, pinned by deploy/kafka/pom.xml; the config is rendered from
deploy/kafka/server.properties into a data directory that also holds the logs, the pid file and
the broker's own log (kafka.log).

Run it (Java 17+ and Maven on PATH; the defaults come from NEWSMON_KAFKA_BOOTSTRAP):

    python -m newsmon.local_kafka fetch                 # download the jars into deploy/kafka/libs once
    python -m newsmon.local_kafka up [--data-dir DIR] [--port 19092] [--controller-port 19093]
    python -m newsmon.local_kafka status [--data-dir DIR] [--port 19092]
    python -m newsmon.local_kafka down [--data-dir DIR]

`up` fetches the jars if needed, formats the storage on first use, starts the broker detached and
returns once a real client request succeeds. It is idempotent, and so is `down`.
deploy/kafka/kafka-up.sh and kafka-down.sh wrap these two.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import hashlib
import logging
import os
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from newsmon.admin import open_admin_client
from newsmon.settings import REPO_ROOT, get_settings

log = logging.getLogger(__name__)

KAFKA_DIR = REPO_ROOT / "deploy" / "kafka"
DEFAULT_DATA_DIR = REPO_ROOT / "var" / "kafka"
DEFAULT_PORT = 19092
DEFAULT_CONTROLLER_PORT = 19093

JAR_STAMP_NAME = ".pom.sha256"
PID_FILE_NAME = "kafka.pid"
LOG_FILE_NAME = "kafka.log"
FORMAT_LOG_NAME = "format.log"
CONFIG_FILE_NAME = "server.properties"

# The flags bin/kafka-server-start.sh passes, minus JMX and GC logging.
JVM_PERFORMANCE_OPTS = (
    "-server",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:MaxInlineLevel=15",
    "-Djava.awt.headless=true",
)


class LocalKafkaError(RuntimeError):
    """The local broker could not be fetched, formatted, started or reached."""


# --- jars --------------------------------------------------------------------------------------


def pom_sha256(kafka_dir: Path) -> str:
    return hashlib.sha256((kafka_dir / "pom.xml").read_bytes()).hexdigest()


def jars_are_current(kafka_dir: Path) -> bool:
    """True when libs/ holds jars copied from exactly the current pom.xml."""
    libs = kafka_dir / "libs"
    stamp = libs / JAR_STAMP_NAME
    if not stamp.is_file() or not any(libs.glob("*.jar")):
        return False
    return stamp.read_text().strip() == pom_sha256(kafka_dir)


def java_executable() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise LocalKafkaError("java not found (PATH or JAVA_HOME): Kafka 4.x needs Java 17+")
    return java


def ensure_jars(kafka_dir: Path = KAFKA_DIR) -> Path:
    """Make kafka_dir/libs hold the runtime classpath of kafka_dir/pom.xml; return libs.

    Does nothing when the stamp in libs/ matches the pom's sha256. Otherwise libs/ is wiped
    first: the JVM loads `libs/*` in no fixed order, so a leftover jar of another version wins
    at random.
    """
    kafka_dir = kafka_dir.resolve()
    libs = kafka_dir / "libs"
    if jars_are_current(kafka_dir):
        return libs
    java_executable()
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalKafkaError("mvn not found on PATH: install Maven to fetch the Kafka jars")
    shutil.rmtree(libs, ignore_errors=True)
    command = [
        mvn, "-B", "-q", "-f", str(kafka_dir / "pom.xml"),
        "dependency:copy-dependencies", "-DincludeScope=runtime", f"-DoutputDirectory={libs}",
    ]
    log.info("fetching Kafka jars: %s", " ".join(command))
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not any(libs.glob("*.jar")):
        output = (result.stdout + result.stderr).strip()
        raise LocalKafkaError(f"mvn copy-dependencies failed (exit {result.returncode}):\n{output[-4000:]}")
    (libs / JAR_STAMP_NAME).write_text(pom_sha256(kafka_dir) + "\n")
    return libs


# --- config and storage ------------------------------------------------------------------------


def render_server_properties(template: str, *, port: int, controller_port: int, data_dir: Path) -> str:
    """Fill the template's ${PORT}, ${CONTROLLER_PORT} and ${DATA_DIR}; unknown placeholders raise."""
    if port == controller_port:
        raise ValueError(f"client and controller port must differ, both are {port}")
    rendered = string.Template(template).substitute(
        PORT=port, CONTROLLER_PORT=controller_port, DATA_DIR=str(data_dir.resolve())
    )
    return "# Rendered by newsmon.local_kafka from deploy/kafka/server.properties; overwritten on start.\n" + rendered


def new_cluster_id() -> str:
    """A Kafka cluster id: 22 chars of URL-safe base64 of a random UUID, as Uuid.randomUuid() makes.

    Never starts with '-': the storage tool's argument parser would take it for an option.
    """
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def config_log_dirs(config_text: str) -> list[Path]:
    """The log.dirs (or log.dir) entries of a rendered server.properties."""
    values: dict[str, str] = {}
    for line in config_text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith(("#", "!")):
            values[key.strip()] = value.strip()
    raw = values.get("log.dirs") or values.get("log.dir", "")
    return [Path(entry.strip()) for entry in raw.split(",") if entry.strip()]


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


def _logging_opts(kafka_dir: Path, data_dir: Path) -> list[str]:
    # Without an explicit config Log4j2 prints ERROR only and the broker looks dead.
    return [f"-Dlog4j2.configurationFile={kafka_dir / 'log4j2.properties'}", f"-Dkafka.logs.dir={data_dir}"]


def format_storage(data_dir: Path, *, kafka_dir: Path = KAFKA_DIR, cluster_id: str | None = None) -> str:
    """Format log.dirs for the rendered config in data_dir once; return the cluster id used."""
    cluster_id = cluster_id or new_cluster_id()
    command = [
        java_executable(), "-Xmx256m", *_logging_opts(kafka_dir, data_dir),
        "-cp", str(kafka_dir / "libs" / "*"),
        "kafka.tools.StorageTool", "format",
        "--cluster-id", cluster_id, "--config", str(data_dir / CONFIG_FILE_NAME),
    ]  # static quorum (controller.quorum.voters): no --standalone
    format_log = data_dir / FORMAT_LOG_NAME
    with format_log.open("w") as out:
        result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        raise LocalKafkaError(f"kafka storage format failed (exit {result.returncode}):\n{log_excerpt(format_log)}")
    return cluster_id


# --- process bookkeeping -----------------------------------------------------------------------

# Brokers started by this Python process: kept so stop() can reap them (no zombies) and so
# Popen does not warn that a child is still running when it is garbage-collected.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def _read_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / PID_FILE_NAME).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _is_our_broker(pid: int, data_dir: Path) -> bool:
    """Is pid alive and a kafka.Kafka JVM on data_dir's config (not a recycled pid)?"""
    child = _CHILDREN.get(pid)
    if child is not None:
        return child.poll() is None
    proc = Path("/proc") / str(pid)
    if proc.is_dir():
        try:
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except (FileNotFoundError, ProcessLookupError):
            return False
        config = str((data_dir / CONFIG_FILE_NAME).resolve()).encode()
        return state != "Z" and b"kafka.Kafka" in args and config in args
    try:  # no /proc (macOS): trust the pid file
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_pid(data_dir: Path) -> int | None:
    """The pid of the broker started on data_dir, if it is still alive."""
    pid = _read_pid(data_dir)
    if pid is not None and _is_our_broker(pid, data_dir):
        return pid
    return None


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    # Two `up`s on one data dir at once would format twice or start two JVMs on one log dir.
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# --- readiness ---------------------------------------------------------------------------------


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _first_host_port(bootstrap: str) -> tuple[str, int]:
    host, _, port = bootstrap.split(",")[0].strip().rpartition(":")
    return host, int(port)


@contextlib.contextmanager
def _quiet_kafka_python() -> Iterator[None]:
    # Every refused connection is a WARNING/ERROR in kafka-python; expected while the JVM starts.
    kafka_logger = logging.getLogger("kafka")
    previous = kafka_logger.level
    kafka_logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        kafka_logger.setLevel(previous)


def wait_ready(
    bootstrap: str,
    timeout: float = 120.0,
    *,
    process_alive: Callable[[], bool] | None = None,
    client_options: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Block until the cluster at bootstrap answers DescribeCluster with an unfenced broker.

    Returns kafka-python's describe_cluster() dict. The TCP check only skips hopeless client
    attempts; readiness is the real admin request. process_alive lets start() give up at once
    when the JVM dies. client_options are extra KafkaAdminClient kwargs (e.g. SASL).
    """
    deadline = time.monotonic() + timeout
    host, port = _first_host_port(bootstrap)
    last_problem = "broker port closed"
    with _quiet_kafka_python():
        while True:
            if process_alive is not None and not process_alive():
                raise LocalKafkaError("the Kafka process exited while starting")
            remaining_ms = int((deadline - time.monotonic()) * 1000)
            if remaining_ms <= 0:
                raise LocalKafkaError(f"Kafka at {bootstrap} not ready after {timeout:.0f}s: {last_problem}")
            if _port_open(host, port):
                # Short attempts: a port held by something that is not Kafka never answers.
                attempt_ms = max(500, min(2000, remaining_ms))
                try:
                    with open_admin_client(
                        bootstrap_servers=bootstrap,
                        request_timeout_ms=attempt_ms,
                        bootstrap_timeout_ms=attempt_ms,
                        **dict(client_options or {}),
                    ) as admin:
                        cluster = admin.describe_cluster()
                    brokers = cluster.get("brokers") or []
                    if brokers and not any(b.get("is_fenced") for b in brokers):
                        return cluster
                    last_problem = f"no unfenced broker yet: {brokers}"
                except Exception as exc:  # any client failure just means "not yet"
                    last_problem = f"{type(exc).__name__}: {exc}"
            time.sleep(0.2)


# --- start / stop ------------------------------------------------------------------------------


def start(
    data_dir: Path,
    port: int = DEFAULT_PORT,
    controller_port: int = DEFAULT_CONTROLLER_PORT,
    heap: str = "512m",
    *,
    kafka_dir: Path = KAFKA_DIR,
    ready_timeout: float = 120.0,
) -> int:
    """Start (formatting on first use) a broker on data_dir and wait until it answers; return its pid.

    Idempotent: a broker already running on data_dir with the same rendered config is reused.
    Raises LocalKafkaError with the tail of data_dir/kafka.log if the JVM dies while starting.
    """
    data_dir = data_dir.resolve()
    kafka_dir = kafka_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    bootstrap = f"127.0.0.1:{port}"
    config_text = render_server_properties(
        (kafka_dir / "server.properties").read_text(), port=port, controller_port=controller_port, data_dir=data_dir
    )
    config_path = data_dir / CONFIG_FILE_NAME
    log_path = data_dir / LOG_FILE_NAME

    with _exclusive(data_dir / "start.lock"):
        pid = running_pid(data_dir)
        if pid is not None:
            if config_path.read_text() != config_text:
                raise LocalKafkaError(
                    f"a broker (pid {pid}) already runs on {data_dir} with other ports; stop it first"
                )
            log.info("Kafka already running on %s (pid %d)", data_dir, pid)
            wait_ready(bootstrap, ready_timeout, process_alive=lambda: _is_our_broker(pid, data_dir))
            return pid

        (data_dir / PID_FILE_NAME).unlink(missing_ok=True)
        config_path.write_text(config_text)
        if not is_formatted(config_text):
            cluster_id = format_storage(data_dir, kafka_dir=kafka_dir)
            log.info("formatted %s with cluster id %s", config_log_dirs(config_text), cluster_id)

        command = [
            java_executable(), f"-Xmx{heap}", f"-Xms{heap}", *JVM_PERFORMANCE_OPTS,
            *_logging_opts(kafka_dir, data_dir),
            "-cp", str(kafka_dir / "libs" / "*"),
            "kafka.Kafka", str(config_path),
        ]
        with log_path.open("ab") as log_file:
            # New session: Ctrl-C in the terminal that ran `up` must not kill the broker.
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                start_new_session=True, cwd=data_dir,
            )
        _CHILDREN[process.pid] = process
        (data_dir / PID_FILE_NAME).write_text(f"{process.pid}\n")
        log.info("started Kafka pid %d on %s, log %s", process.pid, bootstrap, log_path)

        try:
            wait_ready(bootstrap, ready_timeout, process_alive=lambda: process.poll() is None)
        except LocalKafkaError as exc:
            stop(data_dir)
            _CHILDREN.pop(process.pid, None)
            raise LocalKafkaError(f"{exc}; from {log_path}:\n{log_excerpt(log_path)}") from None
        return process.pid


def _wait_gone(pid: int, data_dir: Path, timeout: float) -> bool:
    child = _CHILDREN.get(pid)
    if child is not None:
        try:
            child.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    deadline = time.monotonic() + timeout
    while _is_our_broker(pid, data_dir):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def stop(data_dir: Path, timeout: float = 30.0) -> bool:
    """SIGTERM the broker of data_dir (SIGKILL after timeout); return whether one was running."""
    data_dir = data_dir.resolve()
    pid = running_pid(data_dir)
    if pid is not None:
        log.info("stopping Kafka pid %d", pid)
        os.kill(pid, signal.SIGTERM)  # the shutdown hook does a controlled shutdown, a few seconds
        if not _wait_gone(pid, data_dir, timeout):
            log.warning("Kafka pid %d ignored SIGTERM for %.0fs, killing it", pid, timeout)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, data_dir, 10.0)
        _CHILDREN.pop(pid, None)
    (data_dir / PID_FILE_NAME).unlink(missing_ok=True)
    return pid is not None


# --- helpers for tests -------------------------------------------------------------------------


def free_ports(count: int) -> list[int]:
    """count distinct TCP ports free on 127.0.0.1 right now (all held open until all are chosen)."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def free_port() -> int:
    return free_ports(1)[0]


# --- command line ------------------------------------------------------------------------------


def _default_port() -> int:
    try:
        return _first_host_port(get_settings().kafka_bootstrap)[1]
    except ValueError:
        return DEFAULT_PORT


def main(argv: Sequence[str] | None = None) -> int:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="default: %(default)s")
    common.add_argument("--port", type=int, default=None, help="client port (default: from NEWSMON_KAFKA_BOOTSTRAP)")
    common.add_argument("--controller-port", type=int, default=DEFAULT_CONTROLLER_PORT, help="default: %(default)s")
    parser = argparse.ArgumentParser(prog="python -m newsmon.local_kafka", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("fetch", help="download the Kafka jars into deploy/kafka/libs")
    up = commands.add_parser("up", parents=[common], help="start the broker (idempotent) and wait until ready")
    up.add_argument("--heap", default="512m")
    up.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for readiness")
    commands.add_parser("down", parents=[common], help="stop the broker (no-op when not running)")
    commands.add_parser("status", parents=[common], help="exit 0 if the broker runs and answers")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    try:
        if args.command == "fetch":
            print(ensure_jars(KAFKA_DIR))
            return 0
        port = args.port if args.port is not None else _default_port()
        if args.command == "up":
            ensure_jars(KAFKA_DIR)
            began = time.monotonic()
            pid = start(args.data_dir, port, args.controller_port, args.heap, ready_timeout=args.timeout)
            print(f"Kafka ready at 127.0.0.1:{port} (pid {pid}, {time.monotonic() - began:.1f}s, "
                  f"log {args.data_dir.resolve() / LOG_FILE_NAME})")
            return 0
        if args.command == "down":
            print("stopped" if stop(args.data_dir) else "not running")
            return 0
        pid = running_pid(args.data_dir.resolve())
        if pid is None:
            print(f"not running (data dir {args.data_dir})")
            return 1
        cluster = wait_ready(f"127.0.0.1:{port}", timeout=5)
        print(f"running: pid {pid}, 127.0.0.1:{port}, cluster id {cluster.get('cluster_id')}")
        return 0
    except LocalKafkaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
