"""newsmon_entities: PER, LOC and ORG spans from gazetteers and capitalisation rules.

No statistical model: places and organisations come from the gazetteer (places.py), persons from
two rules — a role cue followed by capitalised words ("Presiden Rusia Vladimir Putin", "Mayor
Vitali Klitschko") and, where the language allows it, two or three capitalised words that do not
open a sentence and are not a known place or organisation. A name found once is then recognised
everywhere in the article, and a surname alone ("Putin") — or a first name no one else in the
article has ("Perry") — is linked to the full name.

Places: a one-word town smaller than SMALL_TOWN_POPULATION counts only when the article names its
country (surnames are towns somewhere), and a one-word city right before a surname is a first name
("Vladimir Putin"). Each LOC span carries its resolved place (places.resolve_place) or None.

Watchlist (places/watchlist.py, data/watchlist.jsonl or the pipeline's `watchlist_path`): its aliases are gazetteer
names that come before any other entry of the same spelling, so they are found in the same
longest-match pass as places and organisations. A watchlist person is a person from the start (a
role cue before it finds nothing more), a watchlist organisation an ORG; both carry the
watchlist's canonical name and `span._.newsmon_watchlist_id`. A statistical span never replaces a
watchlist match, except a longer organisation holding a watchlist one ("United Nations Security
Council"); a statistical PER or ORG spelled as an alias gets the alias's entry. In the linking of
repeated mentions a watchlist person seeds every spelling of its surname found in its aliases
("Klychko" after "Vitali Klitschko") and keeps its canonical name; a person linked to it takes the
watchlist id too. A surname that two people of the article share is linked to neither.

Districts: a district, neighbourhood or village the gazetteer lacks is a LOC when a cue names it
(data/place_names.json, district_cues: "distrik Darnytskyi", "kecamatan X dan Y", "the X district",
"X, a suburb of Y", "Stadtteil X", "quartier de X", "barrio de X"). Its canonical name is the name
without the cue (in Indonesian, which writes "Desa Bolonan" as one name, the mention includes the
cue). The text says which place encloses it, and the span's place is that place with
`relation="enclosing"`, only when:
  - a link joins the name to a gazetteer place: "distrik X di Kyiv", "kecamatan X, Jakarta", "the X
    district of Kyiv", "the X neighbourhood in Kharkiv", "X, a suburb of Kharkiv", "Stadtteil X in
    Kiew", "quartier de X à Kiev" (a few filler words may stand between: "di kota Bandung");
  - "Kyiv's X district" (English possessive);
  - or, for the cues that name a part of a city (distrik, kecamatan, district, neighbourhood,
    Stadtteil, quartier, barrio...; not villages or areas, which may lie outside it), the same
    sentence names exactly one city before the cue and no region or other city ("Pejabat Kyiv
    mengatakan ... di distrik X"); countries in the sentence do not count.
Otherwise the district is a LOC with no place: never a guess. A place the gazetteer knows stays that
place. A longer statistical LOC holding one district takes its enclosing place.

Page furniture: words of source links, read-also lines and bylines (person_rules.json,
page_furniture: "Tautan Sumber", "Baca juga", "Editor") are never part of a name; a statistical span
made of nothing else is dropped.

Statistical entities: when a trained spaCy `ner` ran before this component (enricher.py, for
languages with a model in newsmon/nlp/models/), its PER/LOC/ORG spans are merged with the rule
entities, which are found first and as before:
  - the rule that takes two or three capitalised words for a person is off (the model does that
    job better); role-cue persons, gazetteer places and organisations are found as before;
  - a statistical span that overlaps no rule entity is added (this is what fills the persons and
    organisations the rules miss);
  - a statistical span that overlaps rule entities replaces them only if it strictly contains
    every one of them (the longer span wins: "Bank Indonesia" ORG over the place "Indonesia",
    "Kabupaten Pati" LOC over "Pati", "Barack Obama" PER over the town "Obama", "Stephen R. Covey"
    over the cue person "Stephen R"), except that a rule (role-cue) person is replaced only by a
    statistical person, and a person span never swallows a place that opens it ("Rusia Vladimir
    Putin", "Kyiv Vitaliy Klitschko" stay a place and a person) unless it is a one-word city
    followed by one word, as the rules read "Paris Hilton"; same span, shorter or crossing: the
    rule entity is kept (so a gazetteer LOC, which carries coordinates, wins over a statistical LOC
    of the same span). A longer statistical LOC takes the resolved place (coordinates, canonical
    name) of the gazetteer place it contains, and is not taken when it contains two, nor is a span
    of another label in which "and" joins two places ("Ukraina Kyiv", "Attacks on Kiev and
    Kharkiv" stay two places);
  - a role-cue person whose head the model reads as an organisation or place and whose tail as a
    person shrinks to the model's person, and the organisation is taken ("Ketua Umum Partai Golkar
    Airlangga Hartarto": ORG "Partai Golkar", PER "Airlangga Hartarto");
  - the canonical name of a statistical entity is its surface text, whitespace collapsed and
    without a possessive "'s" and, for a person, without the role cues and honorifics that open
    it ("Mayor Brandon Johnson" -> "Brandon Johnson"); statistical persons then take part in the linking of repeated
    mentions, so a surname alone gets the full name seen in the article (a one-word statistical
    person does not seed that linking, nor does a statistical person's first name).
A statistical LOC or ORG made only of words of a person found in the article ("Putin" tagged LOC)
is dropped, so that the mention is linked to the person. Leading and trailing punctuation is
trimmed from statistical spans (not a ")" whose "(" is inside, nor the full stop of "Jr." or "Tbk."), and a statistical span that mixes capitalised words with
MAX_LOWER_CASE_NAME_WORDS or more lower-case words other than name connectors ("Russian drones hit
Kyiv overnight", "The Roma deal looks much better") has run on into the sentence and is dropped
(the rule entities inside it stay). All-lower-case spans are kept: web text writes names so. A
statistical span that opens a sentence with a word the language writes in lower case
(data/lowercase_words.json, built by training/lexicon.py from the NER data) is dropped when that
word is all of it ("Terjadi") or all but a rule entity ("Attacks on Kiev": the place stays), and
a trailing connector is trimmed ("Kiev and").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from newsmon.nlp.resources import load_json
from newsmon.nlp.phrases import Tokenize, lower_tokens, split_on_spaces
from newsmon.nlp.places.entries import GazetteerEntry, resolve_place
from newsmon.nlp.places.gazetteer import MAX_NAME_TOKENS, SMALL_TOWN_POPULATION, Gazetteer, load_gazetteer
from newsmon.nlp.places.names import fold_token
from newsmon.nlp.token_view import token_view

# Labels taken from a statistical `ner` that runs before this component.
STATISTICAL_LABELS = frozenset({"PER", "LOC", "ORG"})

if not Span.has_extension("newsmon_canonical"):
    Span.set_extension("newsmon_canonical", default=None)
if not Span.has_extension("newsmon_place"):
    Span.set_extension("newsmon_place", default=None)
if not Span.has_extension("newsmon_watchlist_id"):
    Span.set_extension("newsmon_watchlist_id", default=None)

# Words between a role cue and the name it introduces ("kepala pemerintahan militer Kyiv X").
MAX_CUE_FILLERS = 4
MAX_NAME_LENGTH = 4
# Abbreviations whose full stop belongs to the name ("Martin Luther King Jr.", "Barnsley F.C.").
_ABBREVIATIONS_ENDING_NAMES = frozenset("jr sr ltd inc co corp bros f.c a.f.c s.a plc tbk".split())
# Words that join two names into a list, not into one name ("Kiev and Kharkiv").
_CONJUNCTIONS = frozenset("and or dan atau und oder et ou y o e".split())
# Names carry at most one lower-case word besides connectors ("Santa Marta sabrewing", "Mount
# Druitt station"); a model span with two has run on into the sentence.
MAX_LOWER_CASE_NAME_WORDS = 2
MAX_DISTRICT_NAME_LENGTH = 4
# Words between a link and the enclosing place ("di kota Kyiv", "of the city of Kyiv").
MAX_LINK_FILLERS = 3
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’\-.]*$")
_OPENING_PUNCT = frozenset("\"'“”‘’«»„‹›([{-–—•*")
# Lower-case words that occur inside place and organisation names (Port-au-Prince, Bosnia dan
# Herzegovina, Committee of the Red Cross, Rio de Janeiro, Frankfurt am Main).
_NAME_CONNECTORS = frozenset(
    "of the and for on upon dan untuk de del la le les las los da do dos das di du des al el au aux "
    "sur en y et und am an im bin -".split()
)


def _lengths_by_first_word(phrases: frozenset[tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    """first word -> the lengths of the phrases it opens, longest first (for longest-match lookup)."""
    lengths: dict[str, set[int]] = {}
    for phrase in phrases:
        lengths.setdefault(phrase[0], set()).add(len(phrase))
    return {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}


@dataclass(frozen=True)
class PersonRules:
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

    @classmethod
    def for_language(
        cls, lang: str, stop_words: frozenset[str], tokenize: Tokenize = split_on_spaces
    ) -> PersonRules:
        data = load_json("person_rules.json")
        rules = data.get(lang) or data["xx"]
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


@dataclass
class _Tokens:
    """Per-document views of the tokens that every rule reads."""

    text: list[str]
    lower: list[str]
    folded: list[str]
    trailing_space: list[bool]
    is_space: list[bool]
    sentence_initial: list[bool]
    sentence: list[int]  # index of the sentence (or heading line) each token is in
    lowercase_words: set[str]  # words the article itself writes in lower case

    @classmethod
    def of(cls, doc: Doc) -> _Tokens:
        view = token_view(doc)
        initial = [False] * len(view)
        at_start = True
        for i, text in enumerate(view.text):
            if view.sent_start[i]:
                at_start = True
            if view.is_space[i]:
                if "\n" in text:
                    at_start = True  # a paragraph or a heading line starts here
                continue
            if at_start and (text[0] in _OPENING_PUNCT or view.is_punct[i]):
                continue
            initial[i] = at_start
            at_start = False
        sentence: list[int] = []
        number, starts = -1, True
        for i, text in enumerate(view.text):
            if view.sent_start[i] or (i > 0 and view.is_space[i - 1] and "\n" in view.text[i - 1]):
                starts = True
            if starts and not view.is_space[i]:
                number, starts = number + 1, False
            sentence.append(max(number, 0))
        return cls(
            text=view.text,
            lower=view.lower,
            folded=[fold_token(s) for s in view.text],
            trailing_space=view.trailing_space,
            is_space=view.is_space,
            sentence_initial=initial,
            sentence=sentence,
            lowercase_words={s for s in view.text if s.islower()},
        )


@dataclass
class _Match:
    start: int
    end: int
    label: str
    canonical: str
    entry: GazetteerEntry | None = None
    statistical: bool = False  # found by the statistical model
    watchlist_id: str | None = None  # a watchlist person or organisation
    district: bool = False  # a district, neighbourhood or village named by a cue, not in the gazetteer
    enclosing: _Match | None = None  # for a district: the place the text says it lies in


class EntityRecognizer:
    def __init__(
        self,
        lang: str,
        stop_words: frozenset[str],
        tokenize: Tokenize = split_on_spaces,
        gazetteer: Gazetteer | None = None,
        statistical_ner: bool = False,
    ) -> None:
        self.lang = lang
        # A statistical `ner` runs before this component: it replaces the capitalised-run rule.
        self.statistical_ner = statistical_ner
        self.rules = PersonRules.for_language(lang, frozenset(w.lower() for w in stop_words), tokenize)
        self.districts = DistrictRules.for_language(lang, tokenize)
        self.gazetteer = gazetteer or load_gazetteer()
        # Words of the language written in lower case (training/lexicon.py, built from the NER data).
        self.lowercase_words = frozenset(load_json("lowercase_words.json").get(lang, ()))

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        # Entities a statistical `ner` set before this component (none in a rules-only pipeline).
        statistical = [s for s in doc.ents if s.label_ in STATISTICAL_LABELS]
        tokens = _Tokens.of(doc)
        known = self._gazetteer_matches(tokens)
        taken = [False] * len(doc)
        for m in known:
            for i in range(m.start, m.end):
                taken[i] = True
        # Watchlist persons are persons from here on; watchlist organisations stay with the others.
        watched = [m for m in known if m.label == "PER"]
        known = [m for m in known if m.label != "PER"]
        known = self._drop_small_towns_out_of_context(known, taken)
        known = self._release_first_name_cities(tokens, known, taken)
        persons = watched + self._cue_persons(tokens, known, taken)
        known += self._districts(tokens, known, taken)
        if self.rules.sequence_persons and not self.statistical_ner:
            persons += self._sequence_persons(tokens, taken)
        known = [m for m in known if not self._is_person_word(tokens, m, persons, taken)]
        if statistical:
            known, persons = self._merge_statistical(tokens, statistical, known, persons, taken)
            known = [m for m in known if not self._is_person_word(tokens, m, persons, taken)]
        persons += self._repeated_persons(tokens, persons, taken)
        spans = self._spans(doc, known + persons)
        doc.ents = filter_spans(spans)
        return doc

    # -- gazetteer ------------------------------------------------------------------------------
    def _gazetteer_matches(self, tokens: _Tokens) -> list[_Match]:
        matches: list[_Match] = []
        n = len(tokens.text)
        max_chars = self.gazetteer.max_chars
        i = 0
        while i < n:
            first = tokens.text[i]
            if tokens.is_space[i] or not first[:1].isupper():
                i += 1
                continue
            best: tuple[int, GazetteerEntry] | None = None
            raw, folded = "", ""
            for j in range(i, min(n, i + MAX_NAME_TOKENS)):
                if tokens.is_space[j]:
                    break
                if j > i and tokens.text[j].islower() and tokens.lower[j] not in _NAME_CONNECTORS:
                    break  # names are capitalised words, with a few small joining words
                raw += tokens.text[j]
                folded += tokens.folded[j]
                if len(raw) > max_chars:
                    break
                entry = self.gazetteer.lookup(raw, folded, self.lang)
                if entry is not None:
                    best = (j + 1, entry)
                if not tokens.trailing_space[j]:
                    continue
                raw += " "
                folded += " "
            if best is None:
                i += 1
                continue
            end, entry = best
            # A lone capitalised word opening a sentence is a place only if the article never
            # writes it in lower case (keeps "Nice weather ..." or "Sumber ..." out).
            if end - i == 1 and tokens.sentence_initial[i] and tokens.lower[i] in tokens.lowercase_words:
                i += 1
                continue
            matches.append(_Match(i, end, entry.label, entry.canonical, entry, watchlist_id=entry.watchlist_id))
            i = end
        return matches

    def _lookup(self, tokens: _Tokens, start: int, end: int) -> GazetteerEntry | None:
        """The gazetteer entry of tokens [start, end) as one name, spelled as _gazetteer_matches
        builds it."""
        raw = folded = ""
        for k in range(start, end):
            raw += tokens.text[k]
            folded += tokens.folded[k]
            if tokens.trailing_space[k] and k + 1 < end:
                raw += " "
                folded += " "
        if len(raw) > self.gazetteer.max_chars:
            return None
        return self.gazetteer.lookup(raw, folded, self.lang)

    @staticmethod
    def _drop_small_towns_out_of_context(known: list[_Match], taken: list[bool]) -> list[_Match]:
        kept = []
        for m in known:
            if m.entry is not None and m.label == "LOC" and m.end - m.start == 1:
                cities = [c for c in m.entry.candidates if c.feature == "city"]
                if len(cities) == len(m.entry.candidates) and max(c.population for c in cities) < SMALL_TOWN_POPULATION:
                    # the country must come from another place: a town is no context for itself
                    countries = _context_countries([o for o in known if o.entry is not m.entry])
                    if not any(c.country_code in countries for c in cities):
                        taken[m.start] = False
                        continue
            kept.append(m)
        return kept

    @staticmethod
    def _is_one_word_city(m: _Match) -> bool:
        return _is_one_word_city(m)

    def _is_person_word(self, tokens: _Tokens, m: _Match, persons: list[_Match], taken: list[bool]) -> bool:
        """A one-word city that is also the first or last word of a person found in this article
        ("Perry" after "Perry Warjiyo") is that person, not the place: free it for linking."""
        if not self._is_one_word_city(m):
            return False
        word = tokens.text[m.start]
        for p in persons:
            if p.end - p.start >= 2 and word in (tokens.text[p.start], tokens.text[p.end - 1]):
                taken[m.start] = False
                return True
        return False

    def _release_first_name_cities(self, tokens: _Tokens, known: list[_Match], taken: list[bool]) -> list[_Match]:
        """A one-word city directly followed by exactly one name word is a first name and a
        surname ("Vladimir Putin", "Paris Hilton"), not a place; before two name words it is a
        place qualifying the name ("Walikota Kyiv Vitaliy Klitschko")."""
        kept = []
        for m in known:
            if self._is_one_word_city(m) and tokens.trailing_space[m.start]:
                after = m.end
                if after < len(tokens.text) and self._name_run(tokens, after, taken) == after + 1:
                    taken[m.start] = False
                    continue
            kept.append(m)
        return kept

    # -- districts ----------------------------------------------------------------------------------
    def _districts(self, tokens: _Tokens, known: list[_Match], taken: list[bool]) -> list[_Match]:
        """Districts, neighbourhoods and villages that a cue names and the gazetteer lacks (module
        docstring: "Districts"). Marks their tokens taken."""
        rules = self.districts
        places = {m.start: m for m in known if m.label == "LOC" and m.entry is not None}
        found: list[_Match] = []
        n = len(tokens.text)
        i = 0
        while i < n:
            if taken[i] or tokens.is_space[i]:
                i += 1
                continue
            mention_start = None  # where the first mention starts, when before its name ("Desa X")
            mention_end = None  # where the last mention ends, when past its name ("X District")
            cue_end = self._district_cue_at(tokens, i)
            names = self._names_after_cue(tokens, cue_end, taken) if cue_end > i else []
            if names:  # "distrik Svyatoshynkyi dan Darnytskyi", "quartier de la Goutte"
                enclosing = self._linked_place(tokens, names[-1][1], places)
                part_of_city = tokens.lower[i] in rules.part_of_city
                if rules.cue_in_mention:
                    mention_start = i
            elif tokens.lower[i] in rules.after and i > 0:  # "the Obolon district", "Irpin, a suburb of"
                name_end = i
                if tokens.lower[i - 1] in rules.appositive_articles and i > 1 and tokens.text[i - 2] == ",":
                    name_end = i - 2
                start = self._name_start_before(tokens, name_end, taken)
                if start == name_end:
                    i += 1
                    continue
                names = [(start, name_end)]
                enclosing = self._linked_place(tokens, i + 1, places) or self._possessive_place(tokens, start, places)
                part_of_city = tokens.lower[i] in rules.part_of_city
                if name_end == i and tokens.text[i][:1].isupper():
                    mention_end = i + 1  # "Obolon District": the cue written as part of the name
            else:
                i += 1
                continue
            if enclosing is None and part_of_city:
                enclosing = self._city_earlier_in_sentence(tokens, i, known)
            for number, (start, end) in enumerate(names):
                first = mention_start if number == 0 and mention_start is not None else start
                stop = mention_end if number == len(names) - 1 and mention_end is not None else end
                canonical = _join(tokens, start, end)
                found.append(_Match(first, stop, "LOC", canonical, district=True, enclosing=enclosing))
                for k in range(first, stop):
                    taken[k] = True
            i = max(i + 1, mention_end or names[-1][1])
        return found

    def _district_cue_at(self, tokens: _Tokens, i: int) -> int:
        """End of a cue that comes before a district's name, or i when there is none."""
        for length in self.districts.before_lengths.get(tokens.lower[i], ()):
            if tuple(tokens.lower[i : i + length]) in self.districts.before:
                return i + length
        return i

    def _is_district_word(self, tokens: _Tokens, i: int, taken: list[bool], *, first: bool, joined: bool) -> bool:
        """Could token i be a word of a district's name? After its first word, compass and other
        words that are never a person's name may follow ("Pecherskyi Tengah", "Jakarta Selatan").
        A name after a joiner has no cue of its own: its first word must not be an ordinary word
        ("dan Sebelah timur")."""
        text = tokens.text[i]
        if taken[i] or tokens.is_space[i] or not text[:1].isupper() or not _NAME_WORD.match(text):
            return False
        lower = tokens.lower[i]
        if lower in self.rules.page_furniture or lower in self.rules.org_heads or text in self.rules.honorifics:
            return False
        if not first:
            return True
        if joined and (lower in self.rules.stop_words or lower in tokens.lowercase_words):
            return False
        return lower not in self.rules.blocked_words

    def _names_after_cue(self, tokens: _Tokens, start: int, taken: list[bool]) -> list[tuple[int, int]]:
        """The names a cue introduces: one, or several joined ("X dan Y")."""
        n = len(tokens.text)
        names: list[tuple[int, int]] = []
        j = start
        while j < n:
            end = j
            while end < n and end - j < MAX_DISTRICT_NAME_LENGTH:
                if not self._is_district_word(tokens, end, taken, first=end == j, joined=bool(names)):
                    break
                end += 1
            if end == j:
                break
            names.append((j, end))
            if end + 1 < n and tokens.lower[end] in self.districts.joiners:
                j = end + 1
                continue
            break
        return names

    def _name_start_before(self, tokens: _Tokens, end: int, taken: list[bool]) -> int:
        """Start of the name that ends right before `end` ("Obolon" in "the Obolon district")."""
        start = end
        while (
            start > 0
            and end - start < MAX_DISTRICT_NAME_LENGTH
            and self._is_name_word(tokens, start - 1, taken)
            and tokens.lower[start - 1] not in self.districts.not_names
        ):
            start -= 1
        return start

    def _linked_place(self, tokens: _Tokens, i: int, places: dict[int, _Match]) -> _Match | None:
        """The place right after a link at i: "di Kyiv", "of the city of Kyiv", ", Kyiv"."""
        n = len(tokens.text)
        if i >= n or tokens.lower[i] not in self.districts.links:
            return None
        j = i + 1
        fillers = self.districts.link_fillers
        while j < n and j not in places and j - i <= MAX_LINK_FILLERS and tokens.lower[j] in fillers:
            j += 1
        return places.get(j)

    def _possessive_place(self, tokens: _Tokens, start: int, places: dict[int, _Match]) -> _Match | None:
        """"Kyiv's Obolon district": the place before the possessive."""
        if not self.districts.possessive or start < 2 or tokens.lower[start - 1] not in ("'s", "’s"):
            return None
        return next((m for m in places.values() if m.end == start - 1), None)

    @staticmethod
    def _city_earlier_in_sentence(tokens: _Tokens, cue: int, known: list[_Match]) -> _Match | None:
        """The one city the sentence names before the cue, when it names no other city or region
        ("Pejabat Kyiv mengatakan ... di distrik Darnytskyi"); countries do not count."""
        sentence = tokens.sentence[cue]
        cities: dict[str, _Match] = {}
        for m in known:
            if m.label != "LOC" or m.entry is None or tokens.sentence[m.start] != sentence:
                continue
            features = {c.feature for c in m.entry.candidates}
            if features == {"country"}:
                continue
            if features != {"city"} or m.start > cue:
                return None  # a region, or a city after the cue: the text does not say which
            cities.setdefault(m.entry.canonical, m)
        return next(iter(cities.values())) if len(cities) == 1 else None

    # -- statistical entities ------------------------------------------------------------------------
    def _merge_statistical(
        self, tokens: _Tokens, statistical: list[Span], known: list[_Match], persons: list[_Match], taken: list[bool]
    ) -> tuple[list[_Match], list[_Match]]:
        """Add the statistical model's entities to the rule entities (module docstring: "Statistical
        entities"). Returns the new (known, persons); marks the tokens of accepted spans taken."""
        _yield_organisation_heads(statistical, persons, taken)
        rules = known + persons
        owner: dict[int, _Match] = {}
        for m in rules:
            for i in range(m.start, m.end):
                owner[i] = m
        # Words of the persons found (by the rules or the model): a non-person statistical span made
        # of them ("Putin" as LOC) is left to the linking of repeated mentions.
        person_words = {w for m in persons for w in tokens.text[m.start : m.end]}
        person_words.update(tokens.text[i] for s in statistical if s.label_ == "PER" for i in range(s.start, s.end))
        dropped: set[int] = set()  # ids of rule matches a longer statistical span replaces
        added: list[_Match] = []
        for span in sorted(statistical, key=lambda s: (s.start - s.end, s.start)):
            start, end = _trim(tokens, span.start, span.end)
            if end <= start:
                continue
            if _runs_into_prose(tokens, start, end):
                continue
            if tokens.sentence_initial[start] and tokens.lower[start] in self.lowercase_words:
                # "Terjadi ...", "Attacks on Kiev": the sentence's first word, not part of a name
                rest = start + 1
                while rest < end and (tokens.is_space[rest] or tokens.text[rest] in _NAME_CONNECTORS):
                    rest += 1
                if rest == end or (rest in owner and (owner[rest].start, owner[rest].end) == (rest, end)):
                    continue
            words = [tokens.lower[i] for i in range(start, end) if tokens.text[i].isalpha()]
            if words and all(w in self.rules.page_furniture for w in words):
                continue  # a "Tautan Sumber" or "Baca juga" line, not a name
            if any(taken[i] and i not in owner for i in range(start, end)):
                continue  # overlaps a statistical span accepted before
            if span.label_ != "PER" and all(tokens.text[i] in person_words for i in range(start, end)):
                continue
            overlapped = {id(owner[i]): owner[i] for i in range(start, end) if i in owner}
            # "Mayor Brandon Johnson": the span keeps the office, the canonical name is the person's,
            # as for the persons the cue rule finds.
            name_start = self._after_role_cue(tokens, start, end) if span.label_ == "PER" else start
            match = _Match(start, end, span.label_, _normalise_name(_join(tokens, name_start, end)), statistical=True)
            if overlapped:
                if not all(_may_replace(span.label_, start, end, m) for m in overlapped.values()):
                    continue
                places = [m for m in overlapped.values() if m.label == "LOC" and m.entry is not None]
                districts = [m for m in overlapped.values() if m.district]
                if len(places) > 1 and (span.label_ == "LOC" or _joins_places(tokens, places)):
                    # "Ukraina Kyiv", "Attacks on Kiev and Kharkiv": two places, each with its
                    # coordinates ("Bosnia and Herzegovina" is one gazetteer place).
                    continue
                dropped.update(overlapped)
                for m in overlapped.values():
                    for i in range(m.start, m.end):
                        owner.pop(i, None)
                if span.label_ == "LOC" and places:  # "Kabupaten Pati": the place of the name in it
                    match.entry = places[0].entry
                elif span.label_ == "LOC" and len(districts) == 1:  # "Kecamatan Long Pahangai"
                    match.district, match.enclosing = True, districts[0].enclosing
            elif span.label_ != "LOC":
                # A statistical person or organisation spelled as a watchlist alias is that entry.
                entry = self._lookup(tokens, start, end)
                if entry is not None and entry.watchlist_id is not None and entry.label == span.label_:
                    match.canonical, match.entry, match.watchlist_id = entry.canonical, entry, entry.watchlist_id
            for i in range(start, end):
                taken[i] = True
            added.append(match)
        known = [m for m in known if id(m) not in dropped] + [m for m in added if m.label != "PER"]
        persons = [m for m in persons if id(m) not in dropped] + [m for m in added if m.label == "PER"]
        return known, persons

    # -- persons -----------------------------------------------------------------------------------
    def _is_name_word(self, tokens: _Tokens, i: int, taken: list[bool], *, after_cue: bool = False) -> bool:
        """Could token i be part of a person's name? Right after a role cue, a capitalised word is
        trusted even if it is also an ordinary word of the language ("Gubernur Oleh Syniehubov")."""
        text = tokens.text[i]
        if taken[i] or not text[:1].isupper() or not any(ch.islower() for ch in text):
            return False
        if not _NAME_WORD.match(text):
            return False
        lower = tokens.lower[i]
        if lower in self.rules.blocked_words:
            return False
        if after_cue:
            return True
        return lower not in self.rules.stop_words and lower not in tokens.lowercase_words

    def _name_run(self, tokens: _Tokens, start: int, taken: list[bool], *, after_cue: bool = False) -> int:
        """End of the longest name starting at `start` (== start when there is none)."""
        n = len(tokens.text)
        end = start
        j = start
        while j < n and end - start < MAX_NAME_LENGTH:
            if self._is_name_word(tokens, j, taken, after_cue=after_cue):
                j += 1
                end = j
            elif (
                end > start
                and tokens.text[j] in self.rules.name_particles
                and j + 1 < n
                and self._is_name_word(tokens, j + 1, taken, after_cue=after_cue)
            ):
                j += 1
            else:
                break
        return end

    def _after_role_cue(self, tokens: _Tokens, start: int, end: int) -> int:
        """Where the name starts in a span that opens with role cues or honorifics, when a name
        word follows them; else `start`."""
        name_start = start
        while name_start < end and (cue_end := self._cue_at(tokens, name_start)) > name_start:
            name_start = cue_end
        if name_start < end and tokens.text[name_start][:1].isupper() and tokens.lower[name_start] not in self.rules.org_heads:
            return name_start  # not "Ekonom Bank Mandiri Andry Asmoro": an organisation comes between
        return start

    def _cue_at(self, tokens: _Tokens, i: int) -> int:
        """End of a role cue or honorific starting at i, or i when there is none."""
        if tokens.text[i] in self.rules.honorifics:
            return i + 1
        for length in self.rules.cue_lengths.get(tokens.lower[i], ()):
            if tuple(tokens.lower[i : i + length]) in self.rules.cues:
                return i + length
        return i

    def _cue_persons(self, tokens: _Tokens, known: list[_Match], taken: list[bool]) -> list[_Match]:
        match_at = {m.start: m for m in known}
        persons: list[_Match] = []
        n = len(tokens.text)
        i = 0
        while i < n:
            j = self._cue_at(tokens, i) if not taken[i] else i
            if j == i:
                i += 1
                continue
            j = self._skip_cue_fillers(tokens, j, match_at, taken)
            end = self._name_run(tokens, j, taken, after_cue=True) if j < n else j
            if end > j:
                surname = match_at.get(end)
                # "Ministerpräsident Markus Söder": a one-word city right after the name, closing
                # the capitalised run, is the surname.
                if (
                    surname is not None
                    and self._is_one_word_city(surname)
                    and tokens.trailing_space[end - 1]
                    and (end + 1 >= n or not tokens.text[end + 1][:1].isupper())
                ):
                    known.remove(surname)
                    end += 1
                persons.append(_Match(j, end, "PER", _join(tokens, j, end)))
                for k in range(j, end):
                    taken[k] = True
                i = end
            else:
                i += 1
        return persons

    def _skip_cue_fillers(self, tokens: _Tokens, j: int, match_at: dict[int, _Match], taken: list[bool]) -> int:
        """Past the role words, places and organisations between a cue and its name."""
        n = len(tokens.text)
        fillers = 0
        comma_seen = False
        while j < n and fillers <= MAX_CUE_FILLERS:
            if j in match_at:
                j = match_at[j].end
            elif tokens.lower[j] in self.rules.role_words or tokens.lower[j] in ("'s", "’s"):
                j += 1
            elif tokens.text[j] == "," and not comma_seen:
                comma_seen = True
                j += 1
                continue
            elif tokens.lower[j] in self.rules.org_heads and tokens.text[j][:1].isupper():
                # "Ekonom Bank Mandiri Andry Asmoro": an organisation head and one name word,
                # when at least two capitalised words remain for the person.
                run = self._name_run(tokens, j + 1, taken)
                if run - (j + 1) < 3:
                    break
                j += 2
            else:
                break
            fillers += 1
        return j

    def _sequence_persons(self, tokens: _Tokens, taken: list[bool]) -> list[_Match]:
        persons: list[_Match] = []
        n = len(tokens.text)
        i = 0
        while i < n:
            if not self._is_name_word(tokens, i, taken):
                i += 1
                continue
            end = self._name_run(tokens, i, taken)
            words = sum(1 for k in range(i, end) if tokens.text[k] not in self.rules.name_particles)
            # part of a longer capitalised run (an organisation, a title): not a person on its own
            next_is_capital = end < n and tokens.text[end][:1].isupper() and not tokens.is_space[end]
            prev_is_capital = (
                i > 0
                and tokens.text[i - 1][:1].isupper()
                and not tokens.sentence_initial[i - 1]
                and tokens.lower[i - 1] not in tokens.lowercase_words
            )
            if 2 <= words <= 3 and not tokens.sentence_initial[i] and not next_is_capital and not prev_is_capital:
                persons.append(_Match(i, end, "PER", _join(tokens, i, end)))
                for k in range(i, end):
                    taken[k] = True
            i = max(end, i + 1)
        return persons

    def _repeated_persons(self, tokens: _Tokens, persons: list[_Match], taken: list[bool]) -> list[_Match]:
        """Other mentions of names already found: the full name again, or one of its words alone
        (the surname, or the first name when no other person shares it)."""
        # A one-word statistical person ("Twitter" mistaken for one) does not seed the linking.
        seeds = [m for m in persons if not (m.statistical and m.end - m.start < 2)]
        if not seeds:
            return []
        full_names: dict[tuple[str, ...], str] = {}
        by_surname: dict[str, set[str]] = {}
        watchlist_ids: dict[str, str] = {}  # canonical name -> id, for the watchlist persons found
        for m in seeds:
            words = tuple(tokens.text[m.start : m.end])
            full_names.setdefault(words, m.canonical)
            by_surname.setdefault(words[-1], set()).add(m.canonical)
            if m.watchlist_id is not None and m.entry is not None:
                watchlist_ids[m.canonical] = m.watchlist_id
                # "Kličko" alone after "Vitali Klitschko": every spelling of the surname
                for surname in m.entry.surnames:
                    by_surname.setdefault(surname, set()).add(m.canonical)
        # "Putin" and "Vladimir Putin": the single word belongs to the longer name.
        canonical_of_surname: dict[str, str] = {}
        for surname, names in by_surname.items():
            longest = max(names, key=lambda s: len(s.split()))
            if all(longest.endswith(other) for other in names):
                canonical_of_surname[surname] = longest
        for m in persons:
            surname = tokens.text[m.end - 1]
            if surname in canonical_of_surname and m.watchlist_id is None:
                m.canonical = canonical_of_surname[surname]
                m.watchlist_id = watchlist_ids.get(m.canonical)
        # Indonesian news often calls a person by the first name after the full name ("ujar Perry").
        by_first_name: dict[str, set[str]] = {}
        for m in seeds:
            if m.end - m.start >= 2 and not m.statistical:  # the model's first words are less sure
                by_first_name.setdefault(tokens.text[m.start], set()).add(m.canonical)
        for first, names in by_first_name.items():
            if len(names) == 1 and first not in canonical_of_surname and first not in by_surname:
                canonical_of_surname[first] = next(iter(names))
        for m in persons:  # a one-word statistical person: "Perry" after "Perry Warjiyo"
            if m.end - m.start == 1 and tokens.text[m.start] in canonical_of_surname and m.watchlist_id is None:
                m.canonical = canonical_of_surname[tokens.text[m.start]]
                m.watchlist_id = watchlist_ids.get(m.canonical)
        found: list[_Match] = []
        n = len(tokens.text)
        longest_name = max(len(words) for words in full_names)
        i = 0
        while i < n:
            if taken[i] or not tokens.text[i][:1].isupper():
                i += 1
                continue
            hit = None
            for length in range(min(longest_name, n - i), 1, -1):
                words = tuple(tokens.text[i : i + length])
                if words in full_names and not any(taken[i : i + length]):
                    hit = (i + length, canonical_of_surname.get(words[-1], full_names[words]))
                    break
            if hit is None and tokens.text[i] in canonical_of_surname:
                # "Oleh karena itu" opening a sentence is not Oleh Syniehubov
                ordinary = tokens.lower[i] in self.rules.stop_words or tokens.lower[i] in tokens.lowercase_words
                if not (ordinary and tokens.sentence_initial[i]):
                    hit = (i + 1, canonical_of_surname[tokens.text[i]])
            if hit is None:
                i += 1
                continue
            end, canonical = hit
            found.append(_Match(i, end, "PER", canonical, watchlist_id=watchlist_ids.get(canonical)))
            for k in range(i, end):
                taken[k] = True
            i = end
        return found

    # -- output -------------------------------------------------------------------------------------
    def _spans(self, doc: Doc, matches: list[_Match]) -> list[Span]:
        countries = _context_countries(matches)
        spans = []
        for m in matches:
            span = Span(doc, m.start, m.end, label=m.label)
            canonical = m.canonical
            span._.newsmon_watchlist_id = m.watchlist_id
            if m.district:
                # the place the text says the district lies in, marked as enclosing it; else none
                around = m.enclosing.entry if m.enclosing is not None else None
                resolved = resolve_place(around.candidates, countries) if around is not None else None
                place = resolved.to_place() if resolved is not None else None
                if place is not None:
                    span._.newsmon_place = place.model_copy(update={"relation": "enclosing"})
            elif m.label == "LOC" and m.entry is not None:
                resolved = resolve_place(m.entry.candidates, countries)
                if resolved is not None:
                    span._.newsmon_place = resolved.to_place()
                    canonical = resolved.name
                elif len({c.name for c in m.entry.candidates}) != 1:
                    canonical = span.text
            span._.newsmon_canonical = canonical
            spans.append(span)
        return spans


