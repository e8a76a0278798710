"""Numbers in the tokens: digits and number words read at a token (Number, the word-by-word _Sum,
compounds written as one word), and whether a number is a count at all (not a date, a year, a
house number or an age)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from newsmon.nlp.facts.ages import AgeReader
from newsmon.nlp.facts.rules import HYPHENS, FactRules, Multiplier

_PLAIN_DIGITS = re.compile(r"^[1-9]\d{0,6}$|^0$")
_THREE_DIGITS = re.compile(r"^\d{3}$")
MAX_ADDRESS_WORDS = 4
MAX_LINKS = 3
# More than everyone alive is no count of people or weapons; it also keeps every Fact's number in
# the 64 bits JSON readers take.
MAX_COUNT = 10**10
# Longer tokens are no number: "neunhundertneunundneunzigtausend..." is far shorter. The bound
# keeps the compound splitter's recursion shallow and int() away from thousands of digits.
MAX_NUMBER_CHARS = 80


@dataclass(frozen=True)
class Number:
    """A number at tokens start..end; `vague`: a quantity word read as its least value ("dozens")."""

    start: int
    end: int
    value: int
    vague: bool


@dataclass(frozen=True)
class Found:
    """A count of a kind (killed, drones, ...), before it becomes a Fact."""

    kind: str
    number: Number
    start: int  # token span of the evidence
    end: int
    qualifier: str | None


class _Sum:
    """A number read word by word: a multiplier multiplies what came before it ("dua puluh",
    "deux cents", "dos mil"), and a smaller value follows a round one ("twenty five", "cent vingt",
    "mil doscientos"), never any other ("five two" is two numbers)."""

    __slots__ = ("current", "group", "last", "total")

    def __init__(self, group: int = 0) -> None:
        self.total = self.current = 0
        self.group = self.last = group

    @property
    def value(self) -> int:
        return self.total + self.current + self.group

    def accepts(self, value: int) -> bool:
        return not self.value or (self.last % 10 == 0 and value < self.last)

    def joins(self, value: int) -> bool:
        """A connector ("-", "y", "et") only joins a tens word and a smaller one: "treinta y dos"."""
        return self.last >= 20 and self.last % 10 == 0 and value < self.last

    def add(self, value: int) -> None:
        if value >= 1000:
            self.total += value  # "seribu", "mil" on their own
        else:
            self.group += value
        self.last = value

    def multiply(self, factor: Multiplier) -> None:
        if factor == "teen":
            self.current += self.group + 10
            self.last = 1  # nothing is added to "dua belas" but a multiplier
        elif factor >= 1000:
            self.total += ((self.current + self.group) or 1) * factor  # "tausend" alone is 1000
            self.current = 0
            self.last = factor
        else:
            self.current += (self.group or 1) * factor
            self.last = factor
        self.group = 0


def _compound_reader(pieces: dict[str, int | tuple[str, int] | None]) -> Callable[[str], int | None]:
    """value(word): the number a word made of `pieces` stands for ("einundzwanzig" = ein + und +
    zwanzig = 21, "zweihundert" = 2 x 100, "vingt-trois", "veintitrés" = veinti + trés), None for
    any word that is not such a compound of two pieces or more. Pieces follow each other as words
    do (a smaller value after a round one), and German puts a unit before "und" and its tens
    ("dreiundvierzig"); "cinq-six" (five or six) is no number."""
    by_first: dict[str, list[str]] = {}
    for piece in sorted(pieces, key=len, reverse=True):
        by_first.setdefault(piece[:1], []).append(piece)

    def split(word: str, start: int, after_joiner: bool, dead_ends: set[tuple[int, bool]]) -> list[str] | None:
        # dead_ends: the rest of a word that had no split once has none the next time; without them
        # overlapping pieces ("acht", "zehn", "achtzehn") make a long non-number exponential.
        if start == len(word):
            return [] if not after_joiner else None
        if (start, after_joiner) in dead_ends:
            return None
        for piece in by_first.get(word[start], ()):
            if word.startswith(piece, start):
                joiner = pieces[piece] is None
                if joiner and start == 0:
                    continue  # "-et-" in "soixante-et-onze" is two joiners, but a word never starts with one
                rest = split(word, start + len(piece), joiner, dead_ends)
                if rest is not None:
                    return [piece, *rest]
        dead_ends.add((start, after_joiner))
        return None

    @lru_cache(maxsize=16384)
    def value(word: str) -> int | None:
        if not 4 <= len(word) <= MAX_NUMBER_CHARS or word[:1] not in by_first:
            return None
        parts = split(word, 0, False, set())
        if parts is None or len(parts) < 2:
            return None
        number = _Sum()
        after_joiner = False
        for part in parts:
            piece = pieces[part]
            if piece is None:
                after_joiner = True
                continue
            if isinstance(piece, tuple):
                number.multiply(piece[1])
            elif number.accepts(piece) or (after_joiner and number.last < 10 and piece >= 20 and piece % 10 == 0):
                number.add(piece)
            else:
                return None
            after_joiner = False
        return number.value or None

    return value


class NumberReader:
    """The numbers of a text by the rules of its language, and the number a verb takes after it."""

    def __init__(self, rules: FactRules) -> None:
        self.rules = rules
        # None where the language writes no number as one word
        self.compound: Callable[[str], int | None] | None = (
            _compound_reader(rules.compound_pieces) if rules.compound_pieces else None
        )
        self.ages = AgeReader(rules.ages, self._number_end) if rules.ages is not None else None

    def skip_age(self, lower: list[str], k: int) -> int:
        """The token after an age phrase or an age between commas at token k, else k (ages.py)."""
        return self.ages.skip(lower, k) if self.ages is not None else k

    def read(self, lower: list[str], text: list[str]) -> dict[int, Number]:
        """The counts of a text, by the token each starts at."""
        numbers: dict[int, Number] = {}
        i = 0
        r = self.rules
        starts = r.number_starts
        ages = self.ages
        age_starts = ages.starts if ages is not None else frozenset()
        while i < len(lower):
            word = lower[i]
            candidate = (
                word in starts or word[:1].isdigit() or (self.compound is not None and self.compound(word) is not None)
            )
            if ages is not None and (candidate or word in age_starts or word == ","):
                age_end = ages.phrase_end(lower, i) if word != "," else ages.list_aside_end(lower, i)
                if age_end is not None:  # "aged 25 and 30", "25 years old": no count
                    i = age_end
                    continue
            number = self._number_at(lower, i) if candidate else None
            if number is None:
                i += 1
                continue
            if number.value <= MAX_COUNT and self._is_count(lower, text, number):
                numbers[number.start] = number
            i = number.end
        return numbers

    def _number_at(self, lower: list[str], i: int) -> Number | None:
        """A count written in digits ("13", "1.200", "1 200", "5 ribu") or words ("dua belas",
        "twenty-five", "treinta y dos", "einundzwanzig", "puluhan") starting at token i."""
        r = self.rules
        vague = r.vague_numbers.at(lower, i)
        if vague is not None:
            return Number(i, vague[0], vague[1], True)
        digits = self._digits_at(lower, i)
        if digits is not None:
            value, j = digits
            number = _Sum(value)
            words_allowed = False  # "13 dua" is two numbers, but "5 ribu" is one
        else:
            number, j = _Sum(), i
            words_allowed = True
        while j < len(lower):
            word = lower[j]
            if j > i and word in r.multipliers and number.value:  # "deux cents", "dos mil"
                number.multiply(r.multipliers[word])
                j += 1
                continue
            if not words_allowed:
                break
            written = self._written_at(lower, j)
            if written is not None and number.accepts(written[1]):
                number.add(written[1])
                j = written[0]
                continue
            if j > i and (word in HYPHENS or word in r.number_connectors):
                # "twenty-five", "treinta y dos", "vingt et un", never "dos y tres"
                after = self._written_at(lower, j + 1)
                if after is not None and number.joins(after[1]):
                    number.add(after[1])
                    j = after[0]
                    continue
            break
        if j == i:
            return None
        if j == i + 1 and lower[i] in r.articles and not self._counted_thing_at(lower, j):
            return None  # "ein", "une", "un" count only before a person, a casualty or a weapon
        return Number(i, j, number.value, False)

    def _number_end(self, lower: list[str], i: int) -> int | None:
        number = self._number_at(lower, i) if i < len(lower) else None
        return number.end if number is not None else None

    def _written_at(self, lower: list[str], j: int) -> tuple[int, int] | None:
        """(end, value) of a number word or phrase at token j, or of one compound word."""
        if j >= len(lower):
            return None
        phrase = self.rules.number_words.at(lower, j)
        if phrase is not None:
            return phrase
        if self.compound is not None:
            value = self.compound(lower[j])
            if value is not None:
                return j + 1, value
        return None

    def _digits_at(self, lower: list[str], i: int) -> tuple[int, int] | None:
        """(value, end) of a number in digits: "13", "1.200" where "." groups thousands, "1 200"
        where a space does, "12." at the end of a German sentence (elsewhere an ordinal: "13. März")."""
        r = self.rules
        word = lower[i]
        if _PLAIN_DIGITS.match(word):
            value, j = int(word), i + 1
            while r.space_grouping and len(word) <= 3:
                k = j + 1 if j < len(lower) and lower[j].isspace() and "\n" not in lower[j] else j
                if k >= len(lower) or not _THREE_DIGITS.match(lower[k]):
                    break
                value, j, word = value * 1000 + int(lower[k]), k + 1, "000"
            return value, j
        if len(word) <= MAX_NUMBER_CHARS and r.grouped_digits.match(word):
            return int(re.sub(r"\D", "", word)), i + 1
        if r.ordinal_dot and word.endswith(".") and _PLAIN_DIGITS.match(word[:-1]):
            after = lower[i + 1] if i + 1 < len(lower) else None
            if after is None or after.isspace() or after in r.sentence_openers:
                return int(word[:-1]), i + 1
        return None

    def _counted_thing_at(self, lower: list[str], k: int) -> bool:
        """A person noun ("ein Mann", "une personne", "a 34-Jähriger"), a casualty word ("un mort",
        "ein Toter") or a weapon ("eine Drohne") at token k."""
        r = self.rules
        if k >= len(lower):
            return False
        word = lower[k]
        return (
            word in r.person_nouns
            or word.rsplit("-", 1)[-1] in r.person_nouns
            or r.kinds.at(lower, k) is not None
            or r.weapon_at(lower, k) is not None
        )

    def _is_count(self, lower: list[str], text: list[str], number: Number) -> bool:
        """False for ages, dates, years, durations, measures, shares, addresses and identifiers."""
        r = self.rules
        after = number.end
        while after < len(lower) and lower[after] in HYPHENS:
            after += 1
        if after < len(lower) and lower[after] in r.blocked_after:
            return False
        if r.date_joiners:  # "el 13 de marzo"
            k = after
            while k < len(lower) and lower[k] in r.date_joiners:
                k += 1
            if k > after and k < len(lower) and lower[k].rstrip(".") in r.months:
                return False
        before = number.start - 1
        while before >= 0 and lower[before] in HYPHENS:
            before -= 1
        if before >= 0 and (lower[before] in r.blocked_before or lower[before].rstrip(".") in r.months):
            return False  # "Oct. 18", "Nov 5": a day
        if (r.street_words or r.street_suffixes) and self._after_a_street(lower, text, number.start):
            return False
        if _is_year(lower[number.start]) and number.end - number.start == 1:
            return after < len(lower) and lower[after] in r.person_nouns  # "2000 orang" is a count
        return True

    def _after_a_street(self, lower: list[str], text: list[str], start: int) -> bool:
        """A house number: "Hauptstraße 12", "calle Mayor 12", "avenida de la Paz 7"."""
        r = self.rules
        for k in range(start - 1, max(-1, start - 1 - MAX_ADDRESS_WORDS), -1):
            word = lower[k]
            if word in r.street_words or (len(word) > 4 and word.endswith(r.street_suffixes)):
                return True
            if not (text[k][:1].isupper() or word in r.date_joiners or word in r.street_name_joiners):
                return False
        return False

    def background_sentences(self, lower: list[str], sent_start: list[bool]) -> set[int]:
        """Sentences about other events than this one: those with a bare year, and those with a
        background cue (a span of time, "this year", "last summer"; events apart, "in separate
        shootings"; links to other stories, "Related stories"), whose counts are totals or history."""
        background = self.sentences_with_a_year(lower, sent_start)
        cues = self.rules.background_cues
        starts = cues.first_words
        if starts:
            sentence_of = sentence_index(sent_start)
            background.update(sentence_of[i] for i, word in enumerate(lower) if word in starts and cues.at(lower, i))
        return background

    def sentences_with_a_year(self, lower: list[str], sent_start: list[bool]) -> set[int]:
        sentence_of = sentence_index(sent_start)
        years: set[int] = set()
        for i, word in enumerate(lower):
            if self.rules.ordinal_dot:
                word = word.rstrip(".")  # "im Jahr 2015." ends a German sentence
            if _is_year(word) and not (i + 1 < len(lower) and lower[i + 1] in self.rules.person_nouns):
                if self._in_full_date(lower, i):
                    continue  # "Posted: Friday, June 26, 2015", "26 Juni 2015": a dateline, not the past
                years.add(sentence_of[i])
        return years

    def _in_full_date(self, lower: list[str], i: int) -> bool:
        """A year after a month and a day: "June 26, 2015", "Jan. 5, 2015", "26 Juni 2015",
        "26. Juni 2015", "26 de junio de 2015"."""
        months, joiners = self.rules.months, self.rules.date_joiners

        def skip_back(k: int) -> int:
            while k >= 0 and (lower[k] == "," or lower[k] in joiners):
                k -= 1
            return k

        def is_day(word: str) -> bool:
            word = word.rstrip(".")
            return word.isdigit() and len(word) <= 2

        k = skip_back(i - 1)
        before = skip_back(k - 1) if k >= 1 else -1
        if before < 0:
            return False
        if is_day(lower[k]):
            return lower[before].rstrip(".") in months
        return lower[k].rstrip(".") in months and is_day(lower[before])

    def number_after(self, lower: list[str], numbers: dict[int, Number], k: int, *, allow_links: bool) -> Number | None:
        """The count a verb ending before token k takes, past lower-bound cues ("killing at least 12")
        and, where `allow_links`, linking words ("the death toll rose to 35")."""
        r = self.rules
        links = 0
        while k < len(lower) and links < MAX_LINKS:
            cue = r.lower_bound_cues.at(lower, k)
            if cue is not None:
                k = cue[0]
                continue
            if k in numbers:
                return numbers[k]
            link = r.toll_links.at(lower, k) if allow_links else None
            if link is None:
                return None
            k = link[0]
            links += 1
        return None


def _is_year(word: str) -> bool:
    return len(word) == 4 and word.isdigit() and 1800 <= int(word) <= 2100


def sentence_index(sent_start: list[bool]) -> list[int]:
    """The sentence of each token, counted from 0."""
    index: list[int] = []
    current = -1
    for start in sent_start:
        current += 1 if start else 0
        index.append(max(current, 0))
    return index
