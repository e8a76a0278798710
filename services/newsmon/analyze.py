"""`newsmon analyze`: the normalize and enrich stages in-process, with no broker. Evaluation
and the benchmark baseline go through here, so they measure the pipeline's own code.

A message that fails anywhere comes out as (where, {"reason", "error"}), as its dead letter would
say, and the others go on: nothing a message holds stops the run."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, TypeVar

from newsmon.contracts import encode
from newsmon.enrich.articles import EnrichmentFailure, enrich_articles
from newsmon.nlp.enricher import Enricher
from newsmon.normalize.article import normalize_value
from newsmon.normalize.parse import Rejected
from newsmon.records import EnrichedArticle, NormalizedArticle
from newsmon.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")
Outcome = EnrichedArticle | dict[str, Any]


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def failure(reason: str, error: str) -> dict[str, Any]:
    return {"reason": reason, "error": error}


def outcome_of(record: EnrichedArticle | EnrichmentFailure) -> Outcome:
    """An NLP failure is reported as its dead letter would be, never as an empty analysis."""
    return failure("nlp_error", record.error) if isinstance(record, EnrichmentFailure) else record


def enrich_one_by_one(
    enricher: Enricher, ready: Sequence[tuple[str, NormalizedArticle]]
) -> Iterator[tuple[str, Outcome]]:
    for where, article in ready:
        try:
            [record] = enrich_articles(enricher, [article])
            if isinstance(record, EnrichedArticle):
                encode(record)
        except Exception as exc:  # one article must not cost the others theirs
            log.debug("enrichment failed for %s", where, exc_info=True)
            yield where, failure("processing_error", f"enrichment failed: {type(exc).__name__}: {exc}")
        else:
            yield where, outcome_of(record)


def enrich_ready(enricher: Enricher, ready: Sequence[tuple[str, NormalizedArticle]]) -> Iterator[tuple[str, Outcome]]:
    """The batch enriched together; if that fails, one by one, so only the culprit fails."""
    try:
        records = enrich_articles(enricher, [article for _, article in ready])
        for record in records:
            if isinstance(record, EnrichedArticle):
                encode(record)
    except Exception:  # find the culprit below
        log.debug("enrichment of a batch of %d failed; one by one", len(ready), exc_info=True)
        yield from enrich_one_by_one(enricher, ready)
        return
    for (where, _), record in zip(ready, records, strict=True):
        yield where, outcome_of(record)


def analyze_messages(
    messages: Iterable[tuple[str, bytes]], settings: Settings, *, batch_size: int = 64, enricher: Enricher | None = None
) -> Iterator[tuple[str, Outcome]]:
    """(where, raw message bytes) -> (where, enriched record), or (where, {reason, error}) for input
    that normalize rejects or that fails later; in input order within each batch."""
    enricher = enricher or Enricher(settings)
    for batch in batched(messages, batch_size):
        ready: list[tuple[str, NormalizedArticle]] = []
        for where, value in batch:
            result = normalize_value(value, ingested_at=None, raw_position=None, max_text_bytes=settings.max_text_bytes)
            if isinstance(result, Rejected):
                yield where, failure(result.reason, result.error)
            else:
                ready.append((where, result))
        if ready:
            yield from enrich_ready(enricher, ready)
