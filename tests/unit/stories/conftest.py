"""Articles through the real normalize and enrich stages (one Enricher for the session), for the story rules."""

from __future__ import annotations

from collections.abc import Callable

import orjson
import pytest
from story_articles import night_of_strikes

from newsmon.analyze import analyze_messages
from newsmon.nlp.enricher import Enricher
from newsmon.records import EnrichedArticle
from newsmon.settings import Settings

# The night's reports all come in within the hour.
INGESTED_AT = "2026-11-24T02:30:00.000000Z"

Enrich = Callable[..., EnrichedArticle]


@pytest.fixture(scope="session")
def enrich() -> Enrich:
    settings = Settings()
    enricher = Enricher(settings)

    def run(raw: dict, ingested_at: str = INGESTED_AT) -> EnrichedArticle:
        [(_, record)] = list(analyze_messages([(raw["id"], orjson.dumps(raw))], settings, enricher=enricher))
        assert isinstance(record, EnrichedArticle), record
        return record.model_copy(update={"ingested_at": ingested_at})

    return run


@pytest.fixture(scope="session")
def night(enrich: Enrich) -> dict[str, EnrichedArticle]:
    """The stream of story_articles.night_of_strikes, enriched, by id without its tag."""
    return {raw["id"].removeprefix("t-"): enrich(raw) for raw in night_of_strikes("t")}
