"""Articles written for the story tests: one night of drone strikes in Ukraine told by several outlets in
several languages, a strike on another city the same night, and news that has nothing to do with it.
Invented reports (names of real places, made-up events), written for these tests."""

from __future__ import annotations

ODESA_EN = (
    "ODESA, Ukraine — At least three people were killed and 11 injured when Russian drones struck residential "
    "buildings in the southern port city of Odesa overnight, regional governor Oleh Kiper said on Tuesday.\n\n"
    "Fires broke out in the Prymorskyi district of Odesa, where a nine-storey apartment block was partly "
    "destroyed, Kiper said. Rescue workers pulled a woman from the rubble.\n\n"
    "Ukraine's air force said Russia launched 48 drones and two ballistic missiles overnight and that air "
    "defences shot down 40 of the drones.\n\n"
    "The attack came a day after European leaders met at a summit in Brussels to discuss security guarantees "
    "for Ukraine. Moscow said its forces had struck military targets."
)

# Another outlet republishing the same wire copy with a line of its own and the last paragraph cut.
ODESA_EN_COPY = (
    "ODESA, Ukraine — At least three people were killed and 11 injured when Russian drones struck residential "
    "buildings in the southern port city of Odesa overnight, regional governor Oleh Kiper said on Tuesday.\n\n"
    "Fires broke out in the Prymorskyi district of Odesa, where a nine-storey apartment block was partly "
    "destroyed, Kiper said. Rescue workers pulled a woman from the rubble.\n\n"
    "Ukraine's air force said Russia launched 48 drones and two ballistic missiles overnight and that air "
    "defences shot down 40 of the drones.\n\n"
    "This report was supplied by a news agency."
)

ODESA_ID = (
    "Sedikitnya tiga orang tewas dan 11 lainnya terluka akibat serangan drone Rusia di kota pelabuhan Odesa, "
    "Ukraina selatan, pada Selasa dini hari, kata Gubernur Oleh Kiper.\n\n"
    "Kebakaran terjadi di distrik Prymorskyi, tempat sebuah gedung apartemen sembilan lantai hancur sebagian. "
    "Petugas penyelamat mengevakuasi seorang perempuan dari reruntuhan.\n\n"
    "Angkatan udara Ukraina menyebut Rusia meluncurkan 48 drone dan dua rudal balistik. Serangan itu terjadi "
    "sehari setelah para pemimpin Eropa bertemu dalam KTT di Brussel untuk membahas jaminan keamanan bagi Ukraina."
)

ODESA_DE = (
    "Bei einem russischen Drohnenangriff auf die südukrainische Hafenstadt Odessa sind in der Nacht zum "
    "Dienstag mindestens drei Menschen getötet und elf verletzt worden, teilte Gouverneur Oleh Kiper mit. "
    "Ein neunstöckiges Wohnhaus wurde teilweise zerstört.\n\n"
    "Der Angriff erfolgte einen Tag nach einem Gipfel in Brüssel, auf dem europäische Regierungschefs über "
    "Sicherheitsgarantien für die Ukraine berieten."
)

# A day later: a higher toll.
ODESA_EN_LATER = (
    "Five people were killed and 14 injured in Tuesday's Russian drone strike on Odesa, regional governor "
    "Oleh Kiper said on Wednesday, after rescuers found two more bodies under the rubble of the apartment "
    "block.\n\nThe city declared a day of mourning."
)

# The same night, the same kind of attack, another city.
KHARKIV_EN = (
    "At least one person was killed and four injured when Russian drones hit an industrial area of Kharkiv "
    "overnight, regional governor Oleh Syniehubov said on Tuesday.\n\n"
    "Fires broke out at a warehouse, and windows were blown out in nearby homes. Ukraine's air force said "
    "Russia launched 48 drones overnight."
)

KHARKIV_ID = (
    "Satu orang tewas dan empat lainnya terluka ketika drone Rusia menghantam kawasan industri di Kharkiv "
    "pada malam hari, kata Gubernur Oleh Syniehubov pada Selasa. Sebuah gudang terbakar."
)

# A Kyiv night told in English, to set beside the project's seed article (Indonesian, ../shared).
KYIV_EN = (
    "KYIV — Two people, among them a one-year-old child, were killed and 13 injured in an overnight Russian drone "
    "attack on Kyiv, the head of the city's military administration, Tymur Tkachenko, said on Sunday.\n\n"
    "Residential buildings in the Darnytskyi district were partly destroyed and burned for hours. Mayor Vitali "
    "Klitschko said a government building in the Pecherskyi district caught fire after a downed drone hit it.\n\n"
    "Russia also struck Kryvyi Rih, President Volodymyr Zelensky's home town, damaging three infrastructure sites."
)

# The same city the same day, and the same people named, but no strike: another story.
KYIV_BUDGET_EN = (
    "The city council in Kyiv approved a new budget for schools and hospitals on Sunday. Mayor Vitali Klitschko "
    "said the plan had the support of President Volodymyr Zelensky, who met council members in Kyiv."
)

# Unrelated news: a budget vote in the same country, and football in another.
BUDGET_EN = (
    "Ukraine's parliament approved next year's budget in Kyiv on Thursday, with most of the spending going "
    "to defence. The finance minister said the vote showed the country's resolve."
)

FOOTBALL_ID = (
    "Persija Jakarta mengalahkan Persib Bandung 2-1 dalam laga Liga 1 di Stadion Utama Gelora Bung Karno, "
    "Jakarta, pada Minggu malam. Gol kemenangan dicetak pada menit ke-88."
)


def raw(article_id: str, text: str, source: str, language: str) -> dict:
    return {"id": article_id, "text": text, "source": source, "language": language}


def night_of_strikes(tag: str) -> list[dict]:
    """One stream: the Odesa strike from four outlets in three languages (a copy and a later, higher toll
    among them), Kharkiv the same night in two languages, a budget vote in Kyiv and a football match."""
    return [
        raw(f"{tag}-odesa-en", ODESA_EN, "harbour-wire", "en"),
        raw(f"{tag}-odesa-id", ODESA_ID, "kabar-nusantara", "id"),
        raw(f"{tag}-kharkiv-en", KHARKIV_EN, "harbour-wire", "en"),
        raw(f"{tag}-odesa-copy", ODESA_EN_COPY, "aggregator", "en"),
        raw(f"{tag}-budget-en", BUDGET_EN, "harbour-wire", "en"),
        raw(f"{tag}-odesa-de", ODESA_DE, "rhein-kurier", "de"),
        raw(f"{tag}-kharkiv-id", KHARKIV_ID, "kabar-nusantara", "id"),
        raw(f"{tag}-football-id", FOOTBALL_ID, "bola-harian", "id"),
        raw(f"{tag}-odesa-later", ODESA_EN_LATER, "city-daily", "en"),
    ]


EXPECTED_STORIES = {
    "odesa": {"odesa-en", "odesa-id", "odesa-copy", "odesa-de", "odesa-later"},
    "kharkiv": {"kharkiv-en", "kharkiv-id"},
    "budget": {"budget-en"},
    "football": {"football-id"},
}
