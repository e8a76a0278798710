"""newsmon.urls: only absolute http(s) URLs with a host pass into records; the rest are dropped with a note."""

import re

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from newsmon.records import Alert, NormalizedArticle
from newsmon.urls import SAFE_URL_PATTERN, require_safe_url, safe_url


@pytest.mark.parametrize("url", [
    "https://example.org/news/1",
    "http://example.org",
    "HTTPS://EXAMPLE.ORG/A?b=c#d",
    "https://example.org:8443/path;params?q=1&r=%20",
    "https://[2001:db8::1]/news",
    "https://пример.рф/новости",
    "https://example.org/a/b/../c?x=<y>",
])
def test_urls_safe_ones_pass_unchanged(url):
    assert safe_url(url) == (url, None)
    assert require_safe_url(url) == url


def test_urls_surrounding_blanks_are_removed():
    assert safe_url("  https://example.org/a \n") == ("https://example.org/a", None)


def test_urls_no_url_is_no_note():
    assert safe_url(None) == (None, None)


@pytest.mark.parametrize(("url", "why"), [
    ("javascript:alert(1)", "scheme 'javascript' is not http or https"),
    ("JaVaScRiPt:alert(1)", "scheme 'javascript' is not http or https"),
    ("data:text/html,<script>alert(1)</script>", "scheme 'data' is not http or https"),
    ("file:///etc/passwd", "scheme 'file' is not http or https"),
    ("ftp://example.org/file", "scheme 'ftp' is not http or https"),
    ("mailto:editor@example.org", "scheme 'mailto' is not http or https"),
    ("/news/1", "it is relative (no scheme)"),
    ("//evil.example/x", "it is relative (no scheme)"),
    ("news/1.html", "it is relative (no scheme)"),
    ("https://", "it has no host"),
    ("https:evil.example", "it has no host"),
    ("http:///path", "it has no host"),
    ("https://:443/x", "it has no host"),
    ("https://bank.example@evil.example/", "it names a user or password before the host"),
    ("https://user:pw@example.org/", "it names a user or password before the host"),
    ("https:\\\\evil.example\\x", "it holds a backslash, which browsers read as '/'"),
    ("http://[::1/x", "it is malformed (Invalid IPv6 URL)"),
    ("http://example.org:99999/", "it is malformed (Port out of range 0-65535)"),
    ("http://example.org:port/", "it is malformed"),
    ("https://example.org/a\nb", "it holds a control, invisible or blank character"),
    ("java\tscript:alert(1)", "it holds a control, invisible or blank character"),
    ("https://example.org/a b", "it holds a control, invisible or blank character"),
    ("https://exam\u200bple.org/", "it holds a control, invisible or blank character"),
    ("https://example.org/\u202egnp.exe", "it holds a control, invisible or blank character"),
    ("https://example.org/\x00", "it holds a control, invisible or blank character"),
    ("", "it is empty"),
    ("   ", "it is empty"),
    ("https://example.org/" + "a" * 3000, "it is 3020 characters long, the limit is 2048"),
])
def test_urls_unsafe_ones_are_dropped_with_the_reason(url, why):
    kept, note = safe_url(url)
    assert kept is None
    assert note.startswith(f"url dropped: {why}"), note


def test_urls_records_refuse_an_unsafe_url():
    fields = dict(id="a", text="t", language="en", language_score=1.0, fingerprint="f", normalized_at="x")
    with pytest.raises(ValueError, match="pattern|safe"):
        NormalizedArticle(**fields, url="javascript:alert(1)")
    with pytest.raises(ValueError, match="invisible"):  # the pattern allows it, the rule does not
        NormalizedArticle(**fields, url="https://exam\u200bple.org/")
    with pytest.raises(ValueError):
        Alert.model_validate({"alert_id": "a", "rule": "r", "severity": "low", "headline": "h", "article_id": "a",
                              "language": "en", "places": [], "persons": [], "organisations": [],
                              "topic": {"code": "medtop:16000000", "label": "l", "score": 1.0},
                              "created_at": "x", "url": "data:text/html,x"})
    assert NormalizedArticle(**fields, url="https://example.org/").url == "https://example.org/"


URLISH = st.text(alphabet=st.sampled_from(list("hHtTpPsS:/\\@[]?#.%-_ aZ09\t\n\u202e\u200bé")), max_size=40)


@hsettings(max_examples=400, deadline=None)
@given(st.one_of(URLISH, st.builds("{}://{}".format, st.sampled_from(["http", "https", "HTTP"]), URLISH), st.text()))
def test_urls_every_kept_url_is_http_with_a_host_and_matches_the_schema_pattern(value):
    kept, note = safe_url(value)
    assert (kept is None) != (note is None)
    if kept is not None:
        assert re.fullmatch(SAFE_URL_PATTERN, kept), kept
        assert kept.lower().startswith(("http://", "https://"))
        assert require_safe_url(kept) == kept
    else:
        assert note.startswith("url dropped: ")
