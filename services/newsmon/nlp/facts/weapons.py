"""Weapon counts: a number before a weapon ("69 drones", "69 russische Drohnen"), the verb that
qualifies it as launched or intercepted, and the parts of a count told after it ("90 drones, of
which 69 were shot down")."""

from __future__ import annotations

from newsmon.nlp.facts.numbers import Found, Number
from newsmon.nlp.facts.rules import CLAUSE_END, SENTENCE_END, FactRules

MAX_QUALIFIER_DISTANCE = 6
MAX_PARTICLE_DISTANCE = 8
MAX_FOLLOW_UP_DISTANCE = 8

WeaponEnds = dict[int, tuple[Number, str]]  # where each weapon count ends -> the count, its weapon


class WeaponReader:
    """The weapon counts of a text by the rules of its language."""

    def __init__(self, rules: FactRules) -> None:
        self.rules = rules

    def counts_at(
        self,
        lower: list[str],
        numbers: dict[int, Number],
        ends: dict[int, Number],
        number: Number,
        weapon_ends: WeaponEnds,
    ) -> list[Found]:
        """The weapons `number` counts: "69 drones", "69 von 90 Drohnen abgefangen" (69 intercepted of
        the 90 launched), or a part of the weapons just counted; none when it counts no weapon.
        `ends` maps where each number ends to the number; `weapon_ends` gains this count."""
        weapon = self._weapon_after(lower, number.end)
        if weapon is not None:
            weapon_end, kind = weapon
            qualifier, q_start, q_end = self._qualifier_near(lower, numbers, number.start, weapon_end, weapon_ends)
            weapon_ends[weapon_end] = (number, kind)
            of = number.start - 1
            part = ends.get(of) if of > 0 and lower[of] in self.rules.partitive_links else None
            if part is None:
                return [Found(kind, number, min(number.start, q_start), max(weapon_end, q_end), qualifier)]
            # "69 von 90 Drohnen abgefangen": 69 intercepted of the 90 launched
            return [
                Found(kind, part, min(part.start, q_start), max(weapon_end, q_end), qualifier),
                Found(kind, number, number.start, weapon_end, "launched" if qualifier == "intercepted" else None),
            ]
        follow_up = self._follow_up(lower, numbers, weapon_ends, number)
        if follow_up is None:
            return []
        kind, qualifier, end = follow_up
        return [Found(kind, number, number.start, end, qualifier)]

    def _weapon_after(self, lower: list[str], k: int) -> tuple[int, str] | None:
        """(end, kind) of a weapon right after a number, past a few adjectives: "69 russische Drohnen"."""
        skipped = 0
        while k < len(lower) and skipped < 2 and lower[k] in self.rules.weapon_modifiers:
            k += 1
            skipped += 1
        return self.rules.weapon_at(lower, k)

    def _follow_up(
        self, lower: list[str], numbers: dict[int, Number], weapon_ends: WeaponEnds, number: Number
    ) -> tuple[str, str, int] | None:
        """A part of the weapons just counted, told by its verb alone: "90 drones, dont 69 ont été
        abattus", "90 Drohnen, davon wurden 69 abgeschossen", "90 drones, of which 69 were shot
        down": (kind, qualifier, end of the qualifier). Not when it outnumbers that count ("145
        drones et 4 missiles, dont 118 ...": of them all, not of the missiles)."""
        for end in range(number.start, max(-1, number.start - MAX_FOLLOW_UP_DISTANCE - 1), -1):
            if end in weapon_ends:
                break
            if end < number.start and (end in numbers or lower[end] in SENTENCE_END):
                return None
        else:
            return None
        whole, kind = weapon_ends[end]
        qualifier = self._qualifier_after(lower, numbers, number.end)
        if qualifier is None or number.value > whole.value:
            return None
        return kind, qualifier[0], qualifier[1]

    def _qualifier_after(
        self, lower: list[str], numbers: dict[int, Number], k: int, coordinated: bool = False
    ) -> tuple[str, int] | None:
        """(qualifier, end) of a launched/intercepted verb soon after token k, in the same clause;
        `coordinated`: also past weapon counts joined to this one ("112 Drohnen und sechs
        Marschflugkörper eingesetzt")."""
        r = self.rules
        j, limit = k, k + r.qualifier_window
        while j < min(len(lower), limit):
            if lower[j] in CLAUSE_END:
                return None
            if j in numbers:
                other = self._coordinated_weapon(lower, numbers[j]) if coordinated else None
                if other is None:
                    return None
                limit += other - j
                j = other
                continue
            hit = r.qualifiers.at(lower, j)
            if hit is not None:
                return hit[1], hit[0]
            j += 1
        return None

    def _coordinated_weapon(self, lower: list[str], number: Number) -> int | None:
        """End of "und sechs Marschflugkörper" when `number` counts weapons after a conjunction."""
        if number.start == 0 or lower[number.start - 1] not in self.rules.clause_breakers:
            return None
        weapon = self._weapon_after(lower, number.end)
        return weapon[0] if weapon is not None else None

    def _qualifier_near(
        self, lower: list[str], numbers: dict[int, Number], number_start: int, weapon_end: int, weapon_ends: WeaponEnds
    ) -> tuple[str | None, int, int]:
        """The launched/intercepted verb of this count, in the same clause: a separable verb around it
        ("schoss 69 Drohnen ab"), or right after the weapon ("40 drone yang diluncurkan", "69 drones
        were shot down") or, failing that, before the number ("menembak jatuh atau mencegat 69
        drone"), or after weapon counts joined to it ("112 Drohnen und sechs Marschflugkörper
        eingesetzt", but "meluncurkan 40 rudal dan 12 drone ditembak jatuh": the verb before wins),
        never past another number."""
        r = self.rules
        hit_after = self._qualifier_after(lower, numbers, weapon_end)
        after = (hit_after[0], number_start, hit_after[1]) if hit_after is not None else None
        before: tuple[str, int, int] | None = None
        start, limit = number_start - 1, number_start - 1 - MAX_QUALIFIER_DISTANCE
        if start > 0 and lower[start] in r.clause_breakers and start in weapon_ends:
            earlier = weapon_ends[start][0]  # "lanzó 90 drones y 6 misiles": the verb of the first count
            limit -= start - earlier.start
            start = earlier.start - 1
        for k in range(start, max(-1, limit), -1):
            if lower[k] in CLAUSE_END or k in numbers:
                break
            split = r.split_qualifiers.at(lower, k)
            if split is not None and split[0] <= number_start:
                particle, kind = split[1]
                particle_end = self._particle_after(lower, weapon_end, particle)
                if particle_end is not None:
                    return kind, k, particle_end
            hit = r.qualifiers.at(lower, k)
            if hit is not None and hit[0] <= number_start and before is None:
                before = (hit[1], k, number_start)
        if after is None and before is None:
            shared = self._qualifier_after(lower, numbers, weapon_end, coordinated=True)
            after = (shared[0], number_start, shared[1]) if shared is not None else None
        return after or before or (None, number_start, weapon_end)

    def _particle_after(self, lower: list[str], k: int, particle: tuple[str, ...]) -> int | None:
        """End of the particle of a separable verb later in the clause ("... 69 Drohnen ab")."""
        for j in range(k, min(len(lower), k + MAX_PARTICLE_DISTANCE)):
            if lower[j] in CLAUSE_END:
                return None
            if tuple(lower[j : j + len(particle)]) == particle:
                return j + len(particle)
        return None
