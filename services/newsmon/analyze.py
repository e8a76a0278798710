"""`newsmon analyze`: the normalize and enrich stages in-process, with no broker. Evaluation
and the benchmark baseline go through here, so they measure the pipeline's own code."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from newsmon.enrich.articles import EnrichmentFailure, enrich_articles
from newsmon.nlp.enricher import Enricher
from newsmon.normalize.article import to_normalized
from newsmon.normalize.parse import Rejected, parse_raw
from newsmon.records import EnrichedArticle, NormalizedArticle
from newsmon.settings import Settings

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def analyze_messages(
    messages: Iterable[tuple[str, bytes]], settings: Settings, *, batch_size: int = 64, enricher: Enricher | None = None
) -> Iterator[tuple[str, EnrichedArticle | dict[str, Any]]]:
    """(where, raw message bytes) -> (where, enriched record), or (where, {reason, error}) for bad input."""
    enricher = enricher or Enricher(settings)
    for batch in batched(messages, batch_size):
        ready: list[tuple[str, NormalizedArticle]] = []
        for where, value in batch:
            try:
                ready.append(
                    (
                        where,
                        to_normalized(
                            parse_raw(value, max_text_bytes=settings.max_text_bytes),
                            ingested_at=None,
                            raw_position=None,
                        ),
                    )
                )
            except Rejected as exc:
                yield where, {"reason": exc.reason, "error": exc.error}
        for (where, _), record in zip(ready, enrich_articles(enricher, [a for _, a in ready]), strict=True):
            if isinstance(record, EnrichmentFailure):
                yield where, {"reason": "nlp_error", "error": record.error}
            else:
                yield where, record
