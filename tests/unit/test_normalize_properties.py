"""Properties of the normalize stage on arbitrary input: never an exception, always a
NormalizedArticle or a DeadLetter, and the result always encodes and follows its schema."""

import json

from hypothesis import given, settings as hsettings, strategies as st
from support import assert_valid

from newsmon import topics
from newsmon.contracts import encode
from newsmon.deadletters import Position
from newsmon.normalize.article import normalize_message
from newsmon.normalize.text import clean_text, fingerprint
from newsmon.records import DeadLetter, NormalizedArticle
from newsmon.urls import require_safe_url

HERE = Position(topics.RAW, 0, 7)

# Every code point, lone surrogates and controls included (hypothesis leaves surrogates out by default).
ANY_CHARACTER = st.characters(codec=None, categories=None)
ANY_TEXT = st.text(ANY_CHARACTER, max_size=80)
NEWSY = st.sampled_from(["Kyiv", "killed", "<script>", "</p>", "&amp;", "&#9999999999;", "\u202e", "\ud800",
                         "https://example.org/a", "javascript:alert(1)", "😀" * 70, "_" * 70, "\x00", " \n ", "12"])
TEXTISH = st.lists(ANY_TEXT | NEWSY, max_size=8).map("".join)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXTISH
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(ANY_TEXT, inner, max_size=3), max_leaves=12)
FIELDS = st.sampled_from(["id", "text", "title", "url", "source", "published", "language"])
ARTICLES = st.dictionaries(FIELDS | ANY_TEXT, JSON_VALUES, max_size=6) | st.fixed_dictionaries(
    {"text": TEXTISH}, optional={"id": TEXTISH, "title": TEXTISH, "url": TEXTISH, "language": TEXTISH})


def check(value: bytes | None) -> NormalizedArticle | DeadLetter:
    result = normalize_message(value, HERE, ingested_at=None, max_text_bytes=4096)
    assert isinstance(result, NormalizedArticle | DeadLetter)
    encoded = encode(result)
    if isinstance(result, DeadLetter):
        assert result.reason != "processing_error", result.error  # a foreseen reason for every kind of input
        assert_valid(topics.DEADLETTER, encoded)
    else:
        assert_valid(topics.NORMALIZED, encoded)
        assert result.text and result.text == clean_text(result.text)
        if result.url is not None:
            require_safe_url(result.url)
    return result


@hsettings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_normalize_property_arbitrary_bytes(value):
    check(value)


@hsettings(max_examples=300, deadline=None)
@given(ARTICLES, st.booleans())
def test_normalize_property_arbitrary_json_objects(obj, ascii_only):
    # ensure_ascii writes lone surrogates as \ud800 escapes; without it they cannot be encoded at all
    text = json.dumps(obj, ensure_ascii=True) if ascii_only else json.dumps(obj, ensure_ascii=False)
    check(text.encode("utf-8", "surrogatepass"))


@hsettings(max_examples=300, deadline=None)
@given(TEXTISH)
def test_clean_text_property_is_idempotent_and_encodable(text):
    cleaned = clean_text(text)
    cleaned.encode("utf-8")
    assert clean_text(cleaned) == cleaned
    assert fingerprint(cleaned) == fingerprint(f"  {cleaned}\n")