def _context_countries(matches: list[_Match]) -> set[str]:
    """Countries the article names, directly or through a place that can only be in one country."""
    countries: set[str] = set()
    for m in matches:
        if m.label != "LOC" or m.entry is None:
            continue
        codes = {c.country_code for c in m.entry.candidates if c.country_code}
        if len(codes) == 1:
            countries.update(codes)
    return countries


def _is_one_word_city(m: _Match) -> bool:
    return (
        m.entry is not None
        and m.label == "LOC"
        and m.end - m.start == 1
        and all(c.feature == "city" for c in m.entry.candidates)
    )


def _may_replace(label: str, start: int, end: int, rule: _Match) -> bool:
    """May a statistical span [start, end) labelled `label` replace the rule entity it overlaps?"""
    if not (start <= rule.start and rule.end <= end and end - start > rule.end - rule.start):
        return False  # the same span, a shorter one or a crossing one: the rule entity stays
    if rule.watchlist_id is not None:
        # The watchlist takes precedence; only a longer organisation holding a watchlist one is
        # another organisation ("United Nations Security Council").
        return rule.label == "ORG" and label == "ORG"
    if rule.label == "PER":
        return label == "PER"  # "Stephen R . Covey" over the cue person "Stephen R"
    if rule.label == "LOC" and label == "PER" and rule.start == start:
        # A place opening a "person" is a place qualifying the name ("Rusia Vladimir Putin", "Kyiv
        # Vitaliy Klitschko"), unless a one-word city is followed by one word ("Paris Hilton").
        return _is_one_word_city(rule) and end - start == 2
    return True


