"""Resumable ingest (newsmon/sources/publish.py): which messages a run skips, and its summary."""

import orjson

from newsmon.normalize.article import derived_id, normalize_value
from newsmon.sources.publish import SEEN_SOURCE, IngestReport, Resume, pipeline_id
from newsmon.sources.seen import SeenItems, seen_key


def resume_with(*ingested: str, skip: bool = True) -> Resume:
    return Resume(SeenItems(seen_key(SEEN_SOURCE, item) for item in ingested), derived_id, skip=skip)


def test_the_item_is_the_articles_own_id():
    assert pipeline_id(b'{"id": "a-1", "text": "Floods"}', derived_id) == "a-1"


def test_an_article_without_an_id_is_known_by_the_id_normalize_derives():
    value = b'{"text": "  Floods hit <b>Riverton</b>. "}'
    normalized = normalize_value(value, ingested_at=None, raw_position=None, max_text_bytes=1 << 20)
    assert pipeline_id(value, derived_id) == normalized.id == derived_id("Floods hit Riverton.")


def test_messages_normalize_will_refuse_are_known_by_their_bytes():
    for value in (b"{broken", b"[1, 2]", b'{"title": "no text"}', b'{"id": 7, "text": "x"}', b'{"text": " "}'):
        assert pipeline_id(value, derived_id) is None
        item = resume_with().item_of(value)
        assert item.startswith("bytes-") and item == resume_with().item_of(value)
    assert resume_with().item_of(b"{broken") != resume_with().item_of(b"{broken!")


def test_ingested_ids_are_skipped_and_new_ones_not():
    resume = resume_with("a-1", derived_id("Floods hit Riverton."))
    assert resume.already(resume.item_of(b'{"id": "a-1", "text": "anything"}'))
    assert resume.already(resume.item_of(orjson.dumps({"text": "Floods hit Riverton."})))
    assert not resume.already(resume.item_of(b'{"id": "a-2", "text": "anything"}'))
    assert not resume.already(resume.item_of(b'{"text": "Storms in Jakarta."}'))


def test_an_id_sent_earlier_in_the_run_is_skipped_too():
    resume = resume_with()
    resume.sent.add("a-1")
    assert resume.already("a-1") and not resume.already("a-2")


def test_no_resume_skips_nothing():
    resume = resume_with("a-1", skip=False)
    resume.sent.add("a-2")
    assert not resume.already("a-1") and not resume.already("a-2")


def test_summary_line():
    report = IngestReport(read=12, published=9, skipped=3)
    assert report.summary() == "read 12, published 9, skipped 3 already ingested, 0 not published"
    report.unrecorded = 2
    assert report.summary().endswith(", 0 not published, 2 not recorded as ingested")
