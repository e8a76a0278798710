"""Versioned alerts, one per rule and story (alerts/story_alerts.py, stream/stories.py alerts_to_send)."""

from __future__ import annotations

from newsmon.alerts.rules import rules_in_force
from newsmon.alerts.story_alerts import story_alert_id
from newsmon.records import EnrichedArticle, Entity, Fact, Place, Story, StoryCount, StoryPlace, Topic
from newsmon.stream.stories import alerts_to_send

KHARKIV = Place(geonameid=706483, name="Kharkiv", country_code="UA", latitude=49.98, longitude=36.25, feature="city")


def article(article_id: str, killed: int, source: str, *, about_people: bool = True) -> EnrichedArticle:
    sentence = f"A missile strike killed {killed} people in Kharkiv." if about_people else "Kharkiv cleared rubble."
    facts = [Fact(kind="killed", number=killed, lower_bound=False, text=f"killed {killed} people",
                  start=17, end=24 + len(str(killed)) + 7)] if about_people else []
    return EnrichedArticle(
        id=article_id, text=sentence, language="en", language_score=1.0, fingerprint=article_id, source=source,
        entities=[Entity(text="Kharkiv", label="LOC", start=sentence.index("Kharkiv"),
                         end=sentence.index("Kharkiv") + 7, canonical="Kharkiv", place=KHARKIV)],
        topics=[Topic(code="medtop:16000000", label="conflict, war and peace", score=0.9)],
        facts=facts, ner_model="test", enriched_at="2026-12-01T10:00:00.000000Z",
        ingested_at="2026-12-01T10:00:00.000000Z",
    )


def story(article_ids: list[str], sources: list[str], killed: int | None) -> Story:
    return Story(
        story_id="story-kharkiv", bucket="UA", article_ids=article_ids, article_count=len(article_ids),
        sources=sources, languages=["en"], first_seen="2026-12-01T10:00:00.000000Z",
        last_seen="2026-12-01T10:05:00.000000Z",
        places=[StoryPlace(name="Kharkiv", geonameid=706483, country_code="UA", latitude=49.98, longitude=36.25,
                           feature="city", articles=len(article_ids))],
        killed=StoryCount(number=killed, lower_bound=False, article_id=article_ids[-1]) if killed else None,
        updated_at="2026-12-01T10:05:00.000000Z",
    )


def test_an_article_alerts_once_per_rule_with_an_id_from_rule_and_story():
    sent, held = alerts_to_send(article("a1", 3, "wire"), story(["a1"], ["wire"], 3), {}, "2026-12-01T10:00:01Z")
    assert sent and {a.version for a in sent} == {1}
    assert {a.alert_id for a in sent} == {story_alert_id(a.rule, "story-kharkiv") for a in sent}
    assert len({a.rule for a in sent}) == len(sent) and set(held) == {a.rule for a in sent}
    casualty = next(a for a in sent if a.killed)
    assert casualty.story_id == "story-kharkiv" and casualty.places[0].geonameid == 706483
    assert casualty.evidence.facts and casualty.evidence.facts[0].article_id == "a1"


def test_the_same_article_again_sends_nothing():
    first_story = story(["a1"], ["wire"], 3)
    sent, held = alerts_to_send(article("a1", 3, "wire"), first_story, {}, "2026-12-01T10:00:01Z")
    assert sent
    again, kept = alerts_to_send(article("a1", 3, "wire"), first_story, held, "2026-12-01T10:00:09Z")
    assert again == [] and kept == held


def test_a_higher_toll_from_another_source_is_a_new_version_of_the_same_alert():
    sent, held = alerts_to_send(article("a1", 3, "wire"), story(["a1"], ["wire"], 3), {}, "2026-12-01T10:00:01Z")
    later, _ = alerts_to_send(article("a2", 5, "daily"), story(["a1", "a2"], ["wire", "daily"], 5), held,
                              "2026-12-01T10:03:00Z")
    before = {a.rule: a for a in sent}
    assert later and all(a.alert_id == before[a.rule].alert_id for a in later)
    assert all(a.version == before[a.rule].version + 1 for a in later)
    casualty = next(a for a in later if a.killed)
    assert casualty.killed.number == 5 and casualty.sources == ["wire", "daily"] and casualty.article_ids == ["a1", "a2"]
    assert {f.article_id for f in casualty.evidence.facts} == {"a1", "a2"}


def test_a_follow_up_that_matches_no_rule_still_updates_the_story_alert_with_its_source():
    sent, held = alerts_to_send(article("a1", 3, "wire"), story(["a1"], ["wire"], 3), {}, "2026-12-01T10:00:01Z")
    follow, _ = alerts_to_send(article("a3", 0, "radio", about_people=False),
                               story(["a1", "a3"], ["wire", "radio"], 3), held, "2026-12-01T10:04:00Z")
    free = {r.name for r in rules_in_force() if r.cooldown_seconds == 0}
    assert {a.rule for a in follow} == {a.rule for a in sent} & free and follow
    assert all(a.version == 2 and a.sources == ["wire", "radio"] for a in follow)
    assert all(a.killed.number == 3 for a in follow if a.killed)


def test_a_cooldown_holds_a_new_source_but_not_a_higher_toll():
    rules = {r.name: r for r in rules_in_force()}
    cooled = [name for name, r in rules.items() if r.cooldown_seconds >= 600]
    if not cooled:
        import pytest
        pytest.skip("no shipped rule has a cooldown of 10 minutes or more")
    sent, held = alerts_to_send(article("a1", 3, "wire"), story(["a1"], ["wire"], 3), {}, "2026-12-01T10:00:01Z")
    soon, _ = alerts_to_send(article("a4", 3, "tv"), story(["a1", "a4"], ["wire", "tv"], 3), held,
                             "2026-12-01T10:01:00Z")
    assert not {a.rule for a in soon} & set(cooled)


def test_a_spike_becomes_one_alert_per_key_and_window():
    from newsmon.alerts.spike_alerts import spike_alert
    from newsmon.records import Spike

    spike = Spike(key="topic:medtop:03000000", kind="topic", label="disaster", count=12, baseline_mean=1.5, factor=3,
                  window_start="2026-12-01T10:00:00.000000Z", window_end="2026-12-01T11:00:00.000000Z",
                  article_ids=["a1", "a2"])
    alert = spike_alert(spike, "2026-12-01T10:20:00Z")
    again = spike_alert(spike, "2026-12-01T10:25:00Z")
    assert alert.alert_id == again.alert_id and alert.rule == "spike" and alert.version == 1
    assert alert.topic is not None and alert.topic.code == "medtop:03000000"
    assert "12 articles" in alert.headline and alert.article_ids == ["a1", "a2"]
    later = spike_alert(spike.model_copy(update={"window_start": "2026-12-01T11:00:00.000000Z"}), "2026-12-01T11:20:00Z")
    assert later.alert_id != alert.alert_id
