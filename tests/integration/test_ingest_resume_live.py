"""`newsmon ingest` resumes on the real broker: a folder ingested again publishes nothing, a file added
is the only one published, and an ingest killed mid-way and run again loses nothing."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter

import orjson
import pytest
from kafka import KafkaConsumer, TopicPartition
from support import REPO, assert_valid

from newsmon import topics
from newsmon.kafka_clients import client_config, create_topics
from newsmon.normalize.article import derived_id

pytestmark = pytest.mark.kafka

SUMMARY = re.compile(
    rb"newsmon ingest: read (\d+), published (\d+), skipped (\d+) already ingested, (\d+) not published\n"
)


def env_for(settings) -> dict[str, str]:
    return dict(os.environ, NEWSMON_KAFKA_BOOTSTRAP=settings.kafka_bootstrap)


def ingest(settings, *args: str) -> tuple[int, int, int, int]:
    done = subprocess.run([sys.executable, "-m", "newsmon", "ingest", "-q", *args], capture_output=True,
                          env=env_for(settings), cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    match = SUMMARY.search(done.stderr)
    assert match, done.stderr
    read, published, skipped, refused = (int(n) for n in match.groups())
    return read, published, skipped, refused


def read_whole(settings, topic: str, timeout: float = 120) -> list:
    """Every message of the topic, from its start to its end as of now."""
    consumer = KafkaConsumer(**client_config(settings), group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        messages: list = []
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            assert time.monotonic() < deadline, f"reading {topic} took over {timeout} s"
            for records in consumer.poll(timeout_ms=500).values():
                messages.extend(records)
        return messages
    finally:
        consumer.close()


def raw_ids(settings, tag: str) -> Counter:
    """How often each article of this test (its id or text holds `tag`) is on news.articles.raw."""
    counted: Counter = Counter()
    for message in read_whole(settings, topics.RAW):
        if message.value is None or tag.encode() not in message.value:  # other tests' messages, tombstones
            continue
        try:
            article = orjson.loads(message.value)
        except orjson.JSONDecodeError:
            counted[message.value.decode(errors="replace")] += 1
            continue
        assert_valid(topics.RAW, article)
        counted[article.get("id") or derived_id(article["text"])] += 1
    return counted


def test_a_folder_ingested_again_publishes_nothing_and_an_added_file_alone_is_published(kafka_settings, tmp_path):
    create_topics(kafka_settings)
    tag = uuid.uuid4().hex
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / f"flood-{tag}.txt").write_text(f"Floods hit Riverton ({tag}).", encoding="utf-8")
    (folder / "wire.json").write_bytes(orjson.dumps([
        {"id": f"wire-{tag}", "text": f"A fire broke out in Lisbon ({tag})."},
        {"text": f"Storms reached Jakarta ({tag})."},  # no id: known by the id normalize derives
    ]))
    (folder / "feed.jsonl").write_bytes(
        b"\n".join(orjson.dumps({"id": f"feed-{tag}-{n}", "text": f"Item {n} ({tag})"}) for n in range(3))
        + f'\n{{broken line {tag}\n'.encode())  # no article: known by its bytes

    assert ingest(kafka_settings, str(folder)) == (7, 7, 0, 0)
    assert ingest(kafka_settings, str(folder)) == (7, 0, 7, 0)
    (folder / f"later-{tag}.txt").write_text(f"Aftershocks shook Izmir ({tag}).", encoding="utf-8")
    assert ingest(kafka_settings, str(folder)) == (8, 1, 7, 0)
    assert ingest(kafka_settings, "--no-resume", str(folder / f"later-{tag}.txt")) == (1, 1, 0, 0)

    counted = raw_ids(kafka_settings, tag)
    assert len(counted) == 8, counted
    assert counted.pop(f"later-{tag}") == 2  # once, and once more with --no-resume
    assert set(counted.values()) == {1}, counted


def end_offsets(settings, topic: str) -> int:
    consumer = KafkaConsumer(**client_config(settings), group_id=None)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return sum(consumer.end_offsets(partitions).values())
    finally:
        consumer.close()


def test_an_ingest_killed_mid_way_and_run_again_publishes_the_rest(kafka_settings, tmp_path):
    create_topics(kafka_settings)
    tag = uuid.uuid4().hex
    total = 60_000
    path = tmp_path / "large.jsonl"
    path.write_bytes(b"\n".join(
        orjson.dumps({"id": f"big-{tag}-{n}", "text": f"Report {n} of {tag}: " + "the river rose overnight. " * 8})
        for n in range(total)) + b"\n")

    start = end_offsets(kafka_settings, topics.RAW)
    process = subprocess.Popen([sys.executable, "-m", "newsmon", "ingest", "-q", str(path)],
                               env=env_for(kafka_settings), cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while end_offsets(kafka_settings, topics.RAW) - start < total // 5:
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline, "the ingest published too little in 120 s"
            time.sleep(0.2)
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    first_run = end_offsets(kafka_settings, topics.RAW) - start
    assert first_run < total, "the ingest ended before it was killed: nothing was resumed"

    read, published, skipped, refused = ingest(kafka_settings, str(path))
    assert (read, refused) == (total, 0)
    assert skipped > 0 and published + skipped == total
    assert skipped <= first_run  # only what the first run confirmed and recorded

    counted = raw_ids(kafka_settings, tag)
    assert set(counted) == {f"big-{tag}-{n}" for n in range(total)}, "every article is on the topic"
    duplicates = sum(counted.values()) - total
    # Published by the killed run but not yet recorded in news.sources.seen: the only repeats.
    assert duplicates == first_run - skipped
    print(f"killed after {first_run} of {total} published; resumed run skipped {skipped}, "
          f"published {published}; {duplicates} published twice")
