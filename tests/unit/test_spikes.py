"""Spike detection (newsmon/spikes/detect.py) and the keys an article counts for (keys.py)."""

import pytest
from faust import TumblingWindow
from support import assert_valid

from newsmon import topics
from newsmon.clock import epoch_from_iso
from newsmon.records import EnrichedArticle, Entity, Mention, Place, Topic
from newsmon.settings import Settings
from newsmon.spikes.detect import (
    MAX_ARTICLE_IDS,
    SpikeRule,
    WindowCounts,
    baseline_mean,
    could_fire,
    observe,
    spike_message_key,
    spike_record,
)
from newsmon.spikes.keys import mentions_of

RULE = SpikeRule(window_seconds=600, previous_windows=4, min_count=3, factor=3.0, mean_floor=1.0)


def feed(
    rule: SpikeRule, per_window: list[int], history: list[int] = (), gated: bool = False, repeats: bool = False
) -> list[tuple[int, int]]:
    """Count `per_window[w]` articles about one key in window w, as the spike agent does, after
    windows -len(history)..-1 counted `history`; return (window, count) for each time it fired.
    `gated`: hand `observe` the previous counts only when `could_fire`, as the agent does; `repeats`:
    after its 10th article a window's articles repeat earlier ones (one article, several mentions)."""
    states = {w - len(history): WindowCounts(count) for w, count in enumerate(history)}
    fired = []
    for window, articles in enumerate(per_window):
        previous = [states.get(window - back, WindowCounts()).count for back in range(1, rule.previous_windows + 1)]
        for n in range(articles):
            state, article_id = states.get(window, WindowCounts()), f"a-{window}-{n % 7 if repeats and n > 10 else n}"
            given = previous if not gated or could_fire(state, article_id, rule) else []
            seen = observe(state, article_id, given, rule)
            states[window] = seen.state
            if seen.fires:
                fired.append((window, seen.state.count))
    return fired


def test_spikes_steady_counts_never_fire_once_they_are_the_baseline():
    assert feed(RULE, [8] * 30, history=[8] * 4) == []
    assert feed(RULE, [8, 7, 9, 8, 6, 8, 10, 9] * 3, history=[8, 6, 9, 7]) == []
    # A key new to the counts is a spike in its first window and, at one rate, in the windows
    # where the zeros before it still keep the mean below count / factor (window 1: mean 2).
    assert feed(RULE, [8] * 30) == [(0, 3), (1, 6)]
    previous = [8, 8, 8, 8]
    state = WindowCounts()
    for n in range(8):
        seen = observe(state, f"steady-{n}", previous, RULE)
        assert seen.counted and not seen.fires
        state = seen.state
    assert state.count == 8


def test_spikes_a_burst_fires_once_when_it_crosses_the_threshold():
    # Baseline 1 a window: the threshold is max(3, 3 x 1) = 3; a burst of 40 fires once, at its third article.
    assert feed(RULE, [1, 1, 1, 40, 1, 1], history=[1, 1, 1, 1]) == [(3, 3)]
    # A higher baseline needs more: mean 4 -> 12.
    assert feed(RULE, [4, 11, 4], history=[4, 4, 4, 4]) == []
    assert feed(RULE, [4, 12, 4], history=[4, 4, 4, 4]) == [(1, 12)]


def test_spikes_below_the_minimum_count_never_fire():
    lenient = SpikeRule(window_seconds=600, previous_windows=4, min_count=5, factor=1.0, mean_floor=0.1)
    assert feed(lenient, [0, 1, 0, 4, 4, 0, 4]) == []
    assert feed(lenient, [0, 1, 0, 4, 4, 0, 5]) == [(6, 5)]


def test_spikes_first_window_of_a_new_key_needs_the_minimum_count():
    # No history: mean 0, floored to 1, so max(3, 3 x 1) = 3 articles.
    assert feed(RULE, [2]) == []
    assert feed(RULE, [3]) == [(0, 3)]
    assert RULE.threshold([0, 0, 0, 0]) == 3
    # A later window past the remembered ones is a first window again.
    assert feed(RULE, [5, 0, 0, 0, 0, 5]) == [(0, 3), (5, 3)]


def test_spikes_the_floor_keeps_a_rare_key_from_firing_on_a_few_mentions():
    # One mention in four windows: mean 0.25; without the floor 3 x 0.25 = 0.75, so any count >= the minimum.
    assert baseline_mean([1, 0, 0, 0]) == 0.25
    high_floor = SpikeRule(window_seconds=600, previous_windows=4, min_count=3, factor=3.0, mean_floor=2.0)
    assert high_floor.threshold([1, 0, 0, 0]) == 6
    assert feed(high_floor, [1, 0, 0, 0, 5]) == []
    assert feed(high_floor, [1, 0, 0, 0, 6]) == [(4, 6)]
    # Above the floor the mean counts: (10 + 10 + 0 + 0) / 4 = 5 -> 15.
    assert high_floor.threshold([10, 10, 0, 0]) == 15


