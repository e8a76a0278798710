"""The keys an enriched article counts for, each once, however often the text names it.

place:<geonameid>            a resolved place (a LOC entity whose place has a GeoNames id)
place:name:<name>            a place without a GeoNames id, by its resolved or canonical name, case-folded
entity:PER:<canonical>       a person, by canonical name
entity:ORG:<canonical>       an organisation, by canonical name
topic:<IPTC code>            the article's leading topic (the first, best scored)
"""

from __future__ import annotations

from newsmon.records import EnrichedArticle, Entity, IsoTime, Mention, SpikeKind


def _spaced(text: str) -> str:
    return " ".join(text.split())


def entity_key(entity: Entity) -> tuple[str, SpikeKind, str] | None:
    """(key, kind, label) of an entity, or None for one that names nothing."""
    if entity.label == "LOC":
        place = entity.place
        if place is not None and place.geonameid is not None:
            return f"place:{place.geonameid}", "place", place.name
        name = _spaced(place.name if place is not None else entity.canonical)
        return (f"place:name:{name.casefold()}", "place", name) if name else None
    name = _spaced(entity.canonical)
    return (f"entity:{entity.label}:{name}", "entity", name) if name else None


def mentions_of(article: EnrichedArticle, observed_at: IsoTime) -> list[Mention]:
    """One Mention per key of the article, in the order the text first names them, its topic last."""
    found: dict[str, Mention] = {}
    for entity in article.entities:
        keyed = entity_key(entity)
        if keyed is not None and keyed[0] not in found:
            key, kind, label = keyed
            found[key] = Mention(key=key, kind=kind, label=label, article_id=article.id, observed_at=observed_at)
    if article.topics:
        topic = article.topics[0]
        key = f"topic:{topic.code}"
        found[key] = Mention(key=key, kind="topic", label=topic.label, article_id=article.id, observed_at=observed_at)
    return list(found.values())
