"""newsmon_facts in German, French and Spanish: casualty counts, weapon counts, number words written
as compounds, and the numbers that are never counts (dates, ages, shares, identifiers, addresses,
decimals). Every sentence and article here is invented."""

from __future__ import annotations

import newsmon.nlp.facts.extractor  # noqa: F401  (registers the newsmon_facts factory)
import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

LANGUAGES = ("de", "fr", "es")


def make(lang: str):
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("newsmon_facts", config={"rules_language": lang})
    return nlp


@pytest.fixture(scope="module")
def pipelines():
    return {lang: make(lang) for lang in (*LANGUAGES, "en", "id")}


def summary(nlp, text):
    return [(f.kind, f.number, f.lower_bound) for f in nlp(text)._.newsmon_facts]


def weapons(nlp, text):
    return [(f.kind, f.number, f.qualifier) for f in nlp(text)._.newsmon_facts]


def figures(nlp, text):
    """What a reader writes down: the largest figure of each kind (and qualifier), with its bound."""
    best: dict[tuple[str, str | None], tuple[int, bool]] = {}
    for f in nlp(text)._.newsmon_facts:
        key = (f.kind, f.qualifier)
        if key not in best or f.number > best[key][0]:
            best[key] = (f.number, f.lower_bound)
    return best


# -- casualties ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mindestens zwölf Menschen wurden getötet.", [("killed", 12, True)]),
        ("13 Menschen wurden verletzt.", [("injured", 13, False)]),
        ("Mindestens 13 Menschen sind bei dem Angriff verletzt worden.", [("injured", 13, True)]),
        ("Drei Bergleute werden vermisst.", [("missing", 3, False)]),
        ("Es gab zwei Tote und 13 Verletzte.", [("killed", 2, False), ("injured", 13, False)]),
        ("Mehr als 1.200 Menschen sind tot.", [("killed", 1200, True)]),
        ("Einundzwanzig Menschen kamen ums Leben.", [("killed", 21, False)]),
        ("Dreizehn Soldaten wurden verwundet.", [("injured", 13, False)]),
        ("Zweihundertdreiundvierzig Menschen wurden verletzt.", [("injured", 243, False)]),
        ("Dutzende Menschen wurden verletzt.", [("injured", 24, True)]),
        ("Ein Mann wurde getötet.", [("killed", 1, False)]),
        ("Ein 34-Jähriger wurde leicht verletzt.", [("injured", 1, False)]),
        ("Die Explosion tötete mindestens fünf Menschen.", [("killed", 5, True)]),
        ("Bei dem Beben starben mindestens 40 Menschen.", [("killed", 40, True)]),
        ("Die Zahl der Toten stieg auf 12.", [("killed", 12, False)]),
        ("Die Zahl der Toten ist auf 23 gestiegen.", [("killed", 23, False)]),
        ("Die Zahl der Verletzten liegt bei 57.", [("injured", 57, False)]),
    ],
)
def test_german_casualties(pipelines, text, expected):
    assert summary(pipelines["de"], text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Au moins douze personnes ont été tuées.", [("killed", 12, True)]),
        ("Trois enfants sont portés disparus.", [("missing", 3, False)]),
        ("Vingt-trois personnes ont été blessées.", [("injured", 23, False)]),
        ("L'attaque a fait un mort et vingt et un blessés.", [("killed", 1, False), ("injured", 21, False)]),
        ("Quatre-vingt-dix-sept soldats sont morts.", [("killed", 97, False)]),
        ("Soixante-et-onze civils ont été blessés.", [("injured", 71, False)]),
        ("Plus de 1 200 personnes ont péri.", [("killed", 1200, True)]),
        ("Des dizaines de personnes ont été blessées.", [("injured", 20, True)]),
        ("L'explosion a tué 5 personnes.", [("killed", 5, False)]),
        ("Le séisme a frappé la ville, faisant au moins 5 morts.", [("killed", 5, True)]),
        ("Trois hommes armés ont tué 7 personnes.", [("killed", 7, False)]),
        ("Le bilan s'élève à 37 morts.", [("killed", 37, False)]),
        ("Le bilan provisoire s'élève à 14.", [("killed", 14, False)]),
        ("Le bilan est de 30 blessés.", [("injured", 30, False)]),  # the noun, not "bilan", tells the kind
    ],
)
def test_french_casualties(pipelines, text, expected):
    assert summary(pipelines["fr"], text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Al menos doce personas murieron.", [("killed", 12, True)]),
        ("Veintitrés muertos y treinta y dos heridos.", [("killed", 23, False), ("injured", 32, False)]),
        ("Dieciséis soldados fallecidos.", [("killed", 16, False)]),
        ("Más de 1.200 personas siguen desaparecidas.", [("missing", 1200, True)]),
        ("Decenas de personas resultaron heridas.", [("injured", 20, True)]),
        ("Un muerto y cuatro heridos.", [("killed", 1, False), ("injured", 4, False)]),
        ("El ataque mató a 5 personas.", [("killed", 5, False)]),
        ("El terremoto dejó al menos 8 muertos.", [("killed", 8, True)]),
        (
            "Murieron al menos 12 personas y resultaron heridas otras 40.",
            [("killed", 12, True), ("injured", 40, False)],
        ),
        ("La cifra de muertos asciende a 37.", [("killed", 37, False)]),
        ("El número de heridos se eleva a 120.", [("injured", 120, False)]),
        ("Dos mil trescientas personas resultaron heridas.", [("injured", 2300, False)]),
    ],
)
def test_spanish_casualties(pipelines, text, expected):
    assert summary(pipelines["es"], text) == expected


