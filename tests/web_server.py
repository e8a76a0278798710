"""A local web site on 127.0.0.1 for the sources' tests: feeds and pages from tests/web_site, and
the ways a site goes wrong. Every request is counted by path (`site.requests`).

  /robots.txt                 disallows /private/ and /members/ for newsmon
  /rss2.xml /rss1.rdf /atom.xml /malformed.xml   feeds ({base} is this server), with ETag / Last-Modified
  /news/<file>                pages of tests/web_site (text/html, no charset: a page says its own)
  /error/<status>             that status
  /slow                       answers after `slow_seconds`
  /huge                       20 MiB of HTML, made while it is sent
  /loop/a, /loop/b            redirect to each other
  /many.xml, /many/<n>.html   a feed of `many_items` (numbers) and their pages
  /samples.xml, /samples/<name>.html   newsmon's sample articles as a feed and HTML pages
"""

from __future__ import annotations

import gzip
import html
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent / "web_site"
SAMPLES_DIR = Path(__file__).resolve().parents[1] / "services" / "newsmon" / "samples" / "articles"
HUGE_BYTES = 20 << 20
FEEDS = {"/rss2.xml": "rss2.xml", "/rss1.rdf": "rss1.rdf", "/atom.xml": "atom.xml", "/malformed.xml": "malformed.xml"}
LAST_MODIFIED = formatdate(1_764_000_000, usegmt=True)

PAGE = """<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="Sample Wire">
<meta property="article:published_time" content="{published}"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe to our newsletter</a></nav>
<article><h1>{title}</h1>{paragraphs}</article>
<section class="comments"><h2>Comments</h2><p>A reader comment that must not appear in the article text.</p></section>
<footer>© 2026 Sample Wire · Privacy policy · Contact us</footer></body></html>
"""


def sample_names() -> list[str]:
    return sorted(path.stem for path in SAMPLES_DIR.glob("*.json"))


def sample_page(name: str) -> bytes:
    article = json.loads((SAMPLES_DIR / f"{name}.json").read_text(encoding="utf-8"))
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in article["text"].split("\n") if p.strip())
    return PAGE.format(language=article["language"], title=html.escape(article["title"]),
                       published=article["published"], paragraphs=paragraphs).encode("utf-8")


def rss(base: str, title: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 document of (guid, title, link) items."""
    entries = "".join(
        f"<item><title>{html.escape(t)}</title><link>{base}{link}</link><guid isPermaLink=\"false\">{guid}</guid>"
        f"<pubDate>Tue, 24 Nov 2026 07:30:00 GMT</pubDate></item>" for guid, t, link in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>{base}/</link><description>test</description>{entries}</channel></rss>").encode("utf-8")


class Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.slow_seconds = 3.0
        self.many_items: list[int] = []

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):  # a client that gave up
            super().handle_error(request, client_address)  # type: ignore[arg-type]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str) -> int:
        with self.lock:
            return self.requests[path]

    def counted(self, prefix: str) -> Counter[str]:
        with self.lock:
            return Counter({path: n for path, n in self.requests.items() if path.startswith(prefix)})


class Handler(BaseHTTPRequestHandler):
    server: Site
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def send(self, status: int, body: bytes = b"", content_type: str = "text/html", **headers: str) -> None:
        # Under /gzip/ the body goes compressed, as most news sites send it, when the client asks for it.
        if self.path.startswith("/gzip/") and "gzip" in self.headers.get("Accept-Encoding", ""):
            body, headers = gzip.compress(body), {**headers, "Content_Encoding": "gzip"}
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def send_feed(self, body: bytes, content_type: str = "application/rss+xml") -> None:
        etag = f'"{abs(hash(body))}"'
        if self.headers.get("If-None-Match") == etag:
            self.send(304, ETag=etag, Last_Modified=LAST_MODIFIED)
            return
        self.send(200, body, content_type, ETag=etag, Last_Modified=LAST_MODIFIED)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = self.path.split("?", 1)[0]
        with self.server.lock:
            self.server.requests[path] += 1
        base = self.server.base
        if path == "/robots.txt":
            self.send(200, (SITE_DIR / "robots.txt").read_bytes(), "text/plain")
        elif path in FEEDS:
            text = (SITE_DIR / FEEDS[path]).read_text(encoding="utf-8").replace("{base}", base)
            self.send_feed(text.encode("utf-8"), "application/atom+xml" if "atom" in path else "application/xml")
        elif path.startswith("/news/") and (SITE_DIR / path.removeprefix("/news/")).is_file():
            self.send(200, (SITE_DIR / path.removeprefix("/news/")).read_bytes())
        elif path.startswith("/gzip/news/") and (SITE_DIR / path.removeprefix("/gzip/news/")).is_file():
            self.send(200, (SITE_DIR / path.removeprefix("/gzip/news/")).read_bytes())
        elif path == "/gzip/bomb":  # 20 MiB of text in about 20 KiB on the wire
            self.send(200, b"<html><body><p>" + b"a" * HUGE_BYTES + b"</p></body></html>")
        elif path.startswith("/private/") or path.startswith("/members/"):
            self.send(200, (SITE_DIR / "en-flood.html").read_bytes())
        elif path.startswith("/error/"):
            status = int(path.removeprefix("/error/"))
            self.send(status, f"<h1>error {status}</h1>".encode())
        elif path == "/slow":
            time.sleep(self.server.slow_seconds)
            self.send(200, (SITE_DIR / "en-flood.html").read_bytes())
        elif path == "/huge":
            self.send_huge()
        elif path in ("/loop/a", "/loop/b"):
            self.send(302, Location="/loop/b" if path == "/loop/a" else "/loop/a")
        elif path == "/many.xml":
            items = [(f"many-{n}", f"Item {n}", f"/many/{n}.html") for n in self.server.many_items]
            self.send_feed(rss(base, "Many", items))
        elif path.startswith("/many/"):
            n = path.removeprefix("/many/").removesuffix(".html")
            text = f"Item {n} of the long feed: a short report about event number {n} somewhere in the world. " * 8
            self.send(200, f"<html><body><article><h1>Item {n}</h1><p>{text}</p></article></body></html>".encode())
        elif path == "/samples.xml":
            items = [(f"sample-{name}", name, f"/samples/{name}.html") for name in sample_names()]
            self.send_feed(rss(base, "Samples", items))
        elif path.startswith("/samples/") and path.removeprefix("/samples/").removesuffix(".html") in sample_names():
            self.send(200, sample_page(path.removeprefix("/samples/").removesuffix(".html")))
        else:
            self.send(404, b"<h1>not found</h1>")

    def send_huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(HUGE_BYTES))
        self.end_headers()
        chunk = b"<p>" + b"a" * (64 * 1024 - 8) + b"</p>\n"
        try:
            for _ in range(HUGE_BYTES // len(chunk)):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading, as it should


@contextmanager
def serve_site() -> Iterator[Site]:
    site = Site()
    thread = threading.Thread(target=site.serve_forever, name="web-site", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.shutdown()
        site.server_close()
        thread.join(timeout=5)