def _joins_places(tokens: _Tokens, places: list[_Match]) -> bool:
    ordered = sorted(places, key=lambda m: m.start)
    return any(
        tokens.lower[i] in _CONJUNCTIONS
        for left, right in zip(ordered, ordered[1:])
        for i in range(left.end, right.start)
    )


def _yield_organisation_heads(statistical: list[Span], persons: list[_Match], taken: list[bool]) -> None:
    """A rule person whose head the model reads as an organisation or place and whose tail as the
    person ("Ketua Umum Partai Golkar Airlangga Hartarto": rule person "Golkar Airlangga Hartarto",
    model ORG "Partai Golkar" + PER "Airlangga Hartarto") shrinks to the model's person, freeing the
    head for the model's organisation."""
    for m in persons:
        if m.statistical or m.watchlist_id is not None:
            continue
        tail = next((s for s in statistical if s.label_ == "PER" and m.start < s.start < m.end == s.end), None)
        if tail is None:
            continue
        if any(s.label_ != "PER" and s.start <= m.start < s.end <= tail.start for s in statistical):
            for i in range(m.start, tail.start):
                taken[i] = False
            m.start = tail.start
            m.canonical = " ".join(t.text for t in tail)


def _runs_into_prose(tokens: _Tokens, start: int, end: int) -> bool:
    words = [tokens.text[i] for i in range(start, end) if any(ch.isalpha() for ch in tokens.text[i])]
    if not any(w[:1].isupper() for w in words):
        return False
    lower = [w for w in words if w[:1].islower() and w.lower() not in _NAME_CONNECTORS]
    return len(lower) >= MAX_LOWER_CASE_NAME_WORDS


