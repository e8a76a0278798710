"""SIGTERM and SIGINT stop everything a command started: `newsmon run` (with and without --once) its
throw-away broker, its worker and the worker's NLP processes; `newsmon worker` its NLP processes.

Each test captures the process tree (from /proc) while everything runs, sends the signal, and then
checks that the command exited with its documented status and that every captured process is gone."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import REPO

from newsmon.devtools import local_kafka
from newsmon.devtools.run import SAMPLES_DIR
from newsmon.kafka_clients import create_topics

pytestmark = [
    pytest.mark.kafka,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc"),
]

START_TIMEOUT = 240  # broker, then spaCy loading in the NLP process, on a busy 2-core machine
STOP_TIMEOUT = 60


@dataclass(frozen=True)
class Process:
    pid: int
    started: int  # clock ticks after boot: tells this process from a later one given the same pid
    command: str


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def process_tree(root: int) -> list[Process]:
    """root and all its descendants, now."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        fields = _stat(pid)
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError):
            continue
        if fields:
            found.append(Process(pid, int(fields[19]), command))
            todo += children.get(pid, [])
    return found


def alive(process: Process) -> bool:
    """A zombie counts as gone: it holds nothing, only its exit status is left to collect."""
    fields = _stat(process.pid)
    return fields is not None and int(fields[19]) == process.started and fields[0] != "Z"


