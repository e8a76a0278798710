"""Hostile input for news.articles.raw: one entry per kind, each with the outcome newsmon owes it.

An entry is a generator function (its name says what it makes) or a file in files/ (its name too);
large inputs (10 MiB, 100,000 tokens) are built here, never committed. `outcome` is "processed" (a
normalized, then enriched, article) or the dead-letter reason. `check`, where given, says what the
normalized article must look like. Every processed entry has a text of its own, so that no entry
is another's duplicate in a worker.

    from hostile.corpus import CORPUS
    for entry in CORPUS.values(): entry.value(), entry.outcome
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import orjson

from newsmon import topics
from newsmon.records import NormalizedArticle

FILES = Path(__file__).with_name("files")
PROCESSED = "processed"
MIB = 1 << 20
# Raw messages over this never reach the topic: the producer refuses them (newsmon ingest reports them).
KAFKA_VALUE_LIMIT = topics.MAX_MESSAGE_BYTES - 4096


@dataclass(frozen=True)
class Hostile:
    name: str
    make: Callable[[], bytes | None]
    outcome: str
    check: Callable[[NormalizedArticle], None] | None = None

    def value(self) -> bytes | None:
        return _value(self.name)

    @property
    def fits_kafka(self) -> bool:
        value = self.value()
        return value is None or len(value) <= KAFKA_VALUE_LIMIT


CORPUS: dict[str, Hostile] = {}


@cache
def _value(name: str) -> bytes | None:
    return CORPUS[name].make()


def hostile(outcome: str, check: Callable[[NormalizedArticle], None] | None = None):
    def register(make: Callable[[], bytes | None]) -> Callable[[], bytes | None]:
        CORPUS[make.__name__] = Hostile(make.__name__, make, outcome, check)
        return make

    return register


def from_file(file_name: str, outcome: str, check: Callable[[NormalizedArticle], None] | None = None) -> None:
    name = file_name.rsplit(".", 1)[0]
    CORPUS[name] = Hostile(name, (FILES / file_name).read_bytes, outcome, check)


def article(text: str, **fields) -> bytes:
    return orjson.dumps({"text": text, **fields})


def story(tag: str) -> str:
    """A short ordinary report, different for every tag."""
    return f"Heavy rain flooded the streets of Hostile {tag} on Monday and the mayor closed the schools."


# -- what a processed article must look like -------------------------------------------------------


def no_controls(article: NormalizedArticle) -> None:
    for field in (article.text, article.title or ""):
        bad = [c for c in field if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F]
        assert not bad, f"control characters left: {bad[:5]}"


def no_bidi_controls(article: NormalizedArticle) -> None:
    for field in (article.text, article.title or ""):
        assert not set(field) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), field


def replaced_surrogates(article: NormalizedArticle) -> None:
    assert "\ufffd" in article.text and not any(0xD800 <= ord(c) <= 0xDFFF for c in article.text)


def url_dropped_because(fragment: str) -> Callable[[NormalizedArticle], None]:
    def check(article: NormalizedArticle) -> None:
        assert article.url is None
        assert len(article.notes) == 1 and fragment in article.notes[0], article.notes

    return check


def url_kept(url: str) -> Callable[[NormalizedArticle], None]:
    def check(article: NormalizedArticle) -> None:
        assert article.url == url and article.notes == []

    return check


def text_is(expected: str) -> Callable[[NormalizedArticle], None]:
    def check(article: NormalizedArticle) -> None:
        assert article.text == expected, article.text[:200]

    return check


def language_is(code: str) -> Callable[[NormalizedArticle], None]:
    def check(article: NormalizedArticle) -> None:
        assert article.language == code, article.language

    return check


def no_script(article: NormalizedArticle) -> None:
    assert "alert(" not in article.text and "document.write" not in article.text, article.text


# -- bytes and encodings ---------------------------------------------------------------------------

from_file("latin1_spanish_article.json", "undecodable_bytes")
from_file("utf16le_with_bom_article.json", "undecodable_bytes")


@hostile("invalid_json")
def utf16_be_without_bom() -> bytes:
    return json.dumps({"text": story("Sixteen-BE")}).encode("utf-16-be")


@hostile("undecodable_bytes")
def invalid_utf8_continuation_byte() -> bytes:
    return b'{"text": "caf\xc3\x28 in Hostile Town"}'


@hostile("undecodable_bytes")
def utf8_encoded_surrogate() -> bytes:
    return b'{"text": "CESU \xed\xa0\x80 bytes in Hostile Town"}'


@hostile("undecodable_bytes")
def overlong_utf8_slash() -> bytes:
    return b'{"text": "..\xc0\xaf..\xc0\xafetc in Hostile Town"}'


@hostile(PROCESSED, text_is(story("Bom")))
def utf8_byte_order_mark_before_json() -> bytes:
    return codecs.BOM_UTF8 + article(story("Bom"))


@hostile(PROCESSED, no_controls)
def nul_and_control_character_escapes() -> bytes:
    controls = "".join(chr(c) for c in [*range(0, 9), *range(11, 32), 0x7F, 0x85, 0x9B])
    return article(f"{controls}Fog\x00 closed\x1b[31m the airport\x07 of Hostile Controls.{controls}",
                   title="Fog\x00\x08 alert")


@hostile("invalid_json")
def raw_control_byte_inside_a_json_string() -> bytes:
    return b'{"text": "a raw \x01 byte in Hostile Town"}'


@hostile("invalid_json")
def empty_value() -> bytes:
    return b""


@hostile("invalid_json")
def tombstone_without_value() -> None:
    return None


@hostile("invalid_json")
def blank_value() -> bytes:
    return b" \n\t\r\n "


# -- JSON structure --------------------------------------------------------------------------------


@hostile("invalid_json")
def truncated_json() -> bytes:
    return article(story("Truncated"))[:-7]


@hostile("invalid_json")
def trailing_garbage_after_the_object() -> bytes:
    return article(story("Trailing")) + b" <!-- served by hostile-cms -->"


@hostile("invalid_json")
def two_objects_on_one_line() -> bytes:
    return article(story("First")) + article(story("Second"))


@hostile("invalid_json")
def arrays_nested_10000_deep() -> bytes:
    return b"[" * 10_000 + b"]" * 10_000


@hostile("invalid_json")
def objects_nested_10000_deep_inside_an_article() -> bytes:
    return b'{"text": "Deep nesting in Hostile Deep.", "extra": ' + b'{"a":' * 10_000 + b"1" + b"}" * 10_001


@hostile(PROCESSED)
def arrays_nested_900_deep_in_an_extra_field() -> bytes:
    return b'{"text": "Nine hundred levels in Hostile Nine.", "extra": ' + b"[" * 900 + b"]" * 900 + b"}"


@hostile("not_an_object")
def array_of_a_million_numbers() -> bytes:
    return b"[" + b"0," * 999_999 + b"0]"


@hostile(PROCESSED)
def million_numbers_in_an_extra_field() -> bytes:
    return article("A long list rides along in Hostile Arrays.", numbers=[7] * 1_000_000)


@hostile("not_an_object")
def top_level_string() -> bytes:
    return orjson.dumps(story("String"))


@hostile("not_an_object")
def top_level_null() -> bytes:
    return b"null"


@hostile("not_an_object")
def top_level_number() -> bytes:
    return b"-0.0e-0"


@hostile("invalid_json")
def nan_literal() -> bytes:
    return b'{"text": "Not a number in Hostile NaN.", "score": NaN}'


@hostile("invalid_json")
def infinity_literal() -> bytes:
    return b'{"text": "Endless in Hostile Infinity.", "score": -Infinity}'


@hostile(PROCESSED)
def integer_beyond_64_bits() -> bytes:
    return b'{"text": "Big sequence number in Hostile Sixty-Four.", "seq": 123456789012345678901234567890}'


@hostile("invalid_json")
def integer_of_5000_digits() -> bytes:
    return b'{"text": "Huge integer in Hostile Digits.", "seq": ' + b"9" * 5000 + b"}"


@hostile(PROCESSED)
def float_beyond_double_range() -> bytes:
    return b'{"text": "Overflowing float in Hostile Float.", "ratio": 1e400}'


@hostile(PROCESSED, text_is("The second text wins in Hostile Duplicate."))
def duplicate_text_keys() -> bytes:
    return b'{"text": "The first text in Hostile Duplicate.", "text": "The second text wins in Hostile Duplicate."}'


@hostile("wrong_type")
def duplicate_keys_the_last_one_wrong() -> bytes:
    return b'{"text": "A fine text in Hostile Duplicate Two.", "text": 5}'


# -- wrong types and shapes -------------------------------------------------------------------------


@hostile("wrong_type")
def text_as_object() -> bytes:
    return orjson.dumps({"text": {"body": story("Object")}})


@hostile("wrong_type")
def text_as_list() -> bytes:
    return orjson.dumps({"text": [story("List")]})


@hostile("wrong_type")
def text_as_bool() -> bytes:
    return b'{"text": true}'


@hostile("wrong_type")
def id_as_number() -> bytes:
    return article(story("Numeric Id"), id=12345)


@hostile("wrong_type")
def language_as_object() -> bytes:
    return article(story("Language Object"), language={"code": "en"})


@hostile("schema_violation")
def id_of_10000_characters() -> bytes:
    return article(story("Long Id"), id="i" * 10_000)


@hostile("missing_text")
def title_only() -> bytes:
    return orjson.dumps({"id": "hostile-title-only", "title": "Only a title in Hostile Title"})


@hostile("missing_text")
def text_null() -> bytes:
    return b'{"text": null, "title": "Null text"}'


@hostile("empty_text")
def text_empty_string() -> bytes:
    return b'{"text": ""}'


@hostile("empty_text")
def text_of_invisible_characters_only() -> bytes:
    return article("\u200b\u2060\ufeff\u00ad\u202e")


@hostile("empty_text")
def text_of_markup_only() -> bytes:
    return article("<div><script>var hostile = 1;</script><br/><p></p></div>")


@hostile(PROCESSED, language_is("en"))
def language_field_of_100000_characters() -> bytes:
    return article(story("Language Tag"), language="en" * 50_000)


# -- odd text --------------------------------------------------------------------------------------


@hostile(PROCESSED, replaced_surrogates)
def lone_surrogate_escape() -> bytes:
    return b'{"text": "bad \\ud800 surrogate in Hostile Surrogate"}'


@hostile(PROCESSED, replaced_surrogates)
def lone_surrogates_in_id_title_and_url() -> bytes:
    return (b'{"id": "hostile-\\udc00-id", "title": "T\\udfff", "url": "https://example.org/\\ud800",'
            b' "text": "low \\udc00 and high \\udbff surrogates in Hostile Pairs"}')


@hostile(PROCESSED)
def lone_surrogate_as_a_key() -> bytes:
    return b'{"\\ud800": 1, "text": "A key that is no character in Hostile Key."}'


@hostile(PROCESSED, text_is("An emoji pair \U0001f600 in Hostile Pair."))
def surrogate_pair_escape() -> bytes:
    return b'{"text": "An emoji pair \\ud83d\\ude00 in Hostile Pair."}'


from_file("bidi_override_title.json", PROCESSED, no_bidi_controls)


@hostile(PROCESSED, text_is("Shelling hit Kyiv and Hostile Zero-Width overnight."))
def zero_width_characters_inside_words() -> bytes:
    return article("Shelling hit Ky\u200biv and Hostile Zero\u00ad-Width\u2060 overnight.\ufeff")


@hostile(PROCESSED)
def combining_mark_flood() -> bytes:
    return article("Z" + "\u0301\u0310\u0352" * 20_000 + "algo in Hostile Marks.")


from_file("rtl_arabic_article.json", PROCESSED, language_is("ar"))
from_file("cjk_chinese_article.json", PROCESSED, language_is("zh"))


@hostile(PROCESSED)
def japanese_without_spaces() -> bytes:
    return article("台風の影響で東京都内の鉄道は終日運転を見合わせ、少なくとも三人がけがをした。" * 40)


@hostile(PROCESSED)
def emoji_only() -> bytes:
    return article("🌊🌊🏠💥🚒🚑" * 50)


@hostile(PROCESSED)
def other_emoji_only() -> bytes:
    return article("🔥🔥🌲🚁" * 50)


@hostile(PROCESSED)
def line_of_100000_tokens() -> bytes:
    return article("Hostile-Tokens " + "a " * 100_000)


@hostile("text_too_large")
def text_of_10_mib() -> bytes:
    return article("Hostile Ten " + "x" * (10 * MIB))


@hostile("text_too_large")
def text_of_7_mib() -> bytes:
    """Fits in a Kafka message but not in the text limit: its dead letter must still fit a message."""
    return article("Hostile Seven " + "y" * (7 * MIB))


@hostile("text_too_large")
def text_one_byte_over_the_limit() -> bytes:
    return article("z" * (MIB + 1))


@hostile(PROCESSED)
def text_exactly_at_the_limit() -> bytes:
    return article(("Hostile Limit " + "é" * MIB)[: MIB // 2])


from_file("html_page_with_scripts.json", PROCESSED, no_script)


# -- built to make the rules' patterns and loops slow ------------------------------------------------


@hostile(PROCESSED)
def unclosed_script_tags_repeated() -> bytes:
    """Quadratic for a lazy <script>.*?</script> pattern: every opening scanned to the end."""
    return article("Hostile Scripts <b>report</b> " + "<script>" * 10_000)


@hostile(PROCESSED)
def tags_without_closing_brackets_repeated() -> bytes:
    return article("Hostile Brackets <p>report</p> " + "<script " * 10_000 + "<br " * 10_000)


@hostile(PROCESSED)
def numeric_character_reference_of_5000_digits() -> bytes:
    return article("Hostile <i>Reference</i> &#" + "9" * 5000 + "; and &#x" + "f" * 5000 + ";")


@hostile(PROCESSED)
def run_of_20000_emoji_after_a_word() -> bytes:
    """Quadratic in spaCy's tokenizer, which strips one affix at a time."""
    return article("Hostile Emoji-Run " + "😀" * 20_000)


