"""Kafka client settings shared by every kafka-python client, and idempotent topic creation.

from newsmon.kafka_clients import client_config, create_topics
check_access(settings)           # wrong credentials or CA: one clear KafkaAccessError, at once
KafkaProducer(**client_config(settings), acks="all")
create_topics(settings)          # -> names it created; existing topics are left alone
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterable
from typing import Any

import kafka.errors as kafka_errors
from kafka.admin import KafkaAdminClient
from pydantic import SecretStr

from newsmon import topics
from newsmon.settings import ENV_PREFIX, ConfigError, Settings, kafka_security_problem

log = logging.getLogger(__name__)

TLS_PROTOCOLS = ("SSL", "SASL_SSL")
ACCESS_CHECK_SECONDS = 15.0


class KafkaAccessError(ConfigError):
    """The brokers refused the configured TLS or SASL settings (wrong CA, password, mechanism, listener)."""


def client_config(settings: Settings) -> dict[str, Any]:
    """Bootstrap servers plus the security settings: TLS (SSL, SASL_SSL) and SASL credentials.

    The kwargs are valid for KafkaProducer, KafkaConsumer and KafkaAdminClient alike.
    """
    config: dict[str, Any] = {"bootstrap_servers": bootstrap_servers(settings)}
    protocol = settings.kafka_protocol
    if protocol != "PLAINTEXT":
        config["security_protocol"] = protocol
    context: ssl.SSLContext | None = ssl_context(settings)
    if context is not None:
        config["ssl_context"] = context
    if protocol.startswith("SASL_"):
        config.update(
            sasl_mechanism=settings.kafka_sasl_mechanism,
            sasl_plain_username=settings.kafka_sasl_username,
            sasl_plain_password=sasl_password(settings).get_secret_value(),
        )
    return config


def bootstrap_servers(settings: Settings) -> list[str]:
    return [server.strip() for server in settings.kafka_bootstrap.split(",") if server.strip()]


def sasl_password(settings: Settings) -> SecretStr:
    secret = settings.kafka_sasl_secret()
    if secret is None:  # only a model_copy() skips the settings' own check
        raise ConfigError(kafka_security_problem(settings) or "no SASL password")
    return secret


def _encrypted_key(*_: object) -> str:
    # Without a callback OpenSSL would prompt on the terminal and a worker would hang.
    raise ConfigError(f"{ENV_PREFIX}KAFKA_SSL_KEYFILE: the key is encrypted; give an unencrypted PEM key")


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """For SSL and SASL_SSL: verify the brokers' certificates and host names against
    NEWSMON_KAFKA_SSL_CAFILE (unset: the system's CAs) and offer the client certificate if set."""
    if settings.kafka_protocol not in TLS_PROTOCOLS:
        return None
    cafile, certfile, keyfile = settings.kafka_ssl_cafile, settings.kafka_ssl_certfile, settings.kafka_ssl_keyfile
    try:
        context = ssl.create_default_context(cafile=str(cafile) if cafile else None)
    except ssl.SSLError as error:
        raise ConfigError(
            f"{ENV_PREFIX}KAFKA_SSL_CAFILE={str(cafile)!r}: no usable PEM certificate in it ({error.reason})"
        ) from None
    if certfile is not None:
        try:
            context.load_cert_chain(certfile, keyfile, password=_encrypted_key)
        except ssl.SSLError as error:
            raise ConfigError(
                f"{ENV_PREFIX}KAFKA_SSL_CERTFILE={str(certfile)!r}: not a PEM certificate with its key ({error.reason})"
            ) from None
    return context


def check_access(settings: Settings, timeout: float = ACCESS_CHECK_SECONDS) -> None:
    """Connect once to the first broker that answers and raise KafkaAccessError, with one line
    naming the cause, if it refuses the TLS or SASL settings.

    kafka-python retries such a refusal until its bootstrap timeout (30 s) and aiokafka gives up at
    once, but both then only say they could not bootstrap. Brokers that cannot be reached are left
    to the clients' own retries, and PLAINTEXT has nothing to check.
    """
    if settings.kafka_protocol == "PLAINTEXT":
        return
    import asyncio

    for server in bootstrap_servers(settings):
        host, _, port = server.rpartition(":")
        try:
            asyncio.run(asyncio.wait_for(_authenticate(settings, host, int(port), timeout), timeout))
        except (OSError, TimeoutError):  # TLS and connection resets are handled inside: this is unreachable
            continue
        return


async def _authenticate(settings: Settings, host: str, port: int, timeout: float) -> None:
    from aiokafka import errors as aiokafka_errors
    from aiokafka.conn import create_conn

    protocol = settings.kafka_protocol
    where = f"Kafka at {host}:{port}"
    sasl = protocol.startswith("SASL_")
    try:
        connection = await create_conn(
            host,
            port,
            client_id=f"{settings.worker_id}-access-check",
            request_timeout_ms=int(timeout * 1000),
            ssl_context=ssl_context(settings),
            security_protocol=protocol,
            sasl_mechanism=settings.kafka_sasl_mechanism if sasl else None,
            sasl_plain_username=settings.kafka_sasl_username if sasl else None,
            sasl_plain_password=sasl_password(settings).get_secret_value() if sasl else None,
        )
    except ssl.SSLCertVerificationError as error:
        cafile = settings.kafka_ssl_cafile
        trusted = f"{ENV_PREFIX}KAFKA_SSL_CAFILE={str(cafile)!r}" if cafile else "the system CAs"
        raise KafkaAccessError(
            f"{where}: TLS certificate verify failed ({error.verify_message}); trusted: {trusted}"
        ) from None
    except ssl.SSLError as error:
        raise KafkaAccessError(
            f"{where}: TLS handshake failed ({error.reason}); is it a {protocol} listener?"
        ) from None
    except aiokafka_errors.SaslAuthenticationFailed as error:
        raise KafkaAccessError(
            f"{where}: SASL authentication failed for user {settings.kafka_sasl_username!r} "
            f"with {settings.kafka_sasl_mechanism}: {error.args[0] if error.args else error}"
        ) from None
    except aiokafka_errors.UnsupportedSaslMechanismError:
        raise KafkaAccessError(
            f"{where} does not offer SASL mechanism {settings.kafka_sasl_mechanism} ({ENV_PREFIX}KAFKA_SASL_MECHANISM)"
        ) from None
    except (ConnectionResetError, aiokafka_errors.KafkaConnectionError):
        raise KafkaAccessError(
            f"{where} closed the connection during the {protocol} handshake; is it a {protocol} listener?"
        ) from None
    connection.close()


class _DropConfigDump(logging.Filter):
    # KafkaAdminClient logs all its kwargs, SASL password included, at DEBUG.
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Starting KafkaAdminClient with configuration")


_admin_logger = logging.getLogger("kafka.admin.client")
if not any(isinstance(f, _DropConfigDump) for f in _admin_logger.filters):
    _admin_logger.addFilter(_DropConfigDump())


def open_admin_client(**config: Any) -> KafkaAdminClient:
    """KafkaAdminClient(**config) that cleans up when the broker is unreachable.

    kafka-python 3.0 starts its IO thread before bootstrapping and leaks it (with its sockets)
    when __init__ raises, so a retry loop would pile up threads.
    """
    client = KafkaAdminClient.__new__(KafkaAdminClient)
    try:
        client.__init__(**config)
    except BaseException:
        for part, closer in (("_metrics", "close"), ("_client", "close"), ("_net", "stop")):
            obj = getattr(client, part, None)
            if obj is not None:
                try:
                    getattr(obj, closer)()
                except Exception:  # best effort: the original error is what matters
                    log.debug("cleanup of half-built KafkaAdminClient.%s failed", part, exc_info=True)
        raise
    return client


def admin_client(settings: Settings, **overrides: Any) -> KafkaAdminClient:
    """An admin client for settings' cluster; close it (or use `with`)."""
    return open_admin_client(**{**client_config(settings), "client_id": f"{settings.worker_id}-admin", **overrides})


def topic_specs(settings: Settings, names: Iterable[str] = topics.ALL) -> dict[str, dict[str, Any]]:
    """The CreateTopics spec of each topic: partitions and replication from settings, compaction where due."""
    return {
        name: {
            "num_partitions": settings.topic_partitions,
            "replication_factor": settings.topic_replication,
            "configs": {
                # A dead letter of a 1 MiB article is larger than Kafka's 1 MB default.
                "max.message.bytes": str(topics.MAX_MESSAGE_BYTES),
                **({"cleanup.policy": "compact"} if name in topics.COMPACTED else {}),
                **(
                    {"cleanup.policy": "compact,delete", "retention.ms": str(topics.SEEN_RETENTION_MS)}
                    if name == topics.SOURCES_SEEN
                    else {}
                ),
            },
        }
        for name in names
    }


def create_topics(settings: Settings, names: Iterable[str] = topics.ALL, *, timeout_ms: int = 30_000) -> list[str]:
    """Create the missing topics among names (default: all of newsmon's); return the ones created.

    Existing topics are left exactly as they are, even if their partition count differs.
    Returns after the new topics have a leader for every partition, so producing can start.
    """
    specs = topic_specs(settings, names)
    if not specs:
        return []
    with admin_client(settings) as admin:
        try:
            response = admin.create_topics(specs, timeout_ms=timeout_ms, raise_errors=False)
        except kafka_errors.TopicAlreadyExistsError:  # defensive: raise_errors=False should report, not raise
            response = {
                "topics": [{"name": name, "error_code": kafka_errors.TopicAlreadyExistsError.errno} for name in specs]
            }
        created: list[str] = []
        for result in response["topics"]:
            error = kafka_errors.for_code(result["error_code"])
            if error is kafka_errors.NoError:
                created.append(result["name"])
            elif error is not kafka_errors.TopicAlreadyExistsError:
                raise error(f"creating topic {result['name']}: {result.get('error_message')}")
        if created:
            admin.wait_for_topics(created, timeout_ms=timeout_ms)
    existing = sorted(set(specs) - set(created))
    log.info("topics created: %s; already present: %s", created or "none", existing or "none")
    return created


def wait_for_topics(settings: Settings, names: Iterable[str] = topics.ALL, *, timeout_ms: int = 30_000) -> None:
    """Block until every topic in names exists with a leader on each partition (KafkaTimeoutError if not)."""
    with admin_client(settings) as admin:
        admin.wait_for_topics(list(names), timeout_ms=timeout_ms)
