"""A task for the process pool tests: upper-cases its items, sleeps on "slow", exits its process on
items starting with "die", and on "kill-me-once" kills its process the first time only (a marker
file remembers it)."""

from __future__ import annotations

import os
import signal
import tempfile
import time
from pathlib import Path

_MARKER = Path(tempfile.gettempdir()) / f"newsmon-kill-me-once-{os.getppid()}"


def init() -> None:
    pass


def warm() -> None:
    pass


def pid() -> int:
    return os.getpid()


def run(items: list[str]) -> list[str]:
    for item in items:
        if item == "slow":
            time.sleep(60)
        if item.startswith("die"):
            os._exit(3)
        if item == "kill-me-once" and not _MARKER.exists():
            _MARKER.touch()
            os.kill(os.getpid(), signal.SIGKILL)
    return [item.upper() for item in items]
