"""POST /articles on a real `newsmon worker` with a push token, on a broker of its own: what is
accepted comes out enriched, what is refused says why and publishes nothing, and every answer is counted."""

from __future__ import annotations

import http.client
import time
import uuid
from collections.abc import Iterator

import orjson
import pytest
from support import assert_valid, consume, metric_value

from newsmon import topics
from newsmon.devtools import local_kafka
from newsmon.devtools.chaos import worker_group
from newsmon.devtools.run import fetch_counts
from newsmon.kafka_clients import create_topics
from newsmon.normalize.article import derived_id
from newsmon.settings import Settings

pytestmark = pytest.mark.kafka

TOKEN = "push-" + uuid.uuid4().hex
MAX_BYTES = 64 * 1024


@pytest.fixture(scope="module")
def push_broker(broker_factory):
    return broker_factory("kafka-push")


@pytest.fixture(scope="module")
def push_worker(push_broker, tmp_path_factory) -> Iterator[Settings]:
    broker = push_broker
    settings = Settings(
        kafka_bootstrap=broker.bootstrap, web_port=local_kafka.free_port(), data_dir=tmp_path_factory.mktemp("push")
    )
    create_topics(settings)
    env = {"NEWSMON_PUSH_TOKEN": TOKEN, "NEWSMON_PUSH_MAX_BYTES": str(MAX_BYTES)}
    log = settings.data_dir / "worker.log"
    with worker_group(settings, log, env) as process:
        deadline = time.monotonic() + 180
        while fetch_counts(settings.web_port) is None:
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the worker did not serve /metrics within 180 s"
            time.sleep(0.5)
        yield settings
    assert TOKEN not in log.read_text(errors="replace"), "the push token must never be logged"


def post(settings: Settings, body, content_type: str | None = "application/json", *, token: str | None = TOKEN,
         method: str = "POST", headers: dict[str, str] | None = None, chunked: bool = False):
    connection = http.client.HTTPConnection("127.0.0.1", settings.web_port, timeout=60)
    sent = dict(headers or {})
    if content_type:
        sent["Content-Type"] = content_type
    if token:
        sent["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, "/articles", body=body, headers=sent, encode_chunked=chunked)
        response = connection.getresponse()
        payload = response.read()
        return response.status, response, orjson.loads(payload) if payload else None
    finally:
        connection.close()


def enriched_ids(settings: Settings, wanted: set[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}

    def collect(messages) -> bool:
        for message in messages:
            article = orjson.loads(message.value)
            if article["id"] in wanted:
                found[article["id"]] = assert_valid(topics.ENRICHED, article)
        return wanted <= found.keys()

    consume(settings, topics.ENRICHED, collect, timeout=240)
    return found


def test_pushed_articles_come_out_enriched_and_refusals_publish_nothing(push_worker: Settings):
    settings = push_worker
    tag = uuid.uuid4().hex[:8]
    before = {code: metric_value(settings, "newsmon_push_requests_total", code=code)
              for code in ("202", "400", "401", "405", "413", "415")}
    articles_before = metric_value(settings, "newsmon_push_articles_total")

    one = {"id": f"push-one-{tag}", "text": f"Floods hit Riverton {tag}. Two people are missing.", "source": "wire"}
    status, _, answer = post(settings, orjson.dumps(one))
    assert (status, answer) == (202, {"ids": [one["id"]]})

    many = [{"id": f"push-many-{tag}", "text": f"A fire broke out in Lisbon {tag}."},
            {"text": f"Storms reached Jakarta on Monday {tag}.", "title": "Storms"}]
    status, _, answer = post(settings, orjson.dumps(many), "application/json; charset=utf-8")
    assert status == 202
    assert answer == {"ids": [many[0]["id"], derived_id(many[1]["text"])]}

    plain = f"Überschwemmung in Riverton {tag}: zwei Menschen werden vermisst."
    status, _, answer = post(settings, plain.encode("latin-1"), "text/plain; charset=latin-1")
    assert (status, answer) == (202, {"ids": [derived_id(plain)]})

    # Refused: nothing of these may reach news.articles.raw.
    refused_ids = [f"push-refused-{tag}-{n}" for n in range(4)]
    status, response, answer = post(settings, orjson.dumps({"id": refused_ids[0], "text": "no token"}), token=None)
    assert (status, response.headers["WWW-Authenticate"]) == (401, "Bearer")
    assert post(settings, orjson.dumps({"id": refused_ids[0], "text": "wrong"}), token=TOKEN + "x")[0] == 401
    bad_array = [{"id": refused_ids[1], "text": "good"}, {"id": refused_ids[2], "text": 7}]
    status, _, answer = post(settings, orjson.dumps(bad_array))
    assert (status, answer) == (400, {"error": "article [1]: 'text': Input should be a valid string"})
    status, _, answer = post(settings, orjson.dumps({"id": refused_ids[3], "text": "x" * MAX_BYTES}))
    assert status == 413 and "NEWSMON_PUSH_MAX_BYTES" in answer["error"]
    oversized = (b'{"text": "' + b"x" * 16384 + b'"}' for _ in range(5))  # chunked: no Content-Length to go by
    assert post(settings, oversized, chunked=True)[0] == 413
    status, _, answer = post(settings, b"text=hello", "application/x-www-form-urlencoded")
    assert status == 415 and "application/json or text/plain" in answer["error"]
    status, response, _ = post(settings, None, None, method="GET")
    assert (status, response.headers["Allow"]) == (405, "POST")

    wanted = {one["id"], *answer_ids(many), derived_id(plain)}
    found = enriched_ids(settings, wanted)
    assert found.keys() == wanted
    assert found[one["id"]]["source"] == "wire"
    assert found[derived_id(plain)]["text"] == plain

    raw_ids = {orjson.loads(m.value).get("id") for m in consume(settings, topics.RAW, lambda m: False, timeout=5)}
    assert wanted <= raw_ids and not raw_ids & set(refused_ids)
    for message in consume(settings, topics.RAW, lambda m: False, timeout=2):
        assert_valid(topics.RAW, message.value)

    counted = {code: metric_value(settings, "newsmon_push_requests_total", code=code) - before[code]
               for code in before}
    assert counted == {"202": 3, "400": 1, "401": 2, "405": 1, "413": 2, "415": 1}
    assert metric_value(settings, "newsmon_push_articles_total") - articles_before == 4


def answer_ids(many: list[dict]) -> list[str]:
    return [article.get("id") or derived_id(article["text"]) for article in many]


def test_a_broker_that_does_not_confirm_is_503_and_the_worker_keeps_answering(push_worker: Settings, push_broker):
    """Last in this module: it stops the module's broker."""
    settings = push_worker
    before = metric_value(settings, "newsmon_push_requests_total", code="503")
    local_kafka.stop(push_broker.data_dir)
    started = time.monotonic()
    status, _, answer = post(settings, orjson.dumps({"id": f"push-down-{uuid.uuid4().hex}", "text": "Broker down."}))
    assert status == 503 and answer["error"].startswith("the articles could not be published, retry")
    assert time.monotonic() - started < 60
    assert post(settings, b"{broken")[0] == 400, "the worker still answers"
    assert metric_value(settings, "newsmon_push_requests_total", code="503") - before == 1