def test_spikes_an_article_counts_once_and_a_window_fires_once():
    state = WindowCounts()
    for article_id in ["x1", "x2", "x1", "x2", "x1"]:
        state = observe(state, article_id, [0, 0, 0, 0], RULE).state
    assert state.count == 2 and state.article_ids == ("x1", "x2")
    seen = observe(state, "x3", [0, 0, 0, 0], RULE)
    assert seen.fires and seen.state.fired
    # The same mention again (processed twice after a crash) is not counted and does not fire.
    again = observe(seen.state, "x3", [0, 0, 0, 0], RULE)
    assert not again.counted and not again.fires and again.state == seen.state
    # Processed again from the state before it (the state was lost with the crash): the same decision.
    assert observe(state, "x3", [0, 0, 0, 0], RULE) == seen
    # Fired is remembered: more articles, however many, do not fire the window again.
    later = seen.state
    for n in range(50):
        step = observe(later, f"more-{n}", [0, 0, 0, 0], RULE)
        assert step.counted and not step.fires
        later = step.state


def test_spikes_window_state_is_bounded_and_survives_json():
    state = WindowCounts()
    for n in range(MAX_ARTICLE_IDS + 25):
        state = observe(state, f"id-{n}", [100] * 4, RULE).state
    assert state.count == MAX_ARTICLE_IDS + 25 and len(state.article_ids) == MAX_ARTICLE_IDS
    assert WindowCounts.from_json(state.to_json()) == state
    for unreadable in (None, 3, "x", {"count": "3"}, []):
        assert WindowCounts.from_json(unreadable) == WindowCounts()


@pytest.mark.parametrize("epoch", [0.0, 1_700_000_123.456, 1_764_000_600.0, 1_764_000_599.95])
def test_spikes_windows_are_cut_as_fausts_tumbling_windows(epoch):
    window = TumblingWindow(RULE.window_seconds, expires=RULE.expires_seconds)
    assert RULE.window_start(epoch) == window.current(epoch)[0]
    assert RULE.expires_seconds == 5 * 600


def test_spikes_rule_from_settings():
    settings = Settings(spike_window_seconds=60, spike_previous_windows=3, spike_min_count=4, spike_factor=2.5,
                        spike_mean_floor=0.5)
    assert SpikeRule.from_settings(settings) == SpikeRule(60, 3, 4, 2.5, 0.5)


def test_spikes_record_follows_its_schema():
    mention = Mention(key="place:703448", kind="place", label="Kyiv", article_id="k-3",
                      observed_at="2026-11-24T10:07:00.000000Z")
    state = WindowCounts()
    for article_id in ["k-1", "k-2"]:
        state = observe(state, article_id, [0, 1, 0, 0], RULE).state
    seen = observe(state, "k-3", [0, 1, 0, 0], RULE)
    spike = spike_record(mention, seen, RULE, RULE.window_start(epoch_from_iso(mention.observed_at)))
    record = assert_valid(topics.SPIKES, spike)
    assert record == {
        "key": "place:703448", "kind": "place", "label": "Kyiv", "count": 3, "baseline_mean": 0.25, "factor": 3.0,
        "window_start": "2026-11-24T10:00:00.000000Z", "window_end": "2026-11-24T10:10:00.000000Z",
        "article_ids": ["k-1", "k-2", "k-3"],
    }
    assert spike_message_key(spike) == b"place:703448@2026-11-24T10:00:00.000000Z"
    assert_valid(topics.MENTIONS, mention)


# Keys ---------------------------------------------------------------------------------------------

KYIV = Place(geonameid=703448, name="Kyiv", country_code="UA", latitude=50.45, longitude=30.52, feature="city")
NAMELESS = Place(name="Obolon Market", country_code="UA", latitude=50.5, longitude=30.5, feature="city")
CONFLICT = Topic(code="medtop:16000000", label="conflict, war and peace", score=0.9)
DISASTER = Topic(code="medtop:03000000", label="disaster, accident and emergency incident", score=0.4)


def enriched(text: str, entities: list[tuple[str, str, str, Place | None]], topics_=(CONFLICT, DISASTER),
             article_id: str = "keys-1") -> EnrichedArticle:
    found, start = [], 0
    for word, label, canonical, place in entities:
        start = text.index(word, start)
        found.append(Entity(text=word, label=label, start=start, end=start + len(word), canonical=canonical,
                            place=place))
        start += len(word)
    return EnrichedArticle(
        id=article_id, text=text, language="en", language_score=0.99, fingerprint="0" * 32, entities=found,
        topics=list(topics_), facts=[], ner_model="test", enriched_at="2026-11-24T10:00:01.000000Z",
    )


