"""The project's own sample articles (several languages) through the running pipeline:
the ones that report casualties in a conflict or disaster alert, the others do not."""

import json
import uuid

import orjson
import pytest
from support import assert_valid, consume, produce

from newsmon import topics
from newsmon.devtools.run import SAMPLES_DIR

pytestmark = pytest.mark.kafka

# Conflict or disaster reports with casualty figures in a language whose facts newsmon reads.
# The reports of people killed or injured in a conflict or disaster, in four languages; the French
# strike has no casualties, and the Chicago shooting's leading topic is crime, which the casualties
# rule does not cover.
EXPECTED_ALERTS = {
    "sample-en-earthquake-turkey", "sample-id-kharkiv-shelling", "sample-de-hochwasser-bayern", "sample-es-terremoto-peru",
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
                     lambda ms: expected <= {orjson.loads(m.value)["article_id"] for m in ms}, timeout=60)
    raised = {a["article_id"]: a for a in (assert_valid(topics.ALERTS, m.value) for m in alerts) if a["article_id"] in sent}
    assert raised.keys() == expected
