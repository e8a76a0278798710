"""One settings object for every process, read from NEWSMON_* environment variables.

Entry points (the `newsmon` command, the development tools' `python -m` commands) build it once
with `load_settings()` and hand it down; no other module reads the environment.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "NEWSMON_"
PACKAGE_DIR = Path(__file__).resolve().parent


def _checkout_root() -> Path:
    """The newsmon checkout: the one holding this package (an editable install), else the working
    directory (a package installed from ./services and run from the checkout)."""
    holder = PACKAGE_DIR.parents[1]
    return holder if (holder / "deploy" / "kafka").is_dir() else Path.cwd()


REPO_ROOT = _checkout_root()


# A container's CPU quota (cgroup v2: "<quota> <period>", or "max <period>" for none).
CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def available_cores(cpu_max: Path = CGROUP_CPU_MAX) -> int:
    """The cores this process may use: the CPUs it may run on (its affinity, which a cpuset limit
    sets), fewer when a CPU quota allows less time than that (docker --cpus), at least one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        quota, period = cpu_max.read_text().split()[:2]
        if quota != "max":
            cores = min(cores, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):
        pass  # no cgroup v2 quota here
    return max(1, cores)


class ConfigError(ValueError):
    """A setting, or a file a setting names, that cannot be used; the message is one line for a person."""


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def _empty_is_none(value: object) -> object:
    return None if value == "" else value


