"""Which raised alerts are new: an article processed again (at least once delivery, a restart)
raises the same alerts again, and only an alert whose content changed goes out a second time."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from newsmon.records import Alert

# When an alert was written is not part of what it says.
_NOT_CONTENT = frozenset({"created_at"})


def alert_digest(alert: Alert) -> str:
    content = {k: v for k, v in alert.to_json_dict().items() if k not in _NOT_CONTENT}
    return hashlib.blake2b(orjson.dumps(content, option=orjson.OPT_SORT_KEYS), digest_size=16).hexdigest()


@dataclass(frozen=True)
class SentAlerts:
    """What one article's alerts said when they went out: alert id -> digest."""

    epoch: float
    digests: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> list[Any]:
        return [self.epoch, self.digests]

    @classmethod
    def from_json(cls, value: Any) -> SentAlerts | None:
        if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int | float):
            digests = value[1] if isinstance(value[1], dict) else {}
            return cls(float(value[0]), {str(k): str(v) for k, v in digests.items()})
        return None


def unsent(raised: Sequence[Alert], sent: SentAlerts | None) -> list[Alert]:
    """The alerts to send: new ones, and those whose content differs from what was sent."""
    before = sent.digests if sent else {}
    return [alert for alert in raised if before.get(alert.alert_id) != alert_digest(alert)]


def record_sent(sent: SentAlerts | None, alerts: Sequence[Alert], now_epoch: float) -> SentAlerts:
    digests = dict(sent.digests) if sent else {}
    digests.update({alert.alert_id: alert_digest(alert) for alert in alerts})
    return SentAlerts(sent.epoch if sent else now_epoch, digests)