@hostile(PROCESSED)
def run_of_20000_closing_brackets() -> bytes:
    return article("Hostile Brackets-Run Kyiv" + ")" * 20_000)


@hostile(PROCESSED)
def run_of_20000_underscores_and_quotes() -> bytes:
    return article("Hostile Underscores " + "_" * 10_000 + "'\"" * 5_000)


@hostile(PROCESSED)
def german_compound_number_bomb() -> bytes:
    """Exponential for a number-word splitter that retries every way of cutting "achtzehn"."""
    word = "achtzehn" * 40 + "q"
    return article(f"In Hostilestadt wurden {word} Menschen verletzt. " + (word + " ") * 200, language="de")


@hostile(PROCESSED)
def grouped_digits_of_6000_digits() -> bytes:
    return article("At least " + ",".join(["1"] + ["000"] * 2000) + " people were killed in Hostile Group.")


@hostile(PROCESSED)
def counts_beyond_64_bits() -> bytes:
    return article("At least 1,000,000,000,000,000,000,000 people were killed and 99999999999999999999999 "
                   "injured in Hostile Overflow, and a million million million drones were launched.")


@hostile(PROCESSED)
def fifty_thousand_numbers() -> bytes:
    return article("Hostile Numbers: " + " ".join(str(n % 1000) for n in range(50_000)))


