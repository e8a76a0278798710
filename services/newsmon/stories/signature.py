"""Near-duplicate texts: a MinHash (datasketch) of an article's word 3-grams. Two copies of one wire
report, with a line added or a paragraph cut, share most 3-grams; two reports written apart share few."""

from __future__ import annotations

import base64
import re
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from newsmon.nlp.places.names import fold_token

NUM_PERM = 64
SHINGLE_WORDS = 3
_SEED = 1
_SCHEME = "affine32"  # uint32 hash values: 4 bytes each in the table
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    # Built once: a MinHash draws its permutations at construction.
    return MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).permutations  # type: ignore[no-any-return]


def shingles(text: str) -> set[bytes]:
    words = [fold_token(w) for w in _WORD.findall(text)]  # cached: most words recur
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(text: str) -> str:
    """The text's MinHash signature, base64 of its little-endian uint32 hash values."""
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME, permutations=_permutations())
    minhash.update_batch(sorted(shingles(text)))
    values = np.asarray(minhash.hashvalues, dtype="<u4")
    return base64.b64encode(values.tobytes()).decode("ascii")


def similarity(first: str, second: str) -> float:
    """Estimated Jaccard similarity of two signatures' 3-gram sets: the share of equal hash values, as
    MinHash.jaccard computes it (without rebuilding the MinHash objects)."""
    a = np.frombuffer(base64.b64decode(first), dtype="<u4")
    b = np.frombuffer(base64.b64decode(second), dtype="<u4")
    if len(a) != len(b) or not len(a):
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)
