"""evaluate_rules on event views: each kind of condition, `any`, the exclusions, severity from
facts, and the evidence a match carries."""

from __future__ import annotations

import random
import textwrap

import pytest

from newsmon.alerts.engine import any_term_pattern, distance_km, evaluate_rules, found_terms, term_pattern, terms_for
from newsmon.alerts.rules_file import parse_rules
from newsmon.alerts.view import EventView, ViewEntity, ViewFact, ViewPlace, ViewText, event_view_from_article
from newsmon.records import EnrichedArticle, Entity, Fact, Place, Topic

KYIV = ViewPlace("Kyiv", 703448, "UA", 50.45466, 30.5238, "city", article_id="a1")
DARNYTSKYI = ViewPlace("Darnytskyi", 703448, "UA", 50.45466, 30.5238, "district", within="Kyiv", article_id="a1")
LVIV = ViewPlace("Lviv", 702550, "UA", 49.83826, 24.02324, "city", article_id="a1")
MEDAN = ViewPlace("Medan", 1214520, "ID", 3.58333, 98.66667, "city", article_id="a1")
SOMEWHERE = ViewPlace("Kampung Baru", article_id="a1")  # unresolved
CONFLICT = Topic(code="medtop:16000000", label="conflict, war and peace", score=0.9)
SPORT = Topic(code="medtop:15000000", label="sport", score=0.8)
KILLED = ViewFact("killed", 12, True, "at least 12 people were killed", 10, 40, "a1")
DRONES = ViewFact("drones", 40, False, "40 drones", 50, 59, "a1")


def view(**fields) -> EventView:
    base = {
        "article_ids": ("a1",), "languages": ("en",), "topics": (), "places": (), "entities": (), "facts": (),
        "texts": (ViewText("a1", "en", "A quiet day."),),
    }
    return EventView(**{**base, **fields})


def rule(when: str, severity: str = "high") -> str:
    return textwrap.dedent(f"""\
        version: 1
        rules:
          - name: r
            description: a test rule
            when: {when}
            severity: {severity}
        """)


def matches(when: str, event: EventView, severity: str = "high"):
    return evaluate_rules(parse_rules(rule(when, severity), "test.yaml"), event)


def holds(when: str, event: EventView) -> bool:
    return bool(matches(when, event))


def test_rule_engine_topics_with_min_score():
    event = view(topics=(CONFLICT,))
    assert holds("{topics: [medtop:16000000]}", event)
    assert holds("{topics: [medtop:03000000, {code: medtop:16000000, min_score: 0.9}]}", event)
    assert not holds("{topics: [{code: medtop:16000000, min_score: 0.95}]}", event)
    assert not holds("{topics: [medtop:03000000]}", event)
    [match] = matches("{topics: [medtop:16000000]}", event)
    assert match.evidence.topics == (CONFLICT,) and match.evidence.matched == ("topics: medtop:16000000",)


def test_rule_engine_languages():
    assert holds("{languages: [id, en]}", view())
    assert not holds("{languages: [id]}", view())


def test_rule_engine_places_by_name_id_country_circle_and_capital():
    event = view(places=(LVIV, DARNYTSKYI, SOMEWHERE))
    assert holds("{places: [{name: lviv}]}", event)
    assert holds("{places: [{name: Kyiv}]}", event)  # a district of Kyiv is in Kyiv
    assert holds("{places: [{name: Kampung Baru}]}", event)  # unresolved places match by name
    assert holds("{places: [{geonameid: 702550}]}", event)
    assert not holds("{places: [{geonameid: 1214520}]}", event)
    assert holds("{places: [{country_code: UA}]}", event)
    assert not holds("{places: [{country_code: ID}]}", event)
    # Lviv is about 470 km from Kyiv.
    assert holds("{places: [{circle: {latitude: 49.84, longitude: 24.03, radius_km: 5}}]}", event)
    assert not holds("{places: [{circle: {latitude: 3.58, longitude: 98.67, radius_km: 100}}]}", event)
    assert holds("{places: [{capital: true}]}", event)  # Darnytskyi, in Kyiv
    assert not holds("{places: [{capital: true}]}", view(places=(LVIV, MEDAN, SOMEWHERE)))
    [match] = matches("{places: [{capital: true}]}", event)
    assert match.evidence.places == (DARNYTSKYI,)
    assert match.evidence.matched == ("places: Darnytskyi (a national capital)",)


