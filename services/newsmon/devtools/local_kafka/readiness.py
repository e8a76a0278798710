"""Readiness: the broker is up when a real client request (DescribeCluster) finds an unfenced broker."""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from newsmon.devtools.local_kafka.jars import LocalKafkaError
from newsmon.kafka_clients import open_admin_client


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def first_host_port(bootstrap: str) -> tuple[str, int]:
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
    host, port = first_host_port(bootstrap)
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
                        cluster: dict[str, Any] = admin.describe_cluster()
                    brokers = cluster.get("brokers") or []
                    if brokers and not any(b.get("is_fenced") for b in brokers):
                        return cluster
                    last_problem = f"no unfenced broker yet: {brokers}"
                except Exception as exc:  # noqa: BLE001  (any client failure just means "not yet")
                    last_problem = f"{type(exc).__name__}: {exc}"
            time.sleep(0.2)
