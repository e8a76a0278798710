"""The sinks: Alertmanager (with the active alerts it re-posts) and the webhook."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, MutableMapping
from typing import Any

import orjson

from newsmon.contracts import encode
from newsmon.metrics import Metrics
from newsmon.records import Alert
from newsmon.settings import Settings
from newsmon.sinks.alertmanager import ALERTS_PATH, ActiveAlert, activate, is_expired, update_batch
from newsmon.sinks.http import DeliveryError, HttpPoster
from newsmon.sinks.webhook import webhook_headers

log = logging.getLogger(__name__)

REPOST_CHUNK = 500  # alerts per re-post request
JSON_HEADERS = {"Content-Type": "application/json"}


class AlertmanagerSink:
    """Posts each alert message; `active` (alert id -> ActiveAlert JSON, a Faust table in the worker)
    remembers what to re-post until each alert's active period ends."""

    name = "alertmanager"

    def __init__(
        self, settings: Settings, poster: HttpPoster, active: MutableMapping[bytes, Any], metrics: Metrics
    ) -> None:
        assert settings.alertmanager_url, "an Alertmanager sink needs NEWSMON_ALERTMANAGER_URL"
        self.url = settings.alertmanager_url.rstrip("/") + ALERTS_PATH
        self.repost_seconds = settings.alert_repost_seconds
        self.active_seconds = settings.alert_active_seconds
        self.poster, self.active, self.metrics = poster, active, metrics
        # Versions whose labels a newer one changed, to resolve with it (a retry too); lost in a
        # crash, such a version resolves at its own endsAt, as no one re-posts it.
        self.superseded: dict[bytes, ActiveAlert] = {}

    async def send(self, alert: Alert, now_epoch: float | None = None) -> None:
        now = time.time() if now_epoch is None else now_epoch
        key = alert.alert_id.encode()
        stored = ActiveAlert.from_json(self.active.get(key))
        current = activate(alert, stored)
        if stored is not None and stored.labels != current.labels:
            self.superseded[key] = stored
        # Remembered before the post: an alert that could not be posted goes out with the next
        # re-post once Alertmanager answers again, while it is still active.
        self.active[key] = current.to_json()
        batch = update_batch(current, self.superseded.get(key), now, self.repost_seconds, self.active_seconds)
        await self.poster.post(self.url, orjson.dumps(batch), JSON_HEADERS)
        self.superseded.pop(key, None)

    async def repost(self, now_epoch: float, owned: Callable[[bytes], bool]) -> int:
        """Post every active alert this worker owns again, and the expired ones a last time (resolved at
        the end of their period) before forgetting them. One attempt: the next re-post is the retry.
        Returns how many alerts were posted."""
        postables: list[dict[str, Any]] = []
        for key, value in list(self.active.items()):
            if not owned(key):
                continue
            active = ActiveAlert.from_json(value)
            if active is None or is_expired(active, now_epoch, self.active_seconds):
                del self.active[key]
            if active is not None:
                postables.append(active.postable(now_epoch, self.repost_seconds, self.active_seconds))
        for start in range(0, len(postables), REPOST_CHUNK):
            chunk = postables[start : start + REPOST_CHUNK]
            try:
                await self.poster.post(self.url, orjson.dumps(chunk), JSON_HEADERS)
            except DeliveryError as exc:
                self.metrics.deliveries.labels(sink=self.name, outcome="repost_failed").inc(len(chunk))
                log.warning("alertmanager: re-posting %d active alert(s) failed: %s", len(chunk), exc)
            else:
                self.metrics.deliveries.labels(sink=self.name, outcome="reposted").inc(len(chunk))
        return len(postables)


class WebhookSink:
    name = "webhook"

    def __init__(self, settings: Settings, poster: HttpPoster) -> None:
        assert settings.webhook_url, "a webhook sink needs NEWSMON_WEBHOOK_URL"
        self.url, self.secret, self.poster = settings.webhook_url, settings.webhook_secret, poster

    async def send(self, alert: Alert) -> None:
        body = encode(alert)
        await self.poster.post(self.url, body, webhook_headers(body, alert.alert_id, self.secret))


def configured_sinks(settings: Settings) -> tuple[str, ...]:
    """The sinks the settings name, in delivery order."""
    named = {"alertmanager": settings.alertmanager_url, "webhook": settings.webhook_url}
    return tuple(name for name, url in named.items() if url)
