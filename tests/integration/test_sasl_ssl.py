"""SASL_SSL end to end on a real broker of this module's own, started by `newsmon kafka up` with a
SCRAM-SHA-512 user and a test CA: the CLI and a real worker connect with credentials from the
environment or a file, wrong credentials fail fast with one clear line, and the password shows
nowhere (logs, errors, /metrics, `newsmon kafka status`, the broker's files)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest
from pydantic import SecretStr
from support import REPO, assert_valid, consume, produce

from newsmon import topics
from newsmon.devtools import local_kafka
from newsmon.devtools.run import KAFKA_SECURITY_FIELDS, worker_process
from newsmon.kafka_clients import create_topics
from newsmon.settings import Settings

pytestmark = pytest.mark.kafka

USER = "newsmon-test"
# A comma and '=' too: the storage tool's --add-scram could not take such a password as it is.
PASSWORD = f"pw,={secrets.token_urlsafe(12)}"
WRONG_PASSWORD = f"wrong-{secrets.token_urlsafe(12)}"
FAIL_FAST_SECONDS = 30


@dataclass(frozen=True)
class SecuredBroker:
    data_dir: Path
    port: int
    sasl_port: int
    ca_file: Path
    password_file: Path

    def env(self, **changes: str | None) -> dict[str, str]:
        """The environment of a newsmon command that connects as USER, the password from the file."""
        env = {k: v for k, v in os.environ.items() if k.removeprefix("NEWSMON_").lower() not in KAFKA_SECURITY_FIELDS}
        env.update({
            "NEWSMON_KAFKA_BOOTSTRAP": f"127.0.0.1:{self.sasl_port}",
            "NEWSMON_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "NEWSMON_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "NEWSMON_KAFKA_SASL_USERNAME": USER,
            "NEWSMON_KAFKA_SASL_PASSWORD_FILE": str(self.password_file),
            "NEWSMON_KAFKA_SSL_CAFILE": str(self.ca_file),
        })
        for name, value in changes.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def settings(self, **changes) -> Settings:
        return Settings(
            kafka_bootstrap=f"127.0.0.1:{self.sasl_port}", kafka_security_protocol="SASL_SSL",
            kafka_sasl_mechanism="SCRAM-SHA-512", kafka_sasl_username=USER, kafka_sasl_password=SecretStr(PASSWORD),
            kafka_sasl_password_file=None, kafka_ssl_cafile=self.ca_file, kafka_ssl_certfile=None,
            kafka_ssl_keyfile=None, **changes,
        )


def newsmon(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsmon", *args], capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=timeout, stdin=subprocess.DEVNULL)


def assert_no_password(text: str, where: str) -> None:
    for secret in (PASSWORD, WRONG_PASSWORD):
        assert secret not in text, f"a password in {where}"


@pytest.fixture(scope="module")
def secured(tmp_path_factory) -> Iterator[SecuredBroker]:
    data_dir = tmp_path_factory.mktemp("kafka-sasl-ssl")
    secrets_dir = tmp_path_factory.mktemp("secrets")
    password_file = secrets_dir / "kafka-password"
    password_file.write_text(PASSWORD + "\n")
    port, controller_port, sasl_port = local_kafka.free_ports(3)
    broker = SecuredBroker(data_dir, port, sasl_port, data_dir / "tls" / "ca.pem", password_file)
    try:
        # No CA setting yet: `up` makes the CA and says what clients need.
        up = newsmon("kafka", "up", "--data-dir", str(data_dir), "--port", str(port),
                     "--controller-port", str(controller_port), env=broker.env(NEWSMON_KAFKA_SSL_CAFILE=None))
        if up.returncode != 0:
            pytest.fail(f"newsmon kafka up with SASL_SSL failed: {up.stdout}{up.stderr}", pytrace=False)
        assert f"SASL_SSL at 127.0.0.1:{sasl_port}; clients need NEWSMON_KAFKA_SSL_CAFILE={broker.ca_file}" in up.stdout
        assert_no_password(up.stdout + up.stderr, "the output of newsmon kafka up")
        yield broker
    finally:
        local_kafka.stop(data_dir)


def test_ingest_publishes_with_the_password_from_the_environment_or_from_a_file(secured, tmp_path):
    tag = secrets.token_hex(6)
    ids = []
    for source, env in (("env", secured.env(NEWSMON_KAFKA_SASL_PASSWORD_FILE=None, NEWSMON_KAFKA_SASL_PASSWORD=PASSWORD)),
                        ("file", secured.env())):
        article = tmp_path / f"{source}.json"
        ids.append(f"sasl-{source}-{tag}")
        article.write_text(orjson.dumps({"id": ids[-1], "text": f"Floods cut the roads around Lyon ({tag})."}).decode())
        done = newsmon("ingest", "-q", str(article), env=env)
        assert done.returncode == 0, done.stderr
        assert "read 1, published 1, skipped 0 already ingested, 0 not published" in done.stderr
        assert_no_password(done.stdout + done.stderr, f"newsmon ingest ({source})")

    def ours(messages):
        return {orjson.loads(m.value).get("id") for m in messages} & set(ids)

    messages = consume(secured.settings(), topics.RAW, lambda ms: ours(ms) == set(ids), timeout=60)
    assert ours(messages) == set(ids)


def test_a_worker_enriches_an_article_over_sasl_ssl_and_its_log_and_metrics_hold_no_password(secured, tmp_path):
    settings = secured.settings(web_port=local_kafka.free_port(), data_dir=tmp_path / "worker")
    create_topics(settings)
    article_id = f"sasl-worker-{secrets.token_hex(6)}"
    text = "A fire destroyed a warehouse in the port of Hamburg on Tuesday night, the fire service said."
    with worker_process(settings):
        produce(settings, topics.RAW, [orjson.dumps({"id": article_id, "text": text})], [article_id.encode()])
        messages = consume(settings, topics.ENRICHED,
                           lambda ms: any(orjson.loads(m.value)["id"] == article_id for m in ms), timeout=120)
        [enriched] = [assert_valid(topics.ENRICHED, m.value) for m in messages
                      if orjson.loads(m.value)["id"] == article_id]
        with urllib.request.urlopen(f"http://127.0.0.1:{settings.web_port}/metrics", timeout=5) as response:
            metrics = response.read().decode()
    assert any(entity["text"] == "Hamburg" for entity in enriched["entities"]), enriched["entities"]
    assert 'newsmon_articles_out_total{stage="enrich"}' in metrics
    assert_no_password(metrics, "/metrics")
    log = (settings.data_dir / "worker.log").read_text(errors="replace")
    assert "Worker ready" in log  # the log is the worker's, not empty
    assert_no_password(log, "the worker's log")


@pytest.mark.parametrize(
    "command, change, message",
    [
        ("ingest", {"NEWSMON_KAFKA_SASL_PASSWORD_FILE": None, "NEWSMON_KAFKA_SASL_PASSWORD": WRONG_PASSWORD},
         f"SASL authentication failed for user '{USER}' with SCRAM-SHA-512"),
        ("worker", {"NEWSMON_KAFKA_SASL_PASSWORD_FILE": None, "NEWSMON_KAFKA_SASL_PASSWORD": WRONG_PASSWORD},
         f"SASL authentication failed for user '{USER}' with SCRAM-SHA-512"),
        ("ingest", {"NEWSMON_KAFKA_SSL_CAFILE": "OTHER_CA"}, "TLS certificate verify failed"),
        ("worker", {"NEWSMON_KAFKA_SSL_CAFILE": "OTHER_CA"}, "TLS certificate verify failed"),
        ("ingest", {"NEWSMON_KAFKA_SSL_CAFILE": None}, "TLS certificate verify failed"),  # the system CAs
    ],
    ids=["ingest-wrong-password", "worker-wrong-password", "ingest-other-ca", "worker-other-ca", "ingest-system-cas"],
)
def test_wrong_credentials_or_ca_fail_fast_with_one_clear_line(secured, tmp_path, command, change, message):
    if change.get("NEWSMON_KAFKA_SSL_CAFILE") == "OTHER_CA":
        change = {"NEWSMON_KAFKA_SSL_CAFILE": str(local_kafka.make_ca(tmp_path / "other-ca").cert)}
    article = tmp_path / "article.json"
    article.write_text('{"id": "never-published", "text": "Nothing to see."}')
    args = ["ingest", "-q", str(article)] if command == "ingest" else ["worker"]
    env = {**secured.env(**change), "NEWSMON_DATA_DIR": str(tmp_path), "NEWSMON_WEB_PORT": str(local_kafka.free_port())}
    started = time.monotonic()
    done = newsmon(*args, env=env, timeout=FAIL_FAST_SECONDS * 2)
    elapsed = time.monotonic() - started
    assert done.returncode == 2, done.stdout + done.stderr
    assert elapsed < FAIL_FAST_SECONDS, f"took {elapsed:.0f} s"
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"newsmon {command}: Kafka at 127.0.0.1:{secured.sasl_port}: {message}"), line
    assert_no_password(done.stdout + done.stderr, f"the error of newsmon {command}")


def test_status_and_the_broker_files_hold_no_password(secured):
    done = newsmon("kafka", "status", "--data-dir", str(secured.data_dir), env=secured.env())
    assert done.returncode == 0, done.stderr
    assert f"127.0.0.1:{secured.port}" in done.stdout  # the PLAINTEXT port, read from the rendered config
    assert f"SASL_SSL at 127.0.0.1:{secured.sasl_port}, user '{USER}' logs in" in done.stdout
    assert_no_password(done.stdout + done.stderr, "newsmon kafka status")

    wrong = newsmon("kafka", "status", "--data-dir", str(secured.data_dir),
                    env=secured.env(NEWSMON_KAFKA_SASL_PASSWORD_FILE=None, NEWSMON_KAFKA_SASL_PASSWORD=WRONG_PASSWORD))
    assert wrong.returncode == 1 and "SASL authentication failed" in wrong.stderr
    assert_no_password(wrong.stdout + wrong.stderr, "newsmon kafka status with a wrong password")

    files = [path for path in secured.data_dir.rglob("*") if path.is_file() and "kafka-logs" not in path.parts]
    assert {"server.properties", "format.log", "kafka.log", "scram-users.txt"} <= {path.name for path in files}
    for path in files:
        assert_no_password(path.read_text(errors="replace"), str(path))
