"""detect_language: offline, Indonesian told from Malay, never raises."""

from __future__ import annotations

import time

import pytest
from newsmon.nlp.language import count_id_ms_markers, detect_language

INDONESIAN = [
    "Polisi menangkap dua tersangka karena diduga mencuri sepeda motor di Bandung kemarin.",
    "Pemerintah provinsi mengatakan sekolah akan dibuka kembali setelah banjir surut pekan depan.",
    "Harga bensin naik lagi sehingga warga mengeluh bahwa uang belanja tidak cukup.",
    "Gempa bumi mengguncang Cianjur pada hari Senin dan merusak ratusan rumah warga.",
]
MALAY = [
    "Polis menahan dua suspek kerana disyaki mencuri motosikal di Shah Alam.",
    "Kerajaan negeri berkata sekolah akan dibuka semula selepas banjir surut.",
    "Beliau berkata bahawa syarikat itu akan membayar cukai sebanyak RM2 juta tahun ini.",
]


@pytest.mark.parametrize("text", INDONESIAN)
def test_language_indonesian_is_not_malay(text):
    code, score = detect_language(text)
    assert code == "id"
    assert 0.0 < score <= 1.0


@pytest.mark.parametrize("text", MALAY)
def test_language_malay_stays_malay(text):
    assert detect_language(text)[0] == "ms"


def test_language_markers_count_each_side():
    assert count_id_ms_markers("karena bahwa uang") == (3, 0)
    assert count_id_ms_markers("kerana bahawa wang") == (0, 3)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The earthquake struck off the coast early on Monday, officials said.", "en"),
        ("Bei dem Erdbeben kamen mindestens zwölf Menschen ums Leben, teilten die Behörden mit.", "de"),
        ("Le séisme a fait au moins douze morts, selon les autorités locales.", "fr"),
        ("El terremoto dejó al menos doce muertos, según las autoridades.", "es"),
    ],
)
def test_language_other_languages(text, expected):
    code, score = detect_language(text)
    assert code == expected
    assert score > 0.5


@pytest.mark.parametrize("text", ["", "   \n\t", "12345 678 --- !!!", "😀🔥🔥", "<p></p><br/>"])
def test_language_undetermined_without_letters(text):
    assert detect_language(text) == ("und", 0.0)


@pytest.mark.parametrize(
    "text",
    [
        "<p>Gempa bumi mengguncang <b>Cianjur</b> pada hari Senin.</p>",
        "x" * 200_000,
        "word " * 50_000,
        "\x00\x01 null bytes \ud800 lone surrogate",
        "<" * 10_000,
    ],
)
def test_language_never_raises(text):
    code, score = detect_language(text)
    assert isinstance(code, str) and (len(code) == 2 or code == "und")
    assert 0.0 <= score <= 1.0


def test_language_html_is_read_as_text():
    assert detect_language("<div class='story'><p>Polisi menangkap tersangka karena mencuri uang.</p></div>")[0] == "id"


def test_language_is_fast_on_long_articles():
    text = " ".join(INDONESIAN) * 200  # ~14,000 words
    detect_language(text)
    start = time.perf_counter()
    for _ in range(50):
        detect_language(text)
    assert (time.perf_counter() - start) / 50 < 0.02
