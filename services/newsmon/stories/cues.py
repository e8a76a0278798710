"""The words where.py reads: what makes a sentence carry the event, and the contexts in which a place
is named without anything happening there. Folded (lower case, no accents); a word ending in "*"
matches every word that starts with it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from newsmon.nlp.places.names import fold


@dataclass(frozen=True)
class WordSet:
    exact: frozenset[str]
    prefixes: tuple[str, ...]

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and (word in self.exact or word.startswith(self.prefixes))


def word_set(words: str) -> WordSet:
    folded = [fold(w) for w in words.split()]
    return WordSet(
        frozenset(w for w in folded if not w.endswith("*")), tuple(w[:-1] for w in folded if w.endswith("*"))
    )


@dataclass(frozen=True)
class LanguageCues:
    event_words: WordSet  # a sentence with one of these tells what happened
    before: WordSet  # "summit in X", "KTT X", "ministry of X", "said in X": nothing happened in X
    after: WordSet  # "X summit", "X-based", "X said" (a capital for its government)
    links: WordSet  # words that may stand between such a cue and the place ("of the", "pertahanan")
    part_of_city: WordSet  # "the X district", "distrik X": X is a part of a city, even if a city elsewhere is called X


_CUES = {
    "en": (
        (
            "attack* hit hits struck strike strikes explo* blast* kill* injur* wound* fire fires blaze* burn* shell* "
            "bomb* shoot* shot gunm* crash* collaps* flood* earthquake* dead died damag* destroy* casualt* victim*"
        ),
        (
            "summit talks negotiations conference meeting ministry ministries embassy government president minister "
            "ambassador said says told speaking born visit visited visiting"
        ),
        (
            "summit talks negotiations conference meeting embassy ministry government based accord agreement treaty "
            "said says claimed denied accused warned"
        ),
        "in of at to the a an from for s foreign defence defense interior",
    ),
    "id": (
        (
            "serang* menyerang diserang penyerang* ledak* meledak* tewas terluka luka korban hancur* dihancurkan "
            "menghancurkan terbakar kebakaran membakar dibakar hantam* menghantam dihantam terpukul gempa banjir "
            "longsor penembakan ditembak tembakan tabrakan kecelakaan runtuh ambruk rusak meninggal"
        ),
        (
            "ktt konferensi perundingan pembicaraan negosiasi pertemuan kementerian pemerintah kedutaan duta presiden "
            "menteri mengatakan berbicara lahir kunjungan berkunjung"
        ),
        "mengatakan menyatakan membantah menuduh memperingatkan",
        "di ke dari besar pertahanan luar negeri dalam untuk pada",
    ),
    "de": (
        (
            "angriff* angegriffen getroffen explo* detonation* anschlag* getotet tot tote toten verletzt* brand* feuer "
            "zerstort* beschuss beschossen bombe* schusse erschossen einsturz eingesturzt unfall* erdbeben "
            "uberschwemm* hochwasser opfer"
        ),
        (
            "gipfel gesprache verhandlungen konferenz treffen ministerium regierung botschaft prasident minister "
            "sagte erklarte geboren besuch"
        ),
        "gipfel gesprache verhandlungen konferenz ministerium regierung botschaft sagte erklarte",
        "in im von der des die dem aus nach bei",
    ),
    "fr": (
        (
            "attaqu* frapp* explos* attentat* tue tues tuee tuees morts mort blesse* incendi* feu detrui* bombard* tir "
            "tirs fusillade* effondr* accident* seisme* inond* victime*"
        ),
        (
            "sommet pourparlers negociations conference reunion ministere gouvernement ambassade president ministre "
            "declare ne visite"
        ),
        "sommet pourparlers negociations conference ministere gouvernement ambassade declare affirme",
        "a de du des la le les en au aux d l",
    ),
    "es": (
        (
            "ataqu* atac* explos* atentado* muert* murieron fallec* herid* incendio* fuego destru* bombarde* disparo* "
            "tiroteo* derrumb* accidente* terremoto* sismo inundac* victima*"
        ),
        (
            "cumbre conversaciones negociaciones conferencia reunion ministerio gobierno embajada presidente ministro "
            "dijo declaro nacido visita"
        ),
        "cumbre conversaciones negociaciones conferencia ministerio gobierno embajada dijo afirmo",
        "en de del la el los las a al",
    ),
}

_PART_OF_CITY = {
    "en": "district districts neighbourhood neighborhood borough suburb",
    "id": "distrik kecamatan kelurahan",
    "de": "bezirk stadtbezirk stadtteil viertel",
    "fr": "quartier arrondissement",
    "es": "barrio distrito colonia",
}

_NO_CUES = LanguageCues(word_set(""), word_set(""), word_set(""), word_set(""), word_set(""))


@lru_cache(maxsize=16)
def cues_for(language: str) -> LanguageCues:
    """The cues of a language; a language without any has none (facts and the lead still count)."""
    words = _CUES.get(language)
    if words is None:
        return _NO_CUES
    event, before, after, links = words
    parts = word_set(_PART_OF_CITY.get(language, ""))
    return LanguageCues(word_set(event), word_set(before), word_set(after), word_set(links), parts)
