"""The enrich stage's pure part: normalized articles -> enriched records, through an Enricher. The
enrich agent (in its NLP process), `newsmon analyze` and the benchmark all go through here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newsmon.clock import now_iso
from newsmon.nlp.enricher import Enricher
from newsmon.records import EnrichedArticle, NormalizedArticle

_CARRIED = set(NormalizedArticle.model_fields) - {"normalized_at"}
# Languages whose pipelines are built before the first article waits on them.
WARM_LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class EnrichmentFailure:
    """An article the NLP failed on: dead-lettered, never published with an empty analysis."""

    article_id: str
    error: str


def enrich_articles(
    enricher: Enricher, articles: Sequence[NormalizedArticle]
) -> list[EnrichedArticle | EnrichmentFailure]:
    """One result per article, in order."""
    analyses = enricher.enrich([(a.text, a.language) for a in articles])
    enriched_at = now_iso()
    return [
        EnrichmentFailure(article.id, analysis.error)
        if analysis.error is not None
        else EnrichedArticle(
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
