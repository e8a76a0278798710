"""A real single-node Apache Kafka (KRaft, broker + controller in one JVM) on 127.0.0.1, no Docker.

The jars come from Maven Central, pinned by deploy/kafka/pom.xml (jars.py); the config is rendered
from deploy/kafka/server.properties into a data directory that also holds the logs, the pid file and
the broker's own log, kafka.log (storage.py); broker.py starts and stops the JVM and readiness.py
waits until a real client request succeeds.

Run it (Java 17+ and Maven on PATH; the defaults come from NEWSMON_KAFKA_BOOTSTRAP and NEWSMON_DATA_DIR):

    newsmon kafka fetch                 # download the jars into deploy/kafka/libs once
    newsmon kafka up [--data-dir DIR] [--port 19092] [--controller-port 19093] [--timeout 120]
    newsmon kafka status [--data-dir DIR] [--port 19092]
    newsmon kafka down [--data-dir DIR]

With NEWSMON_KAFKA_SECURITY_PROTOCOL=SASL_SSL, `up` adds a SASL_SSL listener on the port of
NEWSMON_KAFKA_BOOTSTRAP for the SCRAM user NEWSMON_KAFKA_SASL_USERNAME (its password from the
settings), with TLS from a test CA it makes in DATA_DIR/tls (sasl.py, tls.py).

`up` fetches the jars if needed, formats the storage on first use, starts the broker detached and
returns once a real client request succeeds. It is idempotent, and so is `down`.
deploy/kafka/kafka-up.sh and kafka-down.sh wrap these two.
"""

from newsmon.devtools.local_kafka.broker import (
    LOG_FILE_NAME,
    PID_FILE_NAME,
    free_port,
    free_ports,
    running_pid,
    start,
    stop,
)
from newsmon.devtools.local_kafka.jars import JAR_STAMP_NAME, KAFKA_DIR, LocalKafkaError, ensure_jars, jars_are_current
from newsmon.devtools.local_kafka.readiness import wait_ready
from newsmon.devtools.local_kafka.sasl import SaslSslListener, ScramUser
from newsmon.devtools.local_kafka.storage import (
    config_listeners,
    config_log_dirs,
    is_formatted,
    new_cluster_id,
    render_server_properties,
)
from newsmon.devtools.local_kafka.tls import (
    BrokerTls,
    CertificateAuthority,
    ensure_broker_tls,
    issue_certificate,
    make_ca,
)

__all__ = [
    "JAR_STAMP_NAME",
    "KAFKA_DIR",
    "LOG_FILE_NAME",
    "PID_FILE_NAME",
    "BrokerTls",
    "CertificateAuthority",
    "LocalKafkaError",
    "SaslSslListener",
    "ScramUser",
    "config_listeners",
    "config_log_dirs",
    "ensure_broker_tls",
    "ensure_jars",
    "free_port",
    "free_ports",
    "is_formatted",
    "issue_certificate",
    "jars_are_current",
    "make_ca",
    "new_cluster_id",
    "render_server_properties",
    "running_pid",
    "start",
    "stop",
    "wait_ready",
]
