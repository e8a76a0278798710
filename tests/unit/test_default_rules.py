"""The shipped rules (default_rules.yaml) on articles in English and Indonesian: through the real
enricher, and on enriched articles built by hand for the cases the enricher rarely produces."""

from __future__ import annotations

import orjson
import pytest
from support import assert_valid

from newsmon import topics
from newsmon.alerts.rules import RULE_NAMES, evaluate
from newsmon.analyze import analyze_messages
from newsmon.devtools.run import SAMPLES_DIR
from newsmon.nlp.enricher import Enricher
from newsmon.records import EnrichedArticle, Entity, Fact, Place, Topic
from newsmon.settings import Settings

# language, text, {rule: severity} the default rules give
ENRICHED_CASES = [
    ("en", "At least 12 people were killed and 30 injured when a bomb exploded at a crowded market in Quetta on "
     "Tuesday, officials said.", {"casualties": "critical", "mass_casualty": "critical"}),
    ("en", "Three people were killed and eight injured when a bus collided with a truck on a highway near "
     "Surabaya on Sunday morning, police said.", {"casualties": "high"}),
    ("en", "A gunman shot dead two people and wounded three others outside a nightclub in Manchester early on "
     "Sunday, police said.", {"casualties": "high"}),
    ("en", "An explosion at a railway station in Islamabad killed 4 people on Friday, police said.",
     {"casualties": "high", "attack_on_capital": "high"}),
    ("en", "Arsenal's striker killed it on Saturday: two goals in the second half as Arsenal beat Chelsea 3-1 at "
     "the Emirates Stadium. The fans were dying to see a win, and the coach said the team shot down every doubt.",
     {}),
    ("en", "Film review: the drama tells how 12 people were killed when a dam burst in a mountain village. The "
     "director and the lead actors are superb, and the soundtrack is haunting. The film opens in cinemas this week.",
     {}),
    ("en", "Eighty years ago today, the bombing of the city killed 25,000 people. Survivors gathered on Sunday to "
     "commemorate the anniversary.", {}),
    ("id", "Lima orang tewas dalam kebakaran yang menghanguskan sebuah ruko di Medan, Senin malam, kata petugas "
     "pemadam kebakaran.", {"casualties": "high"}),
    ("id", "Dua pekerja tewas tertimbun saat sebuah gedung tua runtuh di Surabaya, Rabu sore.", {"casualties": "high"}),
    ("id", "Sebuah ledakan di sebuah pasar di Jakarta menewaskan 2 orang dan melukai 9 lainnya, Jumat pagi, kata "
     "polisi.", {"casualties": "high", "attack_on_capital": "high"}),
    ("id", "Rusia meluncurkan 35 drone ke arah Odesa pada Sabtu malam, kata angkatan udara Ukraina.",
     {"drone_or_missile_strike": "high"}),
    ("id", "Persib Bandung menghancurkan Persija 4-0 di Stadion Gelora Bandung Lautan Api, Minggu. Para pemain "
     "tampil mematikan di babak kedua.", {}),
    ("id", "Hujan deras kembali merendam Padang, Kamis. Tahun lalu, 3 orang tewas dalam banjir di kota itu.", {}),
]


@pytest.fixture(scope="module")
def enriched() -> dict[str, EnrichedArticle]:
    messages = [(f"case-{i}", orjson.dumps({"id": f"case-{i}", "text": text, "language": language}))
                for i, (language, text, _) in enumerate(ENRICHED_CASES)]
    chicago = (SAMPLES_DIR / "en-shooting-chicago.json").read_bytes()
    messages.append(("chicago", chicago))
    settings = Settings()
    records = dict(analyze_messages(messages, settings, enricher=Enricher(settings)))
    assert all(isinstance(r, EnrichedArticle) for r in records.values()), records
    return records  # type: ignore[return-value]


def raised(article: EnrichedArticle) -> dict[str, str]:
    alerts = evaluate(article)
    for alert in alerts:
        assert_valid(topics.ALERTS, alert)
    return {alert.rule: alert.severity for alert in alerts}


@pytest.mark.parametrize("case", range(len(ENRICHED_CASES)),
                         ids=[f"{lang}-{text[:30]}" for lang, text, _ in ENRICHED_CASES])
def test_default_rules_on_enriched_articles(enriched, case):
    language, text, expected = ENRICHED_CASES[case]
    article = enriched[f"case-{case}"]
    assert article.language == language
    assert raised(article) == expected