# An empty variable (NEWSMON_KAFKA_SSL_CAFILE=) unsets the file rather than naming ".".
OptionalFile = Annotated[Path | None, BeforeValidator(_empty_is_none)]
HttpUrlText = Annotated[str, Field(pattern=r"^https?://[^/\s]+")]
OptionalUrl = Annotated[HttpUrlText | None, BeforeValidator(_empty_is_none)]
SecurityProtocol = Annotated[Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"], BeforeValidator(_upper)]
SaslMechanism = Annotated[Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"], BeforeValidator(_upper)]


def read_secret_file(path: Path, variable: str) -> SecretStr:
    """A secret kept in a file (a container secret): its text without the final line break."""
    try:
        secret = path.read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as error:
        raise ConfigError(f"{ENV_PREFIX}{variable.upper()}={str(path)!r}: cannot read it: {error.strerror}") from None
    if not secret:
        raise ConfigError(f"{ENV_PREFIX}{variable.upper()}={str(path)!r}: the file is empty")
    return SecretStr(secret)


class Settings(BaseSettings):
    # hide_input_in_errors: a ValidationError printed anywhere must not show a password.
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="ignore", hide_input_in_errors=True)

    kafka_bootstrap: str = Field("127.0.0.1:19092", description="host:port[,host:port] of the brokers")
    kafka_security_protocol: SecurityProtocol | None = Field(
        None, description="unset: PLAINTEXT, or SASL_PLAINTEXT when a SASL username is set"
    )
    kafka_sasl_mechanism: SaslMechanism = "PLAIN"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_session_timeout_seconds: float = Field(
        60.0, ge=6, description="a worker silent this long leaves its consumer group; its partitions move on"
    )
    kafka_sasl_password_file: OptionalFile = Field(None, description="a file holding the SASL password instead")
    kafka_ssl_cafile: OptionalFile = Field(None, description="PEM CA certificates of the brokers; unset: the system's")
    kafka_ssl_certfile: OptionalFile = Field(None, description="PEM client certificate, for brokers that ask for one")
    kafka_ssl_keyfile: OptionalFile = Field(None, description="its PEM private key, if not in the certificate file")
    topic_partitions: int = Field(6, ge=1, le=1000)
    topic_replication: int = Field(1, ge=1)

    worker_id: str = Field("newsmon", description="Faust app id = consumer group prefix")
    processing_guarantee: Literal["at_least_once", "exactly_once"] = Field(
        "at_least_once",
        description="exactly_once: each stage's output and its offsets commit in one Kafka transaction "
        "(stream/transactions.py); consumers of the topics then read with isolation.level=read_committed",
    )
    web_host: str = Field("127.0.0.1", description="worker web server bind address (0.0.0.0 in a container)")
    web_port: int = Field(6066, ge=1, le=65535, description="worker /metrics and POST /articles port")
    data_dir: Path = Field(REPO_ROOT / "var", description="local state: Kafka data, Faust tables")
    schema_dir: Path = Field(REPO_ROOT / "schemas", description="where `newsmon schemas write|check` keep the schemas")

    max_text_bytes: int = Field(1 << 20, ge=1, description="longer articles are dead-lettered")
    nlp_batch_size: int = Field(32, ge=1)
    nlp_batch_seconds: float = Field(0.5, gt=0)
    nlp_processes: int = Field(
        default_factory=available_cores, ge=1, description="NLP processes per worker; unset: one per core"
    )
    nlp_batch_timeout_seconds: float = Field(
        60.0, gt=0, description="an NLP batch running longer is split and retried; one article alone is dead-lettered"
    )
    nlp_max_restarts: int = Field(
        3,
        ge=0,
        description="failed starts of new NLP processes in a row (beyond the first) before the worker exits non-zero",
    )
    trained_ner: bool = Field(True, description="use the trained NER models in newsmon/nlp/models (else rules only)")
    dedup_window_seconds: float = Field(7 * 24 * 3600, gt=0, description="how long a fingerprint is remembered")
    story_window_seconds: float = Field(
        2 * 24 * 3600, gt=0, description="an article joins a story last reported this long ago at most; then it expires"
    )
    watchlist_path: Path | None = Field(
        None, description="watchlist of people and organisations (JSONL); unset: newsmon/nlp/data/watchlist.jsonl"
    )
    # Spikes (newsmon/spikes/detect.py): a key fires when its count in a window is at least the
    # minimum and at least factor x max(mean of the previous windows, floor).
    spike_window_seconds: float = Field(3600.0, gt=0, description="length of a spike counting window")
    spike_previous_windows: int = Field(24, ge=1, le=1000, description="windows whose mean is the baseline")
    spike_min_count: int = Field(5, ge=1, description="articles a key needs in one window to spike")
    spike_factor: float = Field(3.0, ge=1, description="how many times the baseline a window's count must reach")
    spike_mean_floor: float = Field(1.0, gt=0, description="the baseline of a key rarely or never seen before")

    alertmanager_url: OptionalUrl = Field(None, description="Alertmanager base URL (alerts go to /api/v2/alerts)")
    webhook_url: OptionalUrl = Field(None, description="alerts are POSTed here as JSON")
    webhook_secret: SecretStr | None = Field(None, description="HMAC-SHA256 key of the X-Newsmon-Signature header")
    delivery_attempts: int = Field(5, ge=1, description="tries per alert and sink before it is dead-lettered")
    delivery_backoff_seconds: float = Field(1.0, gt=0, description="wait before the first retry; doubles each time")
    delivery_timeout_seconds: float = Field(10.0, gt=0, description="one HTTP request to a sink")
    delivery_queue_size: int = Field(100, ge=1, description="alerts waiting per sink; full: news.alerts waits")
    alert_repost_seconds: float = Field(60.0, gt=0, description="how often active alerts are re-posted")
    alert_active_seconds: float = Field(
        6 * 3600.0, gt=0, description="an alert stays firing this long after its last update"
    )
    rules_path: OptionalFile = Field(
        None, description="the alert rules (YAML); unset: newsmon/alerts/default_rules.yaml"
    )
    rules_check_seconds: float = Field(10.0, gt=0, description="how often the rules file is looked at for changes")

    # Live sources (newsmon/sources/web.py, feeds.py): `newsmon fetch`, `newsmon sources`.
    fetch_timeout_seconds: float = Field(20.0, gt=0, description="one HTTP request of a feed, page or robots.txt")
    fetch_max_bytes: int = Field(5 << 20, ge=1024, description="a longer decoded body is abandoned (too_large)")
    fetch_max_redirects: int = Field(5, ge=0, le=30, description="redirects followed per request")
    fetch_host_interval_seconds: float = Field(1.0, ge=0, description="least time between two requests to a host")
    fetch_host_concurrency: int = Field(2, ge=1, description="requests in flight to one host at most")
    robots_cache_seconds: float = Field(3600.0, gt=0, description="how long a host's robots.txt is trusted")
    feeds_path: OptionalFile = Field(None, description="feeds.yaml: `newsmon run` polls these feeds beside the worker")
    sources_metrics_port: int = Field(6068, ge=0, le=65535, description="`newsmon sources` /metrics port; 0: none")
    # HTTP push (POST /articles on a worker that runs the normalize stage; newsmon/stream/push.py).
    push_token: SecretStr | None = Field(None, description="bearer token POST /articles requires; unset: none")
    push_token_file: OptionalFile = Field(None, description="a file holding the push token instead")
    push_max_bytes: int = Field(8 << 20, ge=1, description="largest POST /articles body; larger ones get 413")

    log_level: str = "INFO"

    @property
    def kafka_protocol(self) -> Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]:
        """The security protocol in effect (SASL_PLAINTEXT when only a SASL username says so)."""
        if self.kafka_security_protocol is not None:
            return self.kafka_security_protocol
        return "SASL_PLAINTEXT" if self.kafka_sasl_username else "PLAINTEXT"

    def kafka_sasl_secret(self) -> SecretStr | None:
        """The SASL password, from NEWSMON_KAFKA_SASL_PASSWORD or read now from the password file."""
        if self.kafka_sasl_password_file is not None:
            return read_secret_file(self.kafka_sasl_password_file, "kafka_sasl_password_file")
        return self.kafka_sasl_password

    def push_secret(self) -> SecretStr | None:
        """The push token, from NEWSMON_PUSH_TOKEN or read now from the token file."""
        if self.push_token_file is not None:
            return read_secret_file(self.push_token_file, "push_token_file")
        return self.push_token

    @model_validator(mode="after")
    def _check_kafka_security(self) -> Settings:
        problem = kafka_security_problem(self)
        if problem:
            raise ValueError(problem)
        return self

    @model_validator(mode="after")
    def _check_push_token(self) -> Settings:
        if self.push_token is not None and self.push_token_file is not None:
            raise ValueError(f"{ENV_PREFIX}PUSH_TOKEN and {ENV_PREFIX}PUSH_TOKEN_FILE are both set: use one")
        if self.push_token is not None and not self.push_token.get_secret_value():
            raise ValueError(f"{ENV_PREFIX}PUSH_TOKEN is set but empty: unset it to accept pushes without a token")
        return self