def test_lower_bound_marks_only_the_number_it_precedes(pipelines):
    assert summary(pipelines["de"], "Mindestens zwei Menschen wurden getötet und 13 verletzt.") == [
        ("killed", 2, True),
        ("injured", 13, False),
    ]
    both = [("killed", 2, True), ("injured", 13, False)]
    assert summary(pipelines["fr"], "Au moins deux morts et 13 blessés.") == both
    assert summary(pipelines["es"], "Al menos dos muertos y 13 heridos.") == both


# -- number words ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, text, number",
    [
        ("de", "Dreizehn Menschen wurden verletzt.", 13),
        ("de", "Einundzwanzig Menschen wurden verletzt.", 21),
        ("de", "Neunundneunzig Menschen wurden verletzt.", 99),
        ("de", "Hundertzwanzig Menschen wurden verletzt.", 120),
        ("de", "Zweitausenddreihundert Menschen wurden verletzt.", 2300),
        ("de", "Ein Dutzend Menschen wurde verletzt.", 12),
        ("fr", "Dix-sept personnes ont été blessées.", 17),
        ("fr", "Soixante-dix personnes ont été blessées.", 70),
        ("fr", "Quatre-vingts personnes ont été blessées.", 80),
        ("fr", "Trois cent vingt personnes ont été blessées.", 320),
        ("fr", "Deux mille personnes ont été blessées.", 2000),
        ("es", "Veintiún personas resultaron heridas.", 21),
        ("es", "Veintidós personas resultaron heridas.", 22),
        ("es", "Ciento veinte personas resultaron heridas.", 120),
        ("es", "Cuarenta y cinco personas resultaron heridas.", 45),
        ("id", "Tiga belas orang terluka.", 13),
        ("id", "Dua puluh satu orang terluka.", 21),
        ("id", "Seribu dua ratus orang terluka.", 1200),
        ("en", "Twenty-one people were injured.", 21),
        ("en", "One hundred twenty people were injured.", 120),
    ],
)
def test_number_words_and_compounds(pipelines, lang, text, number):
    assert summary(pipelines[lang], text) == [("injured", number, False)]


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        # a connector joins a tens word and a smaller one only: these are two counts
        ("es", "Dos y tres personas resultaron heridas.", [("injured", 3, False)]),
        ("fr", "Cinq et six blessés.", [("injured", 6, False)]),
        ("fr", "Cinq-six blessés.", [("injured", 6, False)]),  # five or six, never eleven (as "5-6 injured")
        # "1.200" groups thousands where "." does, "1 200" where a space does; "1,200" is no count there
        ("de", "1.200 Menschen wurden verletzt.", [("injured", 1200, False)]),
        ("fr", "1 200 personnes ont été blessées.", [("injured", 1200, False)]),
        ("es", "1.200 personas resultaron heridas.", [("injured", 1200, False)]),
        ("de", "1,200 Menschen wurden verletzt.", []),
        ("en", "1.200 people were injured.", []),
        ("en", "1,200 people were injured.", [("injured", 1200, False)]),
    ],
)
def test_connectors_and_digit_grouping(pipelines, lang, text, expected):
    assert summary(pipelines[lang], text) == expected


