"""The local broker's SASL_SSL listener without a broker: the overlay, the SCRAM users handed to the
storage format, the test CA and keystore (made by the real openssl)."""

from __future__ import annotations

import base64
import hashlib
import stat
import subprocess

import pytest
from pydantic import SecretStr

from newsmon.devtools import local_kafka
from newsmon.devtools.local_kafka import sasl

PASSWORD = "s3cr,et=with[odd]chars"


def _properties(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return local_kafka.ensure_broker_tls(tmp_path_factory.mktemp("tls"))


def test_overlay_replaces_keys_where_they_stand_and_appends_the_rest():
    base = "# comment\na=1\nlisteners=PLAINTEXT://x:1\nb=2\n"
    merged = sasl.overlay_properties(base, "# overlay comment\nlisteners=PLAINTEXT://x:1,SASL_SSL://x:3\nc=3\n")
    lines = merged.splitlines()
    assert lines[:4] == ["# comment", "a=1", "listeners=PLAINTEXT://x:1,SASL_SSL://x:3", "b=2"]
    assert lines[-1] == "c=3" and "# overlay comment" not in merged
    assert sasl.overlay_properties(base, "") == base


def test_the_shipped_overlay_adds_a_sasl_ssl_listener_and_keeps_plaintext_inside(tmp_path, tls):
    base = local_kafka.render_server_properties(
        (local_kafka.KAFKA_DIR / "server.properties").read_text(), port=29092, controller_port=29093, data_dir=tmp_path
    )
    overlay = (local_kafka.KAFKA_DIR / sasl.OVERLAY_NAME).read_text()
    rendered = sasl.render_sasl_ssl(base, overlay, port=29092, controller_port=29093, sasl_port=29094, tls=tls)
    config = _properties(rendered)

    assert "${" not in rendered
    assert local_kafka.config_listeners(rendered) == {"PLAINTEXT": 29092, "CONTROLLER": 29093, "SASL_SSL": 29094}
    assert config["advertised.listeners"] == "PLAINTEXT://127.0.0.1:29092,SASL_SSL://127.0.0.1:29094"
    assert config["listener.security.protocol.map"] == "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL"
    assert config["inter.broker.listener.name"] == "PLAINTEXT"
    assert config["listener.name.sasl_ssl.sasl.enabled.mechanisms"] == "SCRAM-SHA-256,SCRAM-SHA-512"
    assert config["listener.name.sasl_ssl.ssl.keystore.type"] == "PEM"
    assert config["listener.name.sasl_ssl.ssl.keystore.location"] == str(tls.keystore.resolve())
    assert config["listener.name.sasl_ssl.ssl.key.password"] == tls.key_password()
    assert config["log.dirs"] == _properties(base)["log.dirs"]  # the rest of the template is untouched
    with pytest.raises(ValueError, match="SASL_SSL port"):
        sasl.render_sasl_ssl(base, overlay, port=29092, controller_port=29093, sasl_port=29093, tls=tls)


def test_the_committed_templates_hold_placeholders_not_secrets():
    overlay = _properties((local_kafka.KAFKA_DIR / sasl.OVERLAY_NAME).read_text())
    assert overlay["listener.name.sasl_ssl.ssl.key.password"] == "${KEY_PASSWORD}"
    assert not any("password" in key.lower() for key in _properties(
        (local_kafka.KAFKA_DIR / "server.properties").read_text()))
    assert not any("user_" in value or "password=" in value for value in overlay.values())


def test_scram_arguments_carry_the_salted_password_for_both_mechanisms_never_the_password():
    salts = iter([b"a" * 32, b"b" * 32])
    arguments = sasl.scram_arguments([sasl.ScramUser("alice", SecretStr(PASSWORD))], lambda size: next(salts))
    assert arguments[::2] == ["--add-scram", "--add-scram"]
    assert PASSWORD not in " ".join(arguments)
    for value, mechanism, digest, salt in zip(arguments[1::2], ["SCRAM-SHA-256", "SCRAM-SHA-512"],
                                              ["sha256", "sha512"], [b"a" * 32, b"b" * 32], strict=True):
        name, _, fields = value.partition("=")
        assert name == mechanism and fields.startswith("[") and fields.endswith("]")
        # as the storage tool reads it: split on commas, then on the first '='
        parsed = dict(field.split("=", 1) for field in fields[1:-1].split(","))
        assert parsed["name"] == "alice" and parsed["iterations"] == "4096"
        assert base64.b64decode(parsed["salt"]) == salt
        assert base64.b64decode(parsed["saltedpassword"]) == hashlib.pbkdf2_hmac(digest, PASSWORD.encode(), salt, 4096)


@pytest.mark.parametrize("name", ["", "a,b", '"quoted"', " padded"])
def test_user_names_the_storage_tool_would_misread_are_refused(name):
    with pytest.raises(local_kafka.LocalKafkaError, match="SCRAM user name"):
        sasl.ScramUser(name, SecretStr("x"))


def test_a_formatted_data_dir_names_the_users_it_lacks(tmp_path):
    alice, bob = sasl.ScramUser("alice", SecretStr(PASSWORD)), sasl.ScramUser("bob", SecretStr(PASSWORD))
    with pytest.raises(local_kafka.LocalKafkaError, match="formatted without SCRAM user"):
        sasl.check_users_exist(tmp_path, [alice])
    sasl.record_users(tmp_path, [alice])
    sasl.check_users_exist(tmp_path, [alice])
    with pytest.raises(local_kafka.LocalKafkaError, match="without SCRAM user.s. bob;"):
        sasl.check_users_exist(tmp_path, [alice, bob])
    assert PASSWORD not in (tmp_path / sasl.SCRAM_USERS_NAME).read_text()


def test_the_broker_certificate_chains_to_the_test_ca_and_its_key_is_encrypted_and_private(tmp_path, tls):
    verified = subprocess.run(["openssl", "verify", "-x509_strict", "-CAfile", str(tls.ca_file), str(tls.keystore)],
                              capture_output=True, text=True, check=False)
    assert verified.returncode == 0, verified.stderr
    keystore = tls.keystore.read_text()
    assert keystore.count("BEGIN ENCRYPTED PRIVATE KEY") == 1 and "BEGIN PRIVATE KEY" not in keystore
    names = subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName"], input=keystore,
                           capture_output=True, text=True, check=True).stdout
    assert "IP Address:127.0.0.1" in names and "DNS:localhost" in names
    for path in (tls.keystore, tls.key_password_file, tls.ca_file.with_name("ca.key")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path

    other = local_kafka.make_ca(tmp_path / "other")
    refused = subprocess.run(["openssl", "verify", "-CAfile", str(other.cert), str(tls.keystore)],
                             capture_output=True, text=True, check=False)
    assert refused.returncode != 0


def test_ensure_broker_tls_reuses_what_it_made(tls):
    before = (tls.keystore.read_text(), tls.key_password())
    again = local_kafka.ensure_broker_tls(tls.ca_file.parent)
    assert again == tls and (again.keystore.read_text(), again.key_password()) == before