@hostile(PROCESSED)
def killed_phrase_repeated_2000_times() -> bytes:
    return article("At least 3 people were killed in Kharkiv, Hostile Repeat. " * 2000)


# -- URLs ------------------------------------------------------------------------------------------


@hostile(PROCESSED, url_dropped_because("scheme 'javascript' is not http or https"))
def javascript_url_on_a_casualty_report() -> bytes:
    return article("At least 14 people were killed and 30 injured when shelling hit Kharkiv, Ukraine, "
                   "officials in Hostile Javascript said.", id="hostile-javascript-url",
                   url="javascript:alert(document.cookie)")


@hostile(PROCESSED, url_dropped_because("scheme 'data' is not http or https"))
def data_url() -> bytes:
    return article(story("Data Url"), url="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==")


@hostile(PROCESSED, url_dropped_because("scheme 'file' is not http or https"))
def file_url() -> bytes:
    return article(story("File Url"), url="file:///etc/passwd")


@hostile(PROCESSED, url_dropped_because("relative"))
def relative_url() -> bytes:
    return article(story("Relative Url"), url="/news/2026/hostile")


@hostile(PROCESSED, url_dropped_because("relative"))
def protocol_relative_url() -> bytes:
    return article(story("Protocol Relative"), url="//evil.example/path")


