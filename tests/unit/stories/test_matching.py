"""Stories (newsmon/stories/matching.py, state.py): which articles share a story, on the night of
strikes in story_articles, through the real NLP."""

from __future__ import annotations

import pytest
from story_articles import EXPECTED_STORIES, ODESA_EN, raw
from support import SEED, assert_valid

from newsmon import topics
from newsmon.records import Count, StoryCount
from newsmon.stories.counts import better_count
from newsmon.stories.matching import Assignment, article_features, assign, match_score
from newsmon.stories.state import StoryState

WINDOW = 2 * 24 * 3600.0
NOW = "2026-11-24T03:00:00.000000Z"


def run(articles, stories: dict[str, StoryState] | None = None) -> tuple[dict[str, StoryState], list[Assignment]]:
    """The articles in order through assign, as the story agent does for one bucket's stories."""
    stories = dict(stories or {})
    assignments = []
    for article in articles:
        features = article_features(article)
        bucket = [s for s in stories.values() if s.bucket == features.bucket]
        assignment = assign(features, bucket, NOW, WINDOW)
        stories[assignment.story.story_id] = assignment.story
        assignments.append(assignment)
    return stories, assignments


def grouping(stories: dict[str, StoryState]) -> set[frozenset[str]]:
    return {frozenset(i.removeprefix("t-") for i in s.article_ids) for s in stories.values()}


def test_matching_one_event_in_indonesian_and_english_from_two_sources_is_one_story(night):
    stories, [first, second] = run([night["odesa-en"], night["odesa-id"]])
    assert (first.outcome, second.outcome) == ("new", "joined")
    [story] = stories.values()
    record = assert_valid(topics.STORIES, story.record())
    assert record["sources"] == ["harbour-wire", "kabar-nusantara"] and record["languages"] == ["en", "id"]
    assert record["places"][0]["name"] == "Odesa" and record["places"][0]["geonameid"] == 698740
    assert record["killed"] == {"number": 3, "lower_bound": True, "article_id": "t-odesa-en"}


def test_matching_a_near_duplicate_copy_joins_by_its_text(night):
    stories, _ = run([night["odesa-en"]])
    [story] = stories.values()
    copy = article_features(night["odesa-copy"])
    assert match_score(copy, story, WINDOW) > 1.0, "near-duplicate text, not the weighted score"
    _, [joined] = run([night["odesa-copy"]], stories)
    assert joined.outcome == "joined" and joined.story.story_id == story.story_id


def test_matching_the_same_night_in_another_city_is_another_story(night):
    stories, assignments = run([night["odesa-en"], night["kharkiv-en"], night["kharkiv-id"]])
    assert [a.outcome for a in assignments] == ["new", "new", "joined"]
    assert grouping(stories) == {frozenset({"odesa-en"}), frozenset({"kharkiv-en", "kharkiv-id"})}
    assert match_score(article_features(night["kharkiv-en"]), stories[assignments[0].story.story_id], WINDOW) is None


def test_matching_unrelated_news_is_another_story(night):
    stories, assignments = run([night["odesa-en"], night["budget-en"], night["football-id"]])
    assert [a.outcome for a in assignments] == ["new", "new", "new"]
    assert {s.bucket for s in stories.values()} == {"UA", "ID"}


def test_matching_the_whole_night_gives_the_expected_stories(night):
    order = ["odesa-en", "odesa-id", "kharkiv-en", "odesa-copy", "budget-en", "odesa-de", "kharkiv-id",
             "football-id", "odesa-later"]
    stories, _ = run([night[name] for name in order])
    assert grouping(stories) == {frozenset(ids) for ids in EXPECTED_STORIES.values()}
    [odesa] = [s.record() for s in stories.values() if "t-odesa-en" in s.article_ids]
    assert odesa.languages == ["en", "id", "de"] and odesa.article_count == 5
    # The later, higher toll supersedes the first reports.
    assert odesa.killed == StoryCount(number=5, lower_bound=False, article_id="t-odesa-later")
    assert odesa.injured is not None and odesa.injured.number == 14
    for story in stories.values():
        assert_valid(topics.STORIES, story.record())


