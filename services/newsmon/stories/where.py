"""Where an article's event happened: not every place it names, only those the event is placed at.

The rule, in order:
1. Event sentences: a sentence holding a casualty fact (killed, injured, missing) or an event word of its
   language (cues.py: attack, explosion, fire, tewas, serangan, ...). An article with none: its lead
   (first sentence), where a dateline and the news are.
2. In those sentences, every resolved place mention counts except one named in a context that puts
   nothing there: a cue before it ("summit in Paris", "KTT Paris", "kementerian pertahanan Rusia",
   "said in Brussels", "Presiden Prancis") or after it ("the Paris summit", "Russia's defence ministry",
   "Moscow said"), with at most a few link words ("of the", "in") between and no punctuation.
3. A district is placed at the city the text puts it in (Place.relation "enclosing") and named among
   that city's districts. So is a mention resolved to a city that the text calls a part of a city ("the
   Prymorskyi district of Odesa", "distrik Prymorskyi": the gazetteer also holds a town of that name
   elsewhere): it is placed at another city of its sentence, else at the article's leading city in
   its country; with neither it stays a city.
4. The finest level found wins: cities; a region only when no city is left; a country only when
   neither is. Most mentioned first, then first mentioned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from newsmon.nlp.places.names import fold, fold_token
from newsmon.records import EnrichedArticle, Entity, Place
from newsmon.stories.cues import LanguageCues, WordSet, cues_for

CASUALTY_KINDS = frozenset({"killed", "injured", "missing"})
# A cue this many words away at most (link words between count) still frames the place.
MAX_CONTEXT_WORDS = 3
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"'”’»)]*\s+|\n\s*")
_WORD = re.compile(r"\w+")
_INSIDE_A_PHRASE = re.compile(r"[\s'’\-]*")  # what may stand between two words of one phrase
_LEVELS = ("city", "region", "country")


@dataclass(frozen=True)
class EventPlace:
    place: Place  # a city (for a district: the city that encloses it), region or country
    districts: tuple[str, ...]
    mentions: int
    first: int  # character offset of its first counted mention

    @property
    def key(self) -> str:
        place = self.place
        return place_key(place.geonameid, place.feature, place.country_code, place.name)


def found_key(place: Place) -> str:
    return place_key(place.geonameid, place.feature, place.country_code, place.name)


def place_key(geonameid: int | None, feature: str, country_code: str | None, name: str) -> str:
    """One key per place across languages: its GeoNames id, else (a region) its country and name."""
    if geonameid is not None:
        return f"g{geonameid}"
    return f"{feature}:{country_code}:{fold(name)}"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for brk in _SENTENCE_BREAK.finditer(text):
        if brk.start() > start:
            spans.append((start, brk.start()))
        start = brk.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def is_event_sentence(sentence: str, facts_here: bool, cues: LanguageCues) -> bool:
    return facts_here or any(fold_token(w) in cues.event_words for w in _WORD.findall(sentence))


def event_sentences(article: EnrichedArticle) -> list[tuple[int, int]]:
    """The spans of the sentences that carry the event (rule 1)."""
    spans = sentence_spans(article.text)
    cues = cues_for(article.language)
    starts = [f.start for f in article.facts if f.kind in CASUALTY_KINDS]
    chosen = [(s, e) for s, e in spans if is_event_sentence(article.text[s:e], any(s <= at < e for at in starts), cues)]
    return chosen or spans[:1]


def _words_before(text: str, limit: int) -> list[str]:
    """The last words of `text` (nearest first) that belong to one phrase with what follows it."""
    words: list[str] = []
    end = len(text)
    for match in reversed(list(_WORD.finditer(text))):
        if len(words) == limit or not _INSIDE_A_PHRASE.fullmatch(text, match.end(), end):
            break
        words.append(fold_token(match.group()))
        end = match.start()
    return words


def _words_after(text: str, limit: int) -> list[str]:
    words: list[str] = []
    start = 0
    for match in _WORD.finditer(text):
        if len(words) == limit or not _INSIDE_A_PHRASE.fullmatch(text, start, match.start()):
            break
        words.append(fold_token(match.group()))
        start = match.end()
    return words


def _framed(words: Iterable[str], cue_words: WordSet, links: WordSet) -> bool:
    """The first word among `words` that is not a link word is a cue."""
    for word in words:
        if word in cue_words:
            return True
        if word not in links:
            return False
    return False


def names_nothing_here(text: str, sentence: tuple[int, int], entity: Entity, cues: LanguageCues) -> bool:
    """Rule 2: the place is named in a context where nothing happened to it."""
    before = _words_before(text[sentence[0] : entity.start], MAX_CONTEXT_WORDS)
    after = _words_after(text[entity.end : sentence[1]], MAX_CONTEXT_WORDS)
    return _framed(before, cues.before, cues.links) or _framed(after, cues.after, cues.links)


def called_a_district(text: str, sentence: tuple[int, int], entity: Entity, cues: LanguageCues) -> bool:
    """Rule 3: "the X district", "distrik X" (the cue word right before or after the mention, or
    opening or closing it: a model may take "distrik Prymorskyi" for the name)."""
    before = _words_before(text[sentence[0] : entity.start], 1)
    after = _words_after(text[entity.end : sentence[1]], 1)
    inside = [fold_token(word) for word in _WORD.findall(text[entity.start : entity.end])]
    edges = (inside[0], inside[-1]) if len(inside) > 1 else ()
    return any(word in cues.part_of_city for word in (*before, *after, *edges))


def _count(found: dict[str, EventPlace], place: Place, districts: tuple[str, ...], at: int) -> None:
    counted = EventPlace(place.model_copy(update={"relation": None}), districts, 1, at)
    known = found.get(counted.key)
    if known is not None:
        merged = known.districts + tuple(d for d in districts if d not in known.districts)
        counted = EventPlace(known.place, merged, known.mentions + 1, known.first)
    found[counted.key] = counted


def _enclosing_city(
    found: dict[str, EventPlace], district: Entity, sentence: tuple[int, int], spans_of: dict[str, list[int]]
) -> EventPlace | None:
    """Rule 3: another city of the district's sentence, else the leading city of its country."""
    own = district.place
    cities = [p for p in found.values() if p.place.feature == "city" and p.place != own]
    in_sentence = [p for p in cities if any(sentence[0] <= at < sentence[1] for at in spans_of[p.key])]
    if in_sentence:
        return min(in_sentence, key=lambda p: min(abs(at - district.start) for at in spans_of[p.key]))
    same_country = [p for p in cities if own is not None and p.place.country_code == own.country_code]
    return min(same_country, key=lambda p: (-p.mentions, p.first), default=None)


