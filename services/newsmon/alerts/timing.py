"""Whether a reported count is about another time than the event the article reports.

"The 2004 tsunami killed 230,000", "Tahun lalu, 3 orang tewas dalam banjir", "floods have killed
300 people this year": such counts are background, not this event's toll. The sentence holding the
fact's span is read, and the count is about another time when that sentence holds

- a year (1900-2099) other than the article's own year, outside the fact's span and not after
  "since" ("the deadliest fire since 2019" still reports this fire), or
- a phrase of the article's language for a past or a running period (OTHER_TIME_PHRASES): "last
  year", "years ago", "tahun lalu", "tahun silam", "so far this year", "sejak awal tahun", ...

Weeks and days are not in the list: "Sunday's attack" and "last week's blast" are how follow-up
reports name the same event.
"""

from __future__ import annotations

import re
from functools import cache

# Case-insensitive, whole words. "any" applies to every language.
OTHER_TIME_PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        "last year",
        "a year ago",
        "years ago",
        "a decade ago",
        "decades ago",
        "the year before",
        "the previous year",
        "previous years",
        "last month",
        "a month ago",
        "months ago",
        "this year",
        "so far this year",
        "since the start of the year",
        "since the beginning of the year",
        "in the past",
    ),
    "id": (
        "tahun lalu",
        "tahun silam",
        "tahun sebelumnya",
        "tahun-tahun sebelumnya",
        "beberapa tahun",
        "puluhan tahun",
        "dekade lalu",
        "bulan lalu",
        "bulan silam",
        "tahun ini",
        "sepanjang tahun",
        "sejak awal tahun",
        "di masa lalu",
    ),
    "ms": ("tahun lalu", "tahun lepas", "bulan lepas", "tahun ini", "sejak awal tahun"),
    "de": ("letztes jahr", "im vergangenen jahr", "vor jahren", "letzten monat", "seit jahresbeginn", "in diesem jahr"),
    "fr": ("l'an dernier", "l'année dernière", "il y a des années", "le mois dernier", "cette année"),
    "es": ("el año pasado", "hace años", "el mes pasado", "en lo que va del año", "este año"),
}
_SINCE = r"(?:since|sejak|seit|depuis|desde)"
_YEAR = re.compile(r"(?<![\d.,])(19\d\d|20\d\d)(?![\d]|[.,]\d)")
_AFTER_SINCE = re.compile(_SINCE + r"(?:\s+\S+){0,2}\s+$", re.IGNORECASE)
# A sentence ends at . ! ? or … followed by a space (not "230.000", not "3.5"), or at a line break.
_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]*\s+|\n")
_YEAR_IN_TIMESTAMP = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")


@cache
def _phrases(language: str) -> re.Pattern[str] | None:
    phrases = OTHER_TIME_PHRASES.get(language)
    if not phrases:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence (or sentences) holding text[start:end]."""
    begin = 0
    for boundary in _SENTENCE_END.finditer(text, 0, start):
        begin = boundary.end()
    after = _SENTENCE_END.search(text, max(end, begin))
    return begin, after.start() if after else len(text)


def year_of(*timestamps: str | None) -> int | None:
    """The year of the first timestamp that shows one (an RFC 3339 time, a feed's RFC 822 date)."""
    for stamp in timestamps:
        found = _YEAR_IN_TIMESTAMP.search(stamp or "")
        if found:
            return int(found.group(1))
    return None


def other_time_marker(text: str, start: int, end: int, language: str, year: int | None) -> str | None:
    """What in the sentence around text[start:end] says its count is about another time, or None."""
    begin, finish = sentence_around(text, start, end)
    for found in _YEAR.finditer(text, begin, finish):
        if start <= found.start() < end or (year is not None and int(found.group(1)) == year):
            continue
        if not _AFTER_SINCE.search(text[max(begin, found.start() - 40) : found.start()]):
            return found.group(1)
    pattern = _phrases(language)
    if pattern is None:
        return None
    for found in pattern.finditer(text, begin, finish):
        if not start <= found.start() < end:
            return found.group(0)
    return None
