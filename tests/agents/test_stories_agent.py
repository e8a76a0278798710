"""The story agent in a real worker on the real broker: a night of strikes in three languages from
several outlets becomes the expected stories on news.stories, and an enriched record read twice
changes nothing."""

import uuid

import orjson
import pytest
from story_articles import EXPECTED_STORIES, night_of_strikes
from support import alert_fields, assert_valid, consume, metric_value, produce

from newsmon import topics
from newsmon.alerts.story_alerts import story_alert_id

pytestmark = pytest.mark.kafka


def latest_by_story(messages, ids: set[str]) -> dict[str, dict]:
    """The last state of each story that holds one of `ids`, every message checked against its schema."""
    latest: dict[str, dict] = {}
    for message in messages:
        record = assert_valid(topics.STORIES, message.value)
        assert message.key.decode() == record["story_id"]
        if ids & set(record["article_ids"]):
            latest[record["story_id"]] = record
    return latest


def grouped(latest: dict[str, dict], tag: str) -> set[frozenset[str]]:
    return {frozenset(i.removeprefix(f"{tag}-") for i in r["article_ids"]) for r in latest.values()}


def test_story_agent_publishes_one_story_per_event(worker_settings):
    tag = uuid.uuid4().hex[:12]
    articles = night_of_strikes(tag)
    ids = {a["id"] for a in articles}
    expected = {frozenset(names) for names in EXPECTED_STORIES.values()}
    produce(worker_settings, topics.RAW, [orjson.dumps(a) for a in articles])

    def complete(messages) -> bool:
        latest = latest_by_story(messages, ids)
        return sum(r["article_count"] for r in latest.values()) == len(ids)

    latest = latest_by_story(consume(worker_settings, topics.STORIES, complete, timeout=240), ids)
    assert grouped(latest, tag) == expected
    [odesa] = [r for r in latest.values() if f"{tag}-odesa-en" in r["article_ids"]]
    assert set(odesa["languages"]) == {"en", "id", "de"}
    assert set(odesa["sources"]) == {"harbour-wire", "kabar-nusantara", "aggregator", "rhein-kurier", "city-daily"}
    assert odesa["places"][0]["name"] == "Odesa" and odesa["places"][0]["geonameid"] == 698740
    assert odesa["killed"] == {"number": 5, "lower_bound": False, "article_id": f"{tag}-odesa-later"}
    assert odesa["bucket"] == "UA"

    # The alerts of the same stream: one per rule and story, versions growing with the reports.
    by_story = {r["story_id"]: name for r in latest.values()
                for name, members in EXPECTED_STORIES.items() if f"{tag}-{next(iter(members))}" in r["article_ids"]}

    def casualty_versions(messages) -> dict[str, list[dict]]:
        versions: dict[str, list[dict]] = {}
        for message in messages:
            record = alert_fields(message)
            if record.get("rule") == "casualties" and record.get("story_id") in by_story:
                versions.setdefault(by_story[record["story_id"]], []).append(assert_valid(topics.ALERTS, message.value))
        return versions

    def odesa_settled(messages) -> bool:
        versions = casualty_versions(messages)
        return bool(versions.get("odesa")) and versions["odesa"][-1]["killed"]["number"] == 5 and "kharkiv" in versions

    versions = casualty_versions(consume(worker_settings, topics.ALERTS, odesa_settled, timeout=120))
    assert set(versions) == {"odesa", "kharkiv"}, "the budget vote and the football match raise no casualty alert"
    odesa_alerts = versions["odesa"]
    assert len({a["alert_id"] for a in odesa_alerts}) == 1
    assert odesa_alerts[0]["alert_id"] == story_alert_id("casualties", odesa["story_id"])
    numbers = [a["version"] for a in odesa_alerts]
    assert numbers == list(range(1, len(numbers) + 1)), "each version once, in order: the copy adds none twice"
    last = odesa_alerts[-1]
    assert last["killed"]["number"] == 5 and set(last["sources"]) == set(odesa["sources"])
    assert [p["name"] for p in last["places"]][:1] == ["Odesa"]
    assert {a["alert_id"] for a in versions["kharkiv"]} != {odesa_alerts[0]["alert_id"]}

    # The enriched records are keyed by their bucket: the partition their story is kept in.
    enriched = consume(worker_settings, topics.ENRICHED,
                       lambda ms: ids <= {orjson.loads(m.value)["id"] for m in ms})
    ours = [m for m in enriched if orjson.loads(m.value)["id"] in ids]
    keys = {orjson.loads(m.value)["id"].removeprefix(f"{tag}-"): m.key for m in ours}
    assert keys["football-id"] == b"ID" and {keys[n] for n in EXPECTED_STORIES["odesa"]} == {b"UA"}

    # The same enriched record again (a re-delivery): its story goes out unchanged, byte for byte.
    before = metric_value(worker_settings, "newsmon_stories_total", outcome="unchanged")
    [again] = [m for m in ours if orjson.loads(m.value)["id"] == f"{tag}-odesa-id"]
    produce(worker_settings, topics.ENRICHED, [again.value], keys=[again.key])

    def resent(messages) -> bool:
        return metric_value(worker_settings, "newsmon_stories_total", outcome="unchanged") > before

    stories = consume(worker_settings, topics.STORIES, resent, timeout=120)
    assert resent(stories)
    odesa_messages = [m.value for m in stories if m.key.decode() == odesa["story_id"]]
    assert orjson.loads(odesa_messages[-1]) == odesa
    assert metric_value(worker_settings, "newsmon_stories_total", outcome="new") >= len(expected)
