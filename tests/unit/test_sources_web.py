"""web.py and `newsmon fetch` against a local web site on 127.0.0.1 (tests/web_server.py): no broker."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import assert_valid
from web_server import Site, serve_site

from newsmon import topics
from newsmon.settings import Settings
from newsmon.sources.pages import fetch_article
from newsmon.sources.web import USER_AGENT, FetchError, WebClient

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with serve_site() as running:
        running.slow_seconds = 3.0
        yield running


def settings(**overrides: object) -> Settings:
    values = {"fetch_timeout_seconds": 1.0, "fetch_host_interval_seconds": 0.0, "fetch_max_redirects": 3}
    return Settings(**(values | overrides))  # type: ignore[arg-type]


async def get(url: str, **overrides: object):
    async with WebClient(settings(**overrides)) as web:
        return await web.get(url)


def fetch_error(url: str, **overrides: object) -> FetchError:
    with pytest.raises(FetchError) as caught:
        asyncio.run(get(url, **overrides))
    return caught.value


def test_the_user_agent_names_newsmon_and_gzip_is_asked_for():
    assert USER_AGENT.startswith("newsmon/") and "(+http" in USER_AGENT
    web = WebClient(settings())
    assert web.client.headers["user-agent"] == USER_AGENT
    assert "gzip" in web.client.headers["accept-encoding"]
    asyncio.run(web.aclose())


@pytest.mark.parametrize(("path", "kind", "says"), [
    ("/no-such-page", "http_404", "the server answered HTTP 404"),
    ("/error/500", "http_500", "the server answered HTTP 500"),
    ("/slow", "timeout", "no complete answer within 1 s"),
    ("/huge", "too_large", "over the 5242880-byte limit"),
    ("/loop/a", "redirect_loop", "redirected back to"),
    ("/private/secret.html", "robots_disallowed", "robots.txt disallows it for newsmon"),
    ("/members/list.html", "robots_disallowed", "robots.txt disallows it for newsmon"),
])
def test_each_failure_is_one_fetch_error_with_its_kind_and_a_clear_message(site: Site, path, kind, says):
    error = fetch_error(site.url(path))
    assert error.kind == kind
    assert str(error).startswith(f"{site.url(path)}: {kind}: ") and says in str(error)


def test_a_20_mib_page_is_abandoned_without_reading_it_whole(site: Site):
    started = time.monotonic()
    error = fetch_error(site.url("/huge"), fetch_max_bytes=1 << 20, fetch_timeout_seconds=30)
    assert error.kind == "too_large" and "1048576-byte" in str(error)
    assert time.monotonic() - started < 20, "sanity bound only"


def test_redirects_are_bounded(site: Site):
    assert fetch_error(site.url("/loop/a"), fetch_max_redirects=0).kind == "too_many_redirects"


def test_conditional_get_gives_not_modified(site: Site):
    async def twice():
        async with WebClient(settings()) as web:
            first = await web.get(site.url("/rss2.xml"))
            second = await web.get(site.url("/rss2.xml"), etag=first.headers["etag"])
            return first, second

    first, second = asyncio.run(twice())
    assert first.status == 200 and first.body.startswith(b"<?xml")
    assert second.not_modified and second.body == b""


def test_robots_txt_is_read_once_per_host(site: Site):
    before = site.count("/robots.txt")

    async def three():
        async with WebClient(settings()) as web:
            for name in ("en-flood.html", "id-banjir.html", "de-sturm.html"):
                await web.get(site.url(f"/news/{name}"))

    asyncio.run(three())
    assert site.count("/robots.txt") == before + 1


def test_a_host_that_cannot_be_reached_is_a_connection_error():
    error = fetch_error("http://127.0.0.1:9/")  # discard port: nothing listens
    assert error.kind == "connection"


def test_fetch_article_is_the_page_article_and_valid_raw(site: Site):
    article = asyncio.run(fetch_article(settings(), site.url("/news/fr-cafe-windows-1252.html")))
    assert assert_valid(topics.RAW, article)["title"] == "Le café “Chez Zoé” ferme après 90 ans"
    assert "900 €" in article["text"]


def test_a_gzip_page_is_decoded_and_a_gzip_bomb_is_stopped_at_the_limit_of_decoded_bytes(site: Site):
    plain = asyncio.run(fetch_article(settings(), site.url("/news/en-flood.html")))
    compressed = asyncio.run(fetch_article(settings(), site.url("/gzip/news/en-flood.html")))
    assert compressed["text"] == plain["text"] and compressed["title"] == plain["title"]
    assert fetch_error(site.url("/gzip/bomb")).kind == "too_large"


def run_fetch(url: str) -> subprocess.CompletedProcess[str]:
    # The check runs after the command: nothing the command imported may be spaCy.
    code = ("import sys, runpy; sys.argv = ['newsmon', 'fetch', sys.argv[1]]\n"
            "try:\n    runpy.run_module('newsmon', run_name='__main__')\n"
            "except SystemExit as stop:\n"
            "    print('SPACY_LOADED' if 'spacy' in sys.modules else 'NO_SPACY', file=sys.stderr)\n"
            "    raise\n")
    env = dict(os.environ, PYTHONPATH=str(REPO / "services"), NEWSMON_FETCH_TIMEOUT_SECONDS="1",
               NEWSMON_FETCH_HOST_INTERVAL_SECONDS="0")
    return subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, env=env, timeout=60)


def test_newsmon_fetch_prints_one_json_article_without_loading_spacy(site: Site):
    started = time.monotonic()
    result = run_fetch(site.url("/news/id-banjir.html"))
    assert result.returncode == 0, result.stderr
    article = assert_valid(topics.RAW, json.loads(result.stdout))
    assert (article["language"], article["source"], article["published"]) == ("id", "Kabar Contoh", "2026-11-24")
    assert "NO_SPACY" in result.stderr
    assert time.monotonic() - started < 30, "sanity bound only: it loads no NLP model"


def test_newsmon_fetch_of_a_failing_page_says_why_in_one_line_and_exits_1(site: Site):
    result = run_fetch(site.url("/error/500"))
    assert result.returncode == 1 and result.stdout == ""
    [line] = [line for line in result.stderr.splitlines() if line != "NO_SPACY"]
    assert line == f"newsmon fetch: {site.url('/error/500')}: http_500: the server answered HTTP 500"
