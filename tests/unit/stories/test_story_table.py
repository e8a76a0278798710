"""The story table's keys (newsmon/stream/stories.py): "<bucket>/<story id>", partitioned and expired by
the bucket, the key of the enriched records the stories come from."""

from __future__ import annotations

import asyncio

import faust

from newsmon.stories.state import ArticleFeatures, new_story, with_article
from newsmon.stream.expiry import expired_keys, key_partition, key_partitioned_table
from newsmon.stream.stories import BucketIndex, bucket_of, bucket_stories, story_key


def test_story_table_entries_go_to_their_buckets_partition():
    app = faust.App("newsmon-test-story-table", store="memory://", autodiscover=False)
    table = key_partitioned_table(app, "stories", 6, "test", routing_key=bucket_of)
    for bucket in ("UA", "ID", "lang:de"):
        for story_id in ("0" * 20, "f769887a8dcb4b2a1f38"):
            key = story_key(bucket, story_id)
            assert bucket_of(key) == bucket.encode()
            assert table.partition_for_key(key) == key_partition(bucket.encode(), 6)


def test_story_table_sweep_expires_by_the_buckets_partition_and_last_report():
    def last_epoch(value):
        return value["last_epoch"]

    old, fresh = {"last_epoch": 10.0}, {"last_epoch": 95.0}
    entries = [(story_key("UA", "a"), old), (story_key("UA", "b"), fresh), (story_key("ID", "c"), old)]
    owned = {key_partition(b"UA", 6)}
    assert key_partition(b"ID", 6) not in owned, "the test needs the buckets in two partitions"
    expired = expired_keys(entries, 100.0, 60.0, last_epoch, partitions=6, owned=owned, routing_key=bucket_of)
    assert expired == [story_key("UA", "a")]


def story(article_id: str, bucket: str):
    features = ArticleFeatures(article_id=article_id, source="s", language="en", epoch=100.0, bucket=bucket,
                               places=(), entities=frozenset(), counts={}, topic=None, signature="")
    return new_story(features, "2026-11-24T02:30:00Z")


def test_story_table_lookup_reads_only_the_buckets_stories():
    ua, other = story("a", "UA"), story("b", "UAX")
    entries = [(story_key("UA", ua.story_id), ua.to_json()), (story_key("UAX", other.story_id), other.to_json()),
               (story_key("UA", "broken"), {"not": "a story"})]
    assert bucket_stories(entries, "UA") == [ua]
    assert bucket_stories(entries, "UAX") == [other]


def test_story_table_lookup_parses_a_story_again_only_when_it_changed():
    ua = story("a", "UA")
    key = story_key("UA", ua.story_id)
    parsed: dict = {}
    [first] = bucket_stories([(key, ua.to_json())], "UA", parsed)
    [again] = bucket_stories([(key, ua.to_json())], "UA", parsed)
    assert again is first  # the same version: the parsed story is reused
    grown = with_article(ua, ArticleFeatures(article_id="b", source="t", language="id", epoch=101.0, bucket="UA",
                                             places=(), entities=frozenset(), counts={}, topic=None, signature=""),
                         "2026-11-24T02:31:00Z")
    [changed] = bucket_stories([(key, grown.to_json())], "UA", parsed)
    assert changed == grown and changed.article_ids == ("a", "b")


def test_bucket_index_gives_the_buckets_keys_in_the_table_s_order_and_follows_the_table():
    # a table write queues a changelog send, which needs a loop: run inside one, as the worker does,
    # rather than lean on whichever loop an earlier test left behind
    asyncio.run(bucket_index_follows_the_table())


async def bucket_index_follows_the_table():
    app = faust.App("newsmon-test-bucket-index", store="memory://", autodiscover=False)
    table = key_partitioned_table(app, "stories", 6, "test", routing_key=bucket_of)
    index = BucketIndex()
    written = [story_key(b, s) for b, s in (("UA", "a"), ("ID", "b"), ("UA", "c"), ("UAX", "d"), ("UA", "e"))]
    for key in written[:3]:
        table[key] = {"n": 1}  # before the first read: the index is built from the table
    assert index.keys_of(table, "UA") == [story_key("UA", "a"), story_key("UA", "c")]
    for key in written[3:]:
        table[key] = {"n": 1}
        index.added(key)
    table[written[0]] = {"n": 2}  # a story that changed keeps its place
    index.added(written[0])
    scanned = [k for k, _ in table.items() if bucket_of(k) == b"UA"]
    assert index.keys_of(table, "UA") == scanned == [story_key("UA", s) for s in "ace"]
    assert index.keys_of(table, "UAX") == [story_key("UAX", "d")] and index.keys_of(table, "RU") == []

    del table[story_key("UA", "c")]  # a sweep: the size changed
    assert index.keys_of(table, "UA") == [story_key("UA", "a"), story_key("UA", "e")]
    table[story_key("RU", "f")] = {"n": 1}  # written by another path (a recovery), not told to the index
    assert index.keys_of(table, "RU") == [story_key("RU", "f")]
    del table[story_key("UA", "a")]
    table[story_key("UA", "g")] = {"n": 1}  # the same size after a rebalance: invalidate says so
    index.invalidate()
    assert index.keys_of(table, "UA") == [story_key("UA", "e"), story_key("UA", "g")]


def test_bucket_index_reads_a_plain_mapping_too():
    table = {story_key("UA", "a"): 1, story_key("ID", "b"): 2}
    index = BucketIndex()
    assert index.keys_of(table, "ID") == [story_key("ID", "b")]
    table[story_key("ID", "c")] = 3
    index.added(story_key("ID", "c"))
    assert index.keys_of(table, "ID") == [story_key("ID", "b"), story_key("ID", "c")]
