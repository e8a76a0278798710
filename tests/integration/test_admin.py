"""create_topics on a real broker: every topic, configured partitions, compaction, idempotent."""

from __future__ import annotations

import kafka.errors as kafka_errors
import pytest
from kafka.admin import ConfigResource, ConfigResourceType
from pydantic import SecretStr

from newsmon import topics
from newsmon.kafka_clients import admin_client, client_config, create_topics, topic_specs, wait_for_topics
from newsmon.settings import Settings


@pytest.fixture(scope="module")
def empty_cluster_settings(broker_factory) -> Settings:
    # Its own broker: on the session one, other tests may already have created newsmon's topics.
    broker = broker_factory("kafka-admin")
    return Settings(kafka_bootstrap=broker.bootstrap, topic_partitions=3, topic_replication=1)


def _cleanup_policies(settings: Settings, names) -> dict[str, str]:
    with admin_client(settings) as admin:
        described = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, name, ["cleanup.policy"]) for name in names],
            config_filter="all",
        )
    return {name: configs["cleanup.policy"]["value"] for name, configs in described["topic"].items()}


@pytest.mark.kafka
def test_create_topics_creates_every_topic_once(empty_cluster_settings):
    settings = empty_cluster_settings

    assert sorted(create_topics(settings)) == sorted(topics.ALL)

    with admin_client(settings) as admin:
        described = {t["name"]: t for t in admin.describe_topics(list(topics.ALL))}
    assert set(described) == set(topics.ALL)
    for name, topic in described.items():
        assert topic["error_code"] == 0, name
        assert len(topic["partitions"]) == 3, name
        assert all(len(p["replica_nodes"]) == 1 and p["leader_id"] >= 0 for p in topic["partitions"]), name

    policies = _cleanup_policies(settings, topics.ALL)
    assert policies[topics.ALERTS] == "compact"
    assert policies[topics.SOURCES_SEEN] == "compact,delete", "seen items are forgotten after their retention"
    assert {policies[name] for name in topics.ALL if name not in topics.COMPACTED} == {"delete"}

    assert create_topics(settings) == []
    assert create_topics(settings, [topics.RAW, "admin.test.extra"]) == ["admin.test.extra"]
    wait_for_topics(settings, timeout_ms=5_000)


@pytest.mark.kafka
def test_create_topics_raises_what_the_broker_refuses(empty_cluster_settings):
    unreplicable = empty_cluster_settings.model_copy(update={"topic_replication": 2})  # one broker only
    with pytest.raises(kafka_errors.InvalidReplicationFactorError, match="admin.test.unreplicable"):
        create_topics(unreplicable, ["admin.test.unreplicable"])


def test_topic_specs_follow_the_settings():
    specs = topic_specs(Settings(topic_partitions=4, topic_replication=2))
    assert set(specs) == set(topics.ALL)
    limit = str(topics.MAX_MESSAGE_BYTES)
    assert specs[topics.ALERTS] == {"num_partitions": 4, "replication_factor": 2,
                                    "configs": {"cleanup.policy": "compact", "max.message.bytes": limit}}
    assert specs[topics.RAW]["configs"] == {"max.message.bytes": limit}


def test_client_config_adds_sasl_plain_only_with_a_user():
    assert client_config(Settings(kafka_bootstrap="127.0.0.1:1, 127.0.0.1:2")) == {
        "bootstrap_servers": ["127.0.0.1:1", "127.0.0.1:2"],
    }
    config = client_config(Settings(kafka_sasl_username="alice", kafka_sasl_password=SecretStr("s3cret")))
    assert config["security_protocol"] == "SASL_PLAINTEXT"
    assert config["sasl_mechanism"] == "PLAIN"
    assert (config["sasl_plain_username"], config["sasl_plain_password"]) == ("alice", "s3cret")
    with pytest.raises(ValueError, match="PASSWORD"):
        client_config(Settings(kafka_sasl_username="alice"))
