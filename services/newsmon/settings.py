"""One settings object for every process, read from NEWSMON_* environment variables.

Entry points (the `newsmon` command, the development tools' `python -m` commands) build it once
with `load_settings()` and hand it down; no other module reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "NEWSMON_"
PACKAGE_DIR = Path(__file__).resolve().parent


def _checkout_root() -> Path:
    """The newsmon checkout: the one holding this package (an editable install), else the working
    directory (a package installed from ./services and run from the checkout)."""
    holder = PACKAGE_DIR.parents[1]
    return holder if (holder / "deploy" / "kafka").is_dir() else Path.cwd()


REPO_ROOT = _checkout_root()


class ConfigError(ValueError):
    """A setting, or a file a setting names, that cannot be used; the message is one line for a person."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="ignore")

    kafka_bootstrap: str = Field("127.0.0.1:19092", description="host:port[,host:port] of the brokers")
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_session_timeout_seconds: float = Field(
        60.0, ge=6, description="a worker silent this long leaves its consumer group; its partitions move on"
    )
    topic_partitions: int = Field(6, ge=1, le=1000)
    topic_replication: int = Field(1, ge=1)

    worker_id: str = Field("newsmon", description="Faust app id = consumer group prefix")
    web_host: str = Field("127.0.0.1", description="worker web server bind address (0.0.0.0 in a container)")
    web_port: int = Field(6066, ge=1, le=65535, description="worker /metrics port")
    data_dir: Path = Field(REPO_ROOT / "var", description="local state: Kafka data, Faust tables")
    schema_dir: Path = Field(REPO_ROOT / "schemas", description="where `newsmon schemas write|check` keep the schemas")

    max_text_bytes: int = Field(1 << 20, ge=1, description="longer articles are dead-lettered")
    nlp_batch_size: int = Field(32, ge=1)
    nlp_batch_seconds: float = Field(0.5, gt=0)
    nlp_processes: int = Field(1, ge=1, description="NLP processes per worker")
    nlp_batch_timeout_seconds: float = Field(
        60.0, gt=0, description="an NLP batch running longer is split and retried; one article alone is dead-lettered"
    )
    nlp_max_restarts: int = Field(
        3, ge=0, description="NLP process replacements in a row without a success before the worker exits non-zero"
    )
    trained_ner: bool = Field(True, description="use the trained NER models in newsmon/nlp/models (else rules only)")
    dedup_window_seconds: float = Field(7 * 24 * 3600, gt=0, description="how long a fingerprint is remembered")
    watchlist_path: Path | None = Field(
        None, description="watchlist of people and organisations (JSONL); unset: newsmon/nlp/data/watchlist.jsonl"
    )

    log_level: str = "INFO"


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment (and `overrides`); a bad value raises ConfigError."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise ConfigError(describe_invalid_settings(error)) from None


def describe_invalid_settings(error: ValidationError) -> str:
    """One line naming each bad variable, its value (never a secret's) and what is allowed."""
    problems = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else ""
        info = Settings.model_fields.get(field)
        secret = info is not None and "SecretStr" in str(info.annotation)
        value = "(hidden)" if secret else repr(problem.get("input"))
        problems.append(f"{ENV_PREFIX}{field.upper()}={value}: {problem['msg']}")
    return "bad setting " + "; ".join(problems)
