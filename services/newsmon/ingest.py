"""ingest: read articles from files, directories or stdin and publish them to news.articles.raw.

Bytes are published as found (a broken JSON line too): deciding what is valid is normalize's
job, so bad input becomes a dead letter with its reason instead of vanishing here."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import orjson

from newsmon import topics
from newsmon.settings import Settings

log = logging.getLogger(__name__)

JSONL_SUFFIXES = {".jsonl", ".ndjson"}
ARTICLE_SUFFIXES = {".txt", ".json", *JSONL_SUFFIXES}
# Room for the record batch header around one value, under the broker's 8 MiB limit.
MAX_VALUE_BYTES = topics.MAX_MESSAGE_BYTES - 4096


@dataclass(frozen=True)
class Outgoing:
    key: bytes | None
    value: bytes
    origin: str  # file:line, for error messages


def article_key(obj: object) -> bytes | None:
    if isinstance(obj, dict) and isinstance(obj.get("id"), str) and obj["id"]:
        return obj["id"].encode("utf-8")
    return None


def from_jsonl(data: bytes, origin: str) -> Iterator[Outgoing]:
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            key = article_key(orjson.loads(line))
        except orjson.JSONDecodeError:
            key = None
        yield Outgoing(key, line, f"{origin}:{number}")


def from_json(data: bytes, origin: str) -> Iterator[Outgoing]:
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        yield Outgoing(None, data, origin)
        return
    if isinstance(obj, list):
        for number, item in enumerate(obj):
            yield Outgoing(article_key(item), orjson.dumps(item), f"{origin}[{number}]")
    else:
        yield Outgoing(article_key(obj), data, origin)


def from_text(data: bytes, origin: str, article_id: str | None) -> Iterator[Outgoing]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        yield Outgoing(None, data, origin)  # normalize dead-letters it as undecodable_bytes
        return
    article = {"text": text, "source": origin}
    if article_id:
        article["id"] = article_id
    yield Outgoing(article_key(article), orjson.dumps(article), origin)


def from_file(path: Path) -> Iterator[Outgoing]:
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from from_jsonl(data, str(path))
    elif suffix == ".json":
        yield from from_json(data, str(path))
    else:
        yield from from_text(data, str(path), path.stem)


def from_stdin(stream: BinaryIO) -> Iterator[Outgoing]:
    data = stream.read()
    if data.lstrip()[:1] not in (b"{", b"["):
        yield from from_text(data, "stdin", None)
        return
    try:
        orjson.loads(data)
    except orjson.JSONDecodeError:
        yield from from_jsonl(data, "stdin")  # several objects, one a line
    else:
        yield from from_json(data, "stdin")


def expand(paths: Sequence[str]) -> list[Path | str]:
    """Files in the order given; a directory's article files in name order; '-' is stdin."""
    expanded: list[Path | str] = []
    for name in paths:
        if name == "-":
            expanded.append("-")
            continue
        path = Path(name)
        if path.is_dir():
            expanded += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
        elif path.is_file():
            expanded.append(path)
        else:
            raise FileNotFoundError(f"no such file or directory: {name}")
    return expanded


def read_sources(paths: Sequence[str], stdin: BinaryIO | None = None) -> Iterator[Outgoing]:
    for item in expand(paths):
        if item == "-":
            yield from from_stdin(stdin or sys.stdin.buffer)
        else:
            yield from from_file(item)  # type: ignore[arg-type]


@dataclass
class IngestReport:
    published: int = 0
    rejected: int = 0


def make_producer(settings: Settings):
    from kafka import KafkaProducer

    from newsmon.admin import client_config

    return KafkaProducer(**client_config(settings), acks="all", linger_ms=5, max_request_size=topics.MAX_MESSAGE_BYTES,
                         retries=5)


def publish(messages: Iterable[Outgoing], settings: Settings, *, progress: bool = False, producer=None) -> IngestReport:
    """Publish every message to news.articles.raw; too large ones are reported, not sent.
    The progress bar shows only on a terminal."""
    from tqdm import tqdm

    report = IngestReport()
    own_producer = producer is None
    producer = producer or make_producer(settings)
    futures = []
    try:
        for message in tqdm(messages, desc="ingest", unit=" articles", disable=None if progress else True,
                            file=sys.stderr, mininterval=0.5):
            if len(message.value) > MAX_VALUE_BYTES:
                report.rejected += 1
                print(f"newsmon ingest: {message.origin}: {len(message.value)} bytes is over the "
                      f"{MAX_VALUE_BYTES}-byte message limit; not published", file=sys.stderr)
                continue
            futures.append(producer.send(topics.RAW, key=message.key, value=message.value))
        producer.flush()
        for future in futures:
            future.get(timeout=30)  # raises if the broker refused it
            report.published += 1
    finally:
        if own_producer:
            producer.close()
    return report
