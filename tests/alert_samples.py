"""Alert records for the delivery tests, built as the alert rules build them."""

from __future__ import annotations

import uuid

from newsmon.clock import now_iso
from newsmon.records import Alert, AlertPlace, Count, Topic

CONFLICT = Topic(code="medtop:16000000", label="conflict, war and peace", score=0.9)
KRYVYI_RIH = AlertPlace(name="Kryvyi Rih", country_code="UA", latitude=47.91, longitude=33.39)
KYIV = AlertPlace(name="Kyiv", country_code="UA", latitude=50.45, longitude=30.52)


def make_alert(**changes) -> Alert:
    tag = uuid.uuid4().hex[:12]
    fields = {
        "alert_id": f"alert-{tag}",
        "rule": "casualties",
        "severity": "high",
        "headline": "[HIGH] Kryvyi Rih, Kyiv: 4 killed, 12 injured (conflict, war and peace)",
        "article_id": f"article-{tag}",
        "title": "Missile strike on Kryvyi Rih",
        "url": f"https://news.example.org/{tag}",
        "language": "en",
        "topic": CONFLICT,
        "places": [KRYVYI_RIH, KYIV],
        "persons": [],
        "organisations": ["State Emergency Service"],
        "killed": Count(number=4, lower_bound=False),
        "injured": Count(number=12, lower_bound=True),
        "created_at": now_iso(),
    }
    return Alert(**(fields | changes))