@pytest.mark.parametrize(
    "lang, word, value",
    [
        ("de", "einundzwanzig", 21),
        ("de", "zweihundertdreiundvierzig", 243),
        ("de", "hundertundeins", 101),
        ("de", "zehntausend", 10000),
        ("de", "zweiunddrei", None),  # "und" joins a unit and its tens only
        ("de", "dreimal", None),
        ("de", "sieben", None),  # a number word, not a compound: read as a word
        ("de", "einer", None),
        ("fr", "soixante-et-onze", 71),
        ("fr", "quatre-vingt-dix-neuf", 99),
        ("fr", "deux-cents", 200),
        ("fr", "cinq-six", None),  # five or six, not eleven
        ("fr", "mi-temps", None),
        ("es", "veintitrés", 23),
        ("es", "dieciocho", 18),
        ("es", "dosis", None),
    ],
)
def test_compound_number_words(pipelines, lang, word, value):
    extractor = pipelines[lang].get_pipe("newsmon_facts")
    assert extractor.reader.numbers.compound(word) == value


# -- weapons ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        ("de", "Die Luftabwehr schoss 69 Drohnen ab.", [("drones", 69, "intercepted")]),
        ("de", "Russland feuerte 12 Raketen ab.", [("missiles", 12, "launched")]),
        ("de", "Russland schoss 50 Raketen auf Kiew.", [("missiles", 50, "launched")]),
        ("de", "In der Nacht wurden 40 russische Shahed-Drohnen abgeschossen.", [("drones", 40, "intercepted")]),
        ("de", "Sieben Marschflugkörper wurden abgefangen.", [("missiles", 7, "intercepted")]),
        ("de", "Die Armee fing 31 Kampfdrohnen ab.", [("drones", 31, "intercepted")]),
        (
            "de",
            "69 von 90 Drohnen wurden abgefangen.",
            [("drones", 69, "intercepted"), ("drones", 90, "launched")],
        ),
        (
            "de",
            "Russland setzte 90 Drohnen ein, 69 davon wurden abgefangen.",
            [("drones", 90, "launched"), ("drones", 69, "intercepted")],
        ),
        ("fr", "La défense aérienne a abattu 69 drones.", [("drones", 69, "intercepted")]),
        ("fr", "12 missiles de croisière ont été interceptés.", [("missiles", 12, "intercepted")]),
        (
            "fr",
            "La Russie a lancé 90 drones, dont 69 ont été abattus.",
            [("drones", 90, "launched"), ("drones", 69, "intercepted")],
        ),
        ("es", "Las defensas derribaron 69 drones.", [("drones", 69, "intercepted")]),
        # coordinated counts share their verb, before or after them
        ("es", "Rusia lanzó 90 drones y 6 misiles.", [("drones", 90, "launched"), ("missiles", 6, "launched")]),
        (
            "de",
            "Russland hat 112 Drohnen und sechs Marschflugkörper eingesetzt.",
            [("drones", 112, "launched"), ("missiles", 6, "launched")],
        ),
        # a part larger than the count before it is not a part of it
        (
            "fr",
            "La Russie a lancé 145 drones et 4 missiles, dont 118 ont été abattus.",
            [("drones", 145, "launched"), ("missiles", 4, "launched")],
        ),
        (
            "es",
            "Rusia lanzó 90 drones, de los cuales 69 fueron derribados.",
            [("drones", 90, "launched"), ("drones", 69, "intercepted")],
        ),
        ("es", "69 de 90 drones fueron interceptados.", [("drones", 69, "intercepted"), ("drones", 90, "launched")]),
    ],
)
def test_weapons(pipelines, lang, text, expected):
    assert weapons(pipelines[lang], text) == expected


