"""Kafka security settings: combinations checked when the settings load, one line per problem and no
secret in it; kafka-python (client_config) and Faust (broker_credentials) built from the same settings."""

from __future__ import annotations

import ssl

import faust
import pytest
from pydantic import SecretStr, ValidationError

from newsmon.devtools import local_kafka
from newsmon.devtools.run import KAFKA_SECURITY_FIELDS, settings_env
from newsmon.kafka_clients import client_config, ssl_context
from newsmon.settings import ConfigError, Settings, load_settings
from newsmon.stream.app import broker_credentials

PASSWORD = "hunter2-not-for-logs"


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    return local_kafka.make_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def clean_env(monkeypatch):
    for field in KAFKA_SECURITY_FIELDS:
        monkeypatch.delenv(f"NEWSMON_{field.upper()}", raising=False)
    return monkeypatch


def sasl_ssl(**extra) -> dict:
    return {"kafka_security_protocol": "SASL_SSL", "kafka_sasl_mechanism": "SCRAM-SHA-512",
            "kafka_sasl_username": "alice", "kafka_sasl_password": PASSWORD, **extra}


@pytest.mark.parametrize(
    "settings, problem",
    [
        ({"kafka_security_protocol": "SASL_SSL", "kafka_sasl_password": PASSWORD},
         "NEWSMON_KAFKA_SECURITY_PROTOCOL=SASL_SSL needs NEWSMON_KAFKA_SASL_USERNAME"),
        ({"kafka_security_protocol": "SASL_SSL", "kafka_sasl_username": "alice"},
         "NEWSMON_KAFKA_SECURITY_PROTOCOL=SASL_SSL needs NEWSMON_KAFKA_SASL_PASSWORD or NEWSMON_KAFKA_SASL_PASSWORD_FILE"),
        (sasl_ssl(kafka_sasl_password_file="/etc/hostname"),
         "NEWSMON_KAFKA_SASL_PASSWORD and NEWSMON_KAFKA_SASL_PASSWORD_FILE are both set: use one"),
        (sasl_ssl(kafka_sasl_password=None, kafka_sasl_password_file="/nonexistent/password"),
         "NEWSMON_KAFKA_SASL_PASSWORD_FILE='/nonexistent/password': no such file"),
        (sasl_ssl(kafka_ssl_cafile="/nonexistent/ca.pem"), "NEWSMON_KAFKA_SSL_CAFILE='/nonexistent/ca.pem': no such file"),
        ({"kafka_security_protocol": "PLAINTEXT", "kafka_sasl_username": "alice"},
         "NEWSMON_KAFKA_SASL_USERNAME is set but NEWSMON_KAFKA_SECURITY_PROTOCOL=PLAINTEXT does not use SASL"),
        ({"kafka_sasl_password": PASSWORD},
         "NEWSMON_KAFKA_SASL_PASSWORD is set but NEWSMON_KAFKA_SECURITY_PROTOCOL=PLAINTEXT does not use SASL"),
        ({"kafka_sasl_username": "alice", "kafka_sasl_password": PASSWORD, "kafka_ssl_cafile": "/etc/hostname"},
         "NEWSMON_KAFKA_SSL_CAFILE is set but NEWSMON_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT does not use TLS"),
        (sasl_ssl(kafka_ssl_keyfile="/etc/hostname"),
         "NEWSMON_KAFKA_SSL_KEYFILE is set without NEWSMON_KAFKA_SSL_CERTFILE"),
        ({"kafka_security_protocol": "TLS"}, "NEWSMON_KAFKA_SECURITY_PROTOCOL='TLS': Input should be"),
        (sasl_ssl(kafka_sasl_mechanism="GSSAPI"), "NEWSMON_KAFKA_SASL_MECHANISM='GSSAPI': Input should be"),
    ],
)
def test_unusable_security_settings_stop_with_one_line_and_no_secret(clean_env, settings, problem):
    with pytest.raises(ConfigError) as error:
        load_settings(**settings)
    message = str(error.value)
    assert message.startswith(f"bad setting {problem}"), message
    assert "\n" not in message and PASSWORD not in message
    with pytest.raises(ValidationError) as raw:  # printed as is, pydantic's own error hides the input too
        Settings(**settings)
    assert PASSWORD not in str(raw.value)


def test_an_empty_password_file_is_refused_and_a_final_newline_is_not_part_of_the_password(clean_env, tmp_path):
    password_file = tmp_path / "password"
    password_file.write_text("\n")
    with pytest.raises(ConfigError, match=r"KAFKA_SASL_PASSWORD_FILE='.*password': the file is empty"):
        load_settings(**sasl_ssl(kafka_sasl_password=None, kafka_sasl_password_file=str(password_file)))

    password_file.write_text(f"{PASSWORD}\n")
    settings = load_settings(**sasl_ssl(kafka_sasl_password=None, kafka_sasl_password_file=str(password_file)))
    assert client_config(settings)["sasl_plain_password"] == PASSWORD
    password_file.write_text("rotated")  # read at each use: a rotated container secret is picked up
    assert client_config(settings)["sasl_plain_password"] == "rotated"


