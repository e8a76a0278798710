"""The enrich stage's pure part: normalized articles -> enriched records, through an Enricher. The
enrich agent (in its NLP process), `newsmon analyze` and the benchmark all go through here."""

from __future__ import annotations

from collections.abc import Sequence

from newsmon.clock import now_iso
from newsmon.nlp.enricher import Enricher
from newsmon.records import EnrichedArticle, NormalizedArticle

_CARRIED = set(NormalizedArticle.model_fields) - {"normalized_at"}
# Languages whose pipelines are built before the first article waits on them.
WARM_LANGUAGES = ("id", "en")


def enrich_articles(enricher: Enricher, articles: Sequence[NormalizedArticle]) -> list[EnrichedArticle]:
    analyses = enricher.enrich([(a.text, a.language) for a in articles])
    enriched_at = now_iso()
    return [
        EnrichedArticle(
            **{name: getattr(article, name) for name in _CARRIED},
            entities=analysis.entities,
            topics=analysis.topics,
            facts=analysis.facts,
            ner_model=analysis.ner_model,
            enriched_at=enriched_at,
        )
        for article, analysis in zip(articles, analyses, strict=True)
    ]


def warm_up(enricher: Enricher) -> None:
    enricher.enrich([("Warm up: Jakarta and London.", language) for language in WARM_LANGUAGES])
