"""Districts, neighbourhoods and villages that a cue names and the gazetteer lacks, and the place the
text says encloses each (package docstring: "Districts")."""

from __future__ import annotations

from dataclasses import dataclass

from newsmon.nlp.entities.names import NAME_WORD, NameWords
from newsmon.nlp.entities.rules import DistrictRules, PersonRules
from newsmon.nlp.entities.tokens import Match, Tokens

MAX_DISTRICT_NAME_LENGTH = 4
# Words between a link and the enclosing place ("di kota Kyiv", "of the city of Kyiv").
MAX_LINK_FILLERS = 3


@dataclass(frozen=True)
class DistrictFinder:
    """The district rules of one language."""

    cues: DistrictRules
    person_rules: PersonRules  # the words that are never part of a name, the possessives
    names: NameWords

    def districts(self, tokens: Tokens, known: list[Match], taken: list[bool]) -> list[Match]:
        """Districts, neighbourhoods and villages that a cue names and the gazetteer lacks. Marks
        their tokens taken."""
        cues = self.cues
        places = {m.start: m for m in known if m.label == "LOC" and m.entry is not None}
        found: list[Match] = []
        n = len(tokens.text)
        i = 0
        while i < n:
            if taken[i] or tokens.is_space[i]:
                i += 1
                continue
            mention_start = None  # where the first mention starts, when before its name ("Desa X")
            mention_end = None  # where the last mention ends, when past its name ("X District")
            cue_end = self._cue_at(tokens, i)
            names = self._names_after_cue(tokens, cue_end, taken) if cue_end > i else []
            if names:  # "distrik Svyatoshynkyi dan Darnytskyi", "quartier de la Goutte"
                enclosing = self._linked_place(tokens, names[-1][1], places)
                part_of_city = tokens.lower[i] in cues.part_of_city
                if cues.cue_in_mention:
                    mention_start = i
            elif tokens.lower[i] in cues.after and i > 0:  # "the Obolon district", "Irpin, a suburb of"
                name_end = i
                if tokens.lower[i - 1] in cues.appositive_articles and i > 1 and tokens.text[i - 2] == ",":
                    name_end = i - 2
                start = self._name_start_before(tokens, name_end, taken)
                if start == name_end:
                    i += 1
                    continue
                names = [(start, name_end)]
                enclosing = self._linked_place(tokens, i + 1, places) or self._possessive_place(tokens, start, places)
                part_of_city = tokens.lower[i] in cues.part_of_city
                if name_end == i and tokens.text[i][:1].isupper():
                    mention_end = i + 1  # "Obolon District": the cue written as part of the name
            else:
                i += 1
                continue
            if enclosing is None and part_of_city:
                enclosing = _city_earlier_in_sentence(tokens, i, known)
            for number, (start, end) in enumerate(names):
                first = mention_start if number == 0 and mention_start is not None else start
                stop = mention_end if number == len(names) - 1 and mention_end is not None else end
                canonical = tokens.span_text(start, end)
                found.append(Match(first, stop, "LOC", canonical, district=True, enclosing=enclosing))
                for k in range(first, stop):
                    taken[k] = True
            i = max(i + 1, mention_end or names[-1][1])
        return found

    def _cue_at(self, tokens: Tokens, i: int) -> int:
        """End of a cue that comes before a district's name, or i when there is none."""
        for length in self.cues.before_lengths.get(tokens.lower[i], ()):
            if tuple(tokens.lower[i : i + length]) in self.cues.before:
                return i + length
        return i

    def _is_district_word(self, tokens: Tokens, i: int, taken: list[bool], *, first: bool, joined: bool) -> bool:
        """Could token i be a word of a district's name? After its first word, compass and other
        words that are never a person's name may follow ("Pecherskyi Tengah", "Jakarta Selatan").
        A name after a joiner has no cue of its own: its first word must not be an ordinary word
        ("dan Sebelah timur")."""
        rules = self.person_rules
        text = tokens.text[i]
        if taken[i] or tokens.is_space[i] or not text[:1].isupper() or not NAME_WORD.match(text):
            return False
        lower = tokens.lower[i]
        if lower in rules.page_furniture or lower in rules.org_heads or text in rules.honorifics:
            return False
        if not first:
            return True
        if joined and (lower in rules.stop_words or lower in tokens.lowercase_words):
            return False
        return lower not in rules.blocked_words

    def _names_after_cue(self, tokens: Tokens, start: int, taken: list[bool]) -> list[tuple[int, int]]:
        """The names a cue introduces: one, or several joined ("X dan Y")."""
        n = len(tokens.text)
        names: list[tuple[int, int]] = []
        j = start
        while j < n:
            end = j
            while end < n and end - j < MAX_DISTRICT_NAME_LENGTH:
                if not self._is_district_word(tokens, end, taken, first=end == j, joined=bool(names)):
                    break
                end += 1
            if end == j:
                break
            names.append((j, end))
            if end + 1 < n and tokens.lower[end] in self.cues.joiners:
                j = end + 1
                continue
            break
        return names

    def _name_start_before(self, tokens: Tokens, end: int, taken: list[bool]) -> int:
        """Start of the name that ends right before `end` ("Obolon" in "the Obolon district")."""
        start = end
        while (
            start > 0
            and end - start < MAX_DISTRICT_NAME_LENGTH
            and self.names.is_name_word(tokens, start - 1, taken)
            and tokens.lower[start - 1] not in self.cues.not_names
        ):
            start -= 1
        return start

    def _linked_place(self, tokens: Tokens, i: int, places: dict[int, Match]) -> Match | None:
        """The place right after a link at i: "di Kyiv", "of the city of Kyiv", ", Kyiv"."""
        n = len(tokens.text)
        if i >= n or tokens.lower[i] not in self.cues.links:
            return None
        j = i + 1
        fillers = self.cues.link_fillers
        while j < n and j not in places and j - i <= MAX_LINK_FILLERS and tokens.lower[j] in fillers:
            j += 1
        return places.get(j)

    def _possessive_place(self, tokens: Tokens, start: int, places: dict[int, Match]) -> Match | None:
        """The place before the possessive: "Kyiv's Obolon district"."""
        if not self.cues.possessive or start < 2 or tokens.lower[start - 1] not in self.person_rules.possessives:
            return None
        return next((m for m in places.values() if m.end == start - 1), None)


def _city_earlier_in_sentence(tokens: Tokens, cue: int, known: list[Match]) -> Match | None:
    """The one city the sentence names before the cue, when it names no other city or region
    ("Pejabat Kyiv mengatakan ... di distrik Darnytskyi"); countries do not count."""
    sentence = tokens.sentence[cue]
    cities: dict[str, Match] = {}
    for m in known:
        if m.label != "LOC" or m.entry is None or tokens.sentence[m.start] != sentence:
            continue
        features = {c.feature for c in m.entry.candidates}
        if features == {"country"}:
            continue
        if features != {"city"} or m.start > cue:
            return None  # a region, or a city after the cue: the text does not say which
        cities.setdefault(m.entry.canonical, m)
    return next(iter(cities.values())) if len(cities) == 1 else None
