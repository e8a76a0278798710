"""Topic names. Downstream consumers depend on the public ones: never rename them."""

RAW = "news.articles.raw"
NORMALIZED = "news.articles.normalized"  # intermediate, keyed by content fingerprint
UNIQUE = "news.articles.unique"  # intermediate: normalized articles not seen before
ENRICHED = "news.articles.enriched"
ALERTS = "news.alerts"  # compacted, keyed by alert id
STORIES = "news.stories"  # compacted, keyed by story id
DEADLETTER = "news.deadletter"
MENTIONS = "news.mentions"  # intermediate: one message per (article, key), keyed by the key
SPIKES = "news.spikes"  # compacted, keyed by key and window start
SOURCES_SEEN = "news.sources.seen"  # compacted, keyed by source and item: what sources already published

ALL = (RAW, NORMALIZED, UNIQUE, ENRICHED, ALERTS, STORIES, DEADLETTER, MENTIONS, SPIKES, SOURCES_SEEN)
COMPACTED = frozenset({ALERTS, STORIES, SPIKES, SOURCES_SEEN})
# Compacted and also deleted after this: a feed item older than this will not come back.
SEEN_RETENTION_MS = 90 * 24 * 3600 * 1000

# What every producer and topic accepts: a dead letter of a text just over the 1 MiB article
# limit (base64 grows it by a third) must still fit.
MAX_MESSAGE_BYTES = 8 << 20