def test_matching_the_same_article_twice_changes_nothing(night):
    stories, _ = run([night["odesa-en"], night["odesa-id"]])
    before = dict(stories)
    after, [again] = run([night["odesa-id"]], stories)
    assert again.outcome == "unchanged"
    assert after == before
    assert again.story.record() == before[again.story.story_id].record()


def test_matching_the_story_id_is_the_same_on_a_second_run(night):
    first, _ = run([night["odesa-en"], night["odesa-id"], night["kharkiv-en"]])
    second, _ = run([night["odesa-en"], night["odesa-id"], night["kharkiv-en"]])
    assert set(first) == set(second)


def test_matching_a_report_after_the_window_starts_a_new_story(night, enrich):
    stories, _ = run([night["odesa-en"]])
    days_later = enrich(raw("t-odesa-again", ODESA_EN.replace("overnight", "on Friday night"), "harbour-wire", "en"),
                        ingested_at="2026-11-27T02:30:00.000000Z")
    _, [assignment] = run([days_later], stories)
    assert assignment.outcome == "new"


def test_matching_story_state_survives_its_json_form(night):
    stories, _ = run([night["odesa-en"], night["odesa-id"], night["odesa-de"]])
    for story in stories.values():
        assert StoryState.from_json(story.to_json()) == story
    assert StoryState.from_json({"story": {"story_id": "x"}}) is None
    assert StoryState.from_json(None) is None


@pytest.mark.parametrize(("current", "reported", "expected"), [
    (None, (2, True), (2, True)),
    ((2, True), (3, False), (3, False)),  # a later, larger toll supersedes
    ((3, False), (2, False), (3, False)),  # a smaller one (an early copy) does not lower it
    ((2, True), (2, False), (2, False)),  # exact beats "at least" at the same number
    ((2, False), (2, True), (2, False)),
    ((2, False), (3, True), (3, True)),  # "at least 3" says more than "2"
])
def test_matching_conflicting_counts_resolve_to_the_larger_then_the_exact(current, reported, expected):
    held = StoryCount(number=current[0], lower_bound=current[1], article_id="old") if current else None
    best = better_count(held, Count(number=reported[0], lower_bound=reported[1]), "new")
    assert (best.number, best.lower_bound) == expected


def test_matching_the_same_city_and_people_without_the_events_facts_or_topic_is_another_story(enrich):
    from story_articles import KYIV_BUDGET_EN, KYIV_EN

    strike = enrich(raw("t-kyiv-en", KYIV_EN, "harbour-wire", "en"))
    budget = enrich(raw("t-kyiv-budget", KYIV_BUDGET_EN, "harbour-wire", "en"))
    stories, _ = run([strike])
    features = article_features(budget)
    [story] = stories.values()
    assert features.place_keys & story.place_keys and features.entities & set(story.entities)
    _, [assignment] = run([budget], stories)
    assert assignment.outcome == "new"


@pytest.mark.shared
@pytest.mark.skipif(not SEED.is_file(), reason=f"seed article not found at {SEED}")
def test_matching_the_seed_and_an_english_report_of_that_night_are_one_story(enrich):
    from story_articles import KYIV_EN

    seed = enrich(raw("t-seed", SEED.read_text(encoding="utf-8"), "seed", "id"))
    english = enrich(raw("t-kyiv-en", KYIV_EN, "harbour-wire", "en"))
    stories, assignments = run([seed, english])
    assert [a.outcome for a in assignments] == ["new", "joined"]
    [story] = stories.values()
    record = story.record()
    assert [p.name for p in record.places] == ["Kyiv", "Kryvyi Rih"]
    assert {"Darnytskyi", "Svyatoshynkyi"} <= set(record.places[0].districts)
    assert record.killed is not None and record.killed.number == 2
