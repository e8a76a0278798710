"""Persons by rule: a role cue and the name after it, two or three capitalised words where the
language allows it, and the other mentions of a person found (the full name again, the surname or
the first name alone)."""

from __future__ import annotations

from dataclasses import dataclass

from newsmon.nlp.entities.names import NameWords
from newsmon.nlp.entities.rules import PersonRules
from newsmon.nlp.entities.tokens import Match, Tokens, is_one_word_city

# Words between a role cue and the name it introduces ("kepala pemerintahan militer Kyiv X").
MAX_CUE_FILLERS = 4


@dataclass(frozen=True)
class PersonFinder:
    """The person rules of one language; `names` reads the words of names by the same rules."""

    rules: PersonRules
    names: NameWords

    def cue_persons(self, tokens: Tokens, known: list[Match], taken: list[bool]) -> list[Match]:
        """Persons a role cue or honorific introduces ("Presiden Rusia Vladimir Putin"). Marks their
        tokens taken; a one-word city taken as the surname leaves `known`."""
        match_at = {m.start: m for m in known}
        persons: list[Match] = []
        n = len(tokens.text)
        i = 0
        while i < n:
            j = self.names.cue_at(tokens, i) if not taken[i] else i
            if j == i:
                i += 1
                continue
            j = self._skip_cue_fillers(tokens, j, match_at, taken)
            end = self.names.name_run(tokens, j, taken, after_cue=True) if j < n else j
            if end > j:
                surname = match_at.get(end)
                # "Ministerpräsident Markus Söder": a one-word city right after the name, closing
                # the capitalised run, is the surname.
                if (
                    surname is not None
                    and is_one_word_city(surname)
                    and tokens.trailing_space[end - 1]
                    and (end + 1 >= n or not tokens.text[end + 1][:1].isupper())
                ):
                    known.remove(surname)
                    end += 1
                persons.append(Match(j, end, "PER", tokens.span_text(j, end)))
                for k in range(j, end):
                    taken[k] = True
                i = end
            else:
                i += 1
        return persons

    def _skip_cue_fillers(self, tokens: Tokens, j: int, match_at: dict[int, Match], taken: list[bool]) -> int:
        """Past the role words, places and organisations between a cue and its name."""
        n = len(tokens.text)
        fillers = 0
        comma_seen = False
        while j < n and fillers <= MAX_CUE_FILLERS:
            if j in match_at:
                j = match_at[j].end
            elif tokens.lower[j] in self.rules.role_words or tokens.lower[j] in self.rules.possessives:
                j += 1
            elif tokens.text[j] == "," and not comma_seen:
                comma_seen = True
                j += 1
                continue
            elif tokens.lower[j] in self.rules.org_heads and tokens.text[j][:1].isupper():
                # "Ekonom Bank Mandiri Andry Asmoro": an organisation head and one name word,
                # when at least two capitalised words remain for the person.
                run = self.names.name_run(tokens, j + 1, taken)
                if run - (j + 1) < 3:
                    break
                j += 2
            else:
                break
            fillers += 1
        return j

    def sequence_persons(self, tokens: Tokens, taken: list[bool]) -> list[Match]:
        """Two or three capitalised words that do not open a sentence and are no part of a longer
        capitalised run. Marks their tokens taken."""
        persons: list[Match] = []
        n = len(tokens.text)
        i = 0
        while i < n:
            if not self.names.is_name_word(tokens, i, taken):
                i += 1
                continue
            end = self.names.name_run(tokens, i, taken)
            words = sum(1 for k in range(i, end) if tokens.text[k] not in self.rules.name_particles)
            # part of a longer capitalised run (an organisation, a title): not a person on its own
            next_is_capital = end < n and tokens.text[end][:1].isupper() and not tokens.is_space[end]
            prev_is_capital = (
                i > 0
                and tokens.text[i - 1][:1].isupper()
                and not tokens.sentence_initial[i - 1]
                and tokens.lower[i - 1] not in tokens.lowercase_words
            )
            if 2 <= words <= 3 and not tokens.sentence_initial[i] and not next_is_capital and not prev_is_capital:
                persons.append(Match(i, end, "PER", tokens.span_text(i, end)))
                for k in range(i, end):
                    taken[k] = True
            i = max(end, i + 1)
        return persons

    def repeated_persons(self, tokens: Tokens, persons: list[Match], taken: list[bool]) -> list[Match]:
        """Other mentions of names already found: the full name again, or one of its words alone
        (the surname, or the first name when no other person shares it)."""
        # A one-word statistical person ("Twitter" mistaken for one) does not seed the linking.
        seeds = [m for m in persons if not (m.statistical and m.end - m.start < 2)]
        if not seeds:
            return []
        full_names: dict[tuple[str, ...], str] = {}
        by_surname: dict[str, set[str]] = {}
        watchlist_ids: dict[str, str] = {}  # canonical name -> id, for the watchlist persons found
        for m in seeds:
            words = tuple(tokens.text[m.start : m.end])
            full_names.setdefault(words, m.canonical)
            by_surname.setdefault(words[-1], set()).add(m.canonical)
            if m.watchlist_id is not None and m.entry is not None:
                watchlist_ids[m.canonical] = m.watchlist_id
                # "Kličko" alone after "Vitali Klitschko": every spelling of the surname
                for surname in m.entry.surnames:
                    by_surname.setdefault(surname, set()).add(m.canonical)
        # "Putin" and "Vladimir Putin": the single word belongs to the longer name.
        canonical_of_surname: dict[str, str] = {}
        for surname, names in by_surname.items():
            longest = max(names, key=lambda s: len(s.split()))
            if all(longest.endswith(other) for other in names):
                canonical_of_surname[surname] = longest
        for m in persons:
            surname = tokens.text[m.end - 1]
            if surname in canonical_of_surname and m.watchlist_id is None:
                m.canonical = canonical_of_surname[surname]
                m.watchlist_id = watchlist_ids.get(m.canonical)
        # Indonesian news often calls a person by the first name after the full name ("ujar Perry").
        by_first_name: dict[str, set[str]] = {}
        for m in seeds:
            if m.end - m.start >= 2 and not m.statistical:  # the model's first words are less sure
                by_first_name.setdefault(tokens.text[m.start], set()).add(m.canonical)
        for first, names in by_first_name.items():
            if len(names) == 1 and first not in canonical_of_surname and first not in by_surname:
                canonical_of_surname[first] = next(iter(names))
        for m in persons:  # a one-word statistical person: "Perry" after "Perry Warjiyo"
            if m.end - m.start == 1 and tokens.text[m.start] in canonical_of_surname and m.watchlist_id is None:
                m.canonical = canonical_of_surname[tokens.text[m.start]]
                m.watchlist_id = watchlist_ids.get(m.canonical)
        found: list[Match] = []
        n = len(tokens.text)
        longest_name = max(len(words) for words in full_names)
        i = 0
        while i < n:
            if taken[i] or not tokens.text[i][:1].isupper():
                i += 1
                continue
            hit = None
            for length in range(min(longest_name, n - i), 1, -1):
                words = tuple(tokens.text[i : i + length])
                if words in full_names and not any(taken[i : i + length]):
                    hit = (i + length, canonical_of_surname.get(words[-1], full_names[words]))
                    break
            if hit is None and tokens.text[i] in canonical_of_surname:
                # "Oleh karena itu" opening a sentence is not Oleh Syniehubov
                ordinary = tokens.lower[i] in self.rules.stop_words or tokens.lower[i] in tokens.lowercase_words
                if not (ordinary and tokens.sentence_initial[i]):
                    hit = (i + 1, canonical_of_surname[tokens.text[i]])
            if hit is None:
                i += 1
                continue
            end, canonical = hit
            found.append(Match(i, end, "PER", canonical, watchlist_id=watchlist_ids.get(canonical)))
            for k in range(i, end):
                taken[k] = True
            i = end
        return found
