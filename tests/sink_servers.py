"""Real receivers for the delivery tests: a `prometheus-alertmanager` process on a free port (a
throw-away config and storage dir), and a local HTTP server on 127.0.0.1 that records what it is
sent and answers as a test scripts it (a status code, or no answer at all)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ALERTMANAGER_BINARY = "prometheus-alertmanager"  # Debian's name; upstream's is `alertmanager`
HANG = "hang"  # a scripted answer: keep the connection open and never answer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def alertmanager_binary() -> str:
    path = shutil.which(ALERTMANAGER_BINARY) or shutil.which("alertmanager")
    if path is None:
        pytest.skip(f"no {ALERTMANAGER_BINARY} binary on PATH: `make setup-prometheus` installs Debian's "
                    "prometheus-alertmanager")
    return path


@dataclass
class Alertmanager:
    url: str
    process: subprocess.Popen
    log: Path

    def alerts(self, **filters: str) -> list[dict]:
        """GET /api/v2/alerts (active, silenced and inhibited ones: Alertmanager's defaults)."""
        query = urllib.parse.urlencode([("filter", f'{name}="{value}"') for name, value in filters.items()])
        with urllib.request.urlopen(f"{self.url}/api/v2/alerts?{query}", timeout=10) as r:
            return json.load(r)

    def wait_for(self, what: str, check, timeout: float = 30.0):
        return wait_for_server("alertmanager", self.process, self.log, what, check, time.monotonic() + timeout)


def wait_for_server(name: str, process: subprocess.Popen, log: Path, what: str, check, deadline: float):
    """Poll check() until it returns something truthy; fail with the server's log if the server exits
    or the deadline passes. A server not answering yet counts as not yet."""
    while True:
        if process.poll() is not None:
            pytest.fail(f"{name} exited ({process.returncode}) while waiting for {what}:\n"
                        f"{log.read_text()[-3000:]}", pytrace=False)
        try:
            result = check()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; {name} log:\n{log.read_text()[-3000:]}", pytrace=False)
        time.sleep(0.2)


# Routes nowhere: the tests read the API, not notifications.
THROW_AWAY_CONFIG = """\
route:
  receiver: nowhere
  group_wait: 1h
receivers:
  - name: nowhere
"""


@pytest.fixture
def alertmanager(tmp_path: Path) -> Iterator[Alertmanager]:
    binary = alertmanager_binary()
    config = tmp_path / "alertmanager.yml"
    config.write_text(THROW_AWAY_CONFIG)
    port = free_port()
    log = tmp_path / "alertmanager.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [binary, f"--config.file={config}", f"--storage.path={tmp_path / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn"],
            stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    manager = Alertmanager(f"http://127.0.0.1:{port}", process, log)
    try:
        manager.wait_for("/-/ready", lambda: urllib.request.urlopen(f"{manager.url}/-/ready", timeout=2).status == 200)
        yield manager
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each POST with the next scripted answer (the last one repeats)."""

    answers: list[int | str] = field(default_factory=lambda: [200])
    received: list[Received] = field(default_factory=list)
    url: str = ""
    released: threading.Event = field(default_factory=threading.Event)

    def answer_for(self, number: int) -> int | str:
        return self.answers[min(number, len(self.answers) - 1)]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the http.server name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            number = len(state.received)
            state.received.append(Received(self.path, dict(self.headers), body))
            answer = state.answer_for(number)
            if answer == HANG:
                state.released.wait(120)  # until the test ends: the client times out first
                return
            self.send_response(int(answer))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_port}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.released.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
