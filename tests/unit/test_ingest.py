import io

import orjson
import pytest

from newsmon.sources.files import expand, read_sources


def values(paths, stdin=None):
    return [(m.key, m.value) for m in read_sources(paths, stdin=stdin)]


def test_ingest_text_file_becomes_one_article_named_after_the_file(tmp_path):
    (tmp_path / "riverton-flood.txt").write_text("Floods hit Riverton.\nTwo are missing.", encoding="utf-8")
    [(key, value)] = values([str(tmp_path / "riverton-flood.txt")])
    article = orjson.loads(value)
    assert key == b"riverton-flood"
    assert article["text"] == "Floods hit Riverton.\nTwo are missing."
    assert article["id"] == "riverton-flood"


def test_ingest_jsonl_publishes_every_line_as_is_even_broken_ones(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b'{"id": "a", "text": "one"}\n\n{"text": "two"}\n{broken\n')
    got = values([str(path)])
    assert got == [(b"a", b'{"id": "a", "text": "one"}'), (None, b'{"text": "two"}'), (None, b"{broken")]


def test_ingest_json_file_object_or_array(tmp_path):
    (tmp_path / "one.json").write_bytes(b'{"id": "x", "text": "hello"}')
    (tmp_path / "many.json").write_bytes(b'[{"id": "y", "text": "a"}, {"text": "b"}]')
    assert [k for k, _ in values([str(tmp_path / "one.json")])] == [b"x"]
    many = values([str(tmp_path / "many.json")])
    assert [k for k, _ in many] == [b"y", None]
    assert orjson.loads(many[1][1]) == {"text": "b"}


def test_ingest_undecodable_text_file_is_published_raw_for_the_dead_letter_topic(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 latin-1")
    assert values([str(tmp_path / "bad.txt")]) == [(None, b"caf\xe9 latin-1")]


def test_ingest_directory_is_read_in_name_order_skipping_other_files(tmp_path):
    (tmp_path / "b.txt").write_text("second")
    (tmp_path / "a.json").write_text('{"text": "first"}')
    (tmp_path / "notes.md").write_text("not an article")
    assert [p.name for p in expand([str(tmp_path)])] == ["a.json", "b.txt"]


def test_ingest_stdin_text_jsonl_and_json(tmp_path):
    assert orjson.loads(values(["-"], io.BytesIO(b"Plain text article"))[0][1])["text"] == "Plain text article"
    jsonl = values(["-"], io.BytesIO(b'{"text": "a"}\n{"text": "b"}\n'))
    assert [orjson.loads(v)["text"] for _, v in jsonl] == ["a", "b"]
    pretty = values(["-"], io.BytesIO(b'{\n  "text": "one object"\n}\n'))
    assert len(pretty) == 1


def test_ingest_missing_path_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="no such file"):
        list(read_sources(["/nonexistent/articles.jsonl"]))


def test_a_file_that_cannot_be_read_is_reported_and_the_others_still_read(tmp_path):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"article {name}")
    unreadable = []
    messages = read_sources([str(tmp_path)], on_unreadable=lambda path, error: unreadable.append((path, type(error))))
    first = next(messages)  # the folder is listed by now
    (tmp_path / "b.txt").unlink()
    assert [first.key, *(m.key for m in messages)] == [b"a", b"c"]
    assert unreadable == [(str(tmp_path / "b.txt"), FileNotFoundError)]


def test_without_a_handler_an_unreadable_file_still_raises(tmp_path):
    (tmp_path / "a.txt").write_text("one")
    (tmp_path / "b.txt").write_text("two")
    messages = read_sources([str(tmp_path)])
    next(messages)
    (tmp_path / "b.txt").unlink()
    with pytest.raises(FileNotFoundError):
        list(messages)
