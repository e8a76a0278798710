"""Where the benchmark's CPU time goes: the worker's own process, its NLP processes, the broker and
the benchmark's clients, read from /proc before and after a run; and how busy the whole machine
was meanwhile (other people's processes included), to tell a slow run from a busy machine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from newsmon.devtools import local_kafka
from newsmon.settings import Settings

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (0 for one that is gone)."""
    try:
        # The fields after the command name: state is the first, utime the 12th, stime the 13th.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_busy_and_total() -> tuple[int, int]:
    """Clock ticks of all cores so far: busy ones, and all (from /proc/stat's first line)."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return sum(ticks) - idle, sum(ticks)


def nlp_children(worker_pid: int) -> list[int]:
    """The worker's NLP processes (spawned by multiprocessing; its resource tracker is not one)."""
    found = []
    for task in Path(f"/proc/{worker_pid}/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except OSError:  # a thread that ended since the listing
            continue
        for child in children:
            try:
                if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(int(child))
            except OSError:
                continue
    return found


@dataclass
class CpuWatch:
    """CPU seconds per role between `start()` and `stop()`."""

    roles: dict[str, list[int]]
    _before: dict[str, float] | None = None
    _machine_before: tuple[int, int] = (0, 0)

    def _now(self) -> dict[str, float]:
        return {role: sum(cpu_seconds(pid) for pid in pids) for role, pids in self.roles.items()}

    def start(self) -> None:
        self._before = self._now()
        self._machine_before = machine_busy_and_total()

    def stop(self, articles: int) -> dict[str, float]:
        """CPU milliseconds per article per role, and the share of the machine's cores busy."""
        assert self._before is not None, "start() first"
        after = self._now()
        busy, total = machine_busy_and_total()
        per_article = {
            f"{role}_cpu_ms_per_article": round(1000 * (after[role] - self._before[role]) / max(articles, 1), 1)
            for role in self.roles
        }
        busy_share = (busy - self._machine_before[0]) / max(total - self._machine_before[1], 1)
        return {**per_article, "machine_busy_share": round(busy_share, 3)}


def worker_cpu_watch(settings: Settings, worker_pid: int) -> CpuWatch:
    """The CPU of a benchmark run: the worker's own process, its NLP processes, the broker this
    command started (data_dir/kafka), and this process, the benchmark's clients."""
    broker = local_kafka.running_pid(settings.data_dir / "kafka")
    return CpuWatch(
        {
            "worker_main": [worker_pid],
            "nlp": nlp_children(worker_pid),
            "broker": [broker] if broker else [],
            "bench_clients": [os.getpid()],
        }
    )