def test_settings_come_from_the_environment_in_any_case(clean_env, ca):
    clean_env.setenv("NEWSMON_KAFKA_SECURITY_PROTOCOL", "sasl_ssl")
    clean_env.setenv("NEWSMON_KAFKA_SASL_MECHANISM", "scram-sha-256")
    clean_env.setenv("NEWSMON_KAFKA_SASL_USERNAME", "alice")
    clean_env.setenv("NEWSMON_KAFKA_SASL_PASSWORD", PASSWORD)
    clean_env.setenv("NEWSMON_KAFKA_SSL_CAFILE", str(ca.cert))
    clean_env.setenv("NEWSMON_KAFKA_SSL_CERTFILE", "")  # empty: unset, not the current directory
    settings = load_settings()
    assert (settings.kafka_protocol, settings.kafka_sasl_mechanism) == ("SASL_SSL", "SCRAM-SHA-256")
    assert settings.kafka_ssl_cafile == ca.cert and settings.kafka_ssl_certfile is None
    assert PASSWORD not in repr(settings) and PASSWORD not in str(settings.model_dump())


def test_client_config_for_sasl_ssl_verifies_the_broker_against_the_ca_file(clean_env, ca):
    config = client_config(load_settings(**sasl_ssl(kafka_ssl_cafile=str(ca.cert))))
    assert config["security_protocol"] == "SASL_SSL"
    assert (config["sasl_mechanism"], config["sasl_plain_username"], config["sasl_plain_password"]) == (
        "SCRAM-SHA-512", "alice", PASSWORD)
    context = config["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert [dict(pair[0] for pair in cert["subject"]) for cert in context.get_ca_certs()] == [
        {"commonName": "newsmon test CA"}]


def test_a_username_alone_still_means_sasl_plain_over_plaintext(clean_env):
    settings = load_settings(kafka_sasl_username="alice", kafka_sasl_password=PASSWORD)
    config = client_config(settings)
    assert (config["security_protocol"], config["sasl_mechanism"]) == ("SASL_PLAINTEXT", "PLAIN")
    assert "ssl_context" not in config
    assert client_config(load_settings()) == {"bootstrap_servers": ["127.0.0.1:19092"]}


def test_a_client_certificate_is_offered_and_a_bad_ca_file_is_named(clean_env, ca, tmp_path):
    cert, key = local_kafka.issue_certificate(ca, tmp_path, "client")
    context = ssl_context(load_settings(**sasl_ssl(kafka_ssl_cafile=str(ca.cert), kafka_ssl_certfile=str(cert),
                                                   kafka_ssl_keyfile=str(key))))
    assert context is not None
    with pytest.raises(ConfigError, match=r"KAFKA_SSL_CERTFILE=.*not a PEM certificate with its key"):
        ssl_context(load_settings(**sasl_ssl(kafka_ssl_certfile=str(cert), kafka_ssl_keyfile=str(ca.cert))))
    with pytest.raises(ConfigError, match=r"KAFKA_SSL_CAFILE='.*client.key': no usable PEM certificate"):
        ssl_context(load_settings(**sasl_ssl(kafka_ssl_cafile=str(key))))


def test_an_encrypted_client_key_fails_instead_of_prompting(clean_env, ca, tmp_path):
    tls = local_kafka.ensure_broker_tls(tmp_path)  # its keystore holds an encrypted key
    with pytest.raises(ConfigError, match="the key is encrypted"):
        ssl_context(load_settings(**sasl_ssl(kafka_ssl_certfile=str(tls.keystore))))


def test_faust_gets_the_same_security_as_kafka_python(clean_env, ca):
    secured = broker_credentials(load_settings(**sasl_ssl(kafka_ssl_cafile=str(ca.cert))))
    assert isinstance(secured, faust.SASLCredentials)
    assert (secured.protocol.value, secured.mechanism.value, secured.username, secured.password) == (
        "SASL_SSL", "SCRAM-SHA-512", "alice", PASSWORD)
    assert secured.ssl_context.verify_mode == ssl.CERT_REQUIRED and PASSWORD not in repr(secured)

    plain = broker_credentials(load_settings(kafka_sasl_username="alice", kafka_sasl_password=PASSWORD))
    assert (plain.protocol.value, plain.mechanism.value, plain.ssl_context) == ("SASL_PLAINTEXT", "PLAIN", None)
    tls_only = broker_credentials(load_settings(kafka_security_protocol="SSL", kafka_ssl_cafile=str(ca.cert)))
    assert isinstance(tls_only, faust.SSLCredentials) and tls_only.protocol.value == "SSL"
    assert broker_credentials(load_settings()) is None


def test_a_child_worker_gets_exactly_the_parents_security_settings(clean_env, ca, tmp_path):
    clean_env.setenv("NEWSMON_KAFKA_SASL_PASSWORD_FILE", "/inherited/password")
    clean_env.setenv("NEWSMON_KAFKA_SSL_CERTFILE", "/inherited/cert.pem")
    settings = load_settings(**sasl_ssl(kafka_ssl_cafile=str(ca.cert), kafka_sasl_password_file=None,
                                        kafka_ssl_certfile=None))
    env = settings_env(settings)
    assert env["NEWSMON_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL" and env["NEWSMON_KAFKA_SASL_PASSWORD"] == PASSWORD
    assert env["NEWSMON_KAFKA_SSL_CAFILE"] == str(ca.cert)
    assert "NEWSMON_KAFKA_SASL_PASSWORD_FILE" not in env and "NEWSMON_KAFKA_SSL_CERTFILE" not in env
    clean_env.delenv("NEWSMON_KAFKA_SASL_PASSWORD_FILE")
    clean_env.delenv("NEWSMON_KAFKA_SSL_CERTFILE")
    for name, value in env.items():
        if name.startswith("NEWSMON_KAFKA_"):
            clean_env.setenv(name, value)
    assert load_settings() == settings
