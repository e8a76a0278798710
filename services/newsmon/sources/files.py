"""Articles from files, directories and stdin, as the raw messages a source publishes.

Bytes are kept as found (a broken JSON line too): deciding what is valid is normalize's job, so bad
input becomes a dead letter with its reason instead of vanishing here. `.txt` is one article, `.json`
an article or a list of them, `.jsonl` / `.ndjson` one article a line.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import orjson

JSONL_SUFFIXES = {".jsonl", ".ndjson"}
ARTICLE_SUFFIXES = {".txt", ".json", *JSONL_SUFFIXES}


@dataclass(frozen=True)
class Outgoing:
    key: bytes | None
    value: bytes
    origin: str  # file:line, for error messages


def article_key(obj: object) -> bytes | None:
    article_id = obj.get("id") if isinstance(obj, dict) else None
    return article_id.encode("utf-8") if isinstance(article_id, str) and article_id else None


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
    yield from from_file_bytes(path, path.read_bytes())


def from_file_bytes(path: Path, data: bytes) -> Iterator[Outgoing]:
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


def read_sources(
    paths: Sequence[str],
    stdin: BinaryIO | None = None,
    on_unreadable: Callable[[str, OSError], None] | None = None,
) -> Iterator[Outgoing]:
    """The messages of every input; a file that cannot be read raises, or with `on_unreadable` is
    reported to it and the other files are still read."""
    for item in expand(paths):
        if item == "-":
            yield from from_stdin(stdin or sys.stdin.buffer)
            continue
        path = Path(item)
        try:
            data = path.read_bytes()
        except OSError as error:
            if on_unreadable is None:
                raise
            on_unreadable(str(path), error)
            continue
        yield from from_file_bytes(path, data)
