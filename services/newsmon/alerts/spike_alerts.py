"""A spike (newsmon/spikes, news.spikes) as an alert on news.alerts, where ops teams already look."""

from __future__ import annotations

from newsmon.alerts.rule_models import iptc_topics
from newsmon.alerts.story_alerts import story_alert_id
from newsmon.records import Alert, AlertEvidence, AlertPlace, Spike, Topic

SPIKE_RULE = "spike"


def spike_alert(spike: Spike, now: str) -> Alert:
    """One alert per key and window: the id comes from both, so a spike sent again replaces itself."""
    what = f"{spike.count} articles from {spike.window_start[11:16]} UTC, against {spike.baseline_mean:.1f} on average"
    topic = None
    places: list[AlertPlace] = []
    persons: list[str] = []
    organisations: list[str] = []
    if spike.kind == "topic":
        code = spike.key.removeprefix("topic:")
        topic = Topic(code=code, label=iptc_topics().get(code, spike.label), score=1.0, evidence=[f"spike: {what}"])
    elif spike.kind == "place":
        geonameid = spike.key.removeprefix("place:")
        places = [AlertPlace(name=spike.label, geonameid=int(geonameid) if geonameid.isdigit() else None)]
    elif spike.key.startswith("entity:PER:"):
        persons = [spike.label]
    else:
        organisations = [spike.label]
    return Alert(
        alert_id=story_alert_id(SPIKE_RULE, f"{spike.key}@{spike.window_start}"),
        rule=SPIKE_RULE,
        severity="medium",
        headline=f"[MEDIUM] {spike.label} in the news: {what}",
        article_id=spike.article_ids[0],
        article_ids=list(spike.article_ids),
        language="und",
        topic=topic,
        places=places,
        persons=persons,
        organisations=organisations,
        evidence=AlertEvidence(matched=[f"{spike.count} >= {spike.factor:g} x the mean of the previous windows"]),
        first_seen=spike.window_start,
        created_at=now,
    )
