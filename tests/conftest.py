"""Shared fixtures: one real Kafka broker for the whole test session.

kafka_bootstrap  "127.0.0.1:PORT" of a broker started (jars fetched if needed) in a pytest tmp dir
                 on free ports and stopped at the end; with NEWSMON_TEST_KAFKA_BOOTSTRAP set, that
                 cluster is used instead and nothing is started. A broker that cannot start fails
                 the tests that need it: it never skips them.
kafka_settings   Settings pointing at kafka_bootstrap.
unique_topic     a fresh topic name per test (auto-created by the broker on first use).
broker_factory   starts extra brokers (for tests that stop or break one); all stopped at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsmon.devtools import local_kafka
from newsmon.settings import Settings

EXTERNAL_BOOTSTRAP_ENV = "NEWSMON_TEST_KAFKA_BOOTSTRAP"


@dataclass(frozen=True)
class LocalBroker:
    data_dir: Path
    port: int
    controller_port: int
    pid: int

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"


@pytest.fixture(scope="session")
def broker_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], LocalBroker]]:
    started: list[Path] = []

    def start_broker(name: str) -> LocalBroker:
        data_dir = tmp_path_factory.mktemp(name)
        port, controller_port = local_kafka.free_ports(2)
        started.append(data_dir)
        try:
            local_kafka.ensure_jars()
            pid = local_kafka.start(data_dir, port, controller_port)
        except Exception as exc:
            problem = f"the local Kafka broker in {data_dir} could not start: {exc}"
        else:
            return LocalBroker(data_dir, port, controller_port, pid)
        pytest.fail(problem, pytrace=False)  # outside `except`: no chained traceback noise

    yield start_broker
    for data_dir in started:
        local_kafka.stop(data_dir)


@pytest.fixture(scope="session")
def kafka_bootstrap(broker_factory: Callable[[str], LocalBroker]) -> str:
    external = os.environ.get(EXTERNAL_BOOTSTRAP_ENV)
    if external:
        try:
            local_kafka.wait_ready(external, timeout=30)
        except local_kafka.LocalKafkaError as exc:
            pytest.fail(f"{EXTERNAL_BOOTSTRAP_ENV}={external} does not answer: {exc}", pytrace=False)
        return external
    return broker_factory("kafka-session").bootstrap


@pytest.fixture(scope="session")
def kafka_settings(kafka_bootstrap: str) -> Settings:
    return Settings(kafka_bootstrap=kafka_bootstrap)


@pytest.fixture
def unique_topic() -> str:
    return f"test.{uuid.uuid4().hex}"


@pytest.fixture(scope="session")
def worker_settings(kafka_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A real `newsmon worker` process (all stages) on the session broker, topics created first.
    Tests share it, so each one uses article ids and texts of its own."""
    from newsmon.kafka_clients import create_topics
    from newsmon.devtools.run import worker_process

    settings = kafka_settings.model_copy(update={
        "web_port": local_kafka.free_port(), "data_dir": tmp_path_factory.mktemp("worker"),
    })
    create_topics(settings)
    try:
        with worker_process(settings) as process:
            _session_worker["process"] = process
            yield settings
    except (RuntimeError, TimeoutError) as exc:
        pytest.fail(f"the newsmon worker could not start: {exc}", pytrace=False)


_session_worker: dict[str, object] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """A failed test that used the shared worker shows whether it is still running, and its log's end."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed or "worker_settings" not in getattr(item, "fixturenames", ()):
        return
    settings = item.funcargs["worker_settings"]
    process = _session_worker.get("process")
    state = "running" if process is not None and process.poll() is None else f"exited with {getattr(process, 'returncode', None)}"
    log_path = settings.data_dir / "worker.log"
    tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-60:]) if log_path.exists() else "(no log)"
    report.sections.append((f"the shared newsmon worker ({state}): the end of {log_path}", tail))
