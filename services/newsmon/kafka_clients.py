"""Kafka client settings shared by every kafka-python client, and idempotent topic creation.

from newsmon.kafka_clients import client_config, create_topics
KafkaProducer(**client_config(settings), acks="all")
create_topics(settings)          # -> names it created; existing topics are left alone
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import kafka.errors as kafka_errors
from kafka.admin import KafkaAdminClient

from newsmon import topics
from newsmon.settings import Settings

log = logging.getLogger(__name__)


def client_config(settings: Settings) -> dict[str, Any]:
    """Bootstrap servers plus, when a SASL user is set, SASL/PLAIN over plaintext.

    The kwargs are valid for KafkaProducer, KafkaConsumer and KafkaAdminClient alike.
    """
    config: dict[str, Any] = {
        "bootstrap_servers": [server.strip() for server in settings.kafka_bootstrap.split(",") if server.strip()],
    }
    if settings.kafka_sasl_username:
        if settings.kafka_sasl_password is None:
            raise ValueError("NEWSMON_KAFKA_SASL_USERNAME is set but NEWSMON_KAFKA_SASL_PASSWORD is not")
        config.update(
            security_protocol="SASL_PLAINTEXT",
            sasl_mechanism="PLAIN",
            sasl_plain_username=settings.kafka_sasl_username,
            sasl_plain_password=settings.kafka_sasl_password.get_secret_value(),
        )
    return config


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
