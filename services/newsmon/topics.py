"""Topic names. Downstream consumers depend on the public ones: never rename them."""

RAW = "news.articles.raw"
NORMALIZED = "news.articles.normalized"  # intermediate, keyed by content fingerprint
ENRICHED = "news.articles.enriched"
ALERTS = "news.alerts"  # compacted, keyed by alert id
DEADLETTER = "news.deadletter"

ALL = (RAW, NORMALIZED, ENRICHED, ALERTS, DEADLETTER)
COMPACTED = frozenset({ALERTS})
