"""newsmon_facts: people counted by the words that name them, not by digits ("a man was shot and
killed", "two men were shot, one fatally", "pria itu tewas di tempat"). All sentences are invented."""

from __future__ import annotations

import newsmon.nlp.facts.extractor  # noqa: F401  (registers the newsmon_facts factory)
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsmon.stories.matching import reported_count
from newsmon.nlp.enricher import build_pipeline


@pytest.fixture(scope="module")
def nlp_en():
    return build_pipeline("en")


@pytest.fixture(scope="module")
def nlp_id():
    return build_pipeline("id")


def alert_figures(nlp, text):
    """(killed, injured) as the alert reports them: the largest figure of each kind, 0 for none."""
    facts = nlp(text)._.newsmon_facts
    return tuple((c.number if (c := reported_count(facts, kind)) else 0) for kind in ("killed", "injured"))


@pytest.mark.parametrize(
    "text, expected",
    [
        # one person named by a noun phrase, a pronoun or a name
        ("A man was shot and killed on Tuesday night.", (1, 0)),
        ("A woman was shot in the leg, police said.", (0, 1)),
        ("A 17-year-old boy was wounded.", (0, 1)),
        ("A 17-year-old was hospitalized with gunshot wounds.", (0, 1)),
        ("An elderly man was critically injured.", (0, 1)),
        ("The victim was pronounced dead at the scene.", (1, 0)),
        ("Officers found a man shot dead in his car.", (1, 0)),
        ("She died at the hospital.", (1, 0)),
        ("Jonas Pike, 23, died at the hospital.", (1, 0)),
        ("He suffered fatal gunshot wounds.", (1, 0)),
        ("A teen suffered non-life-threatening injuries.", (0, 1)),
        ("Police found a man suffering from a gunshot wound.", (0, 1)),
        ("Detectives are investigating the fatal shooting of a teenager.", (1, 0)),
        ("Deputies shot and killed a man who fired at them.", (1, 0)),
        ("A man shot himself to death in his garage.", (1, 0)),
        ("The blast left a teen dead.", (1, 0)),
        ("The crash claimed the life of a young mother.", (1, 0)),
        # the same person mentioned again is not a second person
        ("A man was shot on Elm Street. The man was taken to a hospital. The victim is in stable condition.", (0, 1)),
        # several people: coordination, "both", partitives, ordinals, "others"
        ("A man and a woman were shot.", (0, 2)),
        ("A man, woman and 6-year-old boy were shot.", (0, 3)),
        ("Both victims were taken to the hospital.", (0, 2)),
        ("Two of them were taken to a local hospital.", (0, 2)),
        ("Three of the victims were rushed to the hospital.", (0, 3)),
        ("The gunman fired into the crowd, killing Jane Doe, 18, and Mary Roe, 20.", (2, 0)),
        ("The shooting sent five people to the hospital.", (0, 5)),
        ("Officers found three adults and a 17-year-old suffering from gunshot wounds.", (0, 4)),
        # hit people whose fate is told elsewhere: the dead are not also injured
        ("Two men were shot, one fatally.", (1, 1)),
        ("Four people were shot. One of them died at the hospital.", (1, 3)),
        ("A man was shot on Friday. He later died.", (1, 0)),
        ("A teenager was killed. Three other people were also shot.", (1, 3)),
        ("Three people were shot. A fourth victim was taken to a hospital by car.", (0, 4)),
        ("The gunman opened fire, killing two and wounding three.", (2, 3)),
        ("Five people were wounded and a man was killed.", (1, 5)),
        ("Mara Quill was pronounced dead at a hospital.", (1, 0)),
        ("Ann Roe, 18, a student at Elm High, was also shot.", (0, 1)),
        ("The boy who was shot was pronounced dead.", (1, 0)),
        ("One teenager is dead and another was injured.", (1, 1)),
        ("Two children and an adult male were found dead.", (3, 0)),
        # a killer's own death is one more when the sentence tells both
        ("The man shot and killed his wife and two children before killing himself.", (4, 0)),
        ("He killed his neighbor before taking his own life.", (2, 0)),
        ("Two people died in the murder-suicide.", (2, 0)),
        # suspects are counted: casualty figures (and the Gun Violence Archive) include them
        ("Police shot the suspect after a chase.", (0, 1)),
        ("The suspect, 25, was shot by an officer and died.", (1, 0)),
    ],
)
def test_victims_english(nlp_en, text, expected):
    assert alert_figures(nlp_en, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Nobody was hurt.",
        "No one else was injured, police said.",
        "The officer was not injured.",
        "A man was not hurt when his car was struck.",
        "The house was struck by several rounds.",
        "The store was hit by a truck.",
        "A man was arrested on Tuesday.",
        "The suspect was charged with murder.",
        # "was" counts one person only when a person may be its subject
        "The bill was killed in committee.",
        "The proposal was shot down by the council.",
    ],
)
def test_victims_english_negative(nlp_en, text):
    assert alert_figures(nlp_en, text) == (0, 0)