def test_rule_engine_distance():
    assert distance_km(KYIV.latitude, KYIV.longitude, LVIV.latitude, LVIV.longitude) == pytest.approx(469, abs=5)
    assert distance_km(0, 0, 0, 0) == 0


def test_rule_engine_entities_and_watchlist():
    event = view(entities=(ViewEntity("Volodymyr Zelensky", "PER", "per-volodymyr-zelensky"), ViewEntity("NATO", "ORG")))
    assert holds("{entities: [NATO]}", event)
    assert holds("{entities: [{name: volodymyr zelensky, label: PER}]}", event)
    assert not holds("{entities: [{name: NATO, label: PER}]}", event)
    assert holds("{watchlist: any}", event)
    assert holds("{watchlist: [per-x, per-volodymyr-zelensky]}", event)
    assert not holds("{watchlist: [per-x]}", event)
    assert not holds("{watchlist: any}", view(entities=(ViewEntity("NATO", "ORG"),)))


def test_rule_engine_facts_any_kind_at_least():
    event = view(facts=(KILLED, DRONES))
    assert holds("{facts: {killed: 12}}", event)
    assert not holds("{facts: {killed: 13}}", event)
    assert holds("{facts: {killed: 13, drones: 40}}", event)  # any of the kinds
    assert not holds("{facts: {missing: 1}}", event)
    [match] = matches("{facts: {killed: 1, missiles: 1}}", event)
    assert match.evidence.facts == (KILLED,)
    assert match.evidence.facts[0].text == "at least 12 people were killed"
    assert match.evidence.facts[0].article_id == "a1"
    assert match.evidence.matched == ("facts: killed 12 >= 1",)


def test_rule_engine_terms_whole_words_any_case_and_per_language():
    event = view(texts=(ViewText("a1", "en", "Officials said the Car Bomb went off at noon."),
                        ViewText("a2", "id", "Serangan drone menghantam kota.")))
    assert holds("{terms: [car bomb]}", event)
    assert holds("{terms: ['car   bomb']}", event)  # spaces in a phrase match any white space
    assert not holds("{terms: [bom]}", event)  # whole words: not inside "Bomb"
    assert not holds("{terms: [car bombs]}", event)
    assert holds("{terms: {id: [serangan drone]}}", event)
    assert not holds("{terms: {en: [serangan drone]}}", event)  # only on English texts
    assert holds("{terms: {any: [kota]}}", event)
    [match] = matches("{terms: {en: [car bomb, noon], id: [drone]}}", event)
    assert match.evidence.terms == ("car bomb", "noon", "drone")


def test_rule_engine_all_conditions_must_hold_and_any_needs_one_branch():
    event = view(topics=(CONFLICT,), places=(LVIV,), facts=(DRONES,))
    assert holds("{topics: [medtop:16000000], places: [{name: Lviv}]}", event)
    assert not holds("{topics: [medtop:16000000], places: [{name: Medan}]}", event)
    either = "{places: [{name: Lviv}], any: [{terms: [explosion]}, {facts: {drones: 1}}]}"
    assert holds(either, event)
    assert not holds(either, view(topics=(CONFLICT,), places=(LVIV,)))
    [match] = matches(either, event)
    assert match.evidence.matched == ("places: Lviv (name Lviv)", "facts: drones 40 >= 1")


def test_rule_engine_exclusions():
    event = view(topics=(SPORT, CONFLICT), facts=(KILLED,))
    assert holds("{facts: {killed: 1}}", event)
    assert not holds("{facts: {killed: 1}, exclude_topics: [medtop:15000000]}", event)  # sport leads
    trailing = view(topics=(CONFLICT, SPORT), facts=(KILLED,))
    assert holds("{facts: {killed: 1}, exclude_topics: [medtop:15000000]}", trailing)  # named, not about sport
    assert holds("{facts: {killed: 1}, exclude_topics: [{code: medtop:15000000, min_score: 0.9}]}", event)
    remembered = view(facts=(KILLED,), texts=(ViewText("a1", "en", "On the anniversary of the blast..."),))
    assert not holds("{facts: {killed: 1}, exclude_terms: [anniversary]}", remembered)
    assert holds("{facts: {killed: 1}, exclude_terms: {id: [anniversary]}}", remembered)


