"""The watchlist of people and organisations: data/watchlist.jsonl, or the file in
NEWSMON_WATCHLIST_PATH.

One JSON object a line: {"id", "label": "PER"|"ORG", "canonical", "aliases": [...], "note"?}; blank
lines and lines starting with '#' are skipped. An alias without a lower-case letter (NATO, PBB),
shorter than MIN_FOLDED_ALIAS_CHARS or not starting with a capital is matched with its exact case;
the others ignore case and accents (Kličko = Klicko) but must start with a capital letter in the
text. A one-word alias that is a common word of a supported language is refused, as is an alias two
entries share: `load_watchlist` raises WatchlistError naming the file and line, and the enrichment
loads the file when it is built, so a broken file stops the process at start, never mid-stream.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from newsmon.nlp.places.names import LETTERS, common_words, fold, has_lower, starts_upper
from newsmon.nlp.resources import DATA_DIR
from newsmon.settings import ConfigError

# Watchlist aliases shorter than this ("UN", "Ban") are matched with their exact case only.
MIN_FOLDED_ALIAS_CHARS = 4
WATCHLIST_LABELS = ("PER", "ORG")
_WATCHLIST_KEYS = frozenset({"id", "label", "canonical", "aliases", "note"})
PACKAGED_WATCHLIST = DATA_DIR / "watchlist.jsonl"


@dataclass(frozen=True)
class WatchlistEntry:
    id: str
    label: Literal["PER", "ORG"]
    canonical: str
    aliases: tuple[str, ...]
    note: str | None = None
    line: int = 0  # where it is written, for error messages

    def names(self) -> tuple[str, ...]:
        """Every spelling, the canonical name first."""
        return tuple(dict.fromkeys((self.canonical, *self.aliases)))


class WatchlistError(ConfigError):
    """A watchlist file that cannot be used; the message names the file and line."""


def exact_case_alias(name: str) -> bool:
    return not has_lower(name) or len(name) < MIN_FOLDED_ALIAS_CHARS or not starts_upper(name)


def alias_surnames(item: WatchlistEntry) -> tuple[str, ...]:
    if item.label != "PER":
        return ()
    skip = common_words()
    last_words = (name.split()[-1] for name in item.names() if len(name.split()) >= 2)
    return tuple(dict.fromkeys(w for w in last_words if starts_upper(w) and has_lower(w) and fold(w) not in skip))


def parse_watchlist(text: str, source: str) -> tuple[WatchlistEntry, ...]:
    """The entries of a watchlist file's text; `source` names the file in error messages."""
    entries: list[WatchlistEntry] = []
    owner: dict[str, tuple[str, int]] = {}  # alias key -> (id, line) of the entry that has it
    ids: dict[str, int] = {}
    skip = common_words()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue

        def fail(problem: str, number: int = number) -> WatchlistError:
            return WatchlistError(f"watchlist {source} line {number}: {problem}")

        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise fail(f"not valid JSON ({error.msg}, column {error.colno})") from None
        if not isinstance(data, dict):
            raise fail("expected a JSON object")
        unknown = sorted(set(data) - _WATCHLIST_KEYS)
        if unknown:
            raise fail(f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_WATCHLIST_KEYS))}")
        entry_id, label, canonical = data.get("id"), data.get("label"), data.get("canonical")
        aliases, note = data.get("aliases", []), data.get("note")
        if not isinstance(entry_id, str) or not entry_id.strip():
            raise fail("'id' must be a non-empty string")
        if entry_id in ids:
            raise fail(f"id {entry_id!r} is already used on line {ids[entry_id]}")
        if label not in WATCHLIST_LABELS:
            raise fail(f"'label' must be one of {', '.join(WATCHLIST_LABELS)}, not {label!r}")
        if not isinstance(canonical, str) or not canonical.strip():
            raise fail("'canonical' must be a non-empty string")
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise fail("'aliases' must be a list of non-empty strings")
        if note is not None and not isinstance(note, str):
            raise fail("'note' must be a string")
        item = WatchlistEntry(entry_id, label, " ".join(canonical.split()), tuple(aliases), note, number)
        for name in item.names():
            name = " ".join(name.split())
            if not LETTERS.search(name):
                raise fail(f"alias {name!r} has no letter")
            if len(name.split()) == 1 and has_lower(name) and fold(name) in skip:
                raise fail(f"alias {name!r} is a common word; write it with the rest of the name")
            key = name if exact_case_alias(name) else fold(name)
            if key in owner and owner[key][0] != entry_id:
                other, other_line = owner[key]
                raise fail(f"alias {name!r} already belongs to {other!r} (line {other_line})")
            owner[key] = (entry_id, number)
        ids[entry_id] = number
        entries.append(item)
    return tuple(entries)


def load_watchlist(path: Path | None = None) -> tuple[WatchlistEntry, ...]:
    """The watchlist at `path`, or the one shipped in data/ when `path` is None."""
    path = path or PACKAGED_WATCHLIST
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise WatchlistError(f"watchlist {path}: cannot be read ({error})") from None
    return parse_watchlist(text, str(path))
