"""newsmon_facts: sentences about other events than this one (totals over a span of time, events
apart) give no fact; a victim list counts the number after a possessive and the killer named at
its end. Every sentence here is invented."""

from __future__ import annotations

import newsmon.nlp.facts.extractor  # noqa: F401  (registers the newsmon_facts factory)
import pytest
from newsmon.alerts.content import largest
from newsmon.nlp.enricher import build_pipeline

LANGUAGES = ("en", "id", "fr", "de", "es")


@pytest.fixture(scope="module")
def pipelines():
    return {lang: build_pipeline(lang) for lang in LANGUAGES}


def alert_figures(nlp, text):
    """(killed, injured) as the alert reports them: the largest figure of each kind, 0 for none."""
    facts = nlp(text)._.newsmon_facts
    return tuple((c.number if (c := largest(facts, kind)) else 0) for kind in ("killed", "injured"))


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        # the event's own count stays; the totals of the other sentence go
        ("en", "A man was killed on Elm Street on Friday. Five people were killed and 17 wounded in separate "
               "shootings across the city over the weekend.", (1, 0)),
        ("en", "Two people were wounded on Sunday. More than 300 people have been shot in the city this year.", (0, 2)),
        ("en", "A teenager was shot and killed. Last summer, one man was killed and eight were injured nearby.", (1, 0)),
        ("en", "Three people were injured. Eight people were shot in four shootings on the Fourth of July.", (0, 3)),
        ("id", "Dua orang tewas dalam kecelakaan itu. Tahun lalu, 30 orang tewas di ruas jalan yang sama.", (2, 0)),
        ("id", "Tiga warga terluka. Sepanjang tahun ini, 45 orang tewas akibat banjir.", (0, 3)),
        ("id", "Lima orang tewas dalam tiga insiden terpisah di Jakarta.", (0, 0)),
        ("fr", "Deux personnes ont été tuées. L'an dernier, 30 personnes ont été tuées au même endroit.", (2, 0)),
        ("de", "Drei Menschen wurden verletzt. Im vergangenen Jahr wurden 40 Menschen getötet.", (0, 3)),
        ("es", "Dos personas murieron. El año pasado murieron 30 personas en la misma carretera.", (2, 0)),
    ],
)
def test_totals_and_other_times_are_not_this_events_count(pipelines, lang, text, expected):
    assert alert_figures(pipelines[lang], text) == expected


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        ("en", "Police are looking for a man suspected of killing his wife and their four children.", (5, 0)),
        ("en", "He is accused of fatally shooting his wife and four daughters in their home.", (5, 0)),
        ("en", "A student killed four classmates and himself.", (5, 0)),
        ("en", "The father killed his two daughters and then himself.", (3, 0)),
        ("en", "Four Marines and a sailor were killed.", (5, 0)),
        ("en", "The victim, Ronnie Bowers, 16, has died.", (1, 0)),
    ],
)
def test_victim_lists_count_possessed_numbers_relatives_and_the_killer(pipelines, lang, text, expected):
    assert alert_figures(pipelines[lang], text) == expected


@pytest.mark.parametrize(
    "lang, text",
    [
        ("en", "His two sons were at school."),  # a possessed number, no casualty
        ("en", "Their four children live in Ohio."),
        ("en", "The Oct. 18 shooting is still under investigation."),  # a day, not a count
        ("en", "He blamed himself and his two brothers."),
    ],
)
def test_possessed_numbers_and_days_alone_give_no_fact(pipelines, lang, text):
    assert pipelines[lang](text)._.newsmon_facts == []


def test_a_day_of_a_month_is_never_counted(pipelines):
    facts = pipelines["en"]("The Oct. 18 shooting killed a teenager.")._.newsmon_facts
    assert [(f.kind, f.number) for f in facts] == [("killed", 1)]
