"""A fetched web page -> the article newsmon publishes: main text, title, date, language, site.

The bytes are decoded here (HTTP charset, else the page's own <meta>, else detection) and the text
is handed to trafilatura, so a windows-1252 page declared only in its <meta> comes out right.
trafilatura keeps the main text only (comments off, precision over recall: navigation, related
links and footers stay out); htmldate, under it, finds the date in metadata or in the text.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import charset_normalizer
import htmldate
import trafilatura

from newsmon.nlp.language import detect_language
from newsmon.records import RawArticle
from newsmon.settings import Settings
from newsmon.sources.web import Fetched, FetchError, WebClient
from newsmon.urls import url_problem

# Where a page may declare its charset: the first 1024 bytes (HTML's prescan), a little more for safety.
_PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
# Browsers read these labels as windows-1252 (WHATWG Encoding): "ISO-8859-1" pages use € and “ ”.
_WINDOWS_1252_ALIASES = frozenset({"latin-1", "iso8859-1", "ascii", "cp1252"})
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_TRACKING_PARAMETER = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid)$", re.IGNORECASE)
_LANGUAGE_SAMPLE_CHARS = 4000


def _codec(label: str | bytes | None) -> str | None:
    """The Python codec of a charset label, or None for an unknown one."""
    if not label:
        return None
    text = label.decode("ascii", "ignore") if isinstance(label, bytes) else label
    try:
        name = codecs.lookup(text.strip().lower()).name
    except LookupError:
        return None
    return "cp1252" if name in _WINDOWS_1252_ALIASES else name


def page_charset(body: bytes, content_type: str | None) -> tuple[str, str]:
    """(codec, where it came from): a byte order mark, the Content-Type header, the page's <meta>,
    else detection; utf-8 when nothing can tell."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, "bom"
    header = _HEADER_CHARSET.search(content_type or "")
    if codec := _codec(header.group(1) if header else None):
        return codec, "header"
    meta = _META_CHARSET.search(body[:_PRESCAN_BYTES])
    if codec := _codec(meta.group(1) if meta else None):
        return codec, "meta"
    best = charset_normalizer.from_bytes(body[: 256 * 1024]).best()
    if best is not None and (codec := _codec(best.encoding)):
        return codec, "detected"
    return "utf-8", "default"


def decode_page(body: bytes, content_type: str | None) -> str:
    codec, _ = page_charset(body, content_type)
    text = body.decode(codec, errors="replace")
    return text.removeprefix("\ufeff")


def canonical_url(url: str) -> str:
    """The URL an article is known by: lower-case scheme and host, no default port, no fragment,
    no tracking parameters; two links to one article give one id."""
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMETER.match(k)]
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def article_id(url: str) -> str:
    return "url-" + hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:32]


def _canonical_link(found: str | None, fetched_url: str) -> str:
    """The page's own canonical URL when it is a safe one on the same host, else the fetched URL:
    a page must not be able to claim another site's article id."""
    link = urljoin(fetched_url, found.strip()) if found else None
    if link and url_problem(link) is None and urlsplit(link).hostname == urlsplit(fetched_url).hostname:
        return canonical_url(link)
    return fetched_url


def _published(found: str | None, html: str, url: str) -> str | None:
    """htmldate's last resort is the year of a copyright line, given as YYYY-01-01: a 1 January
    that the metadata-only search does not confirm is no date."""
    if found and found.endswith("-01-01"):
        confirmed = htmldate.find_date(html, extensive_search=False, original_date=True, url=url)
        return found if confirmed == found else None
    return found


def _without_title_line(text: str, title: str | None) -> str:
    """trafilatura starts the text with the page's <h1>; the title is a field of its own."""
    first, _, rest = text.partition("\n")
    return rest.strip() if title and rest.strip() and first.strip() == title.strip() else text


def extract_article(html: str, url: str) -> dict[str, Any]:
    """The article in `html` (already decoded) as a news.articles.raw dict; FetchError
    extraction_empty when the page has no main text."""
    document = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        favor_precision=True,
        include_tables=False,
        with_metadata=True,
        date_extraction_params={"extensive_search": True, "original_date": True, "outputformat": "%Y-%m-%d"},
    )
    text = (getattr(document, "text", None) or "").strip()
    if not text:
        raise FetchError("extraction_empty", url, "no main text found on the page")
    link = _canonical_link(getattr(document, "url", None), url)
    title = getattr(document, "title", None) or None
    text = _without_title_line(text, title)
    language, _ = detect_language(text[:_LANGUAGE_SAMPLE_CHARS])
    article: dict[str, Any] = {
        "id": article_id(link),
        "url": link,
        "title": title,
        "text": text,
        "published": _published(getattr(document, "date", None), html, url),
        "language": language if language != "und" else None,
        "source": getattr(document, "sitename", None) or urlsplit(url).hostname,
    }
    article = {key: value for key, value in article.items() if value is not None}
    RawArticle.model_validate(article)  # what normalize will read: fail here, not there
    return article


def article_from_response(fetched: Fetched) -> dict[str, Any]:
    return extract_article(decode_page(fetched.body, fetched.headers.get("content-type")), fetched.url)


async def fetch_article(settings: Settings, url: str) -> dict[str, Any]:
    """`newsmon fetch URL`: one page, fetched as the feed poller fetches item pages."""
    async with WebClient(settings) as web:
        return article_from_response(await web.get(url, accept="text/html, application/xhtml+xml;q=0.9, */*;q=0.5"))
