"""Places, organisations and watchlist entries found by longest match in the gazetteer, and the
one-word places that the article shows are not places: small towns out of context, first names."""

from __future__ import annotations

from dataclasses import dataclass

from newsmon.nlp.entities.names import NameWords
from newsmon.nlp.entities.tokens import Match, Tokens, context_countries, is_one_word_city
from newsmon.nlp.places.entries import GazetteerEntry
from newsmon.nlp.places.gazetteer import MAX_NAME_TOKENS, SMALL_TOWN_POPULATION, Gazetteer


@dataclass(frozen=True)
class GazetteerMatcher:
    """Gazetteer lookups of the text's tokens, in the article's language."""

    gazetteer: Gazetteer
    lang: str
    name_connectors: frozenset[str]  # the lower-case words a name may hold ("Rio de Janeiro")

    def matches(self, tokens: Tokens) -> list[Match]:
        """The longest gazetteer names in the text, left to right."""
        matches: list[Match] = []
        n = len(tokens.text)
        max_chars = self.gazetteer.max_chars
        i = 0
        while i < n:
            first = tokens.text[i]
            if tokens.is_space[i] or not first[:1].isupper():
                i += 1
                continue
            best: tuple[int, GazetteerEntry] | None = None
            raw, folded = "", ""
            for j in range(i, min(n, i + MAX_NAME_TOKENS)):
                if tokens.is_space[j]:
                    break
                if j > i and tokens.text[j].islower() and tokens.lower[j] not in self.name_connectors:
                    break  # names are capitalised words, with a few small joining words
                raw += tokens.text[j]
                folded += tokens.folded[j]
                if len(raw) > max_chars:
                    break
                entry = self.gazetteer.lookup(raw, folded, self.lang)
                if entry is not None:
                    best = (j + 1, entry)
                if not tokens.trailing_space[j]:
                    continue
                raw += " "
                folded += " "
            if best is None:
                i += 1
                continue
            end, entry = best
            # A lone capitalised word opening a sentence is a place only if the article never
            # writes it in lower case (keeps "Nice weather ..." or "Sumber ..." out).
            if end - i == 1 and tokens.sentence_initial[i] and tokens.lower[i] in tokens.lowercase_words:
                i += 1
                continue
            matches.append(Match(i, end, entry.label, entry.canonical, entry, watchlist_id=entry.watchlist_id))
            i = end
        return matches

    def lookup(self, tokens: Tokens, start: int, end: int) -> GazetteerEntry | None:
        """The gazetteer entry of tokens [start, end) as one name, spelled as `matches` builds it."""
        raw = folded = ""
        for k in range(start, end):
            raw += tokens.text[k]
            folded += tokens.folded[k]
            if tokens.trailing_space[k] and k + 1 < end:
                raw += " "
                folded += " "
        if len(raw) > self.gazetteer.max_chars:
            return None
        return self.gazetteer.lookup(raw, folded, self.lang)


def drop_small_towns_out_of_context(known: list[Match], taken: list[bool]) -> list[Match]:
    """A one-word town smaller than SMALL_TOWN_POPULATION counts only when the article names its
    country (surnames are towns somewhere)."""
    kept = []
    for m in known:
        if m.entry is not None and m.label == "LOC" and m.end - m.start == 1:
            cities = [c for c in m.entry.candidates if c.feature == "city"]
            if len(cities) == len(m.entry.candidates) and max(c.population for c in cities) < SMALL_TOWN_POPULATION:
                # the country must come from another place: a town is no context for itself
                countries = context_countries([o for o in known if o.entry is not m.entry])
                if not any(c.country_code in countries for c in cities):
                    taken[m.start] = False
                    continue
        kept.append(m)
    return kept


def release_first_name_cities(tokens: Tokens, known: list[Match], taken: list[bool], names: NameWords) -> list[Match]:
    """A one-word city directly followed by exactly one name word is a first name and a
    surname ("Vladimir Putin", "Paris Hilton"), not a place; before two name words it is a
    place qualifying the name ("Walikota Kyiv Vitaliy Klitschko")."""
    kept = []
    for m in known:
        if is_one_word_city(m) and tokens.trailing_space[m.start]:
            after = m.end
            if after < len(tokens.text) and names.name_run(tokens, after, taken) == after + 1:
                taken[m.start] = False
                continue
        kept.append(m)
    return kept


def drop_person_word_cities(tokens: Tokens, known: list[Match], persons: list[Match], taken: list[bool]) -> list[Match]:
    """The entities without the one-word cities that are also the first or last word of a person
    found in this article ("Perry" after "Perry Warjiyo"): that word is the person, not the place,
    and its token is freed for linking."""
    return [m for m in known if not _is_person_word(tokens, m, persons, taken)]


def _is_person_word(tokens: Tokens, m: Match, persons: list[Match], taken: list[bool]) -> bool:
    if not is_one_word_city(m):
        return False
    word = tokens.text[m.start]
    for p in persons:
        if p.end - p.start >= 2 and word in (tokens.text[p.start], tokens.text[p.end - 1]):
            taken[m.start] = False
            return True
    return False
