"""`make bench`: the whole pipeline on a real broker against the same code in a bare loop.

Both runs process the same generated articles in this one process's run, so the ratio
pipeline/baseline says what Kafka, Faust and the hops cost, whatever the machine's speed."""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from collections.abc import Sequence

import orjson

from newsmon import topics
from newsmon.admin import client_config, create_topics
from newsmon.alerting import evaluate
from newsmon.analyze import batched
from newsmon.clock import epoch_from_iso
from newsmon.ingest import Outgoing, publish
from newsmon.nlp.enricher import Enricher
from newsmon.normalize import parse_raw, to_normalized
from newsmon.pipeline import enrich_articles, warm_up
from newsmon.runner import broker, worker_process
from newsmon.settings import Settings, get_settings

CITIES = ["Kharkiv", "Odesa", "Jakarta", "Surabaya", "Manila", "Lagos", "Aleppo", "Mosul", "Lima", "Dhaka"]
PEOPLE = ["Maria Ortega", "Budi Santoso", "John Carter", "Siti Rahma", "Ahmed Nour", "Olena Shevchenko"]
EN_EVENT = ("At least {killed} people were killed and {injured} injured when missiles struck {city} on {day}, "
            "officials said. Rescue teams searched the rubble of a residential building as air raid sirens "
            "sounded again. Governor {person} said the attack hit homes and a school. ")
EN_QUIET = ("The central bank in {city} kept interest rates unchanged on {day}, citing steady inflation and "
            "strong exports. Analyst {person} said markets expected the decision and shares rose slightly. ")
ID_EVENT = ("Sedikitnya {killed} orang tewas dan {injured} lainnya luka-luka setelah banjir bandang melanda "
            "{city} pada hari {day_id}, kata pejabat setempat. Tim penyelamat mencari korban di antara puing "
            "rumah warga. Kepala badan penanggulangan bencana {person} mengatakan ribuan warga mengungsi. ")
ID_QUIET = ("Tim nasional bermain imbang dalam pertandingan persahabatan di {city} pada hari {day_id}. "
            "Pelatih {person} mengatakan para pemain tampil disiplin dan penonton memadati stadion. ")
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
DAYS_ID = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat"]
FILLER_EN = "Witnesses described the scene to reporters while officials promised a full account later in the day. "
FILLER_ID = "Warga setempat menceritakan kejadian itu kepada wartawan, sementara pejabat berjanji memberi keterangan. "


def generate_articles(count: int, seed: int, words: int = 400) -> list[dict]:
    """Deterministic article mix: half Indonesian, half English; half of each should alert."""
    rng = random.Random(seed)
    articles = []
    for number in range(count):
        indonesian, eventful = number % 2 == 0, number % 4 < 2
        template = (ID_EVENT if eventful else ID_QUIET) if indonesian else (EN_EVENT if eventful else EN_QUIET)
        day = rng.randrange(5)
        lead = template.format(killed=rng.randint(1, 40), injured=rng.randint(1, 90), city=rng.choice(CITIES),
                               day=DAYS[day], day_id=DAYS_ID[day], person=rng.choice(PEOPLE))
        filler = FILLER_ID if indonesian else FILLER_EN
        text = lead
        while len(text.split()) < words:
            text += filler
        # A unique closing line: the generated articles must not be duplicates of each other.
        text += f"Laporan nomor {number}." if indonesian else f"Report number {number}."
        articles.append({"id": f"bench-{seed}-{number}", "text": text, "title": lead.split(",")[0][:80]})
    return articles


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def baseline(articles: list[dict], settings: Settings) -> dict:
    """The same normalize, enrich and alert code in a plain loop: no broker, no Faust."""
    enricher = Enricher()
    warm_up(enricher)
    started = time.perf_counter()
    alerts = 0
    for batch in batched(articles, settings.nlp_batch_size):
        normalized = [to_normalized(parse_raw(orjson.dumps(a), max_text_bytes=settings.max_text_bytes),
                                    ingested_at=None, raw_position=None) for a in batch]
        for enriched in enrich_articles(enricher, normalized):
            alerts += len(evaluate(enriched))
    elapsed = time.perf_counter() - started
    return {"articles": len(articles), "seconds": round(elapsed, 2), "articles_per_s": round(len(articles) / elapsed, 1),
            "alerts": alerts}


