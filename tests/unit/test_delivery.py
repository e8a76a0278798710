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
def pool(
    timeout: float = 5.0, max_restarts: int = 3, failing_starts: Path | None = None, processes: int = 1
) -> ProcessPool:
    init_args = (str(failing_starts),) if failing_starts else ()
    return ProcessPool(
        lambda: make_executor(1, slow_or_deadly.init, init_args, slow_or_deadly.warm),
        slow_or_deadly.run,
        processes=processes,
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
        with pytest.raises(NlpPoolBroken):
            asyncio.run(workers.run(["b"]))  # and ever after: only a new worker can help
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


def test_batches_run_side_by_side_one_per_process(tmp_path):
    async def two_batches(workers: ProcessPool) -> list[list]:
        return list(await asyncio.gather(*(workers.run([f"meet:{tmp_path}", "pid"]) for _ in range(2))))

    workers = pool(processes=2)
    try:
        assert workers.processes == 2
        [(first, first_pid), (second, second_pid)] = asyncio.run(two_batches(workers))
    finally:
        workers.close()
    assert (first, second) == ("MET", "MET")
    assert first_pid != second_pid

    one = pool(processes=1)
    try:
        [(first, _), (second, _)] = asyncio.run(two_batches(one))  # the second waits for the first
    finally:
        one.close()
    assert (first, second) == ("ALONE", "ALONE")


def test_a_batch_that_times_out_costs_only_its_own_process():
    async def slow_beside_naps(workers: ProcessPool) -> tuple[list, list]:
        async def naps_that_overlap_the_timeout() -> list:
            await asyncio.sleep(1.5)
            return await workers.run(["nap", "nap", "b"])  # from 1.5 s to 3.5 s: the timeout falls at 3 s

        slow = asyncio.create_task(workers.run(["slow"]))
        return await slow, await naps_that_overlap_the_timeout()

    workers = pool(timeout=3.0, processes=2)
    try:
        slow, naps = asyncio.run(slow_beside_naps(workers))
    finally:
        workers.close()
    assert isinstance(slow[0], TimedOut)
    assert naps == ["NAP", "NAP", "B"]
    assert len(replaced) == 1 and "ran past" in replaced[0]


def test_a_process_found_dead_while_idle_is_replaced_before_it_takes_a_batch():
    import os
    import signal

    workers = pool()
    try:
        [pid] = asyncio.run(workers.run(["pid"]))
        os.kill(int(pid), signal.SIGKILL)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)  # reaped by the pool's executor once it has seen the death
        assert asyncio.run(workers.run(["a", "b"])) == ["A", "B"]
    finally:
        workers.close()
    assert replaced == ["an NLP process died while idle"]


def test_a_caller_that_gives_up_waiting_passes_the_process_on():
    async def three_callers(workers: ProcessPool) -> tuple[list, bool]:
        first = asyncio.create_task(workers.run(["nap"]))
        await asyncio.sleep(0.2)
        impatient = asyncio.create_task(workers.run(["b"]))
        patient = asyncio.create_task(workers.run(["c"]))
        await asyncio.sleep(0.2)
        impatient.cancel()
        await first
        return await asyncio.wait_for(patient, timeout=10), impatient.cancelled()

    workers = pool()
    try:
        assert asyncio.run(three_callers(workers)) == (["C"], True)
    finally:
        workers.close()


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
