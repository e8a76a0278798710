"""Test TLS material for the local broker: a throw-away CA and a broker certificate it signs, made
with the `openssl` command (no Python crypto dependency).

    ca = make_ca(directory)                        # ca.pem (give it to clients), ca.key
    tls = issue_broker_keystore(ca, directory)     # keystore.pem: encrypted key + chain, for Kafka's PEM keystore
    tls = ensure_broker_tls(directory)             # both, made once and reused
    cert, key = issue_certificate(ca, directory, "client")   # a plain PEM pair, e.g. a TLS client's

Kafka reads a PEM keystore file only with an encrypted key (ssl.key.password), so the key password is
random, kept in a 0600 file next to the key and never printed.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsmon.devtools.local_kafka.jars import LocalKafkaError

CA_CERT_NAME = "ca.pem"
CA_KEY_NAME = "ca.key"
KEYSTORE_NAME = "keystore.pem"
KEY_PASSWORD_NAME = "key.password"
BROKER_HOSTS = ("127.0.0.1", "localhost")
VALID_DAYS = 30
_KEY_PASSWORD_ENV = "NEWSMON_TLS_KEY_PASSWORD"
_NEW_EC_KEY = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"  # an unencrypted P-256 key

# Extensions a strict verifier (Python 3.13's default VERIFY_X509_STRICT) insists on.
_OPENSSL_CONFIG = """\
[req]
distinguished_name = subject
prompt = no
[subject]
CN = {common_name}
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = {alt_names}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


@dataclass(frozen=True)
class CertificateAuthority:
    cert: Path
    key: Path


@dataclass(frozen=True)
class BrokerTls:
    ca_file: Path
    keystore: Path
    key_password_file: Path

    def key_password(self) -> str:
        return self.key_password_file.read_text()


def _openssl(command: str, *, env: dict[str, str] | None = None, **values: object) -> None:
    """Run `openssl command`, its {placeholders} filled after splitting (paths may hold spaces)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise LocalKafkaError("openssl not found on PATH: it makes the test CA for the SASL_SSL listener")
    args = [token.format(**values) for token in command.split()]
    result = subprocess.run(
        [openssl, *args], capture_output=True, text=True, check=False, env={**os.environ, **(env or {})}
    )
    if result.returncode != 0:
        raise LocalKafkaError(f"openssl {args[0]} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")


def _config(work: Path, common_name: str, hosts: Sequence[str] = ()) -> Path:
    alt_names = ", ".join(f"IP:{host}" if host.replace(".", "").isdigit() else f"DNS:{host}" for host in hosts)
    path = work / "openssl.cnf"
    path.write_text(_OPENSSL_CONFIG.format(common_name=common_name, alt_names=alt_names or "DNS:localhost"))
    return path


def make_ca(directory: Path, common_name: str = "newsmon test CA") -> CertificateAuthority:
    """A new self-signed CA (EC P-256, valid VALID_DAYS) in directory/ca.pem and directory/ca.key."""
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / CA_CERT_NAME, directory / CA_KEY_NAME
    with tempfile.TemporaryDirectory(dir=directory) as work:
        _openssl(
            f"req -x509 -new -extensions ca {_NEW_EC_KEY} -config {{config}} -keyout {{key}} -out {{cert}}"
            " -days {days}",
            config=_config(Path(work), common_name),
            key=key,
            cert=cert,
            days=VALID_DAYS,
        )
    key.chmod(0o600)
    return CertificateAuthority(cert, key)


def issue_certificate(
    ca: CertificateAuthority, directory: Path, name: str, hosts: Sequence[str] = BROKER_HOSTS
) -> tuple[Path, Path]:
    """A certificate for hosts (server and client use) signed by ca, and its unencrypted key:
    directory/name.pem and directory/name.key (0600)."""
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    with tempfile.TemporaryDirectory(dir=directory) as work_dir:
        config, request = _config(Path(work_dir), hosts[0], hosts), Path(work_dir) / "request.csr"
        new_request = f"req -new {_NEW_EC_KEY} -config {{config}} -keyout {{key}} -out {{request}}"
        _openssl(new_request, config=config, key=key, request=request)
        key.chmod(0o600)
        _openssl(
            "x509 -req -extensions leaf -extfile {config} -in {request} -CA {ca_cert} -CAkey {ca_key}"
            " -set_serial {serial} -days {days} -out {cert}",
            config=config,
            request=request,
            ca_cert=ca.cert,
            ca_key=ca.key,
            serial=secrets.randbits(63),
            days=VALID_DAYS,
            cert=cert,
        )
    return cert, key


def issue_broker_keystore(ca: CertificateAuthority, directory: Path, hosts: Sequence[str] = BROKER_HOSTS) -> BrokerTls:
    """A broker key and certificate for hosts, signed by ca, as one PEM keystore file with the key
    encrypted (PKCS#8, PBE-SHA1-3DES: Java 17 cannot read PBES2) under a new random password."""
    directory.mkdir(parents=True, exist_ok=True)
    password_file = _private_file(directory / KEY_PASSWORD_NAME, secrets.token_urlsafe(24))
    keystore = directory / KEYSTORE_NAME
    with tempfile.TemporaryDirectory(dir=directory) as work_dir:
        cert, key = issue_certificate(ca, Path(work_dir), "broker", hosts)
        encrypted = Path(work_dir) / "encrypted.key"
        _openssl(
            "pkcs8 -topk8 -v1 PBE-SHA1-3DES -in {key} -out {encrypted} -passout env:" + _KEY_PASSWORD_ENV,
            key=key,
            encrypted=encrypted,
            env={_KEY_PASSWORD_ENV: password_file.read_text()},
        )
        _private_file(keystore, encrypted.read_text() + cert.read_text() + ca.cert.read_text())
    return BrokerTls(ca.cert, keystore, password_file)


def _private_file(path: Path, text: str) -> Path:
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(text)
    return path


def ensure_broker_tls(directory: Path) -> BrokerTls:
    """The CA and broker keystore in directory, made on first use and reused afterwards."""
    existing = BrokerTls(directory / CA_CERT_NAME, directory / KEYSTORE_NAME, directory / KEY_PASSWORD_NAME)
    if all(path.is_file() for path in (existing.ca_file, existing.keystore, existing.key_password_file)):
        return existing
    return issue_broker_keystore(make_ca(directory), directory)
