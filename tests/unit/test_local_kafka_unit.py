"""local_kafka without a broker: config rendering, cluster ids, jar stamps, pid-file safety."""

from __future__ import annotations

import base64
import os
import uuid
from pathlib import Path

import pytest

from newsmon.devtools import local_kafka
from newsmon.devtools.local_kafka import jars, storage


def _properties(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def test_the_shipped_template_renders_a_single_node_on_127_0_0_1(tmp_path):
    template = (local_kafka.KAFKA_DIR / "server.properties").read_text()
    rendered = local_kafka.render_server_properties(template, port=29092, controller_port=29093, data_dir=tmp_path)
    config = _properties(rendered)

    assert "${" not in rendered
    assert config["process.roles"] == "broker,controller"
    assert config["controller.quorum.voters"] == f"{config['node.id']}@127.0.0.1:29093"
    assert "controller.quorum.bootstrap.servers" not in config  # static quorum: format without --standalone
    assert config["listeners"] == "PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093"
    assert config["advertised.listeners"] == "PLAINTEXT://127.0.0.1:29092"
    assert config["log.dirs"] == str(tmp_path.resolve() / "kafka-logs")
    assert local_kafka.config_log_dirs(rendered) == [tmp_path.resolve() / "kafka-logs"]
    assert config["auto.create.topics.enable"] == "true"
    assert config["group.initial.rebalance.delay.ms"] == "0"
    assert config["offsets.topic.num.partitions"] == "1"
    for key in ("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "share.coordinator.state.topic.replication.factor", "default.replication.factor"):
        assert config[key] == "1", key


def test_rendering_rejects_unknown_placeholders_and_equal_ports(tmp_path):
    with pytest.raises(KeyError):
        local_kafka.render_server_properties("x=${NOPE}", port=1, controller_port=2, data_dir=tmp_path)
    with pytest.raises(ValueError):
        local_kafka.render_server_properties("", port=5, controller_port=5, data_dir=tmp_path)


def test_is_formatted_looks_for_meta_properties_in_every_log_dir(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    config = f"log.dirs={first},{second}\n"
    assert not local_kafka.is_formatted(config)
    for log_dir in (first, second):
        log_dir.mkdir()
        assert not local_kafka.is_formatted(config)
        (log_dir / "meta.properties").write_text("version=1\n")
    assert local_kafka.is_formatted(config)
    assert not local_kafka.is_formatted("# no log dirs\n")


def test_cluster_ids_are_22_char_url_safe_base64_of_16_bytes():
    for _ in range(2000):
        cluster_id = local_kafka.new_cluster_id()
        assert len(cluster_id) == 22 and not cluster_id.startswith("-")
        assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


def test_cluster_id_redraws_when_it_would_start_with_a_dash(monkeypatch):
    dash_first = uuid.UUID(bytes=b"\xf8" + bytes(15))  # 0xf8 >> 2 == 62, '-' in URL-safe base64
    plain = uuid.UUID(bytes=bytes(16))
    draws = iter([dash_first, dash_first, plain])
    monkeypatch.setattr(storage.uuid, "uuid4", lambda: next(draws))
    assert base64.urlsafe_b64encode(dash_first.bytes).startswith(b"-")
    assert local_kafka.new_cluster_id() == "A" * 22


def _kafka_dir(tmp_path: Path, pom: str = "<project/>") -> Path:
    kafka_dir = tmp_path / "kafka"
    (kafka_dir / "libs").mkdir(parents=True)
    (kafka_dir / "pom.xml").write_text(pom)
    return kafka_dir


def test_jars_are_current_only_with_jars_and_a_stamp_of_this_pom(tmp_path):
    kafka_dir = _kafka_dir(tmp_path)
    libs = kafka_dir / "libs"
    assert not local_kafka.jars_are_current(kafka_dir)
    (libs / local_kafka.JAR_STAMP_NAME).write_text(jars.pom_sha256(kafka_dir) + "\n")
    assert not local_kafka.jars_are_current(kafka_dir)  # stamp but no jar
    (libs / "kafka_2.13-4.3.1.jar").write_bytes(b"PK")
    assert local_kafka.jars_are_current(kafka_dir)
    (kafka_dir / "pom.xml").write_text("<project><!-- another version --></project>")
    assert not local_kafka.jars_are_current(kafka_dir)


def test_ensure_jars_with_current_jars_runs_nothing(tmp_path, monkeypatch):
    kafka_dir = _kafka_dir(tmp_path)
    (kafka_dir / "libs" / "a.jar").write_bytes(b"PK")
    (kafka_dir / "libs" / local_kafka.JAR_STAMP_NAME).write_text(jars.pom_sha256(kafka_dir))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # mvn could not run even if it tried
    monkeypatch.delenv("JAVA_HOME", raising=False)
    assert local_kafka.ensure_jars(kafka_dir) == (kafka_dir / "libs").resolve()
    assert (kafka_dir / "libs" / "a.jar").exists()


def test_ensure_jars_names_the_missing_tool(tmp_path, monkeypatch):
    kafka_dir = _kafka_dir(tmp_path)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(local_kafka.LocalKafkaError, match="java not found"):
        local_kafka.ensure_jars(kafka_dir)
    (bin_dir / "java").write_text("#!/bin/sh\n")
    (bin_dir / "java").chmod(0o755)
    with pytest.raises(local_kafka.LocalKafkaError, match="mvn not found"):
        local_kafka.ensure_jars(kafka_dir)


def test_a_pid_file_naming_another_process_is_never_signalled(tmp_path):
    (tmp_path / local_kafka.PID_FILE_NAME).write_text(f"{os.getpid()}\n")  # this pytest process
    assert local_kafka.running_pid(tmp_path) is None
    assert local_kafka.stop(tmp_path) is False  # we are still alive to assert this
    assert not (tmp_path / local_kafka.PID_FILE_NAME).exists()


def test_free_ports_are_distinct_and_bindable():
    ports = local_kafka.free_ports(3)
    assert len(set(ports)) == 3
    assert all(1024 <= port <= 65535 for port in ports)
