"""newsmon: a stream-processing news monitor (Kafka + Faust)."""

__version__ = "0.1.0"