def kafka_security_problem(settings: Settings) -> str | None:
    """What makes the Kafka security settings unusable together, in one line, or None."""
    protocol = f"{ENV_PREFIX}KAFKA_SECURITY_PROTOCOL={settings.kafka_protocol}"
    password, password_file = settings.kafka_sasl_password, settings.kafka_sasl_password_file
    if settings.kafka_protocol.startswith("SASL_"):
        if not settings.kafka_sasl_username:
            return f"{protocol} needs {ENV_PREFIX}KAFKA_SASL_USERNAME"
        if password is None and password_file is None:
            return f"{protocol} needs {ENV_PREFIX}KAFKA_SASL_PASSWORD or {ENV_PREFIX}KAFKA_SASL_PASSWORD_FILE"
        if password is not None and password_file is not None:
            return f"{ENV_PREFIX}KAFKA_SASL_PASSWORD and {ENV_PREFIX}KAFKA_SASL_PASSWORD_FILE are both set: use one"
    else:
        stray = {"USERNAME": settings.kafka_sasl_username, "PASSWORD": password, "PASSWORD_FILE": password_file}
        for suffix, value in stray.items():
            if value not in (None, ""):
                return f"{ENV_PREFIX}KAFKA_SASL_{suffix} is set but {protocol} does not use SASL"
    files = {
        "kafka_ssl_cafile": settings.kafka_ssl_cafile,
        "kafka_ssl_certfile": settings.kafka_ssl_certfile,
        "kafka_ssl_keyfile": settings.kafka_ssl_keyfile,
    }
    named = [field for field, path in files.items() if path is not None]
    if named and not settings.kafka_protocol.endswith("SSL"):
        return f"{ENV_PREFIX}{named[0].upper()} is set but {protocol} does not use TLS (SSL and SASL_SSL do)"
    if settings.kafka_ssl_keyfile is not None and settings.kafka_ssl_certfile is None:
        return f"{ENV_PREFIX}KAFKA_SSL_KEYFILE is set without {ENV_PREFIX}KAFKA_SSL_CERTFILE"
    for field, path in {**files, "kafka_sasl_password_file": password_file}.items():
        if path is not None and not path.is_file():
            return f"{ENV_PREFIX}{field.upper()}={str(path)!r}: no such file"
    if password_file is not None:
        try:
            settings.kafka_sasl_secret()
        except ConfigError as error:
            return str(error)
    return None


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
        if not problem["loc"]:  # a rule across settings: its message names them, and shows no value
            problems.append(str(problem["msg"]).removeprefix("Value error, "))
            continue
        field = str(problem["loc"][0])
        info = Settings.model_fields.get(field)
        secret = info is not None and "SecretStr" in str(info.annotation)
        value = "(hidden)" if secret else repr(problem.get("input"))
        problems.append(f"{ENV_PREFIX}{field.upper()}={value}: {problem['msg']}")
    return "bad setting " + "; ".join(problems)
