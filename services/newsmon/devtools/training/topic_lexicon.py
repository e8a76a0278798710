"""A word-for-word Indonesian -> English lexicon learned from SIB-200 train (the same FLORES sentences in both
languages), so the English topic classifier can learn from Indonesian news: CLICK-ID's channel-labelled
articles, carried over word by word into English bags of words.

IBM Model 1 (expectation maximisation of t(english word | indonesian word), with a NULL word), ITERATIONS
rounds from uniform, deterministic. A pair enters the lexicon when t >= MIN_PROBABILITY, the two
words share MIN_SENTENCES sentences or more, and the English word is not in more than MAX_TARGET_SHARE
of the sentences (function words such as "the" soak up the probability of rare words); an
Indonesian word the same as an English one of the sentences (names, loan words) maps to itself.
Only SIB-200 train is read: dev and test stay unseen.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

NULL = ""
ITERATIONS = 8
MIN_PROBABILITY = 0.3
MIN_SENTENCES = 2
MAX_TARGET_SHARE = 0.05


def learn(pairs: Sequence[tuple[Sequence[str], Sequence[str]]]) -> dict[str, str]:
    """pairs: (indonesian words, english words) of one sentence each -> {indonesian word: english word}."""
    together: Counter[tuple[str, str]] = Counter()
    for source, target in pairs:
        together.update((f, e) for f in set(source) for e in set(target))
    t: dict[tuple[str, str], float] = defaultdict(lambda: 1.0)
    for _ in range(ITERATIONS):
        counts: defaultdict[tuple[str, str], float] = defaultdict(float)
        totals: defaultdict[str, float] = defaultdict(float)
        for source, target in pairs:
            sources = [NULL, *source]
            for e in target:
                norm = sum(t[(f, e)] for f in sources)
                for f in sources:
                    share = t[(f, e)] / norm
                    counts[(f, e)] += share
                    totals[f] += share
        t = defaultdict(float, {(f, e): n / totals[f] for (f, e), n in counts.items()})
    frequent = {
        e
        for e, n in Counter(e for _, target in pairs for e in set(target)).items()
        if n > MAX_TARGET_SHARE * len(pairs)
    }
    best: dict[str, tuple[float, str]] = {}
    for (f, e), probability in t.items():
        if f == NULL or e in frequent or probability < MIN_PROBABILITY or together[(f, e)] < MIN_SENTENCES:
            continue
        if probability > best.get(f, (0.0, ""))[0]:
            best[f] = (probability, e)
    lexicon = {f: e for f, (_, e) in best.items()}
    for source, target in pairs:
        lexicon.update({w: w for w in set(source) & set(target) if w not in lexicon})
    return lexicon


def carry_over(words: Sequence[str], lexicon: dict[str, str]) -> list[str]:
    """The English words of an Indonesian text, word by word; words the lexicon lacks are left out."""
    return [lexicon[w] for w in words if w in lexicon]