def pipeline(articles: list[dict], settings: Settings, timeout: float) -> dict:
    from kafka import KafkaConsumer

    with broker(settings, once=True) as live:
        create_topics(live)
        with worker_process(live):
            consumer = KafkaConsumer(topics.ENRICHED, topics.ALERTS, **client_config(live), group_id=None,
                                     auto_offset_reset="earliest", enable_auto_commit=False, consumer_timeout_ms=500)
            expected = {a["id"] for a in articles}
            enriched_latency: dict[str, float] = {}
            alert_latency: list[float] = []
            started = time.time()
            publish((Outgoing(a["id"].encode(), orjson.dumps(a), a["id"]) for a in articles), live)
            deadline = time.monotonic() + timeout
            while len(enriched_latency) < len(expected) and time.monotonic() < deadline:
                for message in consumer:
                    record = orjson.loads(message.value)
                    if message.topic == topics.ENRICHED and record["id"] in expected:
                        enriched_latency[record["id"]] = time.time() - epoch_from_iso(record["ingested_at"])
                    elif message.topic == topics.ALERTS and record["article_id"] in expected:
                        alert_latency.append(time.time() - epoch_from_iso(record["ingested_at"]))
            finished = time.time()
            # Alerts trail their enriched records by one hop: give the last ones a moment.
            tail_deadline = time.monotonic() + 10
            while time.monotonic() < tail_deadline:
                got = False
                for message in consumer:
                    got = True
                    if message.topic == topics.ALERTS:
                        alert_latency.append(time.time() - epoch_from_iso(orjson.loads(message.value)["ingested_at"]))
                if not got:
                    break
            consumer.close()
    elapsed = finished - started
    latencies = list(enriched_latency.values())
    return {
        "articles": len(articles), "enriched": len(enriched_latency), "seconds": round(elapsed, 2),
        "articles_per_s": round(len(enriched_latency) / elapsed, 1), "alerts": len(alert_latency),
        "ingest_to_enriched_p50_s": round(percentile(latencies, 0.5), 3),
        "ingest_to_enriched_p99_s": round(percentile(latencies, 0.99), 3),
        "ingest_to_alert_p50_s": round(percentile(alert_latency, 0.5), 3),
        "ingest_to_alert_p99_s": round(percentile(alert_latency, 0.99), 3),
    }


def main(articles: int = 2000, seed: int = 7, timeout: float = 1800) -> int:
    settings = get_settings()
    generated = generate_articles(articles, seed)
    words = statistics.mean(len(a["text"].split()) for a in generated)
    print(f"bench: {articles} generated articles, {words:.0f} words on average (seed {seed})", file=sys.stderr)
    print("bench: baseline (bare in-process loop) ...", file=sys.stderr)
    bare = baseline(generated, settings)
    print("bench: pipeline (Kafka + Faust worker) ...", file=sys.stderr)
    piped = pipeline(generated, settings, timeout)
    result = {"baseline": bare, "pipeline": piped,
              "throughput_ratio_pipeline_to_baseline": round(piped["articles_per_s"] / bare["articles_per_s"], 3)}
    print(f"{'':28}{'baseline':>12}{'pipeline':>12}")
    print(f"{'articles/s':28}{bare['articles_per_s']:>12}{piped['articles_per_s']:>12}")
    print(f"{'alerts':28}{bare['alerts']:>12}{piped['alerts']:>12}")
    print(f"{'ratio pipeline/baseline':28}{'':>12}{result['throughput_ratio_pipeline_to_baseline']:>12}")
    for key in ("ingest_to_enriched_p50_s", "ingest_to_enriched_p99_s", "ingest_to_alert_p50_s", "ingest_to_alert_p99_s"):
        print(f"{key:28}{'':>12}{piped[key]:>12}")
    print(json.dumps(result))
    return 0 if piped["enriched"] == articles else 1
