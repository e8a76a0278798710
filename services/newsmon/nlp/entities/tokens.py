"""Per-document views of the tokens that every entity rule reads, and the entities found, before
they become spaCy spans."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from newsmon.nlp.places.entries import GazetteerEntry
from newsmon.nlp.places.names import fold_token
from newsmon.nlp.token_view import token_view

_OPENING_PUNCT = frozenset("\"'“”‘’«»„‹›([{-–—•*")


@dataclass
class Tokens:
    """Per-document views of the tokens that every rule reads."""

    text: list[str]
    lower: list[str]
    folded: list[str]
    trailing_space: list[bool]
    is_space: list[bool]
    sentence_initial: list[bool]
    sentence: list[int]  # index of the sentence (or heading line) each token is in
    lowercase_words: set[str]  # words the article itself writes in lower case

    @classmethod
    def of(cls, doc: Doc) -> Tokens:
        view = token_view(doc)
        initial = [False] * len(view)
        at_start = True
        for i, text in enumerate(view.text):
            if view.sent_start[i]:
                at_start = True
            if view.is_space[i]:
                if "\n" in text:
                    at_start = True  # a paragraph or a heading line starts here
                continue
            if at_start and (text[0] in _OPENING_PUNCT or view.is_punct[i]):
                continue
            initial[i] = at_start
            at_start = False
        sentence: list[int] = []
        number, starts = -1, True
        for i in range(len(view.text)):
            if view.sent_start[i] or (i > 0 and view.is_space[i - 1] and "\n" in view.text[i - 1]):
                starts = True
            if starts and not view.is_space[i]:
                number, starts = number + 1, False
            sentence.append(max(number, 0))
        return cls(
            text=view.text,
            lower=view.lower,
            folded=[fold_token(s) for s in view.text],
            trailing_space=view.trailing_space,
            is_space=view.is_space,
            sentence_initial=initial,
            sentence=sentence,
            lowercase_words={s for s in view.text if s.islower()},
        )

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens [start, end) as written, without outer whitespace."""
        return "".join(self.text[k] + (" " if self.trailing_space[k] else "") for k in range(start, end)).strip()


@dataclass
class Match:
    """An entity found by a rule or taken from the model: tokens [start, end)."""

    start: int
    end: int
    label: str
    canonical: str
    entry: GazetteerEntry | None = None
    statistical: bool = False  # found by the statistical model
    watchlist_id: str | None = None  # a watchlist person or organisation
    district: bool = False  # a district, neighbourhood or village named by a cue, not in the gazetteer
    enclosing: Match | None = None  # for a district: the place the text says it lies in


def is_one_word_city(m: Match) -> bool:
    return (
        m.entry is not None
        and m.label == "LOC"
        and m.end - m.start == 1
        and all(c.feature == "city" for c in m.entry.candidates)
    )


def context_countries(matches: list[Match]) -> set[str]:
    """Countries the article names, directly or through a place that can only be in one country."""
    countries: set[str] = set()
    for m in matches:
        if m.label != "LOC" or m.entry is None:
            continue
        codes = {c.country_code for c in m.entry.candidates if c.country_code}
        if len(codes) == 1:
            countries.update(codes)
    return countries