@pytest.mark.parametrize(
    "text, expected",
    [
        # the number counts the agents, not the victims
        ("Two men shot a woman outside the store.", (0, 1)),
        ("Three teens killed him in the alley.", (1, 0)),
        ("Two men shot a music video in the park.", (0, 0)),
        ("Four people were shot the night before the festival.", (0, 4)),
        ("3 shot outside a bar in Newark", (0, 3)),
        # numbers that are not counts of people
        ("Two people were shot in the 1500 block of Main Street.", (0, 2)),
        ("Channel 12 reported that a child was shot.", (0, 1)),
        ("A 23-year-old man was shot at 11:30 p.m. on Route 66.", (0, 1)),
        ("A man was shot 3 times in the chest and survived.", (0, 1)),
        ("The gunman fired 10 shots, wounding a man.", (0, 1)),
        ("The 3 yr old was injured in the crash.", (0, 1)),
        ("A woman was shot in the arm and later died.", (1, 0)),
        ("Police said 4 A child was shot near the school.", (0, 1)),
        ("Officers said 12 was shot.", (0, 0)),
        ("Murders reached 111 in 2013; a man was killed on Friday.", (0, 0)),  # a bare year: background
        # a full date is a dateline, not background
        ("Posted: Friday, June 26, 2015 Two people were killed in a shooting.", (2, 0)),
        ("Updated June 5, 2015 A man was shot and killed.", (1, 0)),
        ("News 4 spoke to neighbors; a man was shot.", (0, 1)),
    ],
)
def test_victims_english_numbers_that_are_not_counts(nlp_en, text, expected):
    assert alert_figures(nlp_en, text) == expected


def test_victims_spans_slice_back(nlp_en):
    text = "Police said a man, 23, was shot and killed, and two women were wounded."
    facts = nlp_en(text)._.newsmon_facts
    assert {(f.kind, f.number) for f in facts} >= {("killed", 1), ("injured", 2)}
    for fact in facts:
        assert text[fact.start : fact.end] == fact.text


def test_victims_injured_from_hits_points_at_the_hit(nlp_en):
    text = "Four people were shot, one fatally."
    facts = nlp_en(text)._.newsmon_facts
    injured = [f for f in facts if f.kind == "injured"]
    assert [(f.number, f.text) for f in injured] == [(3, "Four people were shot")]
    assert all(f.kind in ("killed", "injured", "missing", "drones", "missiles") for f in facts)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Pria itu tewas di tempat kejadian.", (1, 0)),
        ("Seorang pria tewas ditembak di Medan.", (1, 0)),
        ("Kedua korban luka-luka.", (0, 2)),
        ("Keduanya dilarikan ke rumah sakit.", (0, 2)),
        ("Tiga orang ditembak, satu di antaranya tewas.", (1, 2)),
        ("Pelaku menembak seorang warga hingga tewas.", (1, 0)),
        ("Bocah itu mengalami luka berat.", (0, 1)),
        ("Dua warga luka-luka dan seorang lainnya tewas di tempat.", (1, 2)),
        ("Belasan warga terluka.", (0, 11)),  # belasan: the least it can mean, marked lower_bound
        ("Korban tidak mengalami luka.", (0, 0)),
        ("Para korban dilarikan ke rumah sakit.", (0, 0)),  # how many is not said
        ("Korban tewas berusia 5 tahun.", (0, 0)),  # "korban tewas" is also the noun "the dead"
        ("Tidak ada korban jiwa dalam kejadian itu.", (0, 0)),
    ],
)
def test_victims_indonesian(nlp_id, text, expected):
    assert alert_figures(nlp_id, text) == expected


WORDS = st.sampled_from(
    "a man woman the victim was were shot killed and two 17 - year old wounded , . died he his "
    "hospital to taken 1500 block in 2015 June 26 fatally one of them both others also not nobody".split()
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(WORDS, max_size=40))
def test_victims_facts_are_well_formed_on_any_word_salad(nlp_en, words):
    text = " ".join(words)
    for fact in nlp_en(text)._.newsmon_facts:
        assert fact.kind in ("killed", "injured", "missing", "drones", "missiles")
        assert fact.number >= 1
        assert text[fact.start : fact.end] == fact.text


@pytest.mark.parametrize("text", ["killing a woman , and", "shot and killed a man, and", "He shot a woman , and",
                                  "Rush Exit Stage Left", "Two men were shot ,", "A man was"])
def test_facts_victim_phrases_cut_off_by_the_end_of_the_text(nlp_en, text):
    for fact in nlp_en(text)._.newsmon_facts:
        assert text[fact.start:fact.end] == fact.text


VICTIM_WORDS = ["a", "man", "woman", "two", "men", "and", ",", "shot", "killed", "was", "were", "left", "exit",
                "one", "fatally", "he", "later", "died", "of", "the", "victims", "hospital", "to", "stage", "killing"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(VICTIM_WORDS), min_size=1, max_size=10).map(" ".join))
def test_facts_victim_rules_never_raise_on_short_phrases(nlp_en, text):
    for fact in nlp_en(text)._.newsmon_facts:
        assert text[fact.start:fact.end] == fact.text and fact.number >= 0
