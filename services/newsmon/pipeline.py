"""The enrichment path shared by the enrich agent, `newsmon analyze` and the benchmark."""

from __future__ import annotations

from collections.abc import Sequence

from newsmon.clock import now_iso
from newsmon.nlp.enricher import Enricher
from newsmon.records import EnrichedArticle, NormalizedArticle

_CARRIED = set(NormalizedArticle.model_fields) - {"normalized_at"}


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


# Languages whose pipelines are built before the first article waits on them.
WARM_LANGUAGES = ("id", "en")


def warm_up(enricher: Enricher) -> None:
    enricher.enrich([("Warm up: Jakarta and London.", language) for language in WARM_LANGUAGES])


# A process pool keeps spaCy off the event loop and off the loop's GIL; each pool
# process builds its own Enricher once.
_process_enricher: Enricher | None = None


def init_process_enricher() -> None:
    global _process_enricher
    _process_enricher = Enricher()


def enrich_in_process(articles: Sequence[NormalizedArticle]) -> list[EnrichedArticle]:
    assert _process_enricher is not None, "init_process_enricher did not run in this process"
    return enrich_articles(_process_enricher, articles)


def warm_up_in_process() -> None:
    assert _process_enricher is not None, "init_process_enricher did not run in this process"
    warm_up(_process_enricher)
