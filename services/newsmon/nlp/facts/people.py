"""The people a victim rule counts: person phrases ("a man", "a 17-year-old", "two of them", "a man
and a woman"), pronouns, names ("killing Jane Doe and John Roe") and whether a person may be the
subject before "was"."""

from __future__ import annotations

from collections.abc import Callable

from newsmon.nlp.facts.numbers import Number
from newsmon.nlp.facts.rules import CLAUSE_END, HYPHENS, SENTENCE_END, VictimRules

# the token after an age phrase at a token, that token where none starts (NumberReader.skip_age)
SkipAge = Callable[[list[str], int], int]


class PersonReader:
    """Person phrases by the victim rules of a language."""

    def __init__(self, rules: VictimRules, skip_age: SkipAge) -> None:
        self.rules = rules
        self.skip_age = skip_age

    def someone_before(self, lower: list[str], text: list[str], i: int) -> bool:
        """The subject of "was" at i may be a person: a name, a person noun, a pronoun, an age, "who"
        ("the bill was killed in committee" is not a death)."""
        v = self.rules
        j = i - 1
        for _ in range(3):  # "Jonas Pike, 23, was", "Ann Roe, 18, a student at Elm High, was"
            if j < 0 or lower[j] != ",":
                break
            for k in range(j - 1, max(-1, j - 9), -1):
                if lower[k] == ",":
                    j = k - 1
                    break
                if lower[k] in SENTENCE_END:
                    return False
            else:
                return False
            if j >= 1 and lower[j].isdigit() and lower[j - 1] == ",":
                j -= 2  # the age before the aside
        if j < 0:
            return False
        if v.predicates.at(lower, j) is not None:
            return True  # "the boy who was shot was pronounced dead"
        word = lower[j]
        if word in v.singular_nouns or word in v.subject_pronouns or word in v.age_nouns or word in v.relatives:
            return True
        return text[j][:1].isupper() and text[j].isalpha() and word not in v.not_names

    def name_before(self, lower: list[str], text: list[str], i: int) -> bool:
        """A person's name ends just before token i: "Graham died", "Damon Sochko, 16, died"."""
        j = i - 1
        if j >= 3 and lower[j] == "," and lower[j - 1].isdigit() and lower[j - 2] == ",":
            j -= 3  # the age
        v = self.rules
        if j <= 0 or not (text[j][:1].isupper() and text[j].isalpha()):
            return False
        return lower[j] not in v.not_names and lower[j] not in v.subject_pronouns

    def ordinal(self, lower: list[str], number: Number, kind: str) -> Number:
        """ "a fifth victim was shot" tells that five were hit; "a second man died" tells of one death
        only for certain (the first may have been hit, not killed)."""
        ordinal = self.rules.ordinals.at(lower, number.start)
        if ordinal is None or ordinal[0] != number.end:
            return number
        return Number(number.start, number.end, ordinal[1] if kind == "hit" else 1, False)

    def names(self, lower: list[str], text: list[str], k: int) -> tuple[Number, int] | None:
        """Named people after a verb: "killing Jane Doe, 18, and John Roe, 20" counts 2."""
        v = self.rules
        count, end, n = 0, k, len(lower)
        if k + 5 < n and lower[k].isdigit() and lower[k + 1] in HYPHENS and lower[k + 4] in v.age_nouns:
            end = k + 5  # "4-year-old Summer Miller"
        while True:
            j = end
            while j < n and j - end < 4 and text[j][:1].isupper() and text[j].isalpha() and lower[j] not in v.not_names:
                j += 1
            if j == end:
                break
            count, end = count + 1, j
            if end + 2 < n and lower[end] == "," and lower[end + 1].isdigit() and lower[end + 2] == ",":
                end += 3  # the age
            elif end + 2 < n and lower[end] == "," and lower[end + 1].isdigit():
                end += 2
            if end < n and lower[end] == ",":
                end += 1
            if end < n and lower[end] in v.list_joiners:
                end += 1
            elif end < n and text[end][:1].isupper() and end > j:
                continue
            else:
                break
        while end > k and self._joins_a_list(lower[end - 1]):
            end -= 1
        return (Number(k, end, count, False), end) if count else None

    def object_after(self, lower: list[str], numbers: dict[int, Number], k: int) -> tuple[Number, int] | None:
        """The people a verb acts on: "shot a man", "killed his wife and her mother", "wounded him"."""
        v = self.rules
        if k >= len(lower):
            return None
        if lower[k] in v.object_pronouns:
            return Number(k, k + 1, v.object_pronouns[lower[k]], False), k + 1
        return self.people(lower, numbers, k)

    def subject(self, lower: list[str], numbers: dict[int, Number], i: int) -> tuple[Number, int] | None:
        v = self.rules
        if i >= len(lower):
            return None
        if lower[i] in v.subject_pronouns:
            return Number(i, i + 1, v.subject_pronouns[lower[i]], False), i + 1
        alone = v.standalone.at(lower, i)
        if alone is not None:
            people = self.people(lower, numbers, i)
            return people if people is not None else (Number(i, alone[0], alone[1], False), alone[0])
        return self.people(lower, numbers, i)

    def people(self, lower: list[str], numbers: dict[int, Number], i: int) -> tuple[Number, int] | None:
        """A person phrase and the ones coordinated with it: "a man and a woman" counts 2."""
        first = self._person(lower, numbers, i)
        if first is None:
            return None
        number, end = first
        total, vague = number.value, number.vague
        while end + 1 < len(lower) and self._joins_a_list(lower[end]):
            k = end + 1
            if lower[end] == "," and lower[k] in self.rules.list_joiners:
                k += 1
            more = self._person(lower, numbers, k) or self._bare_person(lower, numbers, k)
            if more is None:
                break
            total += more[0].value
            vague = vague or more[0].vague
            end = more[1]
        k = end + 1 if end < len(lower) and lower[end] in self.rules.list_joiners else end
        k += 1 if k < len(lower) and lower[k] in self.rules.fillers else 0  # "and then himself"
        if k > end and k < len(lower) and lower[k] in self.rules.self_pronouns:
            total, end = total + 1, k + 1  # "killed four classmates and himself": five dead
        return Number(number.start, number.end if total == number.value else end, total, vague), end

    def _bare_person(self, lower: list[str], numbers: dict[int, Number], i: int) -> tuple[Number, int] | None:
        """A conjunct without a determiner: "a man, woman and 6-year-old boy"."""
        v = self.rules
        for k in range(i, min(len(lower), i + v.max_modifiers + 1)):
            if lower[k] in v.singular_nouns:
                return Number(i, k + 1, 1, False), k + 1
            if lower[k] in v.modifier_stops or not (lower[k].isalnum() or lower[k] in HYPHENS) or k in numbers:
                return None
        return None

    def _person(self, lower: list[str], numbers: dict[int, Number], i: int) -> tuple[Number, int] | None:
        """ "a man", "a 17-year-old boy", "a 17-year-old", "two women", "both victims",
        "pria itu" (a noun with a following determiner, for Indonesian)."""
        v = self.rules
        n = len(lower)
        if i >= n:  # a phrase cut off by the end of the text: "... shot a man, and"
            return None
        owner = lower[i] in v.possessives and i + 1 in numbers
        if i in numbers or owner:
            number = numbers[i + 1] if owner else numbers[i]
            count, j = number.value, number.end  # "his two sons": the number counts
            if j + 1 < n and lower[j] in v.partitive_prepositions and lower[j + 1] in v.partitive_pronouns:
                return number, j + 2  # "two of them"
            if j + 1 < n and lower[j] in v.partitive_prepositions and lower[j + 1] in v.definite_articles:
                # "three of the victims", "one of the men"
                k = j + 2
                while k < n and k - j <= v.max_modifiers and lower[k] not in v.plural_nouns:
                    if lower[k] in v.modifier_stops or not lower[k].isalpha():
                        return None
                    k += 1
                return (number, k + 1) if k < n and lower[k] in v.plural_nouns else None
        else:
            det = v.determiners.at(lower, i)
            if det is None:
                # Indonesian: "pria itu", "korban tersebut", and a few nouns on their own ("Pria tewas
                # ditembak"); several victims are "kedua korban", "para korban", "tiga korban"
                counted = i > 0 and (i - 1 in numbers or lower[i - 1] in v.plural_markers)
                if lower[i] not in v.singular_nouns or counted:
                    return None
                if i + 1 < n and lower[i + 1] in v.post_determiners:
                    return Number(i, i + 2, 1, False), i + 2
                if lower[i] in v.bare_subjects:
                    return Number(i, i + 1, 1, False), i + 1
                return None
            count, j = det[1], det[0]
            number = Number(i, j, count, False)
        if count < 1:
            return None
        nouns = v.singular_nouns if count == 1 else v.plural_nouns
        k = j
        age_end = 0
        while k < n and k - j <= v.max_modifiers:
            word = lower[k]
            if word in nouns:
                if k + 1 < n and lower[k + 1] in nouns and lower[k + 1] not in v.modifier_stops:
                    k += 1  # "an adult male", "a security guard"
                return number, k + 1
            if word in v.modifier_stops or not (word.isalnum() or word in HYPHENS) or k in numbers:
                break
            if (
                v.predicates.at(lower, k) is not None
                or v.intransitive.at(lower, k) is not None
                or v.hospital_verbs.at(lower, k) is not None
            ):
                break
            if word in v.age_nouns and k - j >= 2 and (lower[k - 1] in HYPHENS or lower[k - 1] in v.age_units):
                age_end = k + 1
            k += 1
        # "a 17-year-old was shot": the age stands for the person
        if count == 1 and age_end:
            return number, age_end
        return None

    def _joins_a_list(self, word: str) -> bool:
        """A comma or a list joiner ("and"): the people or names of a list go on."""
        return word == "," or word in self.rules.list_joiners

    def skip_apposition(self, lower: list[str], end: int) -> int:
        """ "A man, 23, was shot", "The victim, identified as John Smith, died", "Two men aged 25 and
        30 were killed", "Three men, 19, 20 and 25, were shot": skip the aside or the age."""
        past_age = self.skip_age(lower, end)
        if past_age > end:
            return past_age
        if end < len(lower) and lower[end] == ",":
            for k in range(end + 1, min(len(lower), end + 9)):
                if lower[k] == ",":
                    return k + 1
                if lower[k] in CLAUSE_END:
                    break
        return end