def test_spikes_keys_count_each_place_entity_and_the_leading_topic_once():
    text = ("Drones hit Kyiv overnight. Kyiv's mayor Vitali Klitschko said Kyiv air defence, in Kyiv and around "
            "Kyiv, shot most down; KYIV residents, the Kyiv city council and Mayor Klitschko thanked Ukrenergo. "
            "Ukrenergo restored power near Obolon Market and near Rivne Lake.")
    kyiv = ("Kyiv", "LOC", "Kyiv", KYIV)
    article = enriched(text, [
        kyiv, kyiv, ("Vitali Klitschko", "PER", "Vitali Klitschko", None), kyiv, kyiv, kyiv,
        ("KYIV", "LOC", "Kyiv", KYIV), kyiv, ("Klitschko", "PER", "Vitali Klitschko", None),
        ("Ukrenergo", "ORG", "Ukrenergo", None), ("Ukrenergo", "ORG", "Ukrenergo", None),
        ("Obolon Market", "LOC", "Obolon Market", NAMELESS), ("Rivne Lake", "LOC", "Rivne  Lake", None),
    ])
    assert sum(e.canonical == "Kyiv" for e in article.entities) == 7
    mentions = mentions_of(article, "2026-11-24T10:00:00.000000Z")
    assert [(m.key, m.kind, m.label) for m in mentions] == [
        ("place:703448", "place", "Kyiv"),
        ("entity:PER:Vitali Klitschko", "entity", "Vitali Klitschko"),
        ("entity:ORG:Ukrenergo", "entity", "Ukrenergo"),
        ("place:name:obolon market", "place", "Obolon Market"),
        ("place:name:rivne lake", "place", "Rivne Lake"),
        ("topic:medtop:16000000", "topic", "conflict, war and peace"),  # the leading topic only
    ]
    for mention in mentions:
        assert mention.article_id == "keys-1" and mention.observed_at == "2026-11-24T10:00:00.000000Z"
        assert_valid(topics.MENTIONS, mention)


def test_spikes_keys_of_an_article_without_entities_or_topics():
    assert mentions_of(enriched("Nothing to see.", [], topics_=()), "2026-11-24T10:00:00.000000Z") == []
    [only] = mentions_of(enriched("Nothing to see.", [], topics_=(DISASTER,)), "2026-11-24T10:00:00.000000Z")
    assert only.key == "topic:medtop:03000000"


# The windowed table ------------------------------------------------------------------------------

def test_spikes_windows_recovered_from_the_changelog_expire_like_written_ones():
    """Faust schedules expiry when it writes a window; the table also schedules the windows it
    recovers at start, so a restart does not keep them for the process's life."""
    import asyncio
    import time

    import faust

    from newsmon.stream.spikes import spike_counts_table

    app = faust.App("spikes-recover-test", broker="kafka://127.0.0.1:9", store="memory://", autodiscover=False)
    table = spike_counts_table(app, 6, RULE).table
    now = RULE.window_start(time.time())
    stale = ("place:name:riverton", (now - 6 * RULE.window_seconds, now - 5 * RULE.window_seconds - 0.1))
    kept = [("place:name:riverton", (now - back * RULE.window_seconds, now - (back - 1) * RULE.window_seconds - 0.1))
            for back in range(RULE.previous_windows + 1)]
    for key in (stale, *kept):
        table.data[key] = WindowCounts(1, ("r-1",)).to_json()  # as recovery puts them: no write, no expiry scheduled
    asyncio.run(table.call_recover_callbacks())
    asyncio.run(table._del_old_keys())
    assert sorted(table.data.keys()) == sorted(kept)


def test_spikes_table_entries_go_to_the_partition_of_their_mention_key():
    from aiokafka.partitioner import DefaultPartitioner

    import faust

    from newsmon.stream.spikes import spike_counts_table

    app = faust.App("spikes-partition-test", broker="kafka://127.0.0.1:9", store="memory://", autodiscover=False)
    table = spike_counts_table(app, 6, RULE).table
    producers_choice = DefaultPartitioner()
    for key in ("place:703448", "entity:PER:Vitali Klitschko", "topic:medtop:16000000", "place:name:kyiv"):
        expected = producers_choice(key.encode(), list(range(6)), [])
        assert table.partition_for_key((key, (600.0, 1199.9))) == expected
        assert table.partition_for_key((key, (0.0, 599.9))) == expected


def test_spikes_previous_counts_are_read_only_when_the_mention_could_fire():
    state = WindowCounts(count=1, article_ids=("a", "b"))
    assert not could_fire(state, "c", RULE)  # 2 < min_count 3
    assert could_fire(WindowCounts(count=2, article_ids=("a", "b")), "c", RULE)
    assert not could_fire(WindowCounts(count=2, article_ids=("a", "b")), "a", RULE)  # counted already
    assert not could_fire(WindowCounts(count=9, article_ids=("a",), fired=True), "c", RULE)


@pytest.mark.parametrize("seed", range(40))
def test_spikes_fire_alike_whether_or_not_the_previous_counts_are_read_every_time(seed):
    import random

    rng = random.Random(seed)
    rule = SpikeRule(window_seconds=600, previous_windows=4, min_count=rng.randint(1, 6), factor=rng.choice([1.5, 3.0]), mean_floor=1.0)
    history = [rng.randint(0, 12) for _ in range(4)]
    per_window = [rng.choice([0, 1, 2, 5, 9, 15, 40]) for _ in range(12)]
    for repeats in (False, True):
        expected = feed(rule, per_window, history, repeats=repeats)
        assert feed(rule, per_window, history, gated=True, repeats=repeats) == expected
