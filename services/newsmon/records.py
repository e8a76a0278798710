"""One record type per topic. `schemas/<topic>.schema.json` is generated from these
models (`newsmon schemas write`) and a test keeps the two identical."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from newsmon import topics
from newsmon.urls import SAFE_URL_PATTERN, require_safe_url

IsoTime = str  # RFC 3339 date-time, UTC, e.g. 2026-11-24T19:21:32.123456Z
# A link a person may click: absolute http or https with a host (newsmon.urls); normalize drops others.
SafeUrl = Annotated[
    str,
    Field(pattern=SAFE_URL_PATTERN, description="absolute http or https URL with a host"),
    AfterValidator(require_safe_url),
]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class RawArticle(_Record):
    """What a source publishes to news.articles.raw."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=True)

    text: str = Field(min_length=1, description="article body, plain text")
    id: str | None = Field(
        None, min_length=1, max_length=512, description="the source's id; derived from the content when absent"
    )
    title: str | None = None
    url: str | None = None
    source: str | None = Field(None, description="name of the feed, file or site")
    published: str | None = Field(None, description="publication time as the source gave it")
    language: str | None = Field(None, description="language hint from the source (ISO 639-1)")


class ArticleCore(_Record):
    id: str
    text: str
    title: str | None = None
    url: SafeUrl | None = None
    source: str | None = None
    published: str | None = None
    language: str = Field(description="ISO 639-1 code, 'und' when unknown")
    language_score: float = Field(ge=0, le=1)
    fingerprint: str = Field(description="hash of the normalised text; equal for duplicates")
    ingested_at: IsoTime | None = Field(None, description="timestamp of the raw Kafka message")
    raw_position: str | None = Field(None, description="partition/offset of the message in news.articles.raw")
    notes: list[str] = Field(
        default_factory=list,
        description="what normalize dropped or replaced, for a person, e.g. \"url dropped: scheme 'javascript' "
        'is not http or https"',
    )


class NormalizedArticle(ArticleCore):
    """news.articles.normalized: valid, language-tagged, keyed by fingerprint."""

    normalized_at: IsoTime


class Place(_Record):
    geonameid: int | None = None
    name: str
    country_code: str | None = Field(None, min_length=2, max_length=2)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    feature: Literal["country", "city", "region"]
    relation: Literal["enclosing"] | None = Field(
        None,
        description="'enclosing': the mention is a district or neighbourhood inside this place, as the text "
        "says; absent: the mention is this place",
    )


class Entity(_Record):
    text: str = Field(description="the mention as written")
    label: Literal["PER", "LOC", "ORG"]
    start: int = Field(ge=0, description="character offset into the article text")
    end: int = Field(ge=1, description="exclusive character offset; text == article.text[start:end]")
    canonical: str = Field(description="one name for all spellings of the entity")
    place: Place | None = Field(None, description="for LOC: where it is, when resolved")
    watchlist_id: str | None = Field(None, description="the watchlist entry (NEWSMON_WATCHLIST_PATH) this entity is")


class Topic(_Record):
    code: str = Field(pattern=r"^medtop:\d{8}$", description="IPTC Media Topic")
    label: str
    score: float = Field(ge=0, le=1)
    evidence: list[str] = Field(default_factory=list, description="rule combinations and terms that matched")


FactKind = Literal["killed", "injured", "missing", "drones", "missiles"]


class Fact(_Record):
    kind: FactKind
    number: int = Field(ge=0)
    lower_bound: bool = Field(description="the text says 'at least' (setidaknya, more than, ...)")
    text: str = Field(description="the span the number was read from")
    start: int = Field(ge=0)
    end: int = Field(ge=1)
    qualifier: str | None = Field(None, description="for weapons: launched, intercepted, ...")


class EnrichedArticle(ArticleCore):
    """news.articles.enriched."""

    entities: list[Entity]
    topics: list[Topic] = Field(description="best first")
    facts: list[Fact]
    ner_model: str = Field(description="which entity extractor ran")
    enriched_at: IsoTime


Severity = Literal["low", "medium", "high", "critical"]


class Count(_Record):
    number: int = Field(ge=0)
    lower_bound: bool


class AlertPlace(_Record):
    name: str
    geonameid: int | None = None
    country_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class AlertFact(_Record):
    """A figure the alert rests on, where it was read."""

    kind: FactKind
    number: int = Field(ge=0)
    lower_bound: bool
    text: str = Field(description="the span the number was read from")
    article_id: str


class AlertEvidence(_Record):
    """Why the rule holds: what it matched, in which articles."""

    matched: list[str] = Field(default_factory=list, description="the rule's conditions that held")
    terms: list[str] = Field(default_factory=list, description="the rule's terms found in the articles")
    facts: list[AlertFact] = Field(default_factory=list)
    places: list[AlertPlace] = Field(default_factory=list, description="the places a place condition matched")


class Alert(_Record):
    """news.alerts, compacted by alert_id: one alert per rule and story, the latest version last."""

    alert_id: str = Field(description="stable: the same rule and story give the same id")
    version: int = Field(1, ge=1, description="grows when the content changes: a source, a toll, a place")
    rule: str
    severity: Severity
    headline: str = Field(description="one line for a person")
    story_id: str | None = Field(None, description="the story (news.stories) the alert is about")
    article_id: str = Field(description="the article that brought this version")
    article_ids: list[str] = Field(default_factory=list, description="the story's articles, oldest first")
    sources: list[str] = Field(default_factory=list, description="the sources that reported the story")
    evidence: AlertEvidence = Field(default_factory=AlertEvidence)
    first_seen: IsoTime | None = Field(None, description="when the story's first article came in")
    title: str | None = None
    url: SafeUrl | None = None
    language: str = Field(description="ISO 639-1 of the article that brought this version; 'und' for a spike")
    topic: Topic | None = Field(None, description="absent for a spike of a place or a name")
    places: list[AlertPlace]
    persons: list[str]
    organisations: list[str]
    killed: Count | None = None
    injured: Count | None = None
    missing: Count | None = None
    published: str | None = None
    ingested_at: IsoTime | None = None
    created_at: IsoTime


