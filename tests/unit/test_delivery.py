"""The decisions behind at-least-once delivery with bounded state: which table entries expire,
which alerts are repeats, and how the NLP process pool survives slow articles and dying processes."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from kafka.partitioner.default import murmur2

import slow_or_deadly
from newsmon.enrich.pool import NlpPoolBroken, ProcessDied, ProcessPool, TimedOut, make_executor
from newsmon.normalize.dedup import FirstSeen
from newsmon.stream.expiry import expired_keys, key_partition


def first_seen_epoch(value):
    entry = FirstSeen.from_json(value)
    return entry.epoch if entry else None


# -- expiry ------------------------------------------------------------------------------------------
def test_key_partition_is_the_java_clients_murmur2():
    for key in (b"a", b"fingerprint-0123456789abcdef", "Kyiv ☂".encode()):
        assert key_partition(key, 6) == (murmur2(key) & 0x7FFFFFFF) % 6  # kafka-python's copy of the Java hash


def test_entries_past_the_window_expire_in_owned_partitions_only():
    entries = [(f"k{n}".encode(), FirstSeen(float(n * 10), "0/0").to_json()) for n in range(10)]
    owned_all = set(range(6))
    assert expired_keys(entries, 100.0, 45.0, first_seen_epoch, partitions=6, owned=owned_all) == [
        b"k0", b"k1", b"k2", b"k3", b"k4", b"k5"
    ]  # epochs 0..50 are at least 45 s old at 100
    owned = {key_partition(b"k1", 6)}
    only_k1_partition = expired_keys(entries, 100.0, 45.0, first_seen_epoch, partitions=6, owned=owned)
    assert b"k1" in only_k1_partition
    assert all(key_partition(key, 6) in owned for key in only_k1_partition)


def test_unreadable_entries_expire():
    assert expired_keys([(b"x", "???")], 0.0, 10.0, first_seen_epoch, partitions=1, owned={0}) == [b"x"]


# -- repeated alerts ------------------------------------------------------------------------------------
# -- the process pool ----------------------------------------------------------------------------------
def pool(timeout: float = 5.0, max_restarts: int = 3, failing_starts: Path | None = None) -> ProcessPool:
    init_args = (str(failing_starts),) if failing_starts else ()
    return ProcessPool(
        lambda: make_executor(1, slow_or_deadly.init, init_args, slow_or_deadly.warm),
        slow_or_deadly.run,
        timeout=timeout,
        max_restarts=max_restarts,
        on_replace=replaced.append,
    )


replaced: list[str] = []


@pytest.fixture(autouse=True)
def clear_replaced():
    replaced.clear()


def test_a_slow_item_alone_times_out_and_the_rest_of_its_batch_is_done():
    workers = pool(timeout=3.0)
    try:
        results = asyncio.run(workers.run(["a", "b", "slow", "c"]))
    finally:
        workers.close()
    assert results[:2] == ["A", "B"] and results[3] == "C"
    assert isinstance(results[2], TimedOut)
    assert replaced and all("ran past" in cause for cause in replaced)


def test_an_item_that_kills_its_process_is_isolated_and_the_pool_replaced():
    workers = pool()
    try:
        results = asyncio.run(workers.run(["a", "die", "b"]))
        after = asyncio.run(workers.run(["c"]))
    finally:
        workers.close()
    assert results[0] == "A" and results[2] == "B" and isinstance(results[1], ProcessDied)
    assert after == ["C"]
    assert any("died" in cause for cause in replaced)


def test_a_process_killed_from_outside_is_replaced_and_its_batch_retried():
    workers = pool()
    try:
        assert asyncio.run(workers.run(["a"])) == ["A"]
        results = asyncio.run(workers.run(["kill-me-once", "b"]))  # the process is killed mid-batch
    finally:
        workers.close()
    assert results == ["KILL-ME-ONCE", "B"]
    assert len(replaced) == 1


def test_articles_that_kill_or_outlast_their_processes_never_stop_the_worker():
    # Finding them takes many replacements in a row; that is the articles' fault, not the pool's.
    # Giving up here would crash the worker on them again after every restart.
    workers = pool(timeout=3.0, max_restarts=0)
    items = ["die", *"abcdef", "die-too", "slow", "g", "slow"]
    try:
        results = asyncio.run(workers.run(items))
    finally:
        workers.close()
    assert [r for r in results if isinstance(r, str)] == list("ABCDEFG")
    assert [type(r) for i, r in enumerate(results) if items[i] in ("die", "die-too")] == [ProcessDied] * 2
    assert [type(r) for i, r in enumerate(results) if items[i] == "slow"] == [TimedOut] * 2
    assert len(replaced) >= 6


def test_processes_that_cannot_start_again_give_up(tmp_path):
    failing_starts = tmp_path / "failing-starts"
    workers = pool(max_restarts=2, failing_starts=failing_starts)
    try:
        assert asyncio.run(workers.run(["a"])) == ["A"]
        failing_starts.write_text("100")
        with pytest.raises(NlpPoolBroken, match="could not start 3 times in a row"):
            asyncio.run(workers.run(["die"]))  # its replacements die while warming
    finally:
        workers.close()
    assert failing_starts.read_text() == "97"


def test_a_start_that_fails_is_tried_again(tmp_path):
    failing_starts = tmp_path / "failing-starts"
    workers = pool(max_restarts=1, failing_starts=failing_starts)
    try:
        assert asyncio.run(workers.run(["a"])) == ["A"]
        failing_starts.write_text("1")  # the next start dies warming, the one after succeeds
        results = asyncio.run(workers.run(["die", "b"]))
    finally:
        workers.close()
    assert isinstance(results[0], ProcessDied) and results[1] == "B"
    assert failing_starts.read_text() == "0"


def test_nlp_processes_exit_when_their_worker_dies_alone(tmp_path):
    # A worker killed by pid (not its process group) must not leave its NLP processes running.
    import subprocess
    import sys
    script = (
        "import sys, time; sys.path[:0] = sys.argv[1:]\n"
        "import slow_or_deadly\n"
        "from newsmon.enrich.pool import make_executor\n"
        "executor = make_executor(1, slow_or_deadly.init, ())\n"
        "[pid] = executor.submit(slow_or_deadly.pid).result(), \n"
        "print(pid, flush=True); time.sleep(60)\n"
    )
    here = str(Path(__file__).resolve().parents[1])
    parent = subprocess.Popen([sys.executable, "-c", script, here, *sys.path], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
        if Path(f"/proc/{child}/stat").read_text().split()[2] == "Z":
            break  # a zombie waiting for init to reap it: it has exited
        time.sleep(0.2)
    assert not Path(f"/proc/{child}").exists() or Path(f"/proc/{child}/stat").read_text().split()[2] == "Z"


def test_table_entries_go_to_the_partition_of_their_key_without_an_event_or_metadata():
    # A fresh worker's first write has neither the changelog's metadata nor, in a sweep, the key's
    # own partition as the current event's.
    import faust

    from newsmon.stream.expiry import key_partitioned_table

    app = faust.App("newsmon-test-tables", store="memory://", autodiscover=False)
    table = key_partitioned_table(app, "fingerprints", 6, "test")
    for key in (b"a", b"0123456789abcdef", "Kyiv".encode()):
        assert table.partition_for_key(key) == key_partition(key, 6)