@hostile(PROCESSED, url_dropped_because("control"))
def url_with_a_newline_inside() -> bytes:
    return article(story("Newline Url"), url="https://example.org/a\nSet-Cookie: x=1")


@hostile(PROCESSED, url_dropped_because("control"))
def url_with_a_bidi_override() -> bytes:
    return article(story("Bidi Url"), url="https://example.org/\u202egnp.exe")


@hostile(PROCESSED, url_dropped_because("user or password"))
def url_with_credentials_before_the_host() -> bytes:
    return article(story("Credentials Url"), url="https://bank.example.com@evil.example/login")


@hostile(PROCESSED, url_dropped_because("malformed"))
def url_with_a_broken_ipv6_host() -> bytes:
    return article(story("IPv6 Url"), url="http://[::1/news")


@hostile(PROCESSED, url_dropped_because("backslash"))
def url_with_backslashes() -> bytes:
    return article(story("Backslash Url"), url="https:\\\\evil.example\\news")


@hostile(PROCESSED, url_dropped_because("characters long"))
def url_of_100000_characters() -> bytes:
    return article(story("Long Url"), url="https://example.org/" + "a" * 100_000)


@hostile(PROCESSED, url_kept("HTTPS://Example.org/News?id=1#top"))
def uppercase_https_url_with_blanks_around() -> bytes:
    return article(story("Uppercase Url"), url="  HTTPS://Example.org/News?id=1#top \n")