def event_places(article: EnrichedArticle) -> list[EventPlace]:
    """Where the event happened (the module's rule), most mentioned first."""
    cues = cues_for(article.language)
    spans = event_sentences(article)
    found: dict[str, EventPlace] = {}
    mentioned_at: dict[str, list[int]] = {}
    called_districts: list[tuple[Entity, tuple[int, int]]] = []
    for entity in article.entities:
        place = entity.place
        if entity.label != "LOC" or place is None:
            continue
        sentence = next(((s, e) for s, e in spans if s <= entity.start < e), None)
        if sentence is None or names_nothing_here(article.text, sentence, entity, cues):
            continue
        enclosed = place.relation == "enclosing"
        if not enclosed and place.feature == "city" and called_a_district(article.text, sentence, entity, cues):
            called_districts.append((entity, sentence))
            continue
        _count(found, place, (entity.canonical,) if enclosed else (), entity.start)
        mentioned_at.setdefault(found_key(place), []).append(entity.start)
    for entity, sentence in called_districts:
        assert entity.place is not None
        city = _enclosing_city(found, entity, sentence, mentioned_at)
        if city is None:
            _count(found, entity.place, (), entity.start)
        else:
            _count(found, city.place, (entity.canonical,), entity.start)
    for level in _LEVELS:
        chosen = [p for p in found.values() if p.place.feature == level]
        if chosen:
            return sorted(chosen, key=lambda p: (-p.mentions, p.first))
    return []


def bucket_key(article: EnrichedArticle, places: list[EventPlace] | None = None) -> str:
    """The partition key of an article's story: the country of its first event place, else its language."""
    places = event_places(article) if places is None else places
    country = next((p.place.country_code for p in places if p.place.country_code), None)
    return country if country else f"lang:{article.language}"