def test_default_rules_quetta_bombing_is_conflict_and_alerts_as_an_incident(enriched):
    article = enriched["case-0"]
    assert article.topics[0].code == "medtop:16000000"  # it had no topic at all before (issue 11)
    [alert, _] = evaluate(article)
    assert alert.topic.code == "medtop:16000000" and alert.topic.score > 0
    assert alert.headline == "[CRITICAL] Quetta: at least 12 killed, 30 injured (conflict, war and peace)"


def test_default_rules_the_chicago_shooting_alerts_as_crime(enriched):
    [alert] = evaluate(enriched["chicago"])
    assert alert.rule == "casualties" and alert.topic.code == "medtop:02000000"
    assert alert.killed is not None and alert.killed.number == 2


def test_default_rules_drone_alert_headline_counts_the_drones(enriched):
    [alert] = evaluate(enriched["case-10"])
    assert "35 drones" in alert.headline and "Odesa" in alert.headline


def test_default_rules_names_are_the_metric_labels():
    assert RULE_NAMES == ("casualties", "mass_casualty", "attack_on_capital", "drone_or_missile_strike",
                          "watchlist_mention")


# -- built by hand ---------------------------------------------------------------------------------
ARTS = Topic(code="medtop:01000000", label="arts, culture, entertainment and media", score=0.7)
CONFLICT = Topic(code="medtop:16000000", label="conflict, war and peace", score=0.5)
SPORT = Topic(code="medtop:15000000", label="sport", score=0.9)
KYIV = Place(geonameid=703448, name="Kyiv", country_code="UA", latitude=50.45, longitude=30.52, feature="city")


def article(text: str, language: str = "en", topics_=(), facts=(), entities=()) -> EnrichedArticle:
    def fact(kind: str, phrase: str, number: int) -> Fact:
        start = text.index(phrase)
        return Fact(kind=kind, number=number, lower_bound=False, text=phrase, start=start, end=start + len(phrase))

    def entity(phrase: str, label: str, place=None, watchlist_id=None) -> Entity:
        start = text.index(phrase)
        return Entity(text=phrase, label=label, start=start, end=start + len(phrase), canonical=phrase, place=place,
                      watchlist_id=watchlist_id)

    return EnrichedArticle(
        id="h1", text=text, language=language, language_score=0.99, fingerprint="a" * 32,
        published="2026-11-30T09:00:00Z", entities=[entity(*e) for e in entities], topics=list(topics_),
        facts=[fact(*f) for f in facts], ner_model="test", enriched_at="2026-11-30T09:00:01Z",
    )


def test_default_rules_a_film_review_does_not_alert():
    text = "In the film, 12 soldiers are killed in an ambush; the director turns it into a haunting drama."
    assert raised(article(text, topics_=(ARTS, CONFLICT), facts=[("killed", "12 soldiers are killed", 12)])) == {}
    # The same count in a report, where the conflict leads, is an incident.
    report = article(text, topics_=(CONFLICT,), facts=[("killed", "12 soldiers are killed", 12)])
    assert raised(report) == {"casualties": "critical", "mass_casualty": "critical"}


def test_default_rules_a_match_report_that_names_a_death_does_not_alert_but_a_stampede_does():
    text = "A fan was killed in a crush before the match, which Persib won 2-0."
    facts = [("killed", "A fan was killed", 1)]
    assert raised(article(text, topics_=(SPORT,), facts=facts)) == {}
    disaster = Topic(code="medtop:03000000", label="disaster, accident and emergency incident", score=0.95)
    assert raised(article(text, topics_=(disaster, SPORT), facts=facts)) == {"casualties": "high"}


def test_default_rules_history_does_not_alert():
    en = "Survivors commemorated the anniversary of the blast in which 40 people were killed."
    assert raised(article(en, facts=[("killed", "40 people were killed", 40)])) == {}
    id_ = "Warga memperingati tragedi yang menewaskan 40 orang di desa itu."
    assert raised(article(id_, "id", facts=[("killed", "menewaskan 40 orang", 40)])) == {}


def test_default_rules_attack_on_a_capital_by_drones_and_the_watchlist():
    text = "Serangan drone menghantam Kyiv pada malam hari, kata Volodymyr Zelensky."
    a = article(text, "id", entities=[("Kyiv", "LOC", KYIV), ("Volodymyr Zelensky", "PER", None, "per-volodymyr-zelensky")])
    assert raised(a) == {"attack_on_capital": "high", "drone_or_missile_strike": "high", "watchlist_mention": "low"}
    watchlist = next(alert for alert in evaluate(a) if alert.rule == "watchlist_mention")
    assert watchlist.headline == "[LOW] Kyiv: a person or organisation of the watchlist is named (politics)"