def _trim(tokens: _Tokens, start: int, end: int) -> tuple[int, int]:
    """A span without leading or trailing whitespace and punctuation tokens (a model's span can
    take in a quote or a comma), nor a trailing connector ("Attacks on Kiev and": no name ends so)."""
    while start < end and (tokens.is_space[start] or not any(ch.isalnum() for ch in tokens.text[start])):
        start += 1
    while end > start:
        last = end - 1
        if tokens.is_space[last] or not any(ch.isalnum() for ch in tokens.text[last]):
            if _closes_the_name(tokens, start, last):
                break
        elif tokens.text[last] not in _NAME_CONNECTORS:  # lower case only: "The Who", "Bank of America"
            break
        end -= 1
    return start, end


def _closes_the_name(tokens: _Tokens, start: int, last: int) -> bool:
    """Is punctuation token `last` the end of the name: the ")" of "(PPP)" or the "." of "Jr ."?"""
    text = tokens.text[last]
    if text == ")":
        return "(" in tokens.text[start:last]
    return text == "." and last > start and tokens.lower[last - 1].rstrip(".") in _ABBREVIATIONS_ENDING_NAMES


def _normalise_name(text: str) -> str:
    """The canonical form of a statistical entity: its surface text, whitespace collapsed, without
    a possessive ending ("Reuters's" -> "Reuters")."""
    text = " ".join(text.split())
    for suffix in ("'s", "’s"):
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
    return text


def _join(tokens: _Tokens, start: int, end: int) -> str:
    return "".join(tokens.text[k] + (" " if tokens.trailing_space[k] else "") for k in range(start, end)).strip()


@Language.factory(
    "newsmon_entities",
    default_config={"rules_language": None, "watchlist_path": None},
    assigns=["doc.ents", "span._.newsmon_canonical", "span._.newsmon_place", "span._.newsmon_watchlist_id"],
)
def make_entity_recognizer(
    nlp: Language, name: str, rules_language: str | None, watchlist_path: str | None
) -> EntityRecognizer:
    """`rules_language` picks the entry of data/person_rules.json (default: the pipeline's language);
    `watchlist_path` the watchlist file (default: the packaged data/watchlist.jsonl)."""
    lang = rules_language or nlp.lang
    gazetteer = load_gazetteer(Path(watchlist_path) if watchlist_path else None)
    return EntityRecognizer(
        lang, frozenset(nlp.Defaults.stop_words), lower_tokens(nlp), gazetteer, statistical_ner="ner" in nlp.pipe_names
    )
