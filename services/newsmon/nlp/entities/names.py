"""Which tokens may be words of a person's name, where a name runs to, and where the role cues and
honorifics before a name end."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsmon.nlp.entities.rules import PersonRules
from newsmon.nlp.entities.tokens import Tokens

MAX_NAME_LENGTH = 4
NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’\-.]*$")


@dataclass(frozen=True)
class NameWords:
    """The words of persons' names in one language's rules, for the person, district and
    statistical rules alike."""

    rules: PersonRules

    def is_name_word(self, tokens: Tokens, i: int, taken: list[bool], *, after_cue: bool = False) -> bool:
        """Could token i be part of a person's name? Right after a role cue, a capitalised word is
        trusted even if it is also an ordinary word of the language ("Gubernur Oleh Syniehubov")."""
        text = tokens.text[i]
        if taken[i] or not text[:1].isupper() or not any(ch.islower() for ch in text):
            return False
        if not NAME_WORD.match(text):
            return False
        lower = tokens.lower[i]
        if lower in self.rules.blocked_words:
            return False
        if after_cue:
            return True
        return lower not in self.rules.stop_words and lower not in tokens.lowercase_words

    def name_run(self, tokens: Tokens, start: int, taken: list[bool], *, after_cue: bool = False) -> int:
        """End of the longest name starting at `start` (== start when there is none)."""
        n = len(tokens.text)
        end = start
        j = start
        while j < n and end - start < MAX_NAME_LENGTH:
            if self.is_name_word(tokens, j, taken, after_cue=after_cue):
                j += 1
                end = j
            elif (
                end > start
                and tokens.text[j] in self.rules.name_particles
                and j + 1 < n
                and self.is_name_word(tokens, j + 1, taken, after_cue=after_cue)
            ):
                j += 1
            else:
                break
        return end

    def cue_at(self, tokens: Tokens, i: int) -> int:
        """End of a role cue or honorific starting at i, or i when there is none."""
        if tokens.text[i] in self.rules.honorifics:
            return i + 1
        for length in self.rules.cue_lengths.get(tokens.lower[i], ()):
            if tuple(tokens.lower[i : i + length]) in self.rules.cues:
                return i + length
        return i

    def after_role_cue(self, tokens: Tokens, start: int, end: int) -> int:
        """Where the name starts in a span that opens with role cues or honorifics, when a name
        word follows them; else `start`."""
        name_start = start
        while name_start < end and (cue_end := self.cue_at(tokens, name_start)) > name_start:
            name_start = cue_end
        if (
            name_start < end
            and tokens.text[name_start][:1].isupper()
            and tokens.lower[name_start] not in self.rules.org_heads
        ):
            return name_start  # not "Ekonom Bank Mandiri Andry Asmoro": an organisation comes between
        return start
