"""The Faust app of one worker: its broker, topics and web server, with the agents of the stages it
runs (agents.py; with the alert stage also the story agent, stories.py, and the mention and spike
agents, spikes.py).

Run: `newsmon worker` (all stages; deliver only when a sink is configured) or `newsmon worker --stage
enrich` (one stage, its own consumer group, to scale the CPU-bound NLP stage on its own, or to run
delivery apart). Metrics: http://127.0.0.1:6066/metrics; a worker with the normalize stage also
takes articles at POST /articles (stream/push.py).
"""

from __future__ import annotations

from collections.abc import Iterable

import faust
from faust.sensors.prometheus import setup_prometheus_sensors

from newsmon import topics
from newsmon.alerts.rules import RULE_NAMES
from newsmon.enrich.pool import start_nlp_pool
from newsmon.kafka_clients import sasl_password, ssl_context
from newsmon.metrics import Metrics, default_metrics
from newsmon.normalize.article import derived_id
from newsmon.records import STAGES
from newsmon.settings import ConfigError, Settings
from newsmon.sinks.senders import configured_sinks
from newsmon.stream.agents import Worker, register_enrich, register_normalize
from newsmon.stream.deliver import register_deliver
from newsmon.stream.producer_metadata import track_every_topic_sent_to
from newsmon.stream.push import register_push
from newsmon.stream.recovery import TableManagerResumingSourcesLast
from newsmon.stream.spikes import register_spikes
from newsmon.stream.stories import register_stories
from newsmon.stream.transport import App

PRODUCER_LINGER_SECONDS = 0.01
PRODUCER_BATCH_BYTES = 1 << 20


def app_id(settings: Settings, stages: tuple[str, ...]) -> str:
    """The consumer group: one for a worker of every stage, one per stage set otherwise."""
    return settings.worker_id if stages == STAGES else f"{settings.worker_id}-{'-'.join(stages)}"


def broker_credentials(settings: Settings) -> faust.SASLCredentials | faust.SSLCredentials | None:
    """Faust's (aiokafka's) view of the security settings client_config gives kafka-python."""
    protocol = settings.kafka_protocol
    context = ssl_context(settings)
    if protocol.startswith("SASL_"):
        return faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=sasl_password(settings).get_secret_value(),
            mechanism=settings.kafka_sasl_mechanism,
            ssl_context=context,  # with a context Faust says SASL_SSL, without SASL_PLAINTEXT
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None


def check_stages_configured(settings: Settings, stages: tuple[str, ...]) -> None:
    """A worker of the deliver stage alone needs a sink (the whole worker runs without one)."""
    if stages == ("deliver",) and not configured_sinks(settings):
        raise ConfigError("the deliver stage needs NEWSMON_ALERTMANAGER_URL or NEWSMON_WEBHOOK_URL")


def make_app(settings: Settings, stages: Iterable[str] = STAGES, metrics: Metrics | None = None) -> faust.App:
    stages = tuple(stages)
    unknown = set(stages) - set(STAGES)
    if unknown:
        raise ValueError(f"unknown stage(s) {sorted(unknown)}; choose from {STAGES}")
    check_stages_configured(settings, stages)
    name = app_id(settings, stages)
    track_every_topic_sent_to()
    app = App(  # faust.App whose seeks reach every partition (stream/transport.py)
        name,
        broker=[f"kafka://{server.strip()}" for server in settings.kafka_bootstrap.split(",")],
        broker_credentials=broker_credentials(settings),
        store="memory://",
        autodiscover=False,
        datadir=str(settings.data_dir / "faust" / name),
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication,
        web_enabled=True,
        web_bind=settings.web_host,
        web_port=settings.web_port,
        producer_max_request_size=topics.MAX_MESSAGE_BYTES,
        # Faust sends each message at once in batches of 16 KiB, about one enriched article: waiting
        # 10 ms for more fills a request with many; the worker's own process spends about a fifth less
        # CPU per article (`make bench`, its burst CPU rows).
        producer_linger=PRODUCER_LINGER_SECONDS,
        producer_max_batch_size=PRODUCER_BATCH_BYTES,
        consumer_max_fetch_size=topics.MAX_MESSAGE_BYTES,
        # An NLP batch runs in another process, but give the loop room on a loaded machine.
        broker_max_poll_interval=300.0,
        broker_session_timeout=settings.kafka_session_timeout_seconds,
        consumer_auto_offset_reset="earliest",
        # A stop or rebalance does not wait for the messages in flight: the enrich agent acks its
        # articles itself, so those of a batch cut short stay uncommitted and are processed again by
        # the partition's next owner (at least once), rather than holding the stop for ever.
        stream_wait_empty=False,
        # exactly_once: output and offsets commit in one transaction (stream/transactions.py).
        processing_guarantee=settings.processing_guarantee,
        # Faust's own drops the messages fetched while a rebalance seeks (stream/recovery.py).
        TableManager=TableManagerResumingSourcesLast,
    )
    setup_prometheus_sensors(app, name_prefix="faust")

    def topic(name: str, *, compacting: bool = False) -> faust.TopicT:
        return app.topic(
            name,
            key_serializer="raw",
            value_serializer="raw",
            partitions=settings.topic_partitions,
            compacting=compacting,
        )

    metrics = metrics or default_metrics(RULE_NAMES)
    worker = Worker(settings, metrics, topic(topics.DEADLETTER))
    if "normalize" in stages:
        register_normalize(app, worker, topic(topics.RAW), topic(topics.NORMALIZED), topic(topics.UNIQUE))
        register_push(app, settings, metrics, topic(topics.RAW), derived_id)  # POST /articles
    if "enrich" in stages:
        pool = start_nlp_pool(settings, on_replace=lambda cause: metrics.nlp_replacements.inc())
        register_enrich(app, worker, pool, topic(topics.UNIQUE), topic(topics.ENRICHED))
    if "alert" in stages:
        register_stories(
            app,
            worker,
            topic(topics.ENRICHED),
            topic(topics.STORIES, compacting=True),
            topic(topics.ALERTS, compacting=True),
        )
        register_spikes(
            app,
            worker,
            topic(topics.ENRICHED),
            topic(topics.MENTIONS),
            topic(topics.SPIKES, compacting=True),
            topic(topics.ALERTS, compacting=True),
        )
    if "deliver" in stages:  # registers nothing without a sink: the whole worker runs without it
        register_deliver(app, worker, topic(topics.ALERTS, compacting=True))
    return app
