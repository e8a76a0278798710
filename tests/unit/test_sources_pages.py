"""pages.py (charset, extraction, ids), feeds_config.py and the per-host limiter: no network, no broker."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import pytest
from support import assert_valid
from web_server import SITE_DIR, sample_page

from newsmon import topics
from newsmon.settings import ConfigError
from newsmon.sources.feeds import parse_feed
from newsmon.sources.feeds_config import load_feeds, parse_feeds
from newsmon.sources.pages import article_id, canonical_url, decode_page, extract_article, page_charset
from newsmon.sources.web import FetchError, HostLimits

BOILERPLATE = ("Subscribe", "newsletter", "Comments", "comment", "Related stories", "Privacy", "©", "Berlangganan",
               "Komentar", "Baca juga", "Hak cipta", "Kommentar", "Impressum", "Abo")


def page(name: str, content_type: str = "text/html") -> dict:
    body = (SITE_DIR / name).read_bytes()
    return extract_article(decode_page(body, content_type), f"http://news.example/news/{name}")


@pytest.mark.parametrize(
    ("name", "language", "title", "published", "site", "first_words"),
    [
        ("en-flood.html", "en", "River floods force thousands from their homes", "2026-11-24", "Example Daily",
         "Floodwaters from the swollen Sava river"),
        # The Indonesian page has its date only in the text: "Selasa, 24 November 2026 09:15 WIB".
        ("id-banjir.html", "id", "Banjir rendam ribuan rumah di Bekasi", "2026-11-24", "Kabar Contoh",
         "Hujan deras yang mengguyur"),
        ("de-sturm.html", "de", "Sturm „Xaver“ legt Bahnverkehr im Norden lahm", "2026-11-23", "Beispiel Zeitung",
         "Der Sturm „Xaver“ hat am Montag"),
    ],
)
def test_a_page_gives_its_main_text_title_date_language_and_site(name, language, title, published, site,
                                                                  first_words):
    article = assert_valid(topics.RAW, page(name))
    assert (article["language"], article["title"], article["published"], article["source"]) == (
        language, title, published, site)
    assert article["text"].startswith(first_words)
    assert article["url"] == f"http://news.example/news/{name}"
    leaked = [word for word in BOILERPLATE if word in article["text"]]
    assert leaked == [], f"navigation, comments, related links or footer in the text: {leaked}"


def test_a_windows_1252_page_declared_only_in_its_meta_tag_comes_out_right():
    body = (SITE_DIR / "fr-cafe-windows-1252.html").read_bytes()
    assert page_charset(body, "text/html") == ("cp1252", "meta")
    article = page("fr-cafe-windows-1252.html")
    assert article["title"] == "Le café “Chez Zoé” ferme après 90 ans"
    assert "de 900 € à 2 400 € par mois" in article["text"]
    assert "« jamais vu ça »" in article["text"] and "\ufffd" not in article["text"]
    assert "published" not in article, "a page without a date gets none (not its copyright year)"
    assert article["language"] == "fr"


def test_charset_order_bom_then_header_then_meta_then_detection():
    meta_latin = b'<html><head><meta charset="iso-8859-1"></head><body>caf\xe9 \x80</body></html>'
    assert page_charset(b"\xef\xbb\xbf<p>x</p>", "text/html; charset=iso-8859-1") == ("utf-8", "bom")
    assert page_charset(meta_latin, 'text/html; charset="UTF-8"') == ("utf-8", "header")
    # ISO-8859-1 is read as windows-1252, as browsers do: 0x80 is the euro sign.
    assert page_charset(meta_latin, "text/html") == ("cp1252", "meta")
    assert decode_page(meta_latin, None).endswith("café €</body></html>")
    assert page_charset(meta_latin, "text/html; charset=no-such-charset")[1] == "meta"
    russian = ("<html><body><p>" + "Сильное наводнение затопило деревни на юге страны. " * 20 + "</p></body></html>")
    codec, where = page_charset(russian.encode("koi8-r"), "text/html")
    assert where == "detected" and russian.encode("koi8-r").decode(codec) == russian


def test_sample_articles_as_pages_keep_their_text_and_date():
    article = extract_article(sample_page("en-earthquake-turkey").decode(), "http://wire.example/samples/x.html")
    assert article["published"] == "2026-05-18"
    assert article["title"] == "Powerful earthquake kills at least 14 in eastern Turkey"
    assert "Subscribe" not in article["text"] and "reader comment" not in article["text"]
    assert article["source"] == "Sample Wire"


def test_a_page_without_main_text_is_an_extraction_error():
    with pytest.raises(FetchError) as caught:
        extract_article("<html><head><title>x</title></head><body><img src='a.png'></body></html>", "http://x.example/")
    assert caught.value.kind == "extraction_empty"
    assert "http://x.example/: extraction_empty: no main text" in str(caught.value)


def test_article_ids_are_stable_across_spellings_of_one_url():
    assert canonical_url("HTTP://News.Example:80/a/b?id=3&utm_source=rss#top") == "http://news.example/a/b?id=3"
    assert article_id("https://news.example/a?utm_medium=x") == article_id("https://NEWS.example:443/a")
    assert article_id("https://news.example/a") != article_id("https://news.example/b")


def test_a_canonical_link_on_another_host_cannot_claim_its_article_id():
    html = (SITE_DIR / "en-flood.html").read_text().replace('href="/news/en-flood.html?utm_source=rss"',
                                                            'href="https://other.example/stolen"')
    article = extract_article(html, "http://news.example/news/en-flood.html")
    assert article["url"] == "http://news.example/news/en-flood.html"
    assert article["id"] == article_id("http://news.example/news/en-flood.html")


# --- feeds ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "keys", "language"), [
    ("rss2.xml", ["example-daily-flood-1", "http://s/news/id-banjir.html", "example-daily-gone", "example-daily-500"],
     "en"),
    ("rss1.rdf", ["http://s/news/de-sturm.html"], "de"),
    ("atom.xml", [f"urn:uuid:5a1c0e1e-0000-4000-8000-00000000000{n}" for n in (2, 3, 4, 5)], "fr"),
])
def test_rss2_rss1_and_atom_items_are_keyed_by_guid_or_id_else_link(name, keys, language):
    body = (SITE_DIR / name).read_text(encoding="utf-8").replace("{base}", "http://s").encode()
    items, declared = parse_feed(body, f"http://s/{name}", "application/xml")
    assert [item.key for item in items] == keys
    assert declared == language
    assert all(item.link and item.link.startswith("http://s/") for item in items)


def test_feed_items_carry_their_dates_and_summaries():
    body = (SITE_DIR / "rss2.xml").read_text(encoding="utf-8").replace("{base}", "http://s").encode()
    items, _ = parse_feed(body, "http://s/rss2.xml", "application/rss+xml")
    assert items[0].published == "2026-11-24T07:30:00Z"
    assert items[2].summary and items[2].summary.startswith("The summary of a story whose page answers 404")
    atom = (SITE_DIR / "atom.xml").read_text(encoding="utf-8").replace("{base}", "http://s").encode()
    [cafe, *_] = parse_feed(atom, "http://s/atom.xml", "application/atom+xml")[0]
    assert cafe.published == "2026-11-21T16:45:00Z"


def test_a_malformed_feed_or_a_page_instead_of_a_feed_is_a_malformed_feed_error():
    for body in ((SITE_DIR / "malformed.xml").read_bytes(), (SITE_DIR / "en-flood.html").read_bytes()):
        with pytest.raises(FetchError) as caught:
            parse_feed(body, "http://s/feed", "application/xml")
        assert caught.value.kind == "malformed_feed"


# --- feeds.yaml -------------------------------------------------------------------------------------------

def test_feeds_yaml_is_read_with_defaults(tmp_path: Path):
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n  - name: world\n    url: https://example.org/rss\n"
                    "  - {name: local, url: 'http://127.0.0.1:8000/atom.xml', interval_seconds: 30,"
                    " max_items_per_poll: 5}\n")
    world, local = load_feeds(path)
    assert (world.name, world.url, world.interval_seconds, world.max_items_per_poll) == (
        "world", "https://example.org/rss", 900.0, None)
    assert (local.interval_seconds, local.max_items_per_poll) == (30, 5)


@pytest.mark.parametrize(("text", "reason"), [
    ("feeds: [", "feeds.yaml:1: not valid YAML"),
    ("- just a list", "feeds.yaml: expected a mapping with a 'feeds' list"),
    ("feeds: []", "feeds.yaml: feeds: List should have at least 1 item"),
    ("feeds:\n  - {name: a, url: ftp://x/feed}", "feeds.yaml: feeds.0.url: String should match pattern"),
    ("feeds:\n  - {name: a, url: 'http://x/f', interval_seconds: 0}", "feeds.0.interval_seconds: Input should be "
     "greater than 0"),
    ("feeds:\n  - {name: a, url: 'http://x/1'}\n  - {name: a, url: 'http://x/2'}", "feed names must be unique; "
     "repeated: a"),
    ("feeds:\n  - {name: a, url: 'http://x/1', colour: red}", "feeds.0.colour: Extra inputs are not permitted"),
    ("feeds:\n  - {name: \"a\\x1fb\", url: 'http://x/1'}", "feeds.0.name: String should match pattern"),
])
def test_a_bad_feeds_yaml_names_the_file_and_the_reason(text, reason):
    with pytest.raises(ConfigError) as caught:
        parse_feeds(text, "feeds.yaml")
    assert reason in str(caught.value)


def test_a_missing_feeds_file_is_a_config_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="absent.yaml: cannot read it"):
        load_feeds(tmp_path / "absent.yaml")


# --- per-host limits ----------------------------------------------------------------------------------------

class VirtualTime:
    """A clock that moves only when every task waits, to the earliest sleeper's wake-up: the limiter's
    spacing is checked exactly, not through a loaded machine's scheduling."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self.order = itertools.count()  # equal wake-ups in the order they slept

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self.sleepers, (self.now + seconds, next(self.order), woken))
        await woken

    async def run(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        while not task.done():
            for _ in range(20):  # let every ready task run to its next wait
                await asyncio.sleep(0)
            if self.sleepers and not task.done():
                self.now, _, woken = heapq.heappop(self.sleepers)
                woken.set_result(None)
        await task


def test_requests_to_one_host_start_at_least_the_interval_apart_and_other_hosts_do_not_wait():
    virtual = VirtualTime()
    limits = HostLimits(min_interval=0.05, concurrency=10, clock=virtual.clock, sleep=virtual.sleep)
    starts: list[tuple[str, float]] = []

    async def request(host: str) -> None:
        async with limits.slot(host):
            starts.append((host, virtual.clock()))

    async def main() -> None:
        await asyncio.gather(request("http://a"), request("http://a"), request("http://b"), request("http://a"))

    asyncio.run(virtual.run(main()))
    assert [t for host, t in starts if host == "http://a"] == pytest.approx([0.0, 0.05, 0.10])
    assert [t for host, t in starts if host == "http://b"] == [0.0], "another host does not queue behind a"
    assert [host for host, _ in starts][:2] == ["http://a", "http://b"]


def test_at_most_the_concurrency_limit_runs_at_once_per_host():
    limits = HostLimits(min_interval=0.0, concurrency=2)
    running = {"now": 0, "most": 0}

    async def request(host: str) -> None:
        async with limits.slot(host):
            running["now"] += 1
            running["most"] = max(running["most"], running["now"])
            await asyncio.sleep(0.01)
            running["now"] -= 1

    async def main() -> None:
        await asyncio.gather(*(request("http://a") for _ in range(6)))

    asyncio.run(main())
    assert running["most"] == 2
