"""The local broker's SASL_SSL client listener: deploy/kafka/sasl-ssl.properties laid over the
rendered server.properties, SCRAM users added by the storage format, TLS from the test CA (tls.py).

PLAINTEXT stays for the controller, the broker itself and local tools, as Kafka's docs advise;
clients with credentials use the SASL_SSL port.
"""

from __future__ import annotations

import base64
import hashlib
import os
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from newsmon.devtools.local_kafka.jars import LocalKafkaError
from newsmon.devtools.local_kafka.tls import BrokerTls
from newsmon.settings import Settings

OVERLAY_NAME = "sasl-ssl.properties"
SCRAM_USERS_NAME = "scram-users.txt"
SCRAM_ITERATIONS = 4096  # Kafka's default and minimum
SCRAM_HASHES = {"SCRAM-SHA-256": "sha256", "SCRAM-SHA-512": "sha512"}
CLIENT_MECHANISM = "SCRAM-SHA-512"


@dataclass(frozen=True)
class ScramUser:
    name: str
    password: SecretStr

    def __post_init__(self) -> None:
        # The storage tool splits its --add-scram value on commas and strips surrounding quotes.
        if not self.name or "," in self.name or self.name.startswith('"') or self.name != self.name.strip():
            raise LocalKafkaError(f"SCRAM user name {self.name!r}: it must be non-empty, without commas or quotes")


@dataclass(frozen=True)
class SaslSslListener:
    port: int
    users: tuple[ScramUser, ...]


def _pairs(text: str) -> Iterable[tuple[str, str]]:
    for line in text.splitlines():
        key, sep, _ = line.partition("=")
        if sep and not line.lstrip().startswith(("#", "!")):
            yield key.strip(), line


def overlay_properties(base: str, overlay: str) -> str:
    """base with each key overlay sets replaced where it stands; overlay's other keys appended."""
    replacements = dict(_pairs(overlay))
    lines = []
    for line in base.splitlines():
        key, sep, _ = line.partition("=")
        if sep and not line.lstrip().startswith(("#", "!")) and key.strip() in replacements:
            line = replacements.pop(key.strip())
        lines.append(line)
    if replacements:
        lines += ["", "# From deploy/kafka/sasl-ssl.properties", *replacements.values()]
    return "\n".join(lines) + "\n"


def render_sasl_ssl(
    config_text: str, overlay_template: str, *, port: int, controller_port: int, sasl_port: int, tls: BrokerTls
) -> str:
    """The rendered server.properties with the SASL_SSL listener on sasl_port laid over it."""
    if sasl_port in (port, controller_port):
        raise ValueError(f"the SASL_SSL port {sasl_port} must differ from the client and controller ports")
    overlay = string.Template(overlay_template).substitute(
        PORT=port,
        CONTROLLER_PORT=controller_port,
        SASL_PORT=sasl_port,
        KEYSTORE=str(tls.keystore.resolve()),
        KEY_PASSWORD=tls.key_password(),
    )
    return overlay_properties(config_text, overlay)


def scram_arguments(users: Sequence[ScramUser], random_bytes: Callable[[int], bytes] = os.urandom) -> list[str]:
    """The storage format's --add-scram options: every user for both SCRAM mechanisms.

    Only the salted password (what the broker stores) goes on the command line, never the password:
    a command line is visible to every user of the machine, and the tool cannot parse a comma in it.
    """
    arguments = []
    for user in users:
        for mechanism, digest in SCRAM_HASHES.items():
            salt = random_bytes(32)
            salted = hashlib.pbkdf2_hmac(digest, user.password.get_secret_value().encode(), salt, SCRAM_ITERATIONS)
            fields = f"name={user.name},salt={_b64(salt)},saltedpassword={_b64(salted)},iterations={SCRAM_ITERATIONS}"
            arguments += ["--add-scram", f"{mechanism}=[{fields}]"]
    return arguments


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def record_users(data_dir: Path, users: Sequence[ScramUser]) -> None:
    """Note the names (never the passwords) of the users this data dir was formatted with."""
    (data_dir / SCRAM_USERS_NAME).write_text("".join(f"{user.name}\n" for user in users))


def recorded_users(data_dir: Path) -> set[str]:
    try:
        return set((data_dir / SCRAM_USERS_NAME).read_text().split())
    except FileNotFoundError:
        return set()


def check_users_exist(data_dir: Path, users: Sequence[ScramUser]) -> None:
    """SCRAM users are only added by the first format: name the ones a formatted data dir lacks."""
    missing = sorted({user.name for user in users} - recorded_users(data_dir))
    if missing:
        raise LocalKafkaError(
            f"{data_dir} was formatted without SCRAM user(s) {', '.join(missing)}; users are only added "
            "when the storage is formatted: stop the broker and start on a fresh --data-dir"
        )


def client_settings(listener: SaslSslListener, tls: BrokerTls) -> Settings:
    """Settings of the listener's first user, for checking that it can log in."""
    user = listener.users[0]
    return Settings(
        kafka_bootstrap=f"127.0.0.1:{listener.port}",
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism=CLIENT_MECHANISM,
        kafka_sasl_username=user.name,
        kafka_sasl_password=user.password,
        kafka_sasl_password_file=None,  # explicit: the environment's must not mix in
        kafka_ssl_cafile=tls.ca_file,
        kafka_ssl_certfile=None,
        kafka_ssl_keyfile=None,
    )
