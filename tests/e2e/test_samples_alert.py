"""The project's own sample articles (several languages) through the running pipeline: the ones
that report people killed or injured alert, whatever their topic; the others do not."""

import json
import uuid

import orjson
import pytest
from support import alert_fields, assert_valid, consume, produce

from newsmon import topics
from newsmon.devtools.run import SAMPLES_DIR

pytestmark = pytest.mark.kafka

# The reports of people killed or injured, in four languages (the Chicago shooting is crime: an
# incident all the same); the French strike and the Indonesian inflation report have no casualties.
EXPECTED_ALERTS = {
    "sample-en-earthquake-turkey", "sample-id-kharkiv-shelling", "sample-de-hochwasser-bayern", "sample-es-terremoto-peru",
    "sample-en-shooting-chicago",
}


def load_samples() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SAMPLES_DIR.glob("*.json"))]


def test_e2e_samples_alert_on_casualty_reports_only(worker_settings):
    run = uuid.uuid4().hex[:8]
    samples = load_samples()
    assert len({s["language"] for s in samples}) >= 4, "the samples should cover several languages"
    # A fresh id per run, and a marker line so the dedup table from earlier tests does not drop them.
    sent = {f"{s['id']}-{run}": dict(s, id=f"{s['id']}-{run}", text=f"{s['text']}\n\n[{run}]") for s in samples}
    produce(worker_settings, topics.RAW, [orjson.dumps(s) for s in sent.values()])

    enriched = consume(worker_settings, topics.ENRICHED,
                       lambda ms: sent.keys() <= {orjson.loads(m.value)["id"] for m in ms}, timeout=120)
    records = {r["id"]: r for r in (assert_valid(topics.ENRICHED, m.value) for m in enriched) if r["id"] in sent}
    assert records.keys() == sent.keys()
    for article_id, record in records.items():
        for entity in record["entities"]:
            assert record["text"][entity["start"]:entity["end"]] == entity["text"]
        assert record["language"] == sent[article_id]["language"], article_id

    expected = {f"{sample_id}-{run}" for sample_id in EXPECTED_ALERTS}
    alerts = consume(worker_settings, topics.ALERTS,
                     lambda ms: expected <= {alert_fields(m).get("article_id") for m in ms}, timeout=60)
    raised = {a["article_id"]: a for a in (assert_valid(topics.ALERTS, m.value) for m in alerts
                                           if alert_fields(m).get("article_id") in sent)}
    assert raised.keys() == expected


def test_e2e_an_incident_without_a_topic_alerts_and_sport_or_a_film_does_not(worker_settings):
    run = uuid.uuid4().hex[:8]
    articles = {
        f"quetta-{run}": "At least 12 people were killed and 30 injured when a bomb exploded at a crowded market in "
                         f"Quetta on Tuesday, officials said. [{run}]",
        f"football-{run}": "Arsenal's striker killed it on Saturday: two goals in the second half as Arsenal beat "
                           f"Chelsea 3-1 at the Emirates Stadium, and the fans were dying to see it. [{run}]",
        f"film-{run}": "Film review: the drama tells how 12 people were killed when a dam burst in a mountain "
                       "village. The director and the lead actors are superb, and the soundtrack is haunting. The "
                       f"film opens in cinemas this week. [{run}]",
    }
    produce(worker_settings, topics.RAW,
            [orjson.dumps({"id": key, "text": text, "language": "en"}) for key, text in articles.items()])
    consume(worker_settings, topics.ENRICHED,
            lambda ms: articles.keys() <= {orjson.loads(m.value)["id"] for m in ms}, timeout=120)
    quetta = {f"quetta-{run}"}
    alerts = consume(worker_settings, topics.ALERTS,
                     lambda ms: quetta <= {alert_fields(m).get("article_id") for m in ms}, timeout=60)
    raised = [assert_valid(topics.ALERTS, m.value) for m in alerts if alert_fields(m).get("article_id") in articles]
    assert {(a["article_id"], a["rule"], a["severity"]) for a in raised} == {
        (f"quetta-{run}", "casualties", "critical"), (f"quetta-{run}", "mass_casualty", "critical"),
    }
