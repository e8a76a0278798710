"""A stream brings new words for ever: enriching them must not grow the pipelines' vocabulary."""

import random


def invented_article(rng: random.Random) -> str:
    names = ["".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3)).capitalize() for _ in range(6)]
    return (f"{names[0]} {names[1]} said {rng.randint(10, 999)} people were evacuated from {names[2]} "
            f"after the flood near {names[3]}, and {names[4]} {names[5]} joined the rescue.")


def test_new_words_do_not_stay_in_the_vocabulary(enricher):
    rng = random.Random(5)
    for language in ("en", "id"):
        enricher.enrich([(invented_article(rng), language)])  # builds the pipeline
        strings = enricher.pipeline(language).vocab.strings
        before = len(strings)
        analyses = enricher.enrich([(invented_article(rng), language) for _ in range(64)])
        assert all(a.error is None for a in analyses) and any(a.entities for a in analyses)
        assert len(strings) == before, f"{language}: {len(strings) - before} strings stayed after the batch"
