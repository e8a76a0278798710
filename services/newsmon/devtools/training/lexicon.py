"""Words the language writes in lower case, from the NER training sentences in ../shared/data.

    python -m newsmon.devtools.training.lexicon [--data ../shared/data]

Writes newsmon/nlp/data/lowercase_words.json: for each language, the words seen in lower case inside
a sentence at least MIN_LOWER_CASE times and at least LOWER_TO_CAPITALISED times as often as
capitalised there. A one-word model entity that opens a sentence and is such a word ("Terjadi",
"People") is the sentence's first word, not a name (nlp/entities). The sentences are the training
sources of convert.py without the evaluation splits; English uses only UNER EWT (running web text):
WikiANN's title fragments capitalise ordinary words. `make models` runs this.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import Counter
from pathlib import Path

from newsmon.devtools.training.convert import DEFAULT_DATA, EVAL_SPLITS, SOURCES, read_sentences, sentence_key
from newsmon.nlp.resources import DATA_DIR

OUTPUT = DATA_DIR / "lowercase_words.json"
MIN_LOWER_CASE = 2
LOWER_TO_CAPITALISED = 3
_SENTENCE_OPENERS = frozenset({".", "!", "?", ":", '"', "“", "”", "'", "(", "-", "–", "—"})
_RUNNING_TEXT = {"en": ("ner/en/uner-ewt/",)}  # sources of running text, where a language has others


def lowercase_words(lang: str, data: Path) -> list[str]:
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
                if word.islower():
                    lower[word] += 1
                elif word[0].isupper() and word[1:].islower():
                    capitalised[word.lower()] += 1
    return sorted(w for w, n in lower.items() if n >= MIN_LOWER_CASE and n >= LOWER_TO_CAPITALISED * capitalised[w])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    table = {
        "_comment": "Built by `python -m newsmon.devtools.training.lexicon` (make models) from ../shared/data; "
        "see that module. Do not edit by hand.",
        **{lang: lowercase_words(lang, args.data) for lang in sorted(SOURCES)},
    }
    OUTPUT.write_text(json.dumps(table, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(
        f"{OUTPUT}: " + ", ".join(f"{k} {len(v)} words" for k, v in table.items() if k != "_comment"), file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
