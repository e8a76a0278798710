"""POST /articles decisions (newsmon/sources/push.py): what a body asks to publish, or why not."""

import orjson
import pytest
from support import assert_valid

from newsmon.normalize.article import derived_id, normalize_value
from newsmon.sources.push import (
    MAX_VALUE_BYTES,
    Accepted,
    Refused,
    bearer_token_matches,
    media_type,
    parse_push,
)

LIMIT = 1 << 20


def parse(body: bytes, content_type: str | None = "application/json", max_text_bytes: int = LIMIT):
    return parse_push(body, content_type, max_text_bytes=max_text_bytes, derive_id=derived_id)


def published(accepted: Accepted) -> list[dict]:
    assert [key.decode() for key, _ in accepted.messages] == accepted.ids
    return [assert_valid("news.articles.raw", value) for _, value in accepted.messages]


def test_one_object_keeps_its_id_and_every_field():
    accepted = parse(b'{"id": "a-1", "text": "Floods hit Riverton.", "title": "Floods", "feed_rank": 3}')
    assert isinstance(accepted, Accepted) and accepted.ids == ["a-1"]
    assert published(accepted) == [{"id": "a-1", "text": "Floods hit Riverton.", "title": "Floods", "feed_rank": 3}]


def test_an_article_without_an_id_gets_the_id_normalize_would_give_it():
    accepted = parse(b'{"text": "  <p>Floods hit Riverton.</p>  "}')
    assert isinstance(accepted, Accepted)
    [article] = published(accepted)
    without_id = normalize_value(b'{"text": "Floods hit Riverton."}', ingested_at=None, raw_position=None,
                                 max_text_bytes=LIMIT)
    assert accepted.ids == [article["id"]] == [without_id.id]
    assert article["id"].startswith("fp-")


def test_an_array_is_published_in_order():
    accepted = parse(b'[{"id": "x", "text": "one"}, {"text": "two"}, {"id": "z", "text": "three"}]')
    assert isinstance(accepted, Accepted)
    assert accepted.ids == ["x", derived_id("two"), "z"]
    assert [a["text"] for a in published(accepted)] == ["one", "two", "three"]


def test_one_bad_article_in_an_array_refuses_the_request_naming_its_index():
    refused = parse(b'[{"id": "x", "text": "one"}, {"id": "y", "text": "two"}, {"id": "z", "title": "no text"}]')
    assert refused == Refused(400, "article [2]: 'text': Field required")
    assert parse(b'[{"text": "one"}, "just a string"]') == Refused(400, "article [1]: is a JSON str, expected an object")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"text": 42}', "the article: 'text': Input should be a valid string"),
        (b'{"text": "x", "id": 7}', "the article: 'id': Input should be a valid string"),
        (b'{"text": " \\n\\t "}', "the article: 'text' is empty or only white space"),
        (b"[]", "the array holds no article"),
        (b"42", "the article: is a JSON int, expected an object"),
    ],
)
def test_schema_errors_are_400_with_the_reason(body, reason):
    assert parse(body) == Refused(400, reason)


def test_broken_json_is_400_saying_so():
    refused = parse(b'{"text": "unterminated')
    assert isinstance(refused, Refused) and refused.status == 400
    assert refused.reason.startswith("the body is not JSON")


def test_text_over_the_article_limit_is_400_as_normalize_would_dead_letter_it():
    refused = parse(orjson.dumps({"text": "x" * 101}), max_text_bytes=100)
    assert refused == Refused(400, "the article: 'text' is 101 bytes, the limit is 100 (NEWSMON_MAX_TEXT_BYTES)")


def test_an_article_over_the_message_limit_is_413():
    refused = parse(orjson.dumps({"text": "short", "padding": "p" * MAX_VALUE_BYTES}))
    assert isinstance(refused, Refused) and refused.status == 413


def test_json_with_a_utf8_byte_order_mark_is_read():
    accepted = parse(b'\xef\xbb\xbf{"id": "bom", "text": "caf\xc3\xa9"}', "application/json; charset=utf-8")
    assert isinstance(accepted, Accepted) and published(accepted)[0]["text"] == "café"


