"""The rule data of newsmon_entities for one language: person rules and the small words of names
(data/person_rules.json), district cues (data/place_names.json, district_cues)."""

from __future__ import annotations

from dataclasses import dataclass

from newsmon.nlp.phrases import Tokenize, split_on_spaces
from newsmon.nlp.resources import load_json


def _lengths_by_first_word(phrases: frozenset[tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    """first word -> the lengths of the phrases it opens, longest first (for longest-match lookup)."""
    lengths: dict[str, set[int]] = {}
    for phrase in phrases:
        lengths.setdefault(phrase[0], set()).add(len(phrase))
    return {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}


@dataclass(frozen=True)
class PersonRules:
    """The person rules of one language, and the small words of names."""

    cues: frozenset[tuple[str, ...]]
    cue_lengths: dict[str, tuple[int, ...]]  # first word -> cue lengths, longest first
    honorifics: frozenset[str]
    role_words: frozenset[str]
    org_heads: frozenset[str]
    blocked_words: frozenset[str]  # never part of a name: not-name words, org heads, cues, roles
    stop_words: frozenset[str]  # not part of a name unless a cue introduces it
    name_particles: frozenset[str]
    page_furniture: frozenset[str]  # never part of any entity name ("Tautan Sumber", "Baca juga")
    sequence_persons: bool
    list_conjunctions: frozenset[str]  # words that join two names into a list ("Kiev and Kharkiv")
    # The words of every language, whatever the article's: names keep their own language's words
    # ("Rio de Janeiro", "Frankfurt am Main" in an English article), and Indonesian articles write
    # the English possessive ("Chrisye's").
    name_connectors: frozenset[str]  # lower-case words inside names ("Port-au-Prince")
    abbreviations_ending_names: frozenset[str]  # their full stop belongs to the name ("Jr.", "F.C.")
    possessives: tuple[str, ...]  # possessive endings ("Kyiv 's"), in the data's order

    @classmethod
    def for_language(cls, lang: str, stop_words: frozenset[str], tokenize: Tokenize = split_on_spaces) -> PersonRules:
        data = load_json("person_rules.json")
        rules = data.get(lang) or data["xx"]
        languages = [entry for key, entry in data.items() if not key.startswith("_")]

        def every_language(key: str) -> tuple[str, ...]:
            """The words that any language's entry lists under `key`, in the file's order."""
            return tuple(dict.fromkeys(w for entry in languages for w in entry[key]))

        cues = frozenset(tokenize(c) for c in rules["cues"])
        role_words = frozenset(w.lower() for w in rules["role_words"])
        org_heads = frozenset(w.lower() for h in rules["org_heads"] for w in h.split())
        page_furniture = frozenset(w.lower() for w in rules["page_furniture"])
        blocked = (
            frozenset(w.lower() for w in rules["not_name_words"])
            | page_furniture
            | org_heads
            | role_words
            | frozenset(c[0] for c in cues if len(c) == 1)
            | frozenset(h.lower() for h in rules["honorifics"])
        )
        return cls(
            cues=cues,
            cue_lengths=_lengths_by_first_word(cues),
            honorifics=frozenset(rules["honorifics"]),
            role_words=role_words,
            org_heads=org_heads,
            blocked_words=blocked,
            stop_words=stop_words,
            name_particles=frozenset(rules["name_particles"]),
            page_furniture=page_furniture,
            sequence_persons=bool(rules["sequence_persons"]),
            list_conjunctions=frozenset(rules["list_conjunctions"]),
            name_connectors=frozenset(every_language("name_connectors")),
            abbreviations_ending_names=frozenset(every_language("abbreviations_ending_names")),
            possessives=every_language("possessives"),
        )


@dataclass(frozen=True)
class DistrictRules:
    """The cues of district, neighbourhood and village names (data/place_names.json, district_cues)."""

    before: frozenset[tuple[str, ...]]
    before_lengths: dict[str, tuple[int, ...]]  # first word -> cue lengths, longest first
    after: frozenset[str]
    joiners: frozenset[str]
    links: frozenset[str]
    link_fillers: frozenset[str]
    appositive_articles: frozenset[str]
    part_of_city: frozenset[str]
    possessive: bool
    cue_in_mention: bool  # "Desa Bolonan": the mention starts at the cue (the canonical name does not)
    not_names: frozenset[str]

    @classmethod
    def for_language(cls, lang: str, tokenize: Tokenize = split_on_spaces) -> DistrictRules:
        data = load_json("place_names.json")["district_cues"]
        rules = data.get(lang) or data["xx"]
        before = frozenset(tokenize(c) for c in rules["before"])

        def words(key: str) -> frozenset[str]:
            return frozenset(w.lower() for w in rules[key])

        return cls(
            before=before,
            before_lengths=_lengths_by_first_word(before),
            after=words("after"),
            joiners=words("joiners"),
            links=words("links"),
            link_fillers=words("link_fillers"),
            appositive_articles=words("appositive_articles"),
            part_of_city=words("part_of_city"),
            possessive=bool(rules["possessive"]),
            cue_in_mention=bool(rules["cue_in_mention"]),
            not_names=words("not_names"),
        )
