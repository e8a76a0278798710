"""PhraseTable: rule phrases (tuples of lower-case tokens) found in a text by their first or last word."""

from __future__ import annotations

from typing import Generic, TypeVar

V = TypeVar("V")


class PhraseTable(Generic[V]):
    """Phrases (tuples of lower-case tokens) -> values, found by their first or last word."""

    def __init__(self, phrases: dict[tuple[str, ...], V]) -> None:
        self.values = dict(phrases)
        by_first: dict[str, set[int]] = {}
        by_last: dict[str, set[int]] = {}
        for phrase in self.values:
            by_first.setdefault(phrase[0], set()).add(len(phrase))
            by_last.setdefault(phrase[-1], set()).add(len(phrase))
        self._lengths_from = {w: sorted(n, reverse=True) for w, n in by_first.items()}
        self._lengths_to = {w: sorted(n, reverse=True) for w, n in by_last.items()}
        self.first_words = frozenset(by_first)

    def at(self, words: list[str], i: int) -> tuple[int, V] | None:
        """(end, value) of the longest phrase starting at token i."""
        for length in self._lengths_from.get(words[i], ()) if i < len(words) else ():
            key = tuple(words[i : i + length])
            if len(key) == length and key in self.values:  # near the end the slice is shorter
                return i + length, self.values[key]
        return None

    def ending_at(self, words: list[str], end: int) -> int | None:
        """Start of the longest phrase ending just before token `end`."""
        for length in self._lengths_to.get(words[end - 1], ()) if end > 0 else ():
            if end - length >= 0 and tuple(words[end - length : end]) in self.values:
                return end - length
        return None
