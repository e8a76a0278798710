"""Which story an article belongs to. Pure: the story agent hands in the stories of the article's bucket.

An article joins the best-matching story of its bucket reported within the window
(Settings.story_window_seconds, around the story's first and last article), or starts a new one:

- Places decide first. Both with cities: they must share one (overlap of GeoNames ids over the smaller
  set), or it is another event (the same night, another city). Otherwise (a country or region only on one
  side) their countries must overlap, which counts for little (COARSE_PLACE_SCORE); no places on one side
  count nothing either way.
- Near-duplicate text in the same language (MinHash of word 3-grams, at least NEAR_DUPLICATE) joins at once.
- Otherwise, across languages: a weighted score of places, canonical entities (persons and
  organisations, named alike in every language; ENTITIES_IN_COMMON shared are full agreement), casualty
  facts and the leading topic, at least JOIN_SCORE. Facts or topic must agree at least in part: the same
  city and the same people without the event's casualties or topic (a council vote in the city struck
  that night) are another story.
- An article already in a story (a re-processed one) leaves it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from newsmon.clock import epoch_from_iso
from newsmon.records import Count, EnrichedArticle, Fact
from newsmon.stories.signature import signature, similarity
from newsmon.stories.state import COUNT_KINDS, ArticleFeatures, StoryState, new_story, with_article
from newsmon.stories.where import bucket_key, event_places

NEAR_DUPLICATE = 0.5
JOIN_SCORE = 0.55
COARSE_PLACE_SCORE = 0.4
ENTITIES_IN_COMMON = 2
WEIGHTS = {"places": 0.35, "entities": 0.2, "facts": 0.25, "topic": 0.2}

Outcome = Literal["new", "joined", "unchanged"]


@dataclass(frozen=True)
class Assignment:
    outcome: Outcome
    story: StoryState


def reported_count(facts: Iterable[Fact], kind: str) -> Count | None:
    """An article's figure for a kind: its largest (later paragraphs repeat partial counts), exact
    before "at least" at an equal number."""
    matching = [f for f in facts if f.kind == kind]
    if not matching:
        return None
    best = max(matching, key=lambda f: (f.number, not f.lower_bound))
    return Count(number=best.number, lower_bound=best.lower_bound)


def article_features(article: EnrichedArticle) -> ArticleFeatures:
    places = tuple(event_places(article))
    # A watchlist entity by its id: one name for it, however the article spells it.
    entities = {
        f"watchlist:{e.watchlist_id}" if e.watchlist_id else e.canonical
        for e in article.entities
        if e.label in ("PER", "ORG")
    }
    counts = {kind: count for kind in COUNT_KINDS if (count := reported_count(article.facts, kind)) is not None}
    leading = article.topics[0] if article.topics else None
    return ArticleFeatures(
        article_id=article.id,
        source=article.source,
        language=article.language,
        epoch=epoch_from_iso(article.ingested_at or article.enriched_at),
        bucket=bucket_key(article, list(places)),
        places=places,
        entities=frozenset(entities),
        counts=counts,
        topic=(leading.code, leading.label) if leading else None,
        signature=signature(article.text),
    )


def place_similarity(article: ArticleFeatures, story: StoryState) -> float | None:
    """How far the places agree, or None when they say another event (module docstring)."""
    cities, story_cities = article.place_keys, story.place_keys
    if cities and story_cities:
        shared = len(cities & story_cities) / min(len(cities), len(story_cities))
        return shared or None
    countries, story_countries = article.countries, story.countries
    if not countries or not story_countries:
        return 0.0
    return COARSE_PLACE_SCORE if countries & story_countries else None


def entity_similarity(article: ArticleFeatures, story: StoryState) -> float:
    return min(1.0, len(article.entities & set(story.entities)) / ENTITIES_IN_COMMON)


def fact_similarity(article: ArticleFeatures, story: StoryState) -> float:
    """1: a figure in common; 0.75: the same kinds, none lower than the story's (a toll revised upwards);
    0.5: other figures, or no casualties on either side; 0: casualties on one side only."""
    shared = [k for k in article.counts if k in story.counts]
    if any(article.counts[k].number == story.counts[k].number for k in shared):
        return 1.0
    if shared and all(article.counts[k].number >= story.counts[k].number for k in shared):
        return 0.75
    if shared or (not article.counts and not story.counts):
        return 0.5
    return 0.0


def topic_similarity(article: ArticleFeatures, story: StoryState) -> float:
    leading = story.leading_topic()
    return 1.0 if article.topic and leading and article.topic[0] == leading.code else 0.0


def within_window(article: ArticleFeatures, story: StoryState, window_seconds: float) -> bool:
    return story.first_epoch - window_seconds <= article.epoch <= story.last_epoch + window_seconds


def match_score(article: ArticleFeatures, story: StoryState, window_seconds: float) -> float | None:
    """Above 1: a near-duplicate; at least JOIN_SCORE: the same event; None or less: not this story."""
    if story.bucket != article.bucket or not within_window(article, story, window_seconds):
        return None
    places = place_similarity(article, story)
    if places is None:
        return None
    copies = [similarity(article.signature, sig) for lang, sig in story.signatures if lang == article.language]
    nearest = max(copies, default=0.0)
    if nearest >= NEAR_DUPLICATE:
        return 1.0 + nearest
    facts, topic = fact_similarity(article, story), topic_similarity(article, story)
    if not facts and not topic:
        return None  # nothing of the event in common (module docstring)
    return (
        WEIGHTS["places"] * places
        + WEIGHTS["entities"] * entity_similarity(article, story)
        + WEIGHTS["facts"] * facts
        + WEIGHTS["topic"] * topic
    )


def assign(
    article: ArticleFeatures, stories: Iterable[StoryState], updated_at: str, window_seconds: float
) -> Assignment:
    """The article's story: the one it is already in, the best match, or a new one."""
    candidates = sorted(stories, key=lambda s: (s.first_epoch, s.story_id))  # ties go to the oldest story
    for story in candidates:
        if article.article_id in story.article_ids:
            return Assignment("unchanged", story)
    best: tuple[float, StoryState] | None = None
    for story in candidates:
        score = match_score(article, story, window_seconds)
        if score is not None and score >= JOIN_SCORE and (best is None or score > best[0]):
            best = (score, story)
    if best is None:
        return Assignment("new", new_story(article, updated_at))
    return Assignment("joined", with_article(best[1], article, updated_at))