class StoryPlace(_Record):
    """A place where a story's event happened (newsmon/stories/where.py): a city, its districts placed at it."""

    name: str
    geonameid: int | None = Field(None, description="GeoNames id; absent for a region placed at its main city")
    country_code: str | None = Field(None, min_length=2, max_length=2)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    feature: Literal["country", "city", "region"]
    districts: list[str] = Field(default_factory=list, description="districts of this city the reports name")
    articles: int = Field(ge=1, description="how many of the story's articles place the event here")


class StoryCount(_Record):
    number: int = Field(ge=0)
    lower_bound: bool = Field(description="'at least': the report gives a minimum")
    article_id: str = Field(description="the article that reported this figure")


class StoryTopic(_Record):
    code: str = Field(pattern=r"^medtop:\d{8}$", description="IPTC Media Topic")
    label: str
    articles: int = Field(ge=1, description="how many of the story's articles lead with this topic")


class Story(_Record):
    """news.stories, compacted: the current state of one event's story, reported by one or more articles."""

    story_id: str = Field(description="stable: the id of the story's first article, hashed")
    bucket: str = Field(description="the partition key its articles share: a country code, or 'lang:<code>'")
    article_ids: list[str] = Field(min_length=1, description="the latest articles, oldest first (at most 1000)")
    article_count: int = Field(ge=1)
    sources: list[str]
    languages: list[str]
    first_seen: IsoTime = Field(description="the earliest article's ingest time")
    last_seen: IsoTime = Field(description="the latest article's ingest time")
    places: list[StoryPlace] = Field(description="where it happened, most reported first")
    killed: StoryCount | None = None
    injured: StoryCount | None = None
    missing: StoryCount | None = None
    topic: StoryTopic | None = Field(None, description="the topic most of its articles lead with")
    updated_at: IsoTime


SpikeKind = Literal["place", "entity", "topic"]


class Mention(_Record):
    """news.mentions, keyed by `key`: one article counts once for one key (newsmon/spikes/keys.py)."""

    key: str = Field(min_length=1, description="what is counted, e.g. 'place:703448', 'entity:PER:…', 'topic:medtop:…'")
    kind: SpikeKind
    label: str = Field(description="the key's name for a person")
    article_id: str
    observed_at: IsoTime = Field(description="when newsmon first saw the article; the message's timestamp too")


class Spike(_Record):
    """news.spikes, compacted, keyed by '<key>@<window_start>': a key mentioned far more than usual."""

    key: str
    kind: SpikeKind
    label: str
    count: int = Field(ge=1, description="articles mentioning the key in the window when it fired")
    baseline_mean: float = Field(ge=0, description="mean count of the previous windows (before the floor)")
    factor: float = Field(description="the rule's factor: count was at least factor x max(baseline_mean, floor)")
    window_start: IsoTime
    window_end: IsoTime = Field(description="exclusive")
    article_ids: list[str] = Field(description="the first articles counted in the window")


DeadLetterReason = Literal[
    "undecodable_bytes",
    "invalid_json",
    "not_an_object",
    "missing_text",
    "empty_text",
    "wrong_type",
    "text_too_large",
    "schema_violation",
    "processing_error",
    "nlp_error",
    "processing_timeout",
    "delivery_failed",
]


Stage = Literal["normalize", "enrich", "alert", "deliver"]
STAGES: tuple[Stage, ...] = get_args(Stage)  # the worker's stages; ingest is a client, never scraped


class DeadLetter(_Record):
    """news.deadletter: a message newsmon could not process, kept whole (a huge one: its first bytes)."""

    reason: DeadLetterReason
    error: str = Field(description="what was wrong, for a person")
    stage: Stage
    source_topic: str
    source_partition: int = Field(ge=0)
    source_offset: int = Field(ge=0)
    original_base64: str = Field(description="the original message value, base64")
    original_size: int | None = Field(
        None,
        ge=0,
        description="set only when the original was too large to keep whole: its size in bytes; "
        "original_base64 then holds its first bytes",
    )
    received_at: IsoTime


class SeenItem(_Record):
    """news.sources.seen: one item a source published, so that a restarted source skips it."""

    source: str = Field(min_length=1, description="the feed's name, or `files` for newsmon ingest")
    item: str = Field(min_length=1, description="the item's key within its source: feed guid or link, article id")
    article_id: str = Field(min_length=1, description="id of the article published for it")
    url: str | None = None
    seen_at: IsoTime


RECORD_BY_TOPIC: dict[str, type[_Record]] = {
    topics.RAW: RawArticle,
    topics.NORMALIZED: NormalizedArticle,
    topics.UNIQUE: NormalizedArticle,
    topics.ENRICHED: EnrichedArticle,
    topics.ALERTS: Alert,
    topics.STORIES: Story,
    topics.DEADLETTER: DeadLetter,
    topics.MENTIONS: Mention,
    topics.SPIKES: Spike,
    topics.SOURCES_SEEN: SeenItem,
}
