"""Properties of the rule engine: on any valid enriched article, `evaluate` never raises, and
every alert it raises encodes and follows schemas/news.alerts.schema.json."""

from hypothesis import given, settings as hsettings, strategies as st
from support import assert_valid

from newsmon import topics
from newsmon.alerts.rules import evaluate
from newsmon.contracts import encode
from newsmon.records import EnrichedArticle, Entity, Fact, Place, Topic

NAMES = st.text(st.characters(codec="utf-8"), min_size=1, max_size=20)
SCORES = st.floats(0, 1, allow_nan=False)
PLACES = st.builds(
    Place,
    geonameid=st.none() | st.integers(0, 2**31),
    name=NAMES,
    country_code=st.none() | st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    latitude=st.floats(-90, 90),
    longitude=st.floats(-180, 180),
    feature=st.sampled_from(["country", "city", "region"]),
    relation=st.sampled_from([None, "enclosing"]),
)
ENTITIES = st.builds(
    Entity,
    text=NAMES,
    label=st.sampled_from(["PER", "LOC", "ORG"]),
    start=st.integers(0, 10_000),
    end=st.integers(1, 10_000),
    canonical=NAMES | st.sampled_from(["Kyiv", "Kharkiv", "Jakarta"]),
    place=st.none() | PLACES,
    watchlist_id=st.none() | NAMES,
)
CASUALTY_TOPICS = ("medtop:16000000", "medtop:03000000", "medtop:02000000")
TOPIC_CODES = st.sampled_from(CASUALTY_TOPICS) | st.integers(0, 99_999_999).map("medtop:{:08d}".format)
TOPICS = st.builds(Topic, code=TOPIC_CODES, label=NAMES, score=SCORES, evidence=st.lists(NAMES, max_size=3))
FACTS = st.builds(
    Fact,
    kind=st.sampled_from(["killed", "injured", "missing", "drones", "missiles"]),
    number=st.integers(0, 10**10),
    lower_bound=st.booleans(),
    text=NAMES,
    start=st.integers(0, 10_000),
    end=st.integers(1, 10_000),
    qualifier=st.none() | NAMES,
)
ARTICLES = st.builds(
    EnrichedArticle,
    id=NAMES,
    text=st.text(min_size=1, max_size=200),
    title=st.none() | NAMES,
    url=st.sampled_from([None, "https://example.org/a", "HTTP://example.org:8080/b?c#d", "https://[2001:db8::1]/"]),
    source=st.none() | NAMES,
    published=st.none() | NAMES,
    language=st.sampled_from(["id", "en", "xx", "und", "ar"]),
    language_score=SCORES,
    fingerprint=st.text("0123456789abcdef", min_size=32, max_size=32),
    ingested_at=st.none() | st.just("2026-12-01T08:00:00.000000Z"),
    notes=st.lists(NAMES, max_size=2),
    entities=st.lists(ENTITIES, max_size=8),
    topics=st.lists(TOPICS, max_size=4),
    facts=st.lists(FACTS, max_size=6),
    ner_model=NAMES,
    enriched_at=st.just("2026-12-01T08:00:01.000000Z"),
)


@hsettings(max_examples=300, deadline=None)
@given(ARTICLES)
def test_alert_rules_property_any_valid_article(article):
    for alert in evaluate(EnrichedArticle.model_validate_json(encode(article))):
        record = assert_valid(topics.ALERTS, encode(alert))
        assert record["article_id"] == article.id
        assert record.get("url") == article.url


@hsettings(max_examples=100, deadline=None)
@given(ARTICLES, st.sampled_from(CASUALTY_TOPICS), st.integers(1, 10**10))
def test_alert_rules_property_casualty_articles_always_alert(article, code, killed):
    # The text is one word: no other time, no history term, can be around the count.
    article = article.model_copy(update={
        "text": "Killed.", "title": None,
        "topics": [Topic(code=code, label="casualties", score=1.0)],
        "facts": [Fact(kind="killed", number=killed, lower_bound=False, text="k", start=0, end=1)],
    })
    [alert] = [a for a in evaluate(article) if a.rule == "casualties"]
    assert_valid(topics.ALERTS, encode(alert))
    assert alert.killed is not None and alert.killed.number == killed