def survivors(processes: list[Process], timeout: float = 10.0) -> list[Process]:
    deadline = time.monotonic() + timeout
    while (left := [p for p in processes if alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def kill_leftovers(processes: list[Process]) -> None:
    """After a failed test: nothing of it may burden the other tests."""
    for process in processes:
        if alive(process):
            try:
                os.kill(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def port_accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def roles(tree: list[Process]) -> dict[str, list[Process]]:
    return {
        "broker": [p for p in tree if "kafka.Kafka" in p.command],
        "worker": [p for p in tree if "-m newsmon worker" in p.command],
        "nlp": [p for p in tree if "multiprocessing.spawn" in p.command],
        "feeds": [p for p in tree if "-m newsmon sources" in p.command],
    }


def wait_until(ready: Callable[[str, int], bool], process: subprocess.Popen[bytes], stderr_path: Path) -> None:
    """Poll ready(the stderr so far, pid) until it holds."""
    deadline = time.monotonic() + START_TIMEOUT
    while not ready(text := stderr_path.read_text(errors="replace"), process.pid):
        assert process.poll() is None, f"exited with {process.returncode} before it was ready:\n{text[-3000:]}"
        assert time.monotonic() < deadline, f"not ready within {START_TIMEOUT} s:\n{text[-3000:]}"
        time.sleep(0.1)


def says(line: str) -> Callable[[str, int], bool]:
    return lambda text, pid: line in text


def broker_runs(text: str, pid: int) -> bool:
    return bool(roles(process_tree(pid))["broker"])


def free_bootstrap_port() -> int:
    """A free port whose successor, the controller's port in forever mode, is free too."""
    while True:
        port = local_kafka.free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port


@dataclass(frozen=True)
class Stop:
    signum: int
    to_group: bool  # as a terminal sends Ctrl-C: to the whole foreground process group
    again: bool  # once more while the clean-up runs (Ctrl-C pressed twice; timeout and make both)

    def send(self, pid: int) -> None:
        if self.to_group:
            os.killpg(pid, self.signum)
        else:
            os.kill(pid, self.signum)


def stop_newsmon_run(
    tmp_path: Path, once: bool, stop: Stop, ready: Callable[[str, int], bool], extra: Sequence[str] = ()
) -> tuple[str, list[Process]]:
    """Start `newsmon run`, wait until it is `ready`, capture its process tree, send `stop`, and check
    its exit status, that the tree is gone and the broker's port closed. Returns stderr and the tree."""
    stderr_path = tmp_path / "run.stderr"
    env = dict(os.environ)
    if once:
        # stdin stays open: --once waits for its input with the broker, worker and NLP process up.
        args = ["--once", "-"]
    else:
        port = free_bootstrap_port()
        env.update(
            NEWSMON_KAFKA_BOOTSTRAP=f"127.0.0.1:{port}",
            NEWSMON_WEB_PORT=str(local_kafka.free_port()),
            NEWSMON_DATA_DIR=str(tmp_path / "var"),
        )
        args = [str(sorted(SAMPLES_DIR.glob("*.json"))[0])]
    with stderr_path.open("wb") as stderr:
        # Its own process group, as a shell gives a foreground job; the terminal's Ctrl-C goes to it.
        run = subprocess.Popen(
            [sys.executable, "-m", "newsmon", "run", *args, *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
            cwd=REPO,
            start_new_session=True,
        )
    tree: list[Process] = []
    try:
        wait_until(ready, run, stderr_path)
        tree = process_tree(run.pid)
        (broker,) = roles(tree)["broker"]
        stop.send(run.pid)
        if stop.again:
            wait_until(says("stopping Kafka"), run, stderr_path)
            stop.send(run.pid)
        try:
            status = run.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {STOP_TIMEOUT} s after {signal.Signals(stop.signum).name}")
        text = stderr_path.read_text(errors="replace")
        assert status == 128 + stop.signum, f"exit status {status}:\n{text[-3000:]}"
        assert f"stopped by {signal.Signals(stop.signum).name}" in text
        assert not survivors(tree), f"left running: {survivors(tree, 0)}\n{text[-3000:]}"
        broker_port = int(re.findall(r"starting Kafka on 127\.0\.0\.1:(\d+)", text)[0])
        assert not port_accepts(broker_port)
        if once:
            (data_dir,) = re.findall(r"(\S+)/kafka/server\.properties", broker.command)
            assert not Path(data_dir).exists(), "the throw-away data dir is still there"
        return text, tree
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        kill_leftovers(tree)
        if run.stdin:
            run.stdin.close()


@pytest.mark.parametrize(
    ("once", "stop"),
    [
        pytest.param(True, Stop(signal.SIGTERM, to_group=False, again=False), id="once-SIGTERM"),
        pytest.param(True, Stop(signal.SIGINT, to_group=True, again=False), id="once-Ctrl-C"),
        pytest.param(False, Stop(signal.SIGTERM, to_group=False, again=True), id="forever-SIGTERM-twice"),
        pytest.param(False, Stop(signal.SIGINT, to_group=True, again=True), id="forever-Ctrl-C-twice"),
    ],
)
def test_a_signal_stops_newsmon_run_and_everything_it_started(tmp_path, once, stop):
    text, tree = stop_newsmon_run(tmp_path, once, stop, says("worker up" if once else "alerts follow"))

    found = roles(tree)
    assert len(found["worker"]) == 1 and found["nlp"], tree
    assert "stopping Kafka" in text
    if stop.again:
        assert "already stopping" in text
    else:
        assert "already stopping" not in text  # a terminal's Ctrl-C reached newsmon run alone


def test_newsmon_run_with_feeds_starts_a_feed_poller_and_a_signal_stops_it_too(tmp_path):
    feeds = tmp_path / "feeds.yaml"  # a feed that cannot be reached: the poller counts it and keeps going
    feeds.write_text(f"feeds:\n  - name: unreachable\n    url: http://127.0.0.1:{local_kafka.free_port()}/rss.xml\n")
    text, tree = stop_newsmon_run(tmp_path, False, Stop(signal.SIGTERM, to_group=False, again=False),
                                  says("alerts follow"), extra=["--feeds", str(feeds)])
    found = roles(tree)
    assert len(found["worker"]) == 1 and len(found["feeds"]) == 1, tree
    assert f"the feeds of {feeds} are polled" in text


def test_sigterm_while_the_broker_starts_stops_it_and_removes_the_throw_away_dir(tmp_path):
    _, tree = stop_newsmon_run(tmp_path, once=True, stop=Stop(signal.SIGTERM, to_group=False, again=False),
                               ready=broker_runs)
    assert not roles(tree)["worker"], "the signal was meant to come before the worker started"


# --- newsmon worker on its own -------------------------------------------------------------------


def start_worker(kafka_settings, tmp_path: Path) -> tuple[subprocess.Popen[bytes], list[Process]]:
    """A `newsmon worker` in its own process group and consumer group, up and serving /metrics."""
    web_port = local_kafka.free_port()
    settings = kafka_settings.model_copy(update={"web_port": web_port, "data_dir": tmp_path})
    create_topics(settings)
    env = dict(
        os.environ,
        NEWSMON_KAFKA_BOOTSTRAP=settings.kafka_bootstrap,
        NEWSMON_WEB_PORT=str(web_port),
        NEWSMON_DATA_DIR=str(tmp_path),
        NEWSMON_WORKER_ID=f"stops-{uuid.uuid4().hex[:8]}",  # not the group of the tests' shared worker
    )
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "newsmon", "worker"],
            env=env,
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/metrics", timeout=2):
                break
        except OSError:
            pass
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            pytest.fail(f"the worker did not come up:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)
    tree = process_tree(worker.pid)
    assert roles(tree)["nlp"], f"no NLP process under the worker: {tree}"
    return worker, tree


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_worker_stops_its_nlp_processes_on_a_signal(kafka_settings, tmp_path, signum):
    worker, tree = start_worker(kafka_settings, tmp_path)
    try:
        worker.send_signal(signum)  # to the worker alone, as newsmon run does
        assert worker.wait(STOP_TIMEOUT) == 0
        assert not survivors(tree), f"left running: {survivors(tree, 0)}"
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        kill_leftovers(tree)


def test_sigkill_of_the_worker_process_group_leaves_nothing(kafka_settings, tmp_path):
    worker, tree = start_worker(kafka_settings, tmp_path)
    try:
        os.killpg(worker.pid, signal.SIGKILL)
        assert worker.wait(STOP_TIMEOUT) == -signal.SIGKILL
        assert not survivors(tree), f"left running: {survivors(tree, 0)}"
    finally:
        kill_leftovers(tree)
