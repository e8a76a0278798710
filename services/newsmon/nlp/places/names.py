"""Name keys: case- and accent-folded spellings, and the common words that are never a name alone."""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import spacy

from newsmon.nlp.resources import load_json

# Languages whose stop words can never be place names (a city called "Of" or "Bar" would
# otherwise fire on ordinary words at the start of a sentence).
STOP_WORD_LANGUAGES = ("en", "id", "de", "fr", "es", "it", "pt", "nl")

# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {"ı": "i", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe"}
)


def fold(text: str) -> str:
    """Key for name lookups: case-folded, accents stripped, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


# Bounded well below the vocabulary of a long stream: the cache is part of a worker's steady memory.
@lru_cache(maxsize=50_000)
def fold_token(text: str) -> str:
    return fold(text)


def starts_upper(name: str) -> bool:
    return bool(name) and name[0].isupper()


def has_lower(name: str) -> bool:
    return any(ch.islower() for ch in name)


LETTERS = re.compile(r"[^\W\d_]")
INNER_CAPITAL = re.compile(r"[a-z][A-Z]")


def _spacy_stop_words(code: str) -> frozenset[str]:
    # Load only spacy/lang/<code>/stop_words.py: importing the language package itself builds its
    # tokenizer exceptions (2.6 s for French), which a word list does not need.
    path = Path(spacy.__file__).parent / "lang" / code / "stop_words.py"
    spec = importlib.util.spec_from_file_location(f"_newsmon_stop_words_{code}", path)
    if spec is None or spec.loader is None:
        return frozenset()
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(getattr(module, "STOP_WORDS", ()))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Folded words that must never be a place on their own."""
    words: set[str] = set()
    for code in STOP_WORD_LANGUAGES:
        words.update(fold(w) for w in _spacy_stop_words(code))
    data = load_json("common_words.json")
    for lang, items in data.items():
        if not lang.startswith("_"):
            words.update(fold(w) for w in items)
    return frozenset(words)