def test_weapon_count_is_not_a_casualty(pipelines):
    expected = [("drones", 10, False), ("killed", 3, False)]
    assert summary(pipelines["de"], "Zehn Drohnen töteten drei Menschen.") == expected
    assert summary(pipelines["es"], "Diez drones mataron a tres personas.") == expected


# -- numbers that are not counts -------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, text",
    [
        ("de", "Am 13. März wurden keine Menschen verletzt."),
        ("de", "Ein 34-Jähriger starb."),  # the age; the one person is counted, not 34
        ("de", "Die Zahl stieg um 12 Prozent, 12 % der Menschen sind verletzt."),
        ("de", "2,5 Millionen Menschen sind verletzt."),
        ("de", "In der Hauptstraße 12 wurden Menschen verletzt."),
        ("de", "Flug 370 wurde nie gefunden; alle Menschen an Bord sind tot."),
        ("de", "Im Alter von 45 Jahren wurde er verletzt."),
        ("de", "Bei einer Explosion wurden mehrere Menschen getötet."),  # "einer" counts no person here
        ("fr", "Un homme âgé de 45 ans a été blessé."),
        ("fr", "Le 13 mars, personne n'a été blessé."),
        ("fr", "Le chômage a baissé de 12 % et 2,5 millions de personnes sont blessées."),
        ("fr", "Au 12 rue de la Paix, des vitres ont été brisées."),
        ("fr", "Le vol 370 a disparu."),
        ("fr", "30 pour cent des blessés sont des enfants."),
        ("es", "El 13 de marzo no hubo heridos."),
        ("es", "Un hombre de 30 años resultó herido."),
        ("es", "El desempleo bajó un 12 % y 2,5 millones de personas resultaron heridas."),
        ("es", "En la calle Mayor 12 resultaron heridos."),
        ("es", "El vuelo 370 desapareció con todos sus pasajeros muertos."),
        ("es", "El 30 por ciento de los heridos son niños."),
    ],
)
def test_never_a_date_age_share_id_address_or_decimal(pipelines, lang, text):
    numbers = {number for _, number, _ in summary(pipelines[lang], text)}
    assert numbers <= {1}, numbers  # at most "a man was injured": never 13, 34, 12, 2, 45, 370, 30


def test_a_full_date_is_a_dateline_and_a_bare_year_is_background(pipelines):
    assert summary(pipelines["es"], "26 de junio de 2015. Tres personas murieron.") == [("killed", 3, False)]
    assert summary(pipelines["de"], "26. Juni 2015 Drei Menschen starben.") == [("killed", 3, False)]
    assert summary(pipelines["fr"], "Le séisme de 2023 a fait plus de 50 000 morts.") == []


def test_spans_slice_back(pipelines):
    for lang, text in [
        ("de", "Mindestens zwei Menschen wurden getötet, 13 verletzt; die Luftabwehr schoss 69 Drohnen ab."),
        ("fr", "Le bilan s'élève à 1 200 morts ; la défense a abattu 69 drones sur 90."),
        ("es", "Murieron al menos 12 personas y resultaron heridas otras 40."),
    ]:
        facts = pipelines[lang](text)._.newsmon_facts
        assert facts
        for fact in facts:
            assert text[fact.start : fact.end] == fact.text


# -- articles: what a reader writes down -----------------------------------------------------------

# one paragraph a line, as normalize hands articles on
ARTICLE_DE = """\
Kiew (dpa) - Bei einem nächtlichen russischen Drohnenangriff auf Kiew sind mindestens vier Menschen getötet \
worden. Nach Angaben der Behörden wurden 17 weitere Menschen verletzt, darunter drei Kinder. Zwei Bewohner \
eines getroffenen Hochhauses werden noch vermisst.
Russland habe in der Nacht 112 Drohnen und sechs Marschflugkörper eingesetzt, teilte die ukrainische Luftwaffe \
am Sonntag mit. Die Luftabwehr schoss 94 Drohnen ab. Bürgermeister Vitali Klitschko sagte, die Zahl der Toten \
könne noch steigen.
Ein 61-jähriger Anwohner sagte, er sei um 3.40 Uhr von Explosionen geweckt worden; in der Kiewer Straße 14 \
brannten mehrere Wohnungen aus.
"""