def test_plain_text_is_one_article_decoded_with_its_charset():
    accepted = parse("Überschwemmung in Riverton".encode("latin-1"), "text/plain; charset=ISO-8859-1")
    assert isinstance(accepted, Accepted)
    assert published(accepted) == [{"text": "Überschwemmung in Riverton", "id": derived_id("Überschwemmung in Riverton")}]
    utf8 = parse("Überschwemmung".encode(), "Text/Plain")
    assert isinstance(utf8, Accepted) and published(utf8)[0]["text"] == "Überschwemmung"


def test_plain_text_that_is_not_its_charset_is_400_and_an_unknown_charset_415():
    refused = parse(b"caf\xe9", "text/plain")
    assert isinstance(refused, Refused) and refused.status == 400 and "not utf-8" in refused.reason
    assert parse(b"hello", "text/plain; charset=klingon") == Refused(415, "unknown charset 'klingon'")


@pytest.mark.parametrize("content_type", [None, "", "application/x-www-form-urlencoded", "text/html"])
def test_other_media_types_are_415(content_type):
    refused = parse(b'{"text": "hello"}', content_type)
    assert isinstance(refused, Refused) and refused.status == 415
    assert "application/json or text/plain" in refused.reason


def test_media_type_parameters():
    assert media_type('Text/Plain; Charset="latin-1"; q=1') == ("text/plain", {"charset": "latin-1", "q": "1"})
    assert media_type(None) == ("", {})


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        ("Bearer s3cret", True),
        ("bearer  s3cret ", True),
        ("Bearer s3cret2", False),
        ("Bearer s3cre", False),
        ("Basic s3cret", False),
        ("s3cret", False),
        ("Bearer", False),
        ("", False),
        (None, False),
    ],
)
def test_bearer_token(header, matches):
    assert bearer_token_matches(header, "s3cret") is matches


def test_the_push_token_comes_from_the_variable_or_its_file_and_never_shows(tmp_path, monkeypatch):
    from newsmon.settings import ConfigError, Settings, load_settings

    assert Settings().push_secret() is None
    assert Settings(push_token="s3cret").push_secret().get_secret_value() == "s3cret"
    assert "s3cret" not in repr(Settings(push_token="s3cret"))
    (tmp_path / "token").write_text("from-file\n")
    assert Settings(push_token_file=tmp_path / "token").push_secret().get_secret_value() == "from-file"
    with pytest.raises(ConfigError, match="NEWSMON_PUSH_TOKEN and NEWSMON_PUSH_TOKEN_FILE are both set"):
        load_settings(push_token="s3cret", push_token_file=tmp_path / "token")
    with pytest.raises(ConfigError, match="cannot read it"):
        Settings(push_token_file=tmp_path / "missing").push_secret()
    monkeypatch.setenv("NEWSMON_PUSH_TOKEN", "")
    with pytest.raises(ConfigError, match="NEWSMON_PUSH_TOKEN is set but empty"):
        load_settings()


@pytest.mark.parametrize(("stage", "serves_push"), [("normalize", True), ("alert", False)])
def test_only_a_worker_with_the_normalize_stage_serves_articles(stage, serves_push, tmp_path):
    import subprocess
    import sys

    # One Faust app a process: its Prometheus sensors take their names once on the default registry.
    routes = subprocess.run(
        [sys.executable, "-c",
         "import sys, pathlib\n"
         "from newsmon.settings import Settings\n"
         "from newsmon.stream.app import make_app\n"
         "app = make_app(Settings(data_dir=pathlib.Path(sys.argv[2])), (sys.argv[1],))\n"
         "print(sorted({f'{r.method} {r.resource.canonical}' for r in app.web.web_app.router.routes()}))",
         stage, str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    assert "'GET /metrics'" in routes
    assert ("'POST /articles'" in routes) is serves_push
