"""newsmon_facts: approximate counts ("dozens", "puluhan", "une vingtaine") as the least number they
imply, marked lower_bound; ages between a subject and its verb ("Two men, aged 25 and 30, were
killed") read past and never counted. Every sentence here is invented."""

from __future__ import annotations

import newsmon.nlp.facts.extractor  # noqa: F401  (registers the newsmon_facts factory)
import pytest
from newsmon.alerts.content import largest
from newsmon.nlp.enricher import build_pipeline

LANGUAGES = ("en", "id", "fr", "de", "es")


@pytest.fixture(scope="module")
def pipelines():
    return {lang: build_pipeline(lang) for lang in LANGUAGES}


def summary(nlp, text):
    return [(f.kind, f.number, f.lower_bound) for f in nlp(text)._.newsmon_facts]


def alert_figures(nlp, text):
    """(killed, injured) as the alert reports them: the largest figure of each kind, 0 for none."""
    facts = nlp(text)._.newsmon_facts
    return tuple((c.number if (c := largest(facts, kind)) else 0) for kind in ("killed", "injured"))


# -- approximate counts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        # a plural of a unit is at least two of it
        ("en", "Dozens of people were injured.", [("injured", 24, True)]),
        ("en", "Scores of people were wounded.", [("injured", 40, True)]),
        ("en", "Hundreds were injured in the blast.", [("injured", 200, True)]),
        ("en", "Tens of thousands fled and hundreds were killed.", [("killed", 200, True)]),
        ("id", "Puluhan warga luka-luka.", [("injured", 20, True)]),
        ("id", "Ratusan orang terluka.", [("injured", 200, True)]),
        ("id", "Lusinan orang terluka akibat ledakan itu.", [("injured", 24, True)]),
        ("id", "Puluhan ribu orang mengungsi dan belasan orang tewas.", [("killed", 11, True)]),
        ("fr", "Des dizaines de personnes ont été tuées.", [("killed", 20, True)]),
        ("de", "Dutzende Menschen wurden verletzt.", [("injured", 24, True)]),
        ("de", "Hunderte Menschen wurden verletzt.", [("injured", 200, True)]),
        ("es", "Decenas de personas murieron.", [("killed", 20, True)]),
        ("es", "Cientos de personas resultaron heridas.", [("injured", 200, True)]),
        # a collective of about N ("une vingtaine") is N, never exact
        ("fr", "Une vingtaine de personnes ont été blessées.", [("injured", 20, True)]),
        ("fr", "Une dizaine de soldats ont été tués.", [("killed", 10, True)]),
        ("fr", "Une centaine de personnes ont été blessées.", [("injured", 100, True)]),
        ("es", "Una veintena de personas resultaron heridas.", [("injured", 20, True)]),
        ("es", "Un centenar de personas resultaron heridas.", [("injured", 100, True)]),
        # "two dozen" is a number, not an approximation
        ("en", "Two dozen people were hurt.", [("injured", 24, False)]),
    ],
)
def test_approximate_counts_are_their_least_value_and_a_lower_bound(pipelines, lang, text, expected):
    assert summary(pipelines[lang], text) == expected


@pytest.mark.parametrize(
    "lang, text",
    [
        ("en", "Dozens of cars were damaged."),
        ("en", "Hundreds of homes lost power."),
        ("id", "Puluhan rumah rusak akibat gempa."),
        ("fr", "Une dizaine de voitures ont été incendiées."),
        ("fr", "Ils ont passé une quarantaine de jours à l'hôpital."),
        ("de", "Dutzende Autos brannten aus."),
        ("es", "Decenas de casas quedaron destruidas."),
    ],
)
def test_approximate_counts_of_things_are_no_facts(pipelines, lang, text):
    assert summary(pipelines[lang], text) == []


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        # the exact figure is larger: it is the article's figure
        ("en", "Dozens were injured in the blast. Officials later said 31 people were injured.", (31, False)),
        ("id", "Puluhan orang terluka. Polisi menyebut 35 orang terluka.", (35, False)),
        ("fr", "Une vingtaine de personnes ont été blessées. Le bilan fait état de 23 blessés.", (23, False)),
        ("de", "Dutzende Menschen wurden verletzt. Die Polizei sprach später von 40 Verletzten.", (40, False)),
        ("es", "Decenas de personas resultaron heridas. Al final hubo 27 heridos.", (27, False)),
        # "dozens" says more than the partial count that follows it
        ("en", "Dozens were injured. Twelve people were taken to hospital with serious injuries.", (24, True)),
    ],
)
def test_an_approximate_count_never_beats_a_larger_exact_figure(pipelines, lang, text, expected):
    injured = largest(pipelines[lang](text)._.newsmon_facts, "injured")
    assert injured is not None
    assert (injured.number, injured.lower_bound) == expected


