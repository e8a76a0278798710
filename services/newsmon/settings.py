"""One settings object for every process, read from NEWSMON_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSMON_", frozen=True, extra="ignore")

    kafka_bootstrap: str = Field("127.0.0.1:19092", description="host:port[,host:port] of the brokers")
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    topic_partitions: int = Field(6, ge=1, le=1000)
    topic_replication: int = Field(1, ge=1)

    worker_id: str = Field("newsmon", description="Faust app id = consumer group prefix")
    web_host: str = Field("127.0.0.1", description="worker web server bind address (0.0.0.0 in a container)")
    web_port: int = Field(6066, ge=1, le=65535, description="worker /metrics port")
    data_dir: Path = Field(REPO_ROOT / "var", description="local state: Kafka data, Faust tables")
    schema_dir: Path = Field(REPO_ROOT / "schemas")

    max_text_bytes: int = Field(1 << 20, ge=1, description="longer articles are dead-lettered")
    nlp_batch_size: int = Field(32, ge=1)
    nlp_batch_seconds: float = Field(0.5, gt=0)
    nlp_executor: Literal["process", "thread"] = Field("process", description="where spaCy runs, off the event loop")
    nlp_processes: int = Field(1, ge=1, description="NLP processes per worker")
    trained_ner: bool = Field(True, description="use the trained NER models in newsmon/nlp/models (else rules only)")
    dedup_window_seconds: float = Field(7 * 24 * 3600, gt=0, description="how long a fingerprint is remembered")
    watchlist_path: Path | None = Field(
        None, description="watchlist of people and organisations (JSONL); unset: newsmon/nlp/data/watchlist.jsonl"
    )

    log_level: str = "INFO"

    @field_validator("watchlist_path")
    @classmethod
    def _watchlist_loads(cls, path: Path | None) -> Path | None:
        """Read the watchlist now, so that a broken file stops the process at start, naming the file
        and line, instead of failing the first batch mid-stream."""
        if path is not None:
            from newsmon.nlp.places import WatchlistError, load_watchlist  # the NLP stack, only when set

            try:
                load_watchlist(path)
            except WatchlistError as error:
                raise ValueError(str(error)) from None
        return path


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
