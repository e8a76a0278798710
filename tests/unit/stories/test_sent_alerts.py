"""What the alert stage takes as sent after reading news.alerts back: the highest version per story
and rule, never a lower one over the table's, nothing from a spike or a message it cannot read."""

from alert_samples import make_alert

from newsmon.contracts import encode
from newsmon.stream.sent_alerts import newer_of, newest_by_story, parse_alerts


def test_the_highest_version_of_each_rule_of_each_story_is_kept():
    casualties = [
        make_alert(story_id="s1", rule="casualties", version=v) for v in (1, 3, 2)
    ]
    drones = make_alert(story_id="s1", rule="drone-strike", version=1)
    other = make_alert(story_id="s2", rule="casualties", version=1)
    newest = newest_by_story([*casualties, drones, other])
    assert {
        story: {rule: a.version for rule, a in rules.items()}
        for story, rules in newest.items()
    } == {
        "s1": {"casualties": 3, "drone-strike": 1},
        "s2": {"casualties": 1},
    }


def test_a_spike_alert_has_no_story_and_is_left_out():
    assert newest_by_story([make_alert(story_id=None, rule="spike")]) == {}


def test_a_version_read_back_counts_only_when_higher_than_the_tables():
    in_table = {"casualties": make_alert(rule="casualties", version=2)}
    lower = {"casualties": make_alert(rule="casualties", version=1)}
    higher = {
        "casualties": make_alert(rule="casualties", version=3),
        "drone-strike": make_alert(rule="drone-strike"),
    }
    assert newer_of(in_table, lower) == in_table
    merged = newer_of(in_table, higher)
    assert {rule: a.version for rule, a in merged.items()} == {
        "casualties": 3,
        "drone-strike": 1,
    }


def test_tombstones_and_foreign_messages_are_skipped():
    alert = make_alert(story_id="s1")
    assert parse_alerts([None, b"not json", b'{"alert_id": "x"}', encode(alert)]) == [
        alert
    ]
