from support import assert_valid

from newsmon import topics
from newsmon.alerts.content import alert_id
from newsmon.alerts.rules import evaluate
from newsmon.alerts.view import event_view_from_article
from newsmon.records import Count, EnrichedArticle, Entity, Fact, Place, Topic
from newsmon.stories.matching import reported_count

TEXT = "At least 3 people were killed and 20 injured when shells hit Kharkiv, Ukraine, said Ihor Terekhov."
KHARKIV = Place(geonameid=706483, name="Kharkiv", country_code="UA", latitude=49.98, longitude=36.25, feature="city")
UKRAINE = Place(geonameid=690791, name="Ukraine", country_code="UA", latitude=49.0, longitude=32.0, feature="country")
CONFLICT = Topic(code="medtop:16000000", label="conflict, war and peace", score=0.9, evidence=["shells", "killed"])
SPORT = Topic(code="medtop:15000000", label="sport", score=0.8, evidence=["match"])


def span(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def entity(word, label, canonical=None, place=None) -> Entity:
    start, end = span(word)
    return Entity(text=word, label=label, start=start, end=end, canonical=canonical or word, place=place)


def fact(kind, word, number, lower_bound=False) -> Fact:
    start, end = span(word)
    return Fact(kind=kind, number=number, lower_bound=lower_bound, text=word, start=start, end=end)


def article(topics_=(CONFLICT,), facts=None, **extra) -> EnrichedArticle:
    return EnrichedArticle(
        id="k1", text=TEXT, title="Shelling in Kharkiv", language="en", language_score=0.98,
        fingerprint="f" * 32, ingested_at="2026-11-24T10:00:00.000000Z",
        entities=[entity("Kharkiv", "LOC", place=KHARKIV), entity("Ukraine", "LOC", place=UKRAINE),
                  entity("Ihor Terekhov", "PER")],
        topics=list(topics_),
        facts=facts if facts is not None else [fact("killed", "At least 3 people were killed", 3, True),
                                              fact("injured", "20 injured", 20)],
        ner_model="test", enriched_at="2026-11-24T10:00:01.000000Z", **extra)


def casualty_alerts(a: EnrichedArticle):
    return [alert for alert in evaluate(a) if alert.rule == "casualties"]


def test_alerting_casualties_rule_raises_one_useful_alert():
    [alert] = casualty_alerts(article())
    assert_valid(topics.ALERTS, alert)
    assert alert.rule == "casualties" and alert.severity == "high"
    assert alert.killed == Count(number=3, lower_bound=True)
    assert alert.injured == Count(number=20, lower_bound=False)
    assert [p.name for p in alert.places] == ["Kharkiv", "Ukraine"]  # the city first
    assert alert.places[0].latitude == KHARKIV.latitude
    assert alert.persons == ["Ihor Terekhov"]
    assert alert.topic.code == "medtop:16000000"
    assert alert.headline == "[HIGH] Kharkiv, Ukraine: at least 3 killed, 20 injured (conflict, war and peace)"


def test_alerting_alert_id_is_stable_per_rule_and_article():
    assert casualty_alerts(article())[0].alert_id == casualty_alerts(article())[0].alert_id
    assert casualty_alerts(article())[0].alert_id == alert_id("casualties", "k1")
    assert alert_id("casualties", "k1") != alert_id("casualties", "k2")


def test_alerting_no_alert_without_casualties():
    assert evaluate(article(facts=[])) == []
    assert evaluate(article(facts=[fact("killed", "3", 0)])) == []


def test_alerting_casualties_whatever_the_topic_but_not_in_sport():
    assert evaluate(article(topics_=(SPORT,))) == []  # a match report: sport leads
    weak = CONFLICT.model_copy(update={"score": 0.1})
    assert evaluate(article(topics_=(SPORT, weak))) == []
    crime = Topic(code="medtop:02000000", label="crime, law and justice", score=0.95, evidence=["shooting"])
    disaster_hint = Topic(code="medtop:03000000", label="disaster", score=0.45, evidence=["fire"])
    [alert] = casualty_alerts(article(topics_=(crime, disaster_hint)))  # crime with casualties alerts
    assert alert.topic == crime
    [alert] = casualty_alerts(article(topics_=()))  # no topic scored: the rule's topic, at score 0
    assert (alert.topic.code, alert.topic.score) == ("medtop:03000000", 0.0)
    assert alert.topic.label == "disaster, accident and emergency incident"
    assert alert.headline.endswith("(disaster, accident and emergency incident)")


def test_alerting_largest_figure_wins_and_an_exact_one_before_at_least_at_an_equal_number():
    facts = [fact("killed", "2", 2), fact("killed", "At least 3 people were killed", 3, True), fact("killed", "3", 3),
             fact("injured", "20", 20)]
    assert reported_count(facts, "killed") == Count(number=3, lower_bound=False)
    assert reported_count(facts[:2], "killed") == Count(number=3, lower_bound=True)
    assert reported_count(facts, "missing") is None
    view = event_view_from_article(article(facts=facts))
    assert {(f.kind, f.number, f.lower_bound) for f in view.facts} == {("killed", 3, False), ("injured", 20, False)}


def test_alerting_severity_scale():
    def severity(killed=0, injured=0, missing=0):
        facts = [fact(kind, "3", n) for kind, n in (("killed", killed), ("injured", injured), ("missing", missing)) if n]
        return [a.severity for a in casualty_alerts(article(facts=facts))]

    assert severity(killed=12) == ["critical"]
    assert severity(injured=60) == ["critical"]
    assert severity(killed=1) == ["high"]
    assert severity(injured=4) == ["medium"]
    assert severity(missing=2) == ["low"]
    assert severity() == []


def test_alerting_district_is_named_with_its_city_after_the_cities():
    text = "Shells hit the Saltivskyi district of Kharkiv: at least 3 killed."
    district = Place(**{**KHARKIV.model_dump(), "relation": "enclosing"})

    def mention(word, place):
        start = text.index(word)
        return Entity(text=word, label="LOC", start=start, end=start + len(word), canonical=word, place=place)

    a = article().model_copy(update={
        "text": text,
        "entities": [mention("Saltivskyi", district), mention("Kharkiv", KHARKIV)],
        "facts": [Fact(kind="killed", number=3, lower_bound=True, text="at least 3 killed", start=text.index("at least"),
                       end=text.index("at least") + len("at least 3 killed"))],
    })
    [alert] = casualty_alerts(a)
    assert_valid(topics.ALERTS, alert)
    assert [p.name for p in alert.places] == ["Kharkiv", "Saltivskyi, Kharkiv"]
    assert alert.places[1].latitude == KHARKIV.latitude