def test_rule_engine_severity_scale_first_step_that_holds():
    scale = "{by_facts: [{severity: critical, facts: {killed: 10}}, {severity: medium, facts: {drones: 1}}], otherwise: low}"
    [match] = matches("{languages: [en]}", view(facts=(KILLED, DRONES)), scale)
    assert match.severity == "critical" and match.evidence.facts == (KILLED,)
    [match] = matches("{languages: [en]}", view(facts=(DRONES,)), scale)
    assert match.severity == "medium"
    [match] = matches("{languages: [en]}", view(), scale)
    assert match.severity == "low" and match.evidence.facts == ()


def test_rule_engine_evidence_places_without_a_place_condition_are_the_resolved_ones():
    [match] = matches("{languages: [en]}", view(places=(KYIV, SOMEWHERE)))
    assert match.evidence.places == (KYIV,)


def test_rule_engine_view_from_an_article():
    text = "Tahun lalu, 3 orang tewas dalam banjir. Kini 7 orang tewas dan 2 orang hilang di Medan."
    medan = Place(geonameid=1214520, name="Medan", country_code="ID", latitude=3.58, longitude=98.67, feature="city")

    def fact(kind, phrase, number):
        start = text.index(phrase)
        return Fact(kind=kind, number=number, lower_bound=False, text=phrase, start=start, end=start + len(phrase))

    start = text.index("Medan")
    article = EnrichedArticle(
        id="b1", text=text, title="Banjir di Medan", language="id", language_score=0.99, fingerprint="0" * 32,
        published="2026-11-30T08:00:00Z",
        entities=[Entity(text="Medan", label="LOC", start=start, end=start + 5, canonical="Medan", place=medan)],
        topics=[Topic(code="medtop:17000000", label="weather", score=0.4),
                Topic(code="medtop:03000000", label="disaster", score=0.8)],
        facts=[fact("killed", "3 orang tewas", 3), fact("killed", "7 orang tewas", 7), fact("missing", "2 orang hilang", 2)],
        ner_model="test", enriched_at="2026-11-30T08:00:01Z",
    )
    event = event_view_from_article(article)
    assert event.article_ids == ("b1",) and event.languages == ("id",)
    assert [t.code for t in event.topics] == ["medtop:03000000", "medtop:17000000"]  # best first
    assert event.places == (ViewPlace("Medan", 1214520, "ID", 3.58, 98.67, "city", article_id="b1"),)
    assert [(f.kind, f.number, f.text) for f in event.facts] == [("killed", 7, "7 orang tewas"),
                                                                  ("missing", 2, "2 orang hilang")]
    assert [(f.number, f.other_time) for f in event.set_aside] == [(3, "Tahun lalu")]
    assert [t.text for t in event.texts] == ["Banjir di Medan", text]


def found_terms_one_search_per_term(terms, view_: EventView) -> tuple[str, ...]:
    """found_terms before its one-pass check: the reference it must agree with."""
    found: dict[str, None] = {}
    for text in view_.texts:
        for term in terms_for(terms, text.language):
            if term not in found and term_pattern(term).search(text.text):
                found[term] = None
    return tuple(found)


@pytest.mark.parametrize("seed", range(40))
def test_rule_engine_terms_found_in_one_pass_are_those_a_search_per_term_finds(seed):
    # overlapping terms, the same word in a longer one, punctuation, case (dotless ı matches i), spacing
    terms = {"en": ["drone", "drone strike", "strike", "al-Shabaab", "9/11", "car bomb"],
             "id": ["serangan drone", "ledakan", "bom", "istanbul"], "any": ["C++"]}
    pieces = ["drone", "Drone  strike", "strikes", "AL-SHABAAB", "al-shabaabs", "9/11", "19/11", "car\nbomb",
              "bombs", "Serangan drone", "LEDAKAN", "bom,", "ıstanbul", "c++", "xc++", "the", "a", ".", "-", "\t"]
    rng = random.Random(seed)
    texts = tuple(ViewText("a1", rng.choice(["en", "id", "de"]), "".join(
        rng.choice(pieces) + rng.choice([" ", "", "\n", ", "]) for _ in range(rng.randint(0, 12))))
        for _ in range(rng.randint(1, 3)))
    shown = view(texts=texts)
    assert found_terms(terms, shown) == found_terms_one_search_per_term(terms, shown)
    for text in texts:
        wanted = tuple(terms_for(terms, text.language))
        assert bool(any_term_pattern(wanted).search(text.text)) == any(
            term_pattern(term).search(text.text) for term in wanted)
