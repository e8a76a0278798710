"""Stopping a development command, and every process it started, alike on Ctrl-C, SIGTERM or SIGHUP.

`stop_signals()` turns those signals into StopRequested, raised in the main thread, so every
`finally` and context manager on the way out runs. Clean-up code runs inside `deferred()`: a
signal that arrives there is remembered and raised only when the clean-up is over, and once a
stop is under way later signals are only reported, so pressing Ctrl-C twice, or `timeout` and
make both sending SIGTERM, cannot abort a clean-up halfway.

A library may swallow the StopRequested (kafka-python's network tasks catch and log whatever their
callbacks raise), and the command would go on as if no signal had come. So until the block ends, a
stop is raised again every REDELIVER_SECONDS unless it is on its way out (being handled in a
`finally` or `__exit__` up the stack) or held by `deferred()`.

`stop_process_group()` stops a child that leads its own process group, and what it left behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import NoReturn

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
REDELIVER_SECONDS = 1.0


class StopRequested(BaseException):
    """A stop signal arrived. Not an Exception, so that `except Exception` cannot swallow it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_status(self) -> int:
        """The shell's convention for a command ended by a signal: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum


def _report(message: str) -> None:
    # os.write, not print: a handler that prints while the main thread prints raises "reentrant call".
    with contextlib.suppress(OSError):
        os.write(2, f"newsmon: {message}\n".encode())


class StopSignals:
    """What one command has received: the first stop signal raises StopRequested (at the end of the
    clean-up it arrived in, if it arrived in one); later ones are only reported."""

    def __init__(self, report: Callable[[str], None] = _report, redeliver_every: float | None = None) -> None:
        self.signum: int | None = None
        self._raised = False
        self._deferring = 0
        self._report = report
        self._redeliver_every = redeliver_every  # seconds; only where SIGALRM calls redeliver()

    def handle(self, signum: int, frame: FrameType | None = None) -> None:
        """The signal handler."""
        if self.signum is not None:
            self._report(f"{signal.Signals(signum).name}: already stopping, cleaning up what this command started")
            return
        self.signum = signum
        if not self._deferring:
            self._raise()

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        self._deferring += 1
        try:
            yield
        finally:
            self._deferring -= 1
        if not self._deferring and self.signum is not None and not self._raised:
            self._raise()

    def redeliver(self, signum: int = signal.SIGALRM, frame: FrameType | None = None) -> None:
        """The SIGALRM handler while a stop is under way: raise it again if it was swallowed."""
        if self.signum is None or self._deferring or isinstance(sys.exc_info()[1], StopRequested):
            return  # no stop yet, a clean-up is running, or the stop is propagating
        raise StopRequested(self.signum)

    def _raise(self) -> NoReturn:
        assert self.signum is not None
        self._raised = True
        if self._redeliver_every:
            signal.setitimer(signal.ITIMER_REAL, self._redeliver_every, self._redeliver_every)
        raise StopRequested(self.signum)


_active: StopSignals | None = None


@contextlib.contextmanager
def stop_signals() -> Iterator[StopSignals]:
    """SIGINT, SIGTERM and SIGHUP raise StopRequested within this block (main thread only)."""
    global _active
    stops = StopSignals(redeliver_every=REDELIVER_SECONDS)
    previous = {signum: signal.signal(signum, stops.handle) for signum in STOP_SIGNALS}
    previous[signal.SIGALRM] = signal.signal(signal.SIGALRM, stops.redeliver)
    _active = stops
    try:
        yield stops
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _active = None
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def deferred() -> contextlib.AbstractContextManager[None]:
    """Within stop_signals(): hold a stop back until the block ends; elsewhere, nothing."""
    return _active.deferred() if _active is not None else contextlib.nullcontext()


def _exited(pid: int, timeout: float) -> bool:
    """Has the child pid exited within timeout? It is not reaped (WNOWAIT): while it is a zombie its
    pid, and so its process group id, cannot be given to another process."""
    deadline = time.monotonic() + timeout
    while os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def stop_process_group(process: subprocess.Popen[bytes], timeout: float = 30.0) -> bool:
    """SIGTERM `process` (started with start_new_session=True) and wait up to timeout for it to exit,
    then SIGKILL its whole process group: all of it if it did not exit, else what outlived it (a
    worker's NLP processes do not exit when the worker dies). Returns whether SIGTERM sufficed."""
    pid = process.pid
    exited_on_sigterm = True
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        exited_on_sigterm = _exited(pid, timeout)
    # Reaped already (returncode set), the group id is still reserved while any member lives.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    process.wait()
    return exited_on_sigterm
