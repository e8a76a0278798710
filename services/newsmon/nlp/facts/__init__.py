"""newsmon_facts: casualty counts (killed, injured, missing) and weapon counts (drones, missiles).

Rules over tokens, from data/facts.json, for Indonesian, English, German, French and Spanish (a
language without an entry gets no facts), in four shapes:
  number ... kind        "Setidaknya dua orang telah tewas", "13 terluka", "five people were killed",
                         "13 Menschen wurden verletzt", "faisant au moins 5 morts", "un muerto"
  causative number       "menewaskan 5 orang", "killing at least 12", "tötete 5 Menschen", "a tué 5
                         personnes", "mató a 5 personas", "murieron 12 personas" (the verb first)
  toll link number       "jumlah korban tewas mencapai 20", "the death toll rose to 35", "die Zahl der
                         Toten stieg auf 12", "le bilan s'élève à 37", "la cifra de muertos asciende a 37"
                         (unless a casualty noun after the number tells the kind: "le bilan est de 30
                         blessés" counts injured)
  number weapon          "menembak jatuh atau mencegat 69 drone" (qualifier from a nearby verb, also a
                         separable one: "schoss 69 Drohnen ab"); "69 von 90 Drohnen abgefangen" counts
                         69 intercepted of 90 launched; "90 drones, dont 69 ont été abattus" counts the
                         69 of the drones; coordinated counts share a verb ("lanzó 90 drones y 6 misiles")
Numbers are digits, grouped by the language's thousands separator ("1.200" in de/es/id, "1,200" in
en, "1 200" in fr; "2,5" is never a count), or words, several ("dua puluh satu", "treinta y dos",
"vingt et un") or one ("einundzwanzig", "vingt-trois", "veintitrés"); an article ("ein", "une",
"un") counts one only before a person, a casualty word or a weapon ("ein Toter", "une femme").
A lower-bound cue (setidaknya, at least) marks only the number it directly precedes: in
"at least two killed and 13 injured" the 13 is read as given. Reporters repeat the cue when they
mean it for both figures, and the alert must not claim a bound the text does not state.
Approximate counts are the least number they imply, always as a lower bound: "dozens" at least 24,
"puluhan" and "des dizaines" at least 20, "hundreds" and "ratusan" at least 200, "belasan" at least
11, "une vingtaine" (about twenty) 20; the alert's largest figure lets a larger exact one win.
Ages between a subject and its verb are read past ("Two men, aged 25 and 30, were killed", "Dua
warga berusia 40 tahun tewas", "Zwei Männer (25 und 30) wurden getötet": ages.py) and are no counts.
Numbers next to a unit, a month, an age or a percent sign are never counts ("the 1500 block",
"Channel 12", "3 yr old", "Oct. 18"), nor is a number that a singular verb or "a" follows ("12 was shot"), and
sentences that name a bare year are background ("the 2023 quake killed more than 50,000"), not this
event; a year inside a full date ("Posted: Friday, June 26, 2015") is a dateline and is not. So are
sentences with a background cue of the language: a span of time ("this year", "last summer",
"tahun lalu") or events apart ("in separate shootings", "insiden terpisah"), whose counts are totals.

Victims (the "victims" entry of a language): most casualty reports count people with words, not
digits, and these rules read them:
  person predicate       "a man was shot and killed", "a 17-year-old was wounded", "both victims were
                         taken to a hospital", "a man and a woman were shot", "pria itu tewas di tempat"
  was predicate          "Jonas Pike, 23, was pronounced dead": "was" before a casualty verb is one
                         person whoever the subject ("nobody was hurt" and "was not hurt" are not)
  verb person            "police shot and killed a man", "killing Jane Doe and John Roe" (2),
                         "killing his wife and their four children" (5), "killed four classmates and
                         himself" (5), "found a man suffering from a gunshot wound", "sent five
                         people to the hospital"
  event                  "the fatal shooting of ..." (one death), "before taking his own life"
Passive verbs need an auxiliary: "a man was shot" is a victim, "a man shot ..." the shooter, and a
number that a verb with an object follows counts the agents ("two men shot a woman": 1 injured).
Kind "hit" (shot, or taken to a hospital, fate not told) never leaves this package: the most hit,
less the most killed, become one injured figure ("four people were shot, one fatally": 1 killed,
3 injured; "a man was shot ... he died": 1 killed, 0 injured), unless the hit are said to be others
("three other people were also shot"). A killer's own death is added to the deaths he caused when
one sentence tells both ("killed his wife and two children before killing himself": 4).
Every mention is a fact; the alert takes the largest per kind, so a person named again ("the
victim") is never counted twice. Suspects are counted like anyone else, as casualty tolls (and the
Gun Violence Archive) do.

Modules, each importing only the ones after it: extractor (the component, and the number ... kind,
causative and toll shapes), victims and people (the victim rules), weapons, numbers (numbers, and
whether one is a count), ages (age phrases), rules (the data of facts.json) and phrase_table.
"""
