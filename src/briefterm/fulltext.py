"""Full text on demand: fetch a story's web page and extract the article from it.

For feeds that carry only a teaser. The page is downloaded by the feed
fetcher (:func:`briefterm.fetch.fetch`), so it has the same protections as a
feed: one total deadline, a cap on the decompressed size, http(s) only,
also after redirects, and the same redirect limit and policy. Then the
article is extracted with trafilatura (the optional ``fulltext`` extra:
``pip install 'briefterm[fulltext]'``), chosen over readability-lxml by
``bench/bench_fulltext.py``: both found every article phrase on the
hand-made pages, but readability kept in-article adverts and lost the
whole article of a page with a long "more stories" rail.

What comes out is the article as an HTML fragment. It is as untrusted as a
feed's HTML and is shown only through ``htmltext.html_to_markdown``, the
path feed content takes. Nothing here raises for a network, server or page
problem: :func:`fetch_full_text` returns a :class:`FullTextResult` whose
``error`` is one sentence.
"""

from __future__ import annotations

import asyncio
import codecs
import importlib.util
import re
import time
from dataclasses import dataclass, replace

from briefterm.config import MIB, PollConfig
from briefterm.sanitize import clean_line
from briefterm.urls import is_http_url

EXTRA_HINT = "pip install 'briefterm[fulltext]'"
"""How to install the extractor (shown when it is missing)."""

ACCEPT_HTML = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"

MAX_PAGE_BYTES = 5 * MIB
"""Cap on an article page (or ``poll.max_bytes`` if smaller): real news pages
are 0.2-2 MB, and extraction time grows with the page (0.5 s at 470 KB)."""

MAX_ARTICLE_CHARS = 1_000_000
"""Cap on the extracted article kept in the cache."""

MIN_ARTICLE_CHARS = 200
"""Fewer non-space characters than this is "no article" (about 40 English
words, or three or four sentences of Chinese)."""

MAX_LINK_SHARE = 0.5
"""A page whose extracted text is mostly link text is a list of links (a
section front, an index), not an article."""

RETRY_AFTER = 3600.0
"""Seconds before a failed page is fetched again: pressing the key again
sooner repeats the stored failure instead of asking the site."""

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_LOOKS_HTML = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_TAG = re.compile(r"<[^>]*>")
_LINKS = re.compile(r"<a\b[^>]*>(.*?)</a\s*>", re.I | re.S)
_LEADING_H1 = re.compile(r"^(\s*(?:<html>\s*)?(?:<body>\s*)?)<h1\b[^>]*>.*?</h1\s*>", re.I | re.S)


@dataclass(frozen=True, slots=True)
class FullTextResult:
    """One attempt: the article HTML, or the sentence saying why there is none."""

    url: str
    """The URL asked for (the story's link)."""
    final_url: str = ""
    """Where the page was found after redirects (base for relative links)."""
    html: str = ""
    """The extracted article as an untrusted HTML fragment ("" on failure)."""
    error: str | None = None
    """One sentence, or None on success."""
    fetched_at: float = 0.0
    """When the attempt was made (epoch seconds)."""

    @property
    def ok(self) -> bool:
        """True when an article was extracted."""
        return self.error is None


class ExtractError(Exception):
    """The page held no article; the message is the user-facing sentence."""


def extractor_available() -> bool:
    """True when trafilatura (the ``fulltext`` extra) is installed."""
    return importlib.util.find_spec("trafilatura") is not None


def page_limits(limits: PollConfig) -> PollConfig:
    """The feed limits, with the size cap lowered to :data:`MAX_PAGE_BYTES`."""
    return replace(limits, max_bytes=min(limits.max_bytes, MAX_PAGE_BYTES))


