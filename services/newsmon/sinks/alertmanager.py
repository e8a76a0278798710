"""Alerts as Prometheus Alertmanager's API v2 takes them, and how long each stays firing.

Alertmanager resolves an alert at its endsAt. newsmon sets endsAt a few re-posts ahead and re-posts
every active alert (NEWSMON_ALERT_REPOST_SECONDS) until NEWSMON_ALERT_ACTIVE_SECONDS after its last
update; the last post sets endsAt to that moment, and the alert resolves then, not before."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newsmon.clock import epoch_from_iso, iso_from_epoch
from newsmon.records import Alert

ALERTS_PATH = "/api/v2/alerts"
# endsAt this many re-posts ahead, as Prometheus does (4 x its resend delay): a missed re-post or
# two, or a worker restarting, does not resolve an alert that is still active.
ENDS_AHEAD_REPOSTS = 4
SUMMARY_PLACES = 5


def story_id_of(alert: Alert) -> str:
    """The story an alert is about: the record's story_id once it has one, its article until then."""
    return str(getattr(alert, "story_id", None) or alert.article_id)


def alert_country(alert: Alert) -> str:
    """The country of the alert's first place that has one (ISO 3166 alpha-2), else ''."""
    return next((p.country_code.upper() for p in alert.places if p.country_code), "")


def alert_summary(alert: Alert) -> str:
    """What the alert says in one line: counts, topic, places, language."""
    parts = []
    for what, count in (("killed", alert.killed), ("injured", alert.injured), ("missing", alert.missing)):
        if count is not None and count.number:
            parts.append(f"{'at least ' if count.lower_bound else ''}{count.number} {what}")
    if alert.topic is not None:
        parts.append(f"topic {alert.topic.label}")
    if alert.places:
        parts.append("places: " + "; ".join(p.name for p in alert.places[:SUMMARY_PLACES]))
    parts.append(f"language {alert.language}")
    return ", ".join(parts)


def alert_labels(alert: Alert) -> dict[str, str]:
    """What identifies the alert in Alertmanager (and what its routes match): an empty value is left
    out, as Alertmanager treats an empty label as absent."""
    labels = {
        "alertname": alert.rule,
        "severity": alert.severity,
        "story_id": story_id_of(alert),
        "country": alert_country(alert),
    }
    return {name: value for name, value in labels.items() if value}


def alert_annotations(alert: Alert) -> dict[str, str]:
    annotations = {"headline": alert.headline, "summary": alert_summary(alert), "url": alert.url or ""}
    return {name: value for name, value in annotations.items() if value}


@dataclass(frozen=True)
class ActiveAlert:
    """An alert Alertmanager keeps firing: what to post, when it began, when it last changed."""

    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: str
    updated_epoch: float

    def to_json(self) -> list[Any]:
        return [self.updated_epoch, self.starts_at, self.labels, self.annotations]

    @classmethod
    def from_json(cls, value: Any) -> ActiveAlert | None:
        if not (isinstance(value, list) and len(value) == 4 and isinstance(value[0], int | float)):
            return None
        updated, starts_at, labels, annotations = value
        if not (isinstance(starts_at, str) and isinstance(labels, dict) and isinstance(annotations, dict)):
            return None
        return cls(dict(labels), dict(annotations), starts_at, float(updated))

    def postable(self, now_epoch: float, repost_seconds: float, active_seconds: float) -> dict[str, Any]:
        """The alert as POST /api/v2/alerts takes it, firing until a few re-posts from now but never
        past the end of its active period."""
        ends = min(now_epoch + ENDS_AHEAD_REPOSTS * repost_seconds, self.updated_epoch + active_seconds)
        return self._with_end(ends)

    def resolution(self, now_epoch: float) -> dict[str, Any]:
        """The same alert, resolved now."""
        return self._with_end(now_epoch)

    def _with_end(self, ends_epoch: float) -> dict[str, Any]:
        # Alertmanager refuses an end before the start (a clock ahead on the machine that made it).
        ends = max(ends_epoch, epoch_from_iso(self.starts_at))
        return {
            "labels": self.labels,
            "annotations": self.annotations,
            "startsAt": self.starts_at,
            "endsAt": iso_from_epoch(ends),
        }


def activate(alert: Alert, previous: ActiveAlert | None) -> ActiveAlert:
    """The alert's new state: its content now, its start kept from the first version; its last update
    is when this version was made, so replaying old alerts does not page anyone for hours."""
    return ActiveAlert(
        labels=alert_labels(alert),
        annotations=alert_annotations(alert),
        starts_at=previous.starts_at if previous else alert.created_at,
        updated_epoch=epoch_from_iso(alert.created_at),
    )


def update_batch(
    active: ActiveAlert, previous: ActiveAlert | None, now_epoch: float, repost_seconds: float, active_seconds: float
) -> list[dict[str, Any]]:
    """What to post for a new version: the alert, and the previous version resolved when its labels
    differ (a higher severity, another country): Alertmanager would otherwise keep both firing."""
    batch = [active.postable(now_epoch, repost_seconds, active_seconds)]
    if previous is not None and previous.labels != active.labels:
        batch.insert(0, previous.resolution(now_epoch))
    return batch


def is_expired(active: ActiveAlert, now_epoch: float, active_seconds: float) -> bool:
    return now_epoch >= active.updated_epoch + active_seconds
