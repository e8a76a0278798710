"""Casualty scoring: what an incident's story reports, 0 when there is none."""

from newsmon.devtools.evaluation.casualties import deduplicate_incidents, incident_figure, score
from newsmon.devtools.evaluation.readers import Incident
from newsmon.records import EnrichedArticle, Fact


def record(*facts):
    return EnrichedArticle(
        id="a", text="x" * 80, language="en", language_score=1.0, fingerprint="f",
        entities=[], topics=[], facts=list(facts), ner_model="rules-gazetteer-en-v1", enriched_at="2026-01-01T00:00:00Z",
    )


def fact(kind, number, lower_bound=False):
    return Fact(kind=kind, number=number, lower_bound=lower_bound, text=str(number), start=0, end=1)


def test_one_article_figure_is_the_largest_of_its_kind_or_zero():
    article = record(fact("killed", 2), fact("killed", 5), fact("injured", 3))
    assert incident_figure([("a", article)], "killed") == 5
    assert incident_figure([("a", article)], "injured") == 3
    assert incident_figure([("a", record())], "killed") == 0
    assert incident_figure([("a", {"reason": "empty_text", "error": "..."})], "killed") == 0


def test_several_articles_give_the_largest_figures_less_the_injured_who_died_since():
    early = record(fact("injured", 1))  # "a girl was critically wounded"
    later = record(fact("killed", 1))  # "the girl has died"
    articles = [("early", early), ("later", later), ("rejected", {"reason": "empty_text", "error": "..."})]
    assert (incident_figure(articles, "killed"), incident_figure(articles, "injured")) == (1, 0)
    both = record(fact("killed", 1), fact("injured", 3))  # "one killed, three hurt"
    revised = record(fact("killed", 2))  # "a second victim died"
    assert incident_figure([("a", both), ("b", revised)], "injured") == 2
    assert incident_figure([("b", revised), ("a", both)], "injured") == 2
    assert incident_figure([("a", both), ("c", record(fact("injured", 4)))], "injured") == 4 - 1


def test_score_counts_exact_too_high_too_low():
    result = score([(2, 2), (0, 0), (3, 1), (1, 4), (4, 0)])
    assert result == {"n": 5, "exact": 2, "accuracy": 0.4, "too_high": 1, "too_low": 2, "predicted_zero": 2}


def test_incidents_deduplicated_by_id():
    incidents = [Incident("1", 1, 0, ()), Incident("1", 1, 0, ()), Incident("2", 0, 2, ())]
    kept, removed = deduplicate_incidents(incidents)
    assert [i.id for i in kept] == ["1", "2"] and removed == 1
