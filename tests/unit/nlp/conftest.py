"""One Enricher for the whole NLP test session: building the gazetteer and pipelines takes seconds."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from newsmon.settings import Settings
from newsmon.nlp.enricher import Analysis, Enricher


@pytest.fixture(scope="session")
def enricher() -> Enricher:
    return Enricher(Settings())


@pytest.fixture(scope="session")
def analyse(enricher: Enricher) -> Callable[[str, str], Analysis]:
    def run(text: str, language: str) -> Analysis:
        [analysis] = enricher.enrich([(text, language)])
        return analysis

    return run
