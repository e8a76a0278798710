"""The local broker: start is idempotent, data survives a restart, stop really stops, failures are loud."""

from __future__ import annotations

import os
import socket
import time
import uuid

import pytest
from kafka import KafkaConsumer, KafkaProducer

from newsmon.devtools import local_kafka
from newsmon.devtools.local_kafka import cli as local_kafka_cli
from newsmon.kafka_clients import admin_client, client_config, create_topics
from newsmon.settings import Settings

pytestmark = pytest.mark.kafka


def _port_accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_produce_then_consume_through_a_consumer_group(kafka_settings, unique_topic):
    # The topic does not exist yet: the broker auto-creates it, as Faust's internal topics need.
    config = client_config(kafka_settings)
    producer = KafkaProducer(**config, acks="all")
    try:
        producer.send(unique_topic, key=b"article-1", value=b"hello kafka").get(timeout=30)
    finally:
        producer.close()

    consumer = KafkaConsumer(
        unique_topic, **config, group_id=f"test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest", consumer_timeout_ms=30_000,
    )
    try:
        record = next(iter(consumer))
    finally:
        consumer.close()
    assert (record.key, record.value) == (b"article-1", b"hello kafka")


def test_start_is_idempotent_restart_keeps_data_and_stop_really_stops(broker_factory):
    broker = broker_factory("kafka-lifecycle")
    settings = Settings(kafka_bootstrap=broker.bootstrap)
    log_path = broker.data_dir / local_kafka.LOG_FILE_NAME

    assert local_kafka.start(broker.data_dir, broker.port, broker.controller_port) == broker.pid
    assert log_path.read_text().count("Kafka Server started") == 1
    assert local_kafka_cli.main(["status", "--data-dir", str(broker.data_dir), "--port", str(broker.port)]) == 0
    assert create_topics(settings, ["lifecycle.kept"]) == ["lifecycle.kept"]
    with admin_client(settings) as admin:
        cluster_id = admin.describe_cluster()["cluster_id"]

    assert local_kafka.stop(broker.data_dir) is True
    assert not _process_exists(broker.pid)
    assert not _port_accepts(broker.port)
    assert not _port_accepts(broker.controller_port)
    assert not (broker.data_dir / local_kafka.PID_FILE_NAME).exists()
    assert local_kafka.stop(broker.data_dir) is False
    assert local_kafka_cli.main(["status", "--data-dir", str(broker.data_dir), "--port", str(broker.port)]) == 1

    began = time.monotonic()
    restarted_pid = local_kafka.start(broker.data_dir, broker.port, broker.controller_port)
    restart_seconds = time.monotonic() - began
    assert restarted_pid != broker.pid
    with admin_client(settings) as admin:
        assert admin.describe_cluster()["cluster_id"] == cluster_id  # not re-formatted
        assert "lifecycle.kept" in admin.list_topics()
    assert local_kafka.stop(broker.data_dir) is True
    print(f"restart of a formatted broker until ready: {restart_seconds:.1f}s")


def test_start_fails_with_the_log_tail_when_the_port_is_taken(tmp_path):
    local_kafka.ensure_jars()
    port, controller_port = local_kafka.free_ports(2)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        with pytest.raises(local_kafka.LocalKafkaError) as failure:
            local_kafka.start(tmp_path, port, controller_port, ready_timeout=60)
    assert "exited while starting" in str(failure.value)
    assert "Address already in use" in str(failure.value)
    assert local_kafka.running_pid(tmp_path) is None
    assert not (tmp_path / local_kafka.PID_FILE_NAME).exists()
