"""newsmon_entities: PER, LOC and ORG spans from gazetteers and capitalisation rules.

No statistical model: places and organisations come from the gazetteer (nlp/places), persons from
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

Statistical entities: when a trained spaCy `ner` ran before this component (nlp/enricher.py, for
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
trimmed from statistical spans (not a ")" whose "(" is inside, nor the full stop of "Jr." or
"Tbk."), and a statistical span that mixes capitalised words with MAX_LOWER_CASE_NAME_WORDS or
more lower-case words other than name connectors ("Russian drones hit Kyiv overnight", "The Roma
deal looks much better") has run on into the sentence and is dropped (the rule entities inside it
stay). All-lower-case spans are kept: web text writes names so. A
statistical span that opens a sentence with a word the language writes in lower case
(data/lowercase_words.json, built by training/lexicon.py from the NER data and raw text) is dropped
when that word is all of it ("Terjadi") or all but a rule entity ("Attacks on Kiev": the place
stays); inside a sentence, when it is all of it and no rule entity ("Lebaran"). A trailing
connector or possessive is trimmed ("Kiev and", "Chicago 's"), and an unclosed parenthesis is
closed by the ")" right after the span or cut off ("Indeks Harga Saham Gabungan (IHSG").

Modules: recognizer.py is the spaCy component, which runs the rules and the merge in turn and
writes the spans; rules.py reads the rule data; tokens.py holds the token views and the entities
found; gazetteer_matches.py, names.py, persons.py and districts.py are the rules; statistical.py
merges the model's entities.
"""