ARTICLE_FR = """\
Kiev - Au moins six personnes ont été tuées et vingt-trois blessées dans une attaque de drones russes sur Kiev \
dans la nuit de samedi à dimanche, ont annoncé les autorités le 14 septembre.
Selon l'armée de l'air ukrainienne, la Russie a lancé 145 drones, dont 118 ont été abattus ou neutralisés, \
ainsi que 4 missiles balistiques. Une femme âgée de 72 ans figure parmi les victimes.
Le maire a indiqué que 1 200 foyers étaient privés d'électricité, soit 12 % du quartier. Dimanche soir, le \
bilan s'élevait à sept morts.
"""

ARTICLE_ES = """\
Kiev, 14 de septiembre. Un ataque ruso con drones contra Kiev dejó al menos cinco muertos y treinta y dos \
heridos, según informaron las autoridades ucranianas. Otras tres personas siguen desaparecidas bajo los \
escombros de un edificio de la calle Velyka Vasylkivska 72.
La Fuerza Aérea ucraniana afirmó que Rusia lanzó 98 drones durante la noche, de los cuales 81 fueron \
derribados. Entre los heridos hay un niño de 9 años. El alcalde dijo que el 30 % de los hogares del distrito \
se quedaron sin luz.
"""


def test_german_drone_attack_article(pipelines):
    assert figures(pipelines["de"], ARTICLE_DE) == {
        ("killed", None): (4, True),
        ("injured", None): (17, False),
        ("missing", None): (2, False),
        ("drones", "launched"): (112, False),
        ("missiles", "launched"): (6, False),
        ("drones", "intercepted"): (94, False),
    }


def test_french_drone_attack_article(pipelines):
    assert figures(pipelines["fr"], ARTICLE_FR) == {
        ("killed", None): (7, False),
        ("injured", None): (23, False),
        ("drones", "launched"): (145, False),
        ("missiles", None): (4, False),
        ("drones", "intercepted"): (118, False),
        # "Une femme ... figure parmi les victimes": no casualty word, so no extra count
    }


def test_spanish_drone_attack_article(pipelines):
    assert figures(pipelines["es"], ARTICLE_ES) == {
        ("killed", None): (5, True),
        ("injured", None): (32, False),
        ("missing", None): (3, False),
        ("drones", "launched"): (98, False),
        ("drones", "intercepted"): (81, False),
    }


# -- robustness ------------------------------------------------------------------------------------

SALAD = {
    "de": "mindestens ein eine zwei dreizehn einundzwanzig 1.200 12. 2,5 Menschen wurden getötet verletzt "
    "vermisst Tote Verletzte Zahl der Toten stieg auf Drohnen Raketen schoss ab von 13. März Prozent % und , . - "
    "Straße 12 Jährige",
    "fr": "au moins un une vingt-trois vingt et un 1 200 2,5 personnes ont été tuées blessés morts disparus bilan "
    "s'élève à drones missiles abattus sur dont mars ans % et , . - rue âgé de quatre-vingt-dix",
    "es": "al menos un una veintitrés treinta y dos 1.200 2,5 personas murieron heridos muertos desaparecidos "
    "cifra de muertos asciende a drones misiles derribados de los cuales marzo años % calle Mayor , . -",
}


@pytest.mark.parametrize("lang", LANGUAGES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_exception_and_well_formed_facts_on_any_text(pipelines, lang, data):
    words = data.draw(st.lists(st.sampled_from(SALAD[lang].split()), max_size=40))
    noise = data.draw(st.text(max_size=80))
    for text in (" ".join(words), noise, noise + " ".join(words)):
        for fact in pipelines[lang](text)._.newsmon_facts:
            assert fact.kind in ("killed", "injured", "missing", "drones", "missiles")
            assert fact.number >= 1
            assert text[fact.start : fact.end] == fact.text
