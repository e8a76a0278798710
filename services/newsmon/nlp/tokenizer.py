"""newsmon's tokenizer settings, in one place for inference (enricher.py) and training (training/).

spaCy's Indonesian tokenizer lists ~15,600 reduplicated words ("luka-luka") as special cases; with
them no token is cached and tokenizing costs ~5 ms per 2,500 characters, raising max_cache_size does
not help. Without them the hyphen splits ("luka", "-", "luka") and it costs ~0.1 ms. Rule phrases
are split by the same tokenizer, so they still match.

Two settings for inference only, which leave every token as it was (`tune_for_inference`): the
Indonesian prefix rules are ~180 alternatives each anchored with "^", and `re.search` tries every one
at every position of a word (~18 us a word, 1 us in English); one "^" in front of them all lets it
stop at the first position (~3 us), the same matches. And spaCy caches at most 10,000 words by
default, fewer than the warm-up's ~28,000 forms, so most of them went uncached.

A statistical model must see the tokens it will see at inference, so the trained pipelines name the
registered tokenizer `newsmon.tokenizer.v1` in their config.cfg: importing this module (the enricher
and the training package do) registers it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import registry

_REDUPLICATION = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")


def customise_tokenizer(tokenizer: Tokenizer, lang: str | None) -> Tokenizer:
    """newsmon's changes to spaCy's default tokenizer for `lang` (only Indonesian has any)."""
    if lang == "id":
        tokenizer.rules = {k: v for k, v in tokenizer.rules.items() if not _REDUPLICATION.fullmatch(k)}
    return tokenizer


def create_tokenizer() -> Callable[[Language], Tokenizer]:
    default = registry.tokenizers.get("spacy.Tokenizer.v1")()

    def make(nlp: Language) -> Tokenizer:
        return customise_tokenizer(default(nlp), nlp.lang)

    return make


# Room for the warm-up's forms (~28,000 in Indonesian) and whatever is tokenized outside a memory zone.
CACHE_SIZE = 200_000


def tune_for_inference(tokenizer: Tokenizer) -> Tokenizer:
    """The same tokens, faster: an anchored prefix search and a cache the warm-up fits in. Call it before
    `warm_cache` (setting a rule empties the cache)."""
    prefix_search = tokenizer.prefix_search
    pattern = getattr(prefix_search, "__self__", None)
    if isinstance(pattern, re.Pattern) and not pattern.pattern.startswith("^(?:"):
        tokenizer.prefix_search = re.compile(f"^(?:{pattern.pattern})", pattern.flags).search
    tokenizer.max_cache_size = CACHE_SIZE
    return tokenizer


def warm_cache(nlp: Language, words: Iterable[str], tokenizer: Callable[[str], object] | None = None) -> int:
    """Tokenize the usual words of `nlp`'s language once, outside any memory zone, so the tokenizer's
    cache keeps them for good: inside a zone (the enricher runs each batch in one) spaCy 3.8 caches
    nothing, and each word of each article would go through the affix rules again. A word is cached
    as written between spaces, so each is warmed as a sentence writes it: as is, capitalised, and
    before a comma or a full stop. Returns how many forms were tokenized. `tokenizer`: another
    tokenizer of `nlp`'s vocabulary to warm instead (the benchmark's comparison)."""
    tokenize = tokenizer or nlp.tokenizer
    forms = {
        form
        for word in {*words, *nlp.Defaults.stop_words}
        if word and not word.isspace()
        for cased in (word, word[:1].upper() + word[1:])
        for form in (cased, f"{cased},", f"{cased}.")
    }
    for form in forms:
        tokenize(form)
    return len(forms)


registry.tokenizers.register("newsmon.tokenizer.v1", func=create_tokenizer)
