import base64

import orjson
import pytest
from hypothesis import given, settings as hsettings, strategies as st
from support import assert_valid

from newsmon import topics
from newsmon.deadletters import Position
from newsmon.normalize.article import normalize_message
from newsmon.normalize.dedup import FirstSeen, is_duplicate
from newsmon.normalize.text import clean_text, fingerprint
from newsmon.records import DeadLetter, NormalizedArticle

HERE = Position(topics.RAW, 3, 41)
LIMIT = 1 << 20


def run(value: bytes) -> NormalizedArticle | DeadLetter:
    result = normalize_message(value, HERE, ingested_at="2026-11-24T10:00:00.000000Z", max_text_bytes=LIMIT)
    assert_valid(topics.DEADLETTER if isinstance(result, DeadLetter) else topics.NORMALIZED, result)
    return result


def test_normalize_valid_article_is_tagged_and_fingerprinted():
    value = orjson.dumps({"id": "a1", "title": "Banjir  di Jakarta", "text": "Banjir besar melanda Jakarta pada hari Senin,\r\nribuan warga mengungsi ke tempat yang lebih aman.", "url": "https://example.org/a1"})
    article = run(value)
    assert isinstance(article, NormalizedArticle)
    assert article.id == "a1"
    assert article.language == "id"
    assert article.title == "Banjir di Jakarta"
    assert "\r" not in article.text
    assert article.raw_position == "3/41"
    assert article.ingested_at == "2026-11-24T10:00:00.000000Z"
    assert len(article.fingerprint) == 32


def test_normalize_declared_language_wins_and_a_malformed_one_is_ignored():
    text = "Banjir besar melanda Jakarta pada hari Senin, ribuan warga mengungsi ke tempat yang lebih aman."
    assert run(orjson.dumps({"text": text, "language": "ms"})).language == "ms"
    assert run(orjson.dumps({"text": text, "language": "en-GB"})).language == "en"
    detected = run(orjson.dumps({"text": text, "language": "Bahasa Indonesia"}))
    assert detected.language == "id" and detected.language_score < 1.0


def test_normalize_article_without_id_gets_one_from_its_content():
    first = run(orjson.dumps({"text": "A flood hit the town of Riverton on Monday."}))
    second = run(orjson.dumps({"text": "A FLOOD hit the town of  Riverton on Monday!"}))
    assert first.id == second.id and first.id.startswith("fp-")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"\xff\xfe\x00 not utf-8", "undecodable_bytes"),
        (b'{"text": "unterminated', "invalid_json"),
        (b"[1, 2, 3]", "not_an_object"),
        (b'"just a string"', "not_an_object"),
        (b'{"title": "no body"}', "missing_text"),
        (b'{"text": null}', "missing_text"),
        (b'{"text": "   \\n\\t "}', "empty_text"),
        (b'{"text": 42}', "wrong_type"),
        (b'{"text": "fine", "title": ["not", "a", "string"]}', "wrong_type"),
        (b'{"text": "fine", "id": ""}', "schema_violation"),
        (None, "invalid_json"),
    ],
)
def test_normalize_bad_input_becomes_a_dead_letter_with_the_original_bytes(value, reason):
    letter = run(value)
    assert isinstance(letter, DeadLetter)
    assert letter.reason == reason
    assert letter.error
    assert base64.b64decode(letter.original_base64) == (value or b"")
    assert (letter.source_topic, letter.source_partition, letter.source_offset) == (topics.RAW, 3, 41)
    assert letter.stage == "normalize"


def test_normalize_accepts_json_orjson_cannot_represent():
    article = run(b'{"text": "Quake near Riverton.", "sequence": 123456789012345678901234567890}')
    assert isinstance(article, NormalizedArticle)


def test_normalize_text_over_the_limit_is_dead_lettered():
    value = orjson.dumps({"text": "x" * (LIMIT + 1)})
    letter = run(value)
    assert isinstance(letter, DeadLetter) and letter.reason == "text_too_large"
    assert str(LIMIT) in letter.error


