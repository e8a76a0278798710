"""Rule phrases split into tokens the way the pipeline splits documents, so that a phrase from a
data file ("luka-luka", "president-elect", "wali kota") matches the tokens it will meet."""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language

Tokenize = Callable[[str], tuple[str, ...]]


def lower_tokens(nlp: Language) -> Tokenize:
    """Lower-cased tokens of a phrase, split by the pipeline's own tokenizer."""
    return lambda phrase: tuple(t.lower_ for t in nlp.make_doc(phrase) if not t.is_space)


def split_on_spaces(phrase: str) -> tuple[str, ...]:
    """For rules used without a pipeline (tests on hand-made token lists)."""
    return tuple(phrase.lower().split())
