"""Words the language writes in lower case, from the NER training sentences in ../shared/data.

    python -m newsmon.devtools.training.lexicon [--data ../shared/data]

Writes newsmon/nlp/data/lowercase_words.json: for each language, the words seen in lower case inside
a sentence at least MIN_LOWER_CASE times and at least LOWER_TO_CAPITALISED times as often as
capitalised there, in the NER training sentences (the training sources of convert.py without the
evaluation splits; English only UNER EWT, running web text: WikiANN's title fragments capitalise
ordinary words) or, at least MIN_LOWER_CASE_RAW times, in the raw text the vectors learn from
(vectors.raw_texts: CLICK-ID's articles for Indonesian, the English NER sentences and GVA's articles).
A one-word model entity that is such a word is a word, not a name (nlp/entities): inside a sentence
("Lebaran", "Disaster" of "Disaster and Emergency Management Authority"), or opening one
("Terjadi", "People"). Each NLP process warms its tokenizer's cache with the words of the NER
sentences alone (`warmed`, nlp/tokenizer.warm_cache): all of them warm in ~7 s against ~2 s for
Indonesian, and the benchmark's articles tokenize no faster for it. `make models` runs this.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from newsmon.devtools.training.convert import DEFAULT_DATA, EVAL_SPLITS, SOURCES, read_sentences, sentence_key
from newsmon.devtools.training.vectors import raw_texts
from newsmon.nlp.resources import DATA_DIR

OUTPUT = DATA_DIR / "lowercase_words.json"
MIN_LOWER_CASE = 2
MIN_LOWER_CASE_RAW = 5  # the raw text is larger and noisier (page furniture, typos)
LOWER_TO_CAPITALISED = 3
_RAW_WORDS = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
_SENTENCE_OPENERS = frozenset({".", "!", "?", ":", '"', "“", "”", "'", "(", "-", "–", "—"})
_RUNNING_TEXT = {"en": ("ner/en/uner-ewt/",)}  # sources of running text, where a language has others


class Lexicon(NamedTuple):
    words: list[str]  # from the NER sentences and the raw text
    warmed: list[str]  # from the NER sentences


def lowercase_words(lang: str, data: Path) -> Lexicon:
    held_out = {sentence_key(s.words) for path, fmt in EVAL_SPLITS[lang] for s in read_sentences(data / path, fmt)}
    prefixes = _RUNNING_TEXT.get(lang, ("",))
    lower: Counter[str] = Counter()
    capitalised: Counter[str] = Counter()
    for source in SOURCES[lang]:
        if not source.path.startswith(prefixes):
            continue
        for sentence in read_sentences(data / source.path, source.format):
            if sentence_key(sentence.words) in held_out:
                continue
            for previous, word in itertools.pairwise(sentence.words):
                if previous in _SENTENCE_OPENERS or not word.isalpha():
                    continue
                count_case(word, lower, capitalised)
    from_sentences = written_lower(lower, capitalised, MIN_LOWER_CASE)
    lower.clear()
    capitalised.clear()
    for paragraph in raw_texts(lang, data):
        for previous, word in itertools.pairwise(_RAW_WORDS.findall(paragraph)):
            if previous not in _SENTENCE_OPENERS and word.isalpha():
                count_case(word, lower, capitalised)
    from_raw_text = written_lower(lower, capitalised, MIN_LOWER_CASE_RAW)
    return Lexicon(sorted(from_sentences | from_raw_text), sorted(from_sentences))


def count_case(word: str, lower: Counter[str], capitalised: Counter[str]) -> None:
    if word.islower():
        lower[word] += 1
    elif word[0].isupper() and word[1:].islower():
        capitalised[word.lower()] += 1


def written_lower(lower: Counter[str], capitalised: Counter[str], at_least: int) -> set[str]:
    """The words written in lower case at least `at_least` times and LOWER_TO_CAPITALISED times as
    often as capitalised."""
    return {w for w, n in lower.items() if n >= at_least and n >= LOWER_TO_CAPITALISED * capitalised[w]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    lexicons = {lang: lowercase_words(lang, args.data) for lang in sorted(SOURCES)}
    table = {
        "_comment": "Built by `python -m newsmon.devtools.training.lexicon` (make models) from ../shared/data; "
        "see that module. Do not edit by hand.",
        **{lang: lexicon.words for lang, lexicon in lexicons.items()},
        "warmed": {lang: lexicon.warmed for lang, lexicon in lexicons.items()},
    }
    OUTPUT.write_text(json.dumps(table, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(
        f"{OUTPUT}: " + ", ".join(f"{k} {len(v.words)} words ({len(v.warmed)} warmed)" for k, v in lexicons.items()),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
