"""Every newsmon_* metric, declared once. Labels are bounded: stage, reason, rule, severity, sink,
outcome, kind (of spike), country (ISO 3166 alpha-2) and watchlist_id (the ops' own watchlist)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, get_args

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, Info

from newsmon import __version__
from newsmon.records import STAGES, Alert, DeadLetter, EnrichedArticle, SpikeKind

DEADLETTER_REASONS = DeadLetter.model_fields["reason"].annotation.__args__  # type: ignore[union-attr]
SEVERITIES = ("low", "medium", "high", "critical")
SINKS = ("alertmanager", "webhook")
# delivered: a sink took it; retried: an attempt failed and another follows; dead_lettered: no attempt
# took it; reposted / repost_failed: an active alert sent to Alertmanager again so it stays firing.
DELIVERY_OUTCOMES = ("delivered", "retried", "dead_lettered", "reposted", "repost_failed")
STORY_OUTCOMES = ("new", "joined", "unchanged")
SPIKE_KINDS: tuple[SpikeKind, ...] = get_args(SpikeKind)
# The status codes POST /articles answers with (newsmon/stream/push.py).
PUSH_CODES = ("202", "400", "401", "405", "413", "415", "503")

# Seconds: sub-millisecond rule checks up to multi-second NLP batches and end-to-end waits.
_PROCESSING_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
_E2E_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300)
_DELIVERY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """The metric objects, bound to one registry (a private one in tests)."""

    def __init__(self, registry: CollectorRegistry | None = None, rules: tuple[str, ...] = ()) -> None:
        kw = {"namespace": "newsmon", "registry": registry} if registry is not None else {"namespace": "newsmon"}
        self.build_info = Info("build", "newsmon version", **kw)
        self.build_info.info({"version": __version__})
        self.articles_in = Counter("articles_in", "Messages a stage received", ["stage"], **kw)
        self.articles_out = Counter("articles_out", "Articles a stage passed on", ["stage"], **kw)
        self.deadletters = Counter("deadletter_messages", "Messages sent to news.deadletter", ["stage", "reason"], **kw)
        self.duplicates = Counter("duplicate_articles", "Articles dropped as duplicates of one seen before", **kw)
        self.processing_seconds = Histogram(
            "processing_seconds",
            "Time a stage spent on one message (batch time / batch size for enrich)",
            ["stage"],
            buckets=_PROCESSING_BUCKETS,
            **kw,
        )
        self.alerts = Counter("alerts", "Alerts raised", ["rule", "severity"], **kw)
        self.end_to_end_seconds = Histogram(
            "end_to_end_seconds",
            "From ingest to alert sent",
            buckets=_E2E_BUCKETS,
            **kw,
        )
        self.nlp_replacements = Counter(
            "nlp_process_replacements", "NLP processes replaced after a batch ran too long or a process died", **kw
        )
        self.stories = Counter(
            "stories",
            "Articles assigned to a story: a new story, joined an existing one, or already in it",
            ["outcome"],
            **kw,
        )
        self.table_entries = Gauge("table_entries", "Entries in a worker's table (owned partitions)", ["table"], **kw)
        self.table_expired = Counter(
            "table_entries_expired", "Table entries deleted past their window", ["table"], **kw
        )
        self.alert_places = Counter(
            "alert_places", "Alert messages per country of their places (once each a message)", ["country"], **kw
        )
        self.alert_watchlist = Counter(
            "alert_watchlist_mentions", "Alert messages whose article names a watchlist entry", ["watchlist_id"], **kw
        )
        self.deliveries = Counter("deliveries", "Alert deliveries to a sink, by outcome", ["sink", "outcome"], **kw)
        self.delivery_seconds = Histogram(
            "delivery_seconds", "One HTTP request to a sink", ["sink"], buckets=_DELIVERY_BUCKETS, **kw
        )
        self.delivery_queue = Gauge("delivery_queue", "Alerts waiting for a sink", ["sink"], **kw)
        for sink in SINKS:
            self.delivery_seconds.labels(sink=sink)
            self.delivery_queue.labels(sink=sink)
            for outcome in DELIVERY_OUTCOMES:
                self.deliveries.labels(sink=sink, outcome=outcome)
        self.rules_reloads = Counter(
            "rules_reloads", "Changed rules files read: loaded, or refused with the old rules kept", ["outcome"], **kw
        )
        for outcome in ("loaded", "refused"):
            self.rules_reloads.labels(outcome=outcome)
        self.mentions = Counter("mentions", "Mentions (article, key) sent to news.mentions", **kw)
        self.spikes = Counter("spikes", "Spikes sent to news.spikes", ["kind"], **kw)
        for kind in SPIKE_KINDS:
            self.spikes.labels(kind=kind)
        self.push_requests = Counter("push_requests", "HTTP requests to /articles, by status code", ["code"], **kw)
        for code in PUSH_CODES:
            self.push_requests.labels(code=code)
        self.push_articles = Counter("push_articles", "Articles pushed to /articles and confirmed published", **kw)
        for stage in STAGES:
            self.articles_in.labels(stage=stage)
            self.articles_out.labels(stage=stage)
            self.processing_seconds.labels(stage=stage)
        for outcome in STORY_OUTCOMES:
            self.stories.labels(outcome=outcome)
        for reason in DEADLETTER_REASONS:
            self.deadletters.labels(stage="normalize", reason=reason)
        for rule in rules:
            for severity in SEVERITIES:
                self.alerts.labels(rule=rule, severity=severity)

    def count_alert_subjects(self, alert: Alert, article: EnrichedArticle) -> None:
        """Where an alert is and which watchlist entries its article names, once each per alert."""
        for country in sorted({p.country_code.upper() for p in alert.places if p.country_code}):
            self.alert_places.labels(country=country).inc()
        for watchlist_id in sorted({e.watchlist_id for e in article.entities if e.watchlist_id}):
            self.alert_watchlist.labels(watchlist_id=watchlist_id).inc()


class FeedMetrics:
    """`newsmon sources`' metrics, on its own /metrics port. Labels: feed (a name in feeds.yaml) and
    kind (newsmon.sources.web: timeout, too_large, robots_disallowed, ..., http_<status>)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else REGISTRY
        kw: dict[str, Any] = {"namespace": "newsmon", "registry": self.registry}
        self.fetches = Counter("feed_fetches", "Polls of a feed (requests of the feed itself)", ["feed"], **kw)
        self.not_modified = Counter("feed_not_modified", "Polls answered 304 Not Modified", ["feed"], **kw)
        self.errors = Counter("feed_errors", "Polls of a feed that failed, by kind", ["feed", "kind"], **kw)
        self.new_items = Counter(
            "feed_new_items", "Items not seen before, published to news.articles.raw", ["feed"], **kw
        )
        self.page_errors = Counter(
            "feed_page_errors", "Item pages that could not be fetched or extracted, by kind", ["feed", "kind"], **kw
        )
        self.last_success = Gauge(
            "feed_last_success_timestamp_seconds", "When a poll of the feed last succeeded (Unix time)", ["feed"], **kw
        )

    def start_feed(self, feed: str) -> None:
        """The feed's series at zero, so a dashboard shows it before anything happens."""
        for metric in (self.fetches, self.not_modified, self.new_items, self.last_success):
            metric.labels(feed=feed)


@lru_cache(maxsize=1)
def default_metrics(rules: tuple[str, ...]) -> Metrics:
    """The process's metrics on the default registry, which the worker's /metrics serves; `rules`
    are the alert rules whose counters start at zero. One per process: a registry takes each name once."""
    return Metrics(rules=rules)