def test_normalize_text_at_the_limit_passes():
    assert isinstance(run(orjson.dumps({"text": "é" * (LIMIT // 2)})), NormalizedArticle)


def test_clean_text_keeps_paragraphs_and_collapses_blanks():
    assert clean_text("  One\u00a0 two\r\n\r\nthree\t\tfour  ") == "One two\n\nthree four"


def test_clean_text_strips_html_left_by_scrapers():
    html_body = ('<div><p>Floods hit <a href="/tag/jakarta">Jakarta</a> &amp; Bekasi.</p>'
                 '<script>var ad = "<b>x</b>";</script><p>Two are missing.<br>More soon.</p></div>')
    assert clean_text(html_body) == "Floods hit Jakarta & Bekasi.\n\nTwo are missing.\nMore soon."


def test_clean_text_leaves_comparisons_and_plain_text_alone():
    assert clean_text("Turnout was < 40% and > 30% in 2 < 3 districts") == "Turnout was < 40% and > 30% in 2 < 3 districts"
    assert clean_text("Tom &amp; Jerry") == "Tom & Jerry"


def test_fingerprint_ignores_case_spacing_and_punctuation_but_not_words():
    assert fingerprint("Two killed, 13 injured.") == fingerprint("two   KILLED 13 injured")
    assert fingerprint("Two killed, 13 injured.") != fingerprint("Two killed, 14 injured.")


def test_is_duplicate_within_the_window_only():
    assert not is_duplicate(None, 100.0, 60, "0/7")
    assert is_duplicate(FirstSeen(50.0, "0/1"), 100.0, 60, "0/7")
    assert not is_duplicate(FirstSeen(30.0, "0/1"), 100.0, 60, "0/7")


def test_the_message_that_was_seen_is_not_a_duplicate_of_itself():
    # Read again after a crash between recording its fingerprint and forwarding it.
    assert not is_duplicate(FirstSeen(50.0, "2/7"), 100.0, 60, "2/7")
    assert is_duplicate(FirstSeen(50.0, "2/7"), 100.0, 60, "2/8")


def test_first_seen_reads_what_it_wrote_and_the_older_bare_epoch():
    assert FirstSeen.from_json(FirstSeen(12.5, "1/2").to_json()) == FirstSeen(12.5, "1/2")
    assert FirstSeen.from_json(12) == FirstSeen(12.0)
    assert FirstSeen.from_json("garbage") is None


@hsettings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_normalize_never_raises_on_arbitrary_bytes(value):
    assert isinstance(run(value), (NormalizedArticle, DeadLetter))


@hsettings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "text", "title", "url", "language", "extra"]),
                       st.none() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=50) | st.lists(st.integers(-(2**63), 2**63 - 1), max_size=2)))
def test_normalize_never_raises_on_arbitrary_objects(obj):
    assert isinstance(run(orjson.dumps(obj)), (NormalizedArticle, DeadLetter))


def test_normalize_lone_surrogate_becomes_the_replacement_character():
    article = run(b'{"id": "s\\ud800", "text": "bad \\ud800 surrogate", "title": "t\\udc00"}')
    assert isinstance(article, NormalizedArticle)
    assert (article.id, article.text, article.title) == ("s\ufffd", "bad \ufffd surrogate", "t\ufffd")


def test_normalize_unsafe_url_is_dropped_and_noted_and_a_safe_one_kept():
    dropped = run(orjson.dumps({"text": "Floods in Riverton.", "url": "javascript:alert(1)"}))
    assert dropped.url is None
    assert dropped.notes == ["url dropped: scheme 'javascript' is not http or https"]
    kept = run(orjson.dumps({"text": "Floods in Riverton again.", "url": "https://example.org/a"}))
    assert (kept.url, kept.notes) == ("https://example.org/a", [])


def test_normalize_an_error_nobody_foresaw_is_a_processing_error_dead_letter(monkeypatch):
    import newsmon.normalize.article as stage

    def broken_detector(text):
        raise RuntimeError("language model file vanished")

    monkeypatch.setattr(stage, "detect_language", broken_detector)
    letter = run(orjson.dumps({"text": "Floods in Riverton."}))
    assert isinstance(letter, DeadLetter)
    assert (letter.reason, letter.stage) == ("processing_error", "normalize")
    assert letter.error == "RuntimeError: language model file vanished"


