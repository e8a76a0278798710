"""A story's casualty counts (newsmon/stories/counts.py): the largest figures of its articles, the
injured less those who died since an article counted them."""

from __future__ import annotations

import itertools

import pytest

from newsmon.records import Count
from newsmon.stories.counts import InjuryReport, incident_counts, kept_reports
from newsmon.stories.matching import ArticleFeatures
from newsmon.stories.state import StoryState, new_story, with_article

NOW = "2026-11-24T02:30:00Z"


def figures(killed: int | None = None, injured: int | None = None, lower_bound: bool = False) -> dict[str, Count]:
    reported = {}
    if killed is not None:
        reported["killed"] = Count(number=killed, lower_bound=False)
    if injured is not None:
        reported["injured"] = Count(number=injured, lower_bound=lower_bound)
    return reported


def numbers(counts) -> tuple[int, int]:
    return tuple(counts[kind].number if kind in counts else 0 for kind in ("killed", "injured"))


@pytest.mark.parametrize(
    "reports, expected",
    [
        # "a girl was critically wounded", then "the girl has died"
        ([figures(injured=1), figures(killed=1)], (1, 0)),
        # "one killed, three hurt", then "a second victim died"
        ([figures(1, 3), figures(killed=2)], (2, 2)),
        # "four people were shot", then "one of them died": the shot became one killed, three hurt
        ([figures(injured=4), figures(killed=1)], (1, 3)),
        # a later, larger count of the hurt stands: it knew of no fewer deaths
        ([figures(1, 3), figures(1, 5)], (1, 5)),
        # an article that tells of no death and more injured than the others lose: 4 less the death
        ([figures(1, 3), figures(injured=4)], (1, 3)),
        # the same figures repeated by copies change nothing
        ([figures(2, 5), figures(2, 5), figures(killed=2)], (2, 5)),
        ([figures(killed=3)], (3, 0)),
    ],
)
def test_the_injured_are_settled_against_the_stories_deaths(reports, expected):
    for order in itertools.permutations(enumerate(reports)):
        assert numbers(incident_counts((f"a{n}", r) for n, r in order)) == expected


def test_the_settled_figure_names_its_article_and_keeps_its_bound():
    counts = incident_counts([("early", figures(1, 12, lower_bound=True)), ("later", figures(killed=3))])
    injured = counts["injured"]
    assert (injured.number, injured.lower_bound, injured.article_id) == (10, True, "early")
    assert counts["killed"].article_id == "later"


def test_outdone_reports_are_dropped():
    reports = [
        InjuryReport("a", Count(number=3, lower_bound=False), 1),
        InjuryReport("b", Count(number=3, lower_bound=False), 0),  # fewer deaths beside the same injured
        InjuryReport("c", Count(number=2, lower_bound=False), 5),  # fewer injured, more people in all: kept
        InjuryReport("d", Count(number=3, lower_bound=True), 1),  # "at least" the same as a: a stays
    ]
    assert [r.article_id for r in kept_reports(reports)] == ["a", "c"]


def article(article_id: str, reported: dict[str, Count]) -> ArticleFeatures:
    return ArticleFeatures(article_id=article_id, source="s", language="en", epoch=100.0, bucket="US",
                           places=(), entities=frozenset(), counts=reported, topic=None, signature="")


def test_a_story_settles_its_injured_as_articles_join_and_keeps_them_in_its_json():
    story = new_story(article("early", figures(injured=1)), NOW)
    assert story.record().injured is not None and story.record().injured.number == 1
    story = with_article(story, article("later", figures(killed=1)), NOW)
    record = story.record()
    assert record.killed is not None and record.killed.number == 1 and record.injured is None
    assert StoryState.from_json(story.to_json()) == story


def test_a_story_stored_before_injury_reports_keeps_its_injured_until_its_deaths_rise():
    story = new_story(article("old", figures(1, 3)), NOW)
    stored = story.to_json()
    del stored["injury_reports"]
    old = StoryState.from_json(stored)
    assert old is not None and numbers(old.counts) == (1, 3)
    same = with_article(old, article("copy", figures(1, 2)), NOW)
    assert numbers(same.counts) == (1, 3)
    risen = with_article(old, article("later", figures(killed=2)), NOW)
    assert numbers(risen.counts) == (2, 2)