def due(fetched_at: float | None, failed: bool, now: float) -> bool:
    """Whether a page should be fetched: never tried, or failed over :data:`RETRY_AFTER` ago.

    A page fetched successfully is never fetched again (the cache keeps it).
    """
    if fetched_at is None:
        return True
    return failed and now - fetched_at >= RETRY_AFTER


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _charset(content_type: str | None, body: bytes) -> str:
    """The page's encoding: a BOM, the Content-Type charset, a <meta> charset, else UTF-8."""
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    candidates: list[str] = []
    for param in (content_type or "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            candidates.append(value.strip().strip("\"'"))
    match = _META_CHARSET.search(body[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii"))
    for candidate in candidates:
        try:
            return codecs.lookup(candidate).name
        except LookupError:
            continue
    return "utf-8"


def decode_page(content_type: str | None, body: bytes) -> str:
    """The page as text; undecodable bytes become U+FFFD rather than an error."""
    return body.decode(_charset(content_type, body), errors="replace")


def _plain(html: str) -> str:
    return "".join(_TAG.sub(" ", html).split())


def extract_article(page: str, url: str) -> str:
    """The article of an HTML page as an HTML fragment; :class:`ExtractError` if none.

    Comments are left out; links and images stay (they become the story's
    numbered links). A leading ``<h1>`` is dropped: the pane shows the
    headline already. Requires trafilatura.
    """
    import trafilatura

    try:
        html = trafilatura.extract(
            page,
            url=url or None,
            output_format="html",
            include_comments=False,
            include_links=True,
            include_images=True,
        )
    except (ValueError, RecursionError, MemoryError) as exc:  # pathological markup
        raise ExtractError(f"the page could not be read ({type(exc).__name__})") from exc
    html = _LEADING_H1.sub(r"\1", html or "", count=1)
    text = _plain(html)
    if len(text) < MIN_ARTICLE_CHARS:
        raise ExtractError("no article text was found on the page")
    linked = sum(len(_plain(m.group(1))) for m in _LINKS.finditer(html))
    if linked > MAX_LINK_SHARE * len(text):
        raise ExtractError("the page is a list of links, not an article")
    if len(html) > MAX_ARTICLE_CHARS:
        raise ExtractError("the extracted article is too large to keep")
    return html


async def fetch_page(url: str, limits: PollConfig) -> tuple[str, str]:
    """Download ``url`` as a web page: (final URL, text). :class:`ExtractError` on failure."""
    if not is_http_url(url):
        raise ExtractError(f"only http(s) pages can be fetched, not {clean_line(url)[:120]}")
    # The fetch code and its HTTP client are imported on the first page
    # fetch, not when the reader starts.
    from briefterm.fetch import fetch, make_client

    limits = page_limits(limits)
    async with make_client(limits) as client:
        client.headers["Accept"] = ACCEPT_HTML
        result = await fetch(client, url, limits=limits)
    if result.error is not None:
        raise ExtractError(result.error.replace("the feed", "the page"))
    if not result.body:
        raise ExtractError(f"the server sent an empty page (HTTP {result.status})")
    media = _media_type(result.content_type)
    if media not in _HTML_TYPES and not (
        media in ("", "text/plain") and _LOOKS_HTML.match(result.body[:2048])
    ):
        raise ExtractError(
            f"the link is not a web page ({clean_line(media, max_length=60) or 'no type'})"
        )
    return result.final_url or url, decode_page(result.content_type, result.body)


def fetch_full_text(url: str, limits: PollConfig, *, now: float | None = None) -> FullTextResult:
    """Fetch ``url`` and extract its article; blocking (run it in a worker thread).

    Never raises for a network, server or page problem; ``error`` says it.
    """
    now = time.time() if now is None else now
    if not extractor_available():
        return FullTextResult(
            url, error=f"full text needs trafilatura: {EXTRA_HINT}", fetched_at=now
        )
    try:
        final_url, page = asyncio.run(fetch_page(url, limits))
        html = extract_article(page, final_url)
    except ExtractError as exc:
        return FullTextResult(url, error=str(exc), fetched_at=now)
    return FullTextResult(url, final_url=final_url, html=html, fetched_at=now)