@pytest.mark.parametrize(("value", "reason", "said"), [
    (b"[" * 5000 + b"]" * 5000, "invalid_json", "nested too deeply"),
    (b'{"text": "x", "n": NaN}', "invalid_json", "NaN is not a JSON number"),
    (b'{"text": "x", "n": ' + b"1" * 5000 + b"}", "invalid_json", "4300 digits"),
    (b"\xff\xfe{\x00}\x00", "undecodable_bytes", "UTF-16 byte order mark"),
    ('{"text": "x"}'.encode("utf-16-be"), "invalid_json", "NUL bytes"),
])
def test_normalize_json_readers_limits_are_dead_letters_that_say_why(value, reason, said):
    letter = run(value)
    assert isinstance(letter, DeadLetter) and letter.reason == reason
    assert said in letter.error, letter.error


def test_normalize_utf8_byte_order_mark_is_ignored():
    assert run(b'\xef\xbb\xbf{"text": "Floods in Riverton."}').text == "Floods in Riverton."


def test_dead_letter_of_a_huge_message_keeps_its_first_bytes_and_fits_a_message():
    from newsmon.contracts import encode
    from newsmon.deadletters import MAX_ORIGINAL_BYTES, dead_letter

    value = b"{" + b"x" * (7 << 20)
    letter = dead_letter(value, HERE, "invalid_json", "value is not JSON \udc80", "normalize")
    assert letter.original_size == len(value)
    assert base64.b64decode(letter.original_base64) == value[:MAX_ORIGINAL_BYTES]
    assert "cut to its first" in letter.error and "\udc80" not in letter.error
    assert len(encode(letter)) < topics.MAX_MESSAGE_BYTES - 4096
    small = dead_letter(b"{", HERE, "invalid_json", "e", "normalize")
    assert small.original_size is None and "original_size" not in small.to_json_dict()


def test_clean_text_removes_controls_and_invisible_characters_but_keeps_joiners_and_bidi_marks():
    assert clean_text("a\x00b\x1b[0m\x7f\x9bc\u200bd\u00ade\ufefff\u202eg\u2066h\u2069") == "ab[0mcdefgh"
    persian = "می\u200cخواهم \u200fو\u200e"  # ZWNJ, RLM, LRM
    assert clean_text(persian) == persian
    assert clean_text("one\u2028two\x85three\u2029four") == "one\ntwo\nthree\nfour"


def test_clean_text_breaks_endless_runs_of_symbols_with_blanks_and_keeps_every_character():
    from newsmon.normalize.text import SYMBOL_RUN_CHARS

    run_of_emoji = "😀" * (3 * SYMBOL_RUN_CHARS + 5)
    cleaned = clean_text("Word" + run_of_emoji)
    assert cleaned.replace(" ", "") == "Word" + run_of_emoji
    assert max(len(chunk) for chunk in cleaned.split(" ")) <= SYMBOL_RUN_CHARS + len("Word")
    assert clean_text("=" * SYMBOL_RUN_CHARS) == "=" * SYMBOL_RUN_CHARS  # short rules stay whole
    assert clean_text("a-b_c...d!!") == "a-b_c...d!!"


def test_clean_text_of_huge_character_references_gives_the_replacement_character():
    assert clean_text("a &#" + "9" * 5000 + "; b &#0000065; c &#99999999;") == "a \ufffd b A c \ufffd"


@pytest.mark.parametrize("hostile", [
    "<script>" * 100_000,
    "<script " * 100_000,
    "<style>x" * 50_000 + "</script>",
    "<br " * 100_000,
    "<a " + " " * 500_000,
    "&#" + "1" * 500_000,
    "</script " * 50_000,
], ids=["unclosed-script", "unclosed-script-tag", "style-never-closed", "br-without-bracket", "blank-tag",
        "long-reference", "closing-tags-without-bracket"])
def test_clean_text_takes_linear_time_on_markup_built_to_backtrack(hostile):
    from support import hang_guard

    with hang_guard(10, "clean_text"):
        clean_text("Floods in <b>Riverton</b>. " + hostile)


def test_clean_text_drops_closed_hidden_blocks_and_keeps_the_text_after_an_unclosed_one():
    assert clean_text("a<script>x</script>b<style>y</STYLE >c<script>never closed") == "a b cnever closed"


def test_fingerprint_of_texts_without_words_tells_them_apart():
    assert fingerprint("🌊🏠") != fingerprint("🔥🌲")
    assert fingerprint("🌊 🏠") == fingerprint("🌊🏠")
