"""The Kafka jars: the runtime classpath of deploy/kafka/pom.xml, fetched from Maven Central once."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
from pathlib import Path

from newsmon.settings import REPO_ROOT

log = logging.getLogger(__name__)

KAFKA_DIR = REPO_ROOT / "deploy" / "kafka"
JAR_STAMP_NAME = ".pom.sha256"


class LocalKafkaError(RuntimeError):
    """The local broker could not be fetched, formatted, started or reached."""


def pom_sha256(kafka_dir: Path) -> str:
    return hashlib.sha256((kafka_dir / "pom.xml").read_bytes()).hexdigest()


def jars_are_current(kafka_dir: Path) -> bool:
    """True when libs/ holds jars copied from exactly the current pom.xml."""
    libs = kafka_dir / "libs"
    stamp = libs / JAR_STAMP_NAME
    if not stamp.is_file() or not any(libs.glob("*.jar")):
        return False
    return stamp.read_text().strip() == pom_sha256(kafka_dir)


def java_executable() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise LocalKafkaError("java not found (PATH or JAVA_HOME): Kafka 4.x needs Java 17+")
    return java


def ensure_jars(kafka_dir: Path = KAFKA_DIR) -> Path:
    """Make kafka_dir/libs hold the runtime classpath of kafka_dir/pom.xml; return libs.

    Does nothing when the stamp in libs/ matches the pom's sha256. Otherwise libs/ is wiped
    first: the JVM loads `libs/*` in no fixed order, so a leftover jar of another version wins
    at random.
    """
    kafka_dir = kafka_dir.resolve()
    libs = kafka_dir / "libs"
    if jars_are_current(kafka_dir):
        return libs
    java_executable()
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalKafkaError("mvn not found on PATH: install Maven to fetch the Kafka jars")
    shutil.rmtree(libs, ignore_errors=True)
    command = [
        mvn,
        "-B",
        "-q",
        "-f",
        str(kafka_dir / "pom.xml"),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={libs}",
    ]
    log.info("fetching Kafka jars: %s", " ".join(command))
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not any(libs.glob("*.jar")):
        output = (result.stdout + result.stderr).strip()
        raise LocalKafkaError(f"mvn copy-dependencies failed (exit {result.returncode}):\n{output[-4000:]}")
    (libs / JAR_STAMP_NAME).write_text(pom_sha256(kafka_dir) + "\n")
    return libs
