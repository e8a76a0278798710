"""The victim rules: what a sentence says happened to the people it names (person predicates,
"was" predicates, verbs with a person after them, events), a killer's own death added to those he
killed, and the hit (shot, fate not told) settled into one injured figure."""

from __future__ import annotations

from newsmon.nlp.facts.numbers import Found, Number
from newsmon.nlp.facts.people import PersonReader, SkipAge
from newsmon.nlp.facts.phrase_table import PhraseTable
from newsmon.nlp.facts.rules import SENTENCE_END, VictimRules


class VictimReader:
    """The victims of a text by the victim rules of its language."""

    def __init__(self, rules: VictimRules, lower_bound_cues: PhraseTable[bool], skip_age: SkipAge) -> None:
        self.rules = rules
        self.lower_bound_cues = lower_bound_cues
        self.people = PersonReader(rules, skip_age)

    def read(self, lower: list[str], text: list[str], numbers: dict[int, Number]) -> tuple[list[Found], list[Found]]:
        """Every victim mention, and apart the killers' own deaths ("before killing himself") that
        `settle` adds to the deaths they caused."""
        v = self.rules
        found: list[Found] = []
        selves: list[Found] = []

        def add(kind: str, number: Number, start: int, end: int) -> None:
            found.append(Found(kind, number, start, end, None))

        n = len(lower)
        covered = said = 0
        triggers = v.triggers
        for i in range(n):
            word = lower[i]
            if word not in triggers and i not in numbers:
                continue
            # a person inside a subject already read ("a man and a woman were shot") is not another
            subject = self.people.subject(lower, numbers, i) if i >= said else None
            if subject is not None:
                number, end = subject
                hit = self._predicate(lower, self.people.skip_apposition(lower, end), n, plural=number.value > 1)
                if hit is not None:
                    add(hit[0], self.people.ordinal(lower, number, hit[0]), i, hit[1])
                    said = end
                    continue
            if word in v.singular_auxiliaries and not any(lower[j] in v.no_subject for j in range(max(0, i - 2), i)):
                # "Kevin Barbee was pronounced dead", "the 23-year-old was shot": one person
                hit = self._predicate(lower, i, n) if self.people.someone_before(lower, text, i) else None
                if hit is not None and v.needs_person.at(lower, hit[2]) != (hit[1], True):
                    add(hit[0], Number(i, i + 1, 1, False), i, hit[1])
                    continue
            event = v.events.at(lower, i)
            if event is not None and not (i > 0 and lower[i - 1] in v.negations):
                add(event[1], Number(i, event[0], 1, False), i, event[0])
                continue
            suicide = v.suicides.at(lower, i)
            if suicide is not None:  # "before taking his own life"
                add("killed", Number(i, suicide[0], 1, False), i, suicide[0])
                selves.append(Found("killed", Number(i, suicide[0], 1, False), i, suicide[0], None))
                continue
            finding = v.finding_verbs.at(lower, i)
            if finding is not None:
                # "police found a man shot", "the shooting sent two people to the hospital"
                people = self.people.people(lower, numbers, finding[0])
                if people is not None:
                    hit = self._predicate(lower, people[1], n, auxiliary=True)
                    if hit is not None:
                        add(hit[0], self.people.ordinal(lower, people[0], hit[0]), i, hit[1])
                        continue
            verb = v.object_verbs.at(lower, i) if i >= covered else None
            if verb is not None:
                k = verb[0]
                cue = self.lower_bound_cues.at(lower, k)
                k = cue[0] if cue else k
                target = self.people.object_after(lower, numbers, k)
                if target is None and text[i].islower() and not (i > 0 and lower[i - 1] in v.modifier_stops):
                    target = self.people.names(lower, text, k)  # not in a Title Case headline, nor "the shooting"
                if target is not None:
                    kind, end = verb[1], target[1]
                    tail = v.death_tails.at(lower, end)
                    if tail is not None:  # "shot himself to death", "left a teen dead"
                        kind, end = "killed", tail[0]
                    add(kind, self.people.ordinal(lower, target[0], kind), i, end)
                    if kind == "killed" and lower[k] in v.self_pronouns:
                        selves.append(Found(kind, target[0], i, end, None))
                    covered = verb[0]  # "fatally wounded X" is not also "wounded X"
                    continue
            dying = v.intransitive.at(lower, i)
            if dying is not None and self.people.name_before(lower, text, i):
                add(dying[1], Number(i, i + 1, 1, False), i, dying[0])  # "Graham died"
        return found, selves

    def counts_agents(
        self, lower: list[str], numbers: dict[int, Number], number_end: int, verb_start: int, verb_end: int
    ) -> bool:
        """ "two men shot a woman", "3 teens killed him", "two men shot a video": the number before the
        verb counts the agents (not after an auxiliary: "four were shot the night before")."""
        v = self.rules
        if any(lower[g] in v.auxiliaries for g in range(number_end, verb_start)) or verb_end >= len(lower):
            return False
        return (
            self.people.object_after(lower, numbers, verb_end) is not None
            or v.determiners.at(lower, verb_end) is not None
        )

    def _predicate(
        self, lower: list[str], k: int, n: int, auxiliary: bool = False, plural: bool | None = None
    ) -> tuple[str, int, int] | None:
        """What happened to the subject, read from token k: (kind, end, start of the predicate).
        `auxiliary`: the passive needs none ("found a man shot"); `plural`: the subject's number, which
        the verb must agree with ("a 34-year-old woman were" is the end of a longer subject)."""
        v = self.rules
        for _ in range(7):
            if k >= n or lower[k] in v.negations:
                return None
            if plural is not None and lower[k] in (v.singular_auxiliaries if plural else v.plural_auxiliaries):
                return None
            hit = v.intransitive.at(lower, k)
            if hit is None and auxiliary:
                hit = v.predicates.at(lower, k)
            if hit is not None:
                if hit[1] == "hit":
                    later = self._later_death(lower, hit[0], n)
                    if later is not None:
                        return "killed", later, k
                return hit[1], hit[0], k
            verb = v.hospital_verbs.at(lower, k)
            if verb is not None:
                words = range(k, min(n, verb[0] + 6))
                if any(lower[x] in v.hospital_words for x in words):
                    kind = verb[1]
                    if any(lower[x] in v.fatal_words for x in words):
                        kind = "killed"  # "suffered fatal gunshot wounds"
                    elif any(lower[x] in v.survivable_words for x in words):
                        kind = "injured"  # "suffered non-life-threatening injuries"
                    return kind, verb[0], k
            if lower[k] in v.auxiliaries:
                auxiliary = True
            elif lower[k] not in v.fillers:
                return None
            k += 1
        return None

    def _later_death(self, lower: list[str], k: int, n: int) -> int | None:
        """ "was shot and died", "was shot in the head and later died": the end of the death."""
        v = self.rules
        for j in range(k, min(n, k + 10)):
            if lower[j] in SENTENCE_END:
                return None
            if lower[j] in v.then_words:
                m = j + 1
                while m < n and lower[m] in v.fillers:
                    m += 1
                dying = v.intransitive.at(lower, m)
                return dying[0] if dying is not None and dying[1] == "killed" else None
        return None

    def settle(self, found: list[Found], selves: list[Found], lower: list[str], sentence_of: list[int]) -> list[Found]:
        """The facts as they leave the package: the killers' own deaths added, the hit settled."""
        return self._settle_hits(found + _murder_suicides(found, selves, sentence_of), lower)

    def _settle_hits(self, found: list[Found], lower: list[str]) -> list[Found]:
        """People shot or hurt whose fate the phrase does not tell ("a man was shot", "four people were
        shot", "was taken to a hospital") are injured unless the article counts them among the dead:
        the hit, less the most killed, are injured ("two men were shot, one fatally": 1 and 1).
        Hits said to be others ("three other people were also shot", "another man was hit") are not
        among the dead. The injured figure is the largest so settled, its span the hit's."""
        hits = [f for f in found if f.kind == "hit"]
        if not hits:
            return found
        rest = [f for f in found if f.kind != "hit"]
        deaths = [f for f in rest if f.kind == "killed"]
        dead = max((f.number.value for f in deaths), default=0)
        others = self.rules.others
        best: tuple[int, Found] | None = None
        for hit in hits:
            distinct = any(lower[k] in others for k in range(hit.start, hit.end))
            injured = hit.number.value if distinct else hit.number.value - dead
            if injured > 0 and (best is None or injured > best[0]):
                best = (injured, hit)
        if best is not None:
            injured, hit = best
            n = hit.number
            rest.append(Found("injured", Number(n.start, n.end, injured, n.vague), hit.start, hit.end, None))
        return rest


def _murder_suicides(found: list[Found], selves: list[Found], sentence_of: list[int]) -> list[Found]:
    """ "shot and killed his wife and two children before killing himself": the killer is one more
    death than those he killed, when the sentence names both (the toll of 3 + 1)."""
    more = []
    for own in selves:
        sentence = sentence_of[own.start]
        others = [
            f
            for f in found
            if f.kind == "killed"
            and f.end <= own.start
            and sentence_of[f.start] == sentence
            and f.number.start != own.number.start
        ]
        if others:
            victims = max(others, key=lambda f: f.number.value)
            n = victims.number
            total = Number(n.start, n.end, n.value + 1, n.vague)
            more.append(Found("killed", total, victims.start, own.end, None))
    return more
