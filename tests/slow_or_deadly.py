"""A task for the process pool tests: upper-cases its items, sleeps on "slow" (a minute) and "nap"
(a second), exits its process on items starting with "die", on "kill-me-once" kills its process
the first time only (a marker file remembers it), answers "pid" with its process id and
"meet:<folder>" with MET when another process came to that folder while it waited there (2 s),
else ALONE. Initialised with a path, a start dies while warming as long as the number in
that file is above zero (each such start takes one off), as processes that cannot start do."""

from __future__ import annotations

import os
import signal
import tempfile
import time
from pathlib import Path

_MARKER = Path(tempfile.gettempdir()) / f"newsmon-kill-me-once-{os.getppid()}"


_failing_starts: Path | None = None


def init(failing_starts: str | None = None) -> None:
    global _failing_starts
    _failing_starts = Path(failing_starts) if failing_starts else None


def warm() -> None:
    if _failing_starts is not None and _failing_starts.exists():
        left = int(_failing_starts.read_text())
        if left > 0:
            _failing_starts.write_text(str(left - 1))
            os._exit(4)


def pid() -> int:
    return os.getpid()


def meet(folder: Path, wait: float = 2.0) -> str:
    """MET if another process is in `folder` at some moment while this one waits there."""
    here = folder / str(os.getpid())
    here.touch()
    deadline = time.monotonic() + wait
    try:
        while time.monotonic() < deadline:
            if any(other != here for other in folder.iterdir()):
                time.sleep(0.5)  # stay a little, for the other to see this one too
                return "MET"
            time.sleep(0.02)
        return "ALONE"
    finally:
        here.unlink()


def run(items: list[str]) -> list[str]:
    answers = {}
    for item in items:
        if item == "slow":
            time.sleep(60)
        if item == "nap":
            time.sleep(1)
        if item == "pid":
            answers[item] = str(os.getpid())
        if item.startswith("meet:"):
            answers[item] = meet(Path(item.removeprefix("meet:")))
        if item.startswith("die"):
            os._exit(3)
        if item == "kill-me-once" and not _MARKER.exists():
            _MARKER.touch()
            os.kill(os.getpid(), signal.SIGKILL)
    return [answers.get(item, item.upper()) for item in items]
