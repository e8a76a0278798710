"""Start and stop a local broker on a data directory: one JVM, detached, reused when already running."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from newsmon.devtools import stopping
from newsmon.devtools.local_kafka import sasl
from newsmon.devtools.local_kafka.jars import KAFKA_DIR, LocalKafkaError, java_executable
from newsmon.devtools.local_kafka.readiness import wait_ready
from newsmon.devtools.local_kafka.sasl import SaslSslListener
from newsmon.devtools.local_kafka.storage import (
    CONFIG_FILE_NAME,
    config_log_dirs,
    format_storage,
    is_formatted,
    log_excerpt,
    logging_opts,
    render_server_properties,
)
from newsmon.devtools.local_kafka.tls import BrokerTls, ensure_broker_tls
from newsmon.kafka_clients import check_access
from newsmon.settings import REPO_ROOT, ConfigError

log = logging.getLogger(__name__)

DEFAULT_DATA_DIR = REPO_ROOT / "var" / "kafka"
DEFAULT_PORT = 19092
DEFAULT_CONTROLLER_PORT = 19093
PID_FILE_NAME = "kafka.pid"
LOG_FILE_NAME = "kafka.log"
TLS_DIR_NAME = "tls"

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


def _render(
    kafka_dir: Path, data_dir: Path, port: int, controller_port: int, sasl_ssl: SaslSslListener | None
) -> tuple[str, BrokerTls | None]:
    config_text = render_server_properties(
        (kafka_dir / "server.properties").read_text(), port=port, controller_port=controller_port, data_dir=data_dir
    )
    if sasl_ssl is None:
        return config_text, None
    tls = ensure_broker_tls(data_dir / TLS_DIR_NAME)
    overlay = (kafka_dir / sasl.OVERLAY_NAME).read_text()
    config_text = sasl.render_sasl_ssl(
        config_text, overlay, port=port, controller_port=controller_port, sasl_port=sasl_ssl.port, tls=tls
    )
    return config_text, tls


def _check_sasl_ssl(sasl_ssl: SaslSslListener, tls: BrokerTls) -> None:
    try:
        check_access(sasl.client_settings(sasl_ssl, tls))
    except ConfigError as exc:
        raise LocalKafkaError(f"the SASL_SSL listener refuses its own user: {exc}") from None


def start(
    data_dir: Path,
    port: int = DEFAULT_PORT,
    controller_port: int = DEFAULT_CONTROLLER_PORT,
    heap: str = "512m",
    *,
    kafka_dir: Path = KAFKA_DIR,
    ready_timeout: float = 120.0,
    sasl_ssl: SaslSslListener | None = None,
) -> int:
    """Start (formatting on first use) a broker on data_dir and wait until it answers; return its pid.

    With sasl_ssl it also listens for SASL_SSL clients (SCRAM users made by the first format, TLS
    from the CA in data_dir/tls) and is ready once the first user can log in there.
    Idempotent: a broker already running on data_dir with the same rendered config is reused.
    Raises LocalKafkaError with the tail of data_dir/kafka.log if the JVM dies while starting.
    """
    data_dir = data_dir.resolve()
    kafka_dir = kafka_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    bootstrap = f"127.0.0.1:{port}"
    config_path = data_dir / CONFIG_FILE_NAME
    log_path = data_dir / LOG_FILE_NAME

    with _exclusive(data_dir / "start.lock"):
        config_text, tls = _render(kafka_dir, data_dir, port, controller_port, sasl_ssl)
        pid = running_pid(data_dir)
        if pid is not None:
            if config_path.read_text() != config_text:
                raise LocalKafkaError(
                    f"a broker (pid {pid}) already runs on {data_dir} with other ports or listeners; stop it first"
                )
            log.info("Kafka already running on %s (pid %d)", data_dir, pid)
            wait_ready(bootstrap, ready_timeout, process_alive=lambda: _is_our_broker(pid, data_dir))
            if sasl_ssl is not None and tls is not None:
                _check_sasl_ssl(sasl_ssl, tls)
            return pid

        (data_dir / PID_FILE_NAME).unlink(missing_ok=True)
        config_path.unlink(missing_ok=True)
        # 0600: with a SASL_SSL listener it holds the TLS key's password.
        config_path.touch(mode=0o600)
        config_path.write_text(config_text)
        if not is_formatted(config_text):
            users = sasl_ssl.users if sasl_ssl else ()
            cluster_id = format_storage(data_dir, kafka_dir=kafka_dir, extra_arguments=sasl.scram_arguments(users))
            sasl.record_users(data_dir, users)
            log.info("formatted %s with cluster id %s", config_log_dirs(config_text), cluster_id)
        elif sasl_ssl is not None:
            sasl.check_users_exist(data_dir, sasl_ssl.users)

        command = [
            java_executable(),
            f"-Xmx{heap}",
            f"-Xms{heap}",
            *JVM_PERFORMANCE_OPTS,
            *logging_opts(kafka_dir, data_dir),
            "-cp",
            str(kafka_dir / "libs" / "*"),
            "kafka.Kafka",
            str(config_path),
        ]
        # Deferred: a stop must find the pid file of a JVM it started (newsmon run stops it).
        with stopping.deferred(), log_path.open("ab") as log_file:
            # New session: Ctrl-C in the terminal that ran `up` must not kill the broker.
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=data_dir,
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
        if sasl_ssl is not None and tls is not None:
            _check_sasl_ssl(sasl_ssl, tls)
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
