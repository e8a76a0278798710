"""Stop signals become StopRequested, clean-ups are not cut short, a stopped child leaves no process
behind. Real signals sent to this process and real child processes; no broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsmon.devtools import stopping
from newsmon.devtools.stopping import StopRequested, StopSignals


def _signal_self(signum: int) -> None:
    os.kill(os.getpid(), signum)
    time.sleep(1)  # the handler runs in the main thread as soon as os.kill returns; this is a bound


@pytest.mark.parametrize(
    ("signum", "name", "status"),
    [(signal.SIGINT, "SIGINT", 130), (signal.SIGTERM, "SIGTERM", 143), (signal.SIGHUP, "SIGHUP", 129)],
)
def test_each_stop_signal_raises_stop_requested_with_the_shell_exit_status(signum, name, status):
    with pytest.raises(StopRequested) as raised, stopping.stop_signals():
        _signal_self(signum)
    assert raised.value.signum == signum
    assert raised.value.signal_name == name
    assert raised.value.exit_status == status


def test_the_previous_handlers_are_back_after_the_block():
    def mine(signum, frame):
        pass

    before = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    previous = signal.signal(signal.SIGHUP, mine)
    try:
        with stopping.stop_signals() as stops:
            assert all(signal.getsignal(signum) == stops.handle for signum in stopping.STOP_SIGNALS)
        assert signal.getsignal(signal.SIGHUP) is mine
        assert {signum: signal.getsignal(signum) for signum in before} == before
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_a_stop_in_a_clean_up_is_raised_when_the_clean_up_is_over():
    steps = []
    with pytest.raises(StopRequested) as raised, stopping.stop_signals():
        with stopping.deferred():
            with stopping.deferred():
                _signal_self(signal.SIGTERM)
                steps.append("inner clean-up finished")
            steps.append("outer clean-up finished")
        steps.append("after the clean-up")
    assert steps == ["inner clean-up finished", "outer clean-up finished"]
    assert raised.value.signum == signal.SIGTERM


def test_signals_after_the_first_are_reported_and_do_not_interrupt_the_clean_up():
    reports: list[str] = []
    stops = StopSignals(report=reports.append)
    cleaned = False
    with pytest.raises(StopRequested) as raised:
        try:
            stops.handle(signal.SIGINT)
        finally:
            stops.handle(signal.SIGINT)  # Ctrl-C pressed again while stopping
            stops.handle(signal.SIGTERM)
            cleaned = True
    assert cleaned
    assert raised.value.signum == signal.SIGINT
    assert len(reports) == 2 and "SIGTERM: already stopping" in reports[1]


def test_a_stop_that_a_library_swallowed_is_raised_again():
    # As kafka-python's network tasks do: catch whatever a callback raises, log it and go on.
    swallowed = []
    started = time.monotonic()
    with pytest.raises(StopRequested) as raised, stopping.stop_signals():
        try:
            _signal_self(signal.SIGTERM)
        except BaseException as error:
            swallowed.append(error)
        while time.monotonic() - started < 10:  # the command going on, waiting for input
            time.sleep(0.05)
    assert len(swallowed) == 1 and isinstance(swallowed[0], StopRequested)
    assert raised.value.signum == signal.SIGTERM
    assert time.monotonic() - started < 1 + 3 * stopping.REDELIVER_SECONDS


def test_a_stop_on_its_way_out_is_not_raised_again_in_the_clean_ups_it_passes():
    steps = []
    with pytest.raises(StopRequested), stopping.stop_signals():
        try:
            _signal_self(signal.SIGINT)
        finally:
            time.sleep(3 * stopping.REDELIVER_SECONDS)  # a slow clean-up outside deferred()
            steps.append("plain clean-up finished")
            with stopping.deferred():
                time.sleep(3 * stopping.REDELIVER_SECONDS)
                steps.append("deferred clean-up finished")
    assert steps == ["plain clean-up finished", "deferred clean-up finished"]
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


# --- stop_process_group --------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    """A zombie counts as gone: it holds nothing, its reaper only has to collect it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _start_group_leader(script: str) -> tuple[subprocess.Popen[bytes], int]:
    """A Python child in its own session that runs script, prints one pid, and waits for a signal."""
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, start_new_session=True, stdin=subprocess.DEVNULL
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line, "the child exited before it was ready"
    return process, int(line)


LEAVES_A_CHILD = """
import subprocess, sys, time
orphan = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
print(orphan.pid, flush=True)
time.sleep(120)
"""

IGNORES_SIGTERM = """
import os, signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print(os.getpid(), flush=True)
time.sleep(120)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_what_a_stopped_child_leaves_in_its_group_is_killed():
    process, orphan = _start_group_leader(LEAVES_A_CHILD)
    try:
        assert stopping.stop_process_group(process, timeout=10)
        assert process.returncode == -signal.SIGTERM
        assert _wait_gone(orphan), f"pid {orphan}, left in the group, survived"
    finally:
        for pid in (process.pid, orphan):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_child_that_ignores_sigterm_is_killed_with_its_group_after_the_timeout():
    process, pid = _start_group_leader(IGNORES_SIGTERM)
    started = time.monotonic()
    try:
        assert not stopping.stop_process_group(process, timeout=1)
        assert 1 <= time.monotonic() - started < 10
        assert process.returncode == -signal.SIGKILL
    finally:
        if process.returncode is None:
            process.kill()


def test_stopping_a_child_that_already_exited_returns_at_once():
    process = subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)
    process.wait()
    assert stopping.stop_process_group(process, timeout=30)
    assert process.returncode == 0