# -- ages between the subject and the verb ----------------------------------------------------------


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        ("en", "Two men, aged 25 and 30, were killed.", (2, 0)),
        ("en", "Two men aged 25 and 30 were killed on Sunday.", (2, 0)),
        ("en", "A 34-year-old woman, a teacher, was injured.", (0, 1)),
        ("en", "A man aged 45 was killed.", (1, 0)),
        ("en", "Three men, 19, 20 and 25, were shot.", (0, 3)),
        ("en", "Two brothers, ages 12 and 14 years old, were wounded.", (0, 2)),
        ("en", "Five children between the ages of 11 and 15 were hospitalized.", (0, 5)),
        ("id", "Dua warga, berusia 40 tahun, tewas.", (2, 0)),
        ("id", "Dua warga berusia 40 tahun tewas.", (2, 0)),
        ("id", "Seorang pria berusia 34 tahun tewas di tempat.", (1, 0)),
        ("id", "Tiga pemuda berusia 17, 18 dan 20 tahun terluka.", (0, 3)),
        ("id", "Dua warga, masing-masing berusia 40 dan 45 tahun, tewas.", (2, 0)),
        ("id", "Salah satu korban adalah bayi berusia dua tahun yang tewas.", (1, 0)),  # the baby, not the age
        ("fr", "Deux hommes, âgés de 25 et 30 ans, ont été tués.", (2, 0)),
        ("fr", "Deux hommes âgés de 25 et 30 ans ont été tués.", (2, 0)),
        ("fr", "Trois personnes de 20 à 30 ans ont été blessées.", (0, 3)),
        ("de", "Zwei Männer im Alter von 25 und 30 Jahren wurden getötet.", (2, 0)),
        ("de", "Zwei Männer (25 und 30) wurden getötet.", (2, 0)),
        ("de", "Zwei Männer, 25 und 30 Jahre alt, wurden verletzt.", (0, 2)),
        ("es", "Dos hombres de 25 y 30 años murieron.", (2, 0)),
        ("es", "Dos hombres, de 25 y 30 años, resultaron heridos.", (0, 2)),
    ],
)
def test_an_age_between_subject_and_verb_does_not_hide_the_fact(pipelines, lang, text, expected):
    assert alert_figures(pipelines[lang], text) == expected


@pytest.mark.parametrize(
    "lang, text",
    [
        ("en", "A man aged 45."),
        ("en", "The two men, aged 25 and 30, were questioned."),
        ("en", "Victims aged 25 and 30 years old."),
        ("en", "In 1998, 30 people were killed."),  # a count from history
        ("id", "Seorang pria berusia 40 tahun."),
        ("id", "Warga berusia 40 dan 45 tahun diperiksa polisi."),
        ("id", "Pada 1998, 30 orang tewas."),
        ("fr", "Un homme âgé de 30 ans."),
        ("fr", "En 1998, 30 personnes ont été tuées."),
        ("de", "Ein Mann im Alter von 30 Jahren."),
        ("es", "Un hombre de 30 años."),
    ],
)
def test_ages_alone_and_counts_from_history_give_no_fact(pipelines, lang, text):
    assert summary(pipelines[lang], text) == []


@pytest.mark.parametrize(
    "lang, text, ages",
    [
        ("en", "Two men aged 25 and 30 were killed.", (25, 30)),
        ("en", "Victims between the ages of 11 and 15 were hospitalized.", (11, 15)),
        ("id", "Dua warga berusia 40 dan 45 tahun tewas.", (40, 45)),
        ("fr", "Deux hommes âgés de 25 et 30 ans ont été tués.", (25, 30)),
        ("de", "Zwei Männer (25 und 30) wurden getötet.", (25, 30)),
    ],
)
def test_ages_are_never_counts(pipelines, lang, text, ages):
    assert all(f.number not in ages for f in pipelines[lang](text)._.newsmon_facts)


def test_a_comma_after_an_age_ends_the_ages(pipelines):
    """ "aged 25, 30 people": the 30 counts people, it is no second age."""
    assert summary(pipelines["en"], "The gunman, aged 25, opened fire; 30 people were killed.") == [("killed", 30, False)]
