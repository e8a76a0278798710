"""Age phrases: the ages that may stand between a subject and its verb ("Two men aged 25 and 30
were killed", "Dua warga berusia 40 tahun tewas", "Deux hommes âgés de 25 et 30 ans ont été tués",
"Zwei Männer (25 und 30) wurden getötet"). Their numbers are never counts, and the rules read
past them to the verb.

An age phrase is a list of numbers ("25", "25 and 30", "19, 20 and 25") with
  a lead                  "aged 25", "between the ages of 11 and 15", "berusia 40", "im Alter von 30"
  a unit (and its tail)   "25 years old", "30 Jahre alt", "25 et 30 ans", "40 tahun"; where the
                          language has tails ("old", "alt", "de edad") a unit alone is a duration
  a weak lead and a unit  "de 25 ans", "de 30 años" ("de" alone is no age)
  parentheses             "(25)", "(25 und 30)"
or, between commas after its subject, the numbers alone ("Three men, 19, 20 and 25, were shot").
"""

from __future__ import annotations

from collections.abc import Callable

from newsmon.nlp.facts.rules import HYPHENS, AgeRules

# end of the number starting at a token, None where none does
NumberEnd = Callable[[list[str], int], int | None]
MAX_AGES = 6  # more numbers in a row are a list of something else


class AgeReader:
    """The age phrases of a language's rules; `number_end` reads one number (digits or words)."""

    def __init__(self, rules: AgeRules, number_end: NumberEnd) -> None:
        self.rules = rules
        self.number_end = number_end

    @property
    def starts(self) -> frozenset[str]:
        """First words of the leads and "(": where an age phrase not starting with a number starts."""
        return self.rules.lead_starts

    def phrase_end(self, lower: list[str], i: int) -> int | None:
        """End of the age phrase starting at token i: a lead, a unit or parentheses around the
        numbers; None where there is none (the numbers alone are an age only between commas)."""
        a = self.rules
        lead = a.leads.at(lower, i)
        weak = a.weak_leads.at(lower, i) if lead is None else None
        paren = lead is None and weak is None and i < len(lower) and lower[i] == "("
        k = lead[0] if lead else weak[0] if weak else i + 1 if paren else i
        numbers_end = self._numbers_end(lower, k)
        if numbers_end is None:
            return None
        unit_end = self._unit_end(lower, numbers_end)
        if paren:
            return numbers_end + 1 if numbers_end < len(lower) and lower[numbers_end] == ")" else None
        if unit_end is not None:
            end, tail = unit_end
            return end if lead or weak or tail or not a.tails else None
        return numbers_end if lead else None

    def aside_end(self, lower: list[str], i: int) -> int | None:
        """The token after an age between commas starting at the comma at i: ", aged 25 and 30,",
        ", 19, 20 and 25,", ", berusia 40 tahun,"; None where no such aside starts."""
        if i >= len(lower) or lower[i] != ",":
            return None
        end = self.phrase_end(lower, i + 1) or self._numbers_end(lower, i + 1)
        return end + 1 if end is not None and end < len(lower) and lower[end] == "," else None

    def list_aside_end(self, lower: list[str], i: int) -> int | None:
        """The end of an aside of several ages at the comma at i (", 19, 20 and 25,"): none of them a
        count. One number between commas may be one ("In the attack, 12, including children, died")."""
        end = self.aside_end(lower, i)
        if end is None or self.phrase_end(lower, i + 1) is not None:
            return end
        first = self.number_end(lower, i + 1)
        return end if first is not None and first < end - 1 else None

    def skip(self, lower: list[str], i: int) -> int:
        """The token after the age phrase or aside starting at i; i itself where none does."""
        return self.aside_end(lower, i) or self.phrase_end(lower, i) or i

    def _numbers_end(self, lower: list[str], k: int) -> int | None:
        """End of a list of numbers from token k ("25", "25 and 30", "19, 20 and 25"). A comma joins
        only where the list goes on after the next number: in "aged 25, 30 people" the 30 is no age."""
        end = self.number_end(lower, k)
        if end is None:
            return None
        joiners = self.rules.joiners
        for _ in range(MAX_AGES - 1):
            if end >= len(lower) or lower[end] not in joiners:
                break
            after = self.number_end(lower, end + 1)
            if after is None:
                break
            goes_on = after < len(lower) and (lower[after] in joiners or self._unit_end(lower, after) is not None)
            if lower[end] == "," and not goes_on:
                break
            end = after
        return end

    def _unit_end(self, lower: list[str], k: int) -> tuple[int, bool] | None:
        """(end, whether a tail came) of an age unit at token k: "years old", "- year - old", "Jahre alt"."""
        a = self.rules
        while k < len(lower) and lower[k] in HYPHENS:
            k += 1
        unit = a.units.at(lower, k)
        if unit is None:
            return None
        end = unit[0]
        while end < len(lower) and lower[end] in HYPHENS:
            end += 1
        tail = a.tails.at(lower, end)
        return (tail[0], True) if tail is not None else (unit[0], False)
