"""Find the feed behind a URL a person gives: itself, or a feed an HTML page links to.

``briefterm add`` uses this, and so can the reader: one fetch, feed
discovery on HTML, then a parse to make sure briefterm can read the feed
and to learn its title. A page often links several feeds (comments first,
posts second): they are tried in page order until one downloads and
parses, and the ones passed over are reported with why. Failures raise
:class:`BrieftermError` with one sentence that says what to do.
"""

from __future__ import annotations

import asyncio
from typing import NamedTuple

from briefterm import parse
from briefterm.config.types import PollConfig
from briefterm.errors import BrieftermError, FeedParseError
from briefterm.fetch import FetchResult, fetch, make_client

_HTML_TYPES = ("text/html", "application/xhtml+xml")


class FetchFailed(BrieftermError):
    """The feed could not be downloaded right now (network error or HTTP error status)."""

    def __init__(self, message: str, error: str, status: int | None) -> None:
        super().__init__(message)
        self.error = error
        self.status = status


class RateLimited(FetchFailed):
    """The feed answered 429/503 at ``add``: a temporary refusal, so subscribe anyway.

    ``retry_after`` is the server's Retry-After in seconds (capped by
    ``poll.max_retry_after``), or None when it sent none.
    """

    def __init__(self, url: str, error: str, status: int | None, retry_after: float | None):
        super().__init__(f"{url} is rate-limiting briefterm right now ({error})", error, status)
        self.url = url
        self.retry_after = retry_after


_TEMPORARY = frozenset({429, 503})


class FoundFeed(NamedTuple):
    """A readable feed: its URL, its own title, and the page's feeds tried before it."""

    url: str
    title: str
    skipped: tuple[tuple[str, str], ...] = ()
    """(feed URL, why it was passed over) for every link tried first."""


def looks_like_html(body: bytes, content_type: str | None) -> bool:
    """True for a web page: an HTML Content-Type, or a body that opens like one."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in _HTML_TYPES:
        return True
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _fetch_once(url: str, limits: PollConfig) -> FetchResult:
    async def run() -> FetchResult:
        async with make_client(limits) as client:
            return await fetch(client, url, limits=limits)

    return asyncio.run(run())


def _read(feed_url: str, result: FetchResult) -> str:
    """The feed's title; :class:`FeedParseError` when briefterm cannot read it."""
    return parse.parse_feed(result.body, url=feed_url, content_type=result.content_type).title


def _first_readable(page: str, links: list[str], limits: PollConfig) -> FoundFeed:
    """The first of a page's feed links that downloads and parses."""
    skipped: list[tuple[str, str]] = []
    for link in links:
        result = _fetch_once(link, limits)
        if result.error:
            skipped.append((link, result.error))
            continue
        try:
            return FoundFeed(link, _read(link, result), tuple(skipped))
        except FeedParseError as exc:
            skipped.append((link, f"not a feed briefterm can read: {exc}"))
    tried = "; ".join(f"{url} ({why})" for url, why in skipped)
    count = "the feed" if len(links) == 1 else f"all {len(links)} feeds"
    raise BrieftermError(f"{page} links {count} it offers, but none could be read: {tried}")


def find_feed(url: str, limits: PollConfig) -> FoundFeed:
    """The feed for ``url`` (itself, or the first readable feed an HTML page links to).

    ``limits`` bound the downloads as they bound a poll. A feed that answers
    429 or 503 raises :class:`RateLimited` (the caller may subscribe anyway),
    any other download failure :class:`FetchFailed`, and a document that is
    not a readable feed :class:`BrieftermError`.
    """
    result = _fetch_once(url, limits)
    if result.error:
        if result.status in _TEMPORARY:
            raise RateLimited(url, result.error, result.status, result.retry_after)
        raise FetchFailed(
            f"cannot subscribe to {url}: {result.error}; if it is only down for now, "
            "`briefterm add --no-poll` subscribes to it anyway",
            result.error,
            result.status,
        )
    if not parse.looks_like_feed(result.body) and looks_like_html(result.body, result.content_type):
        links = parse.discover_feed_links(result.body, result.final_url or url)
        if not links:
            raise BrieftermError(
                f"{url} is a web page that does not link to a feed; "
                "look for an RSS or Atom link on the page and add that URL"
            )
        return _first_readable(url, links, limits)
    try:
        return FoundFeed(url, _read(url, result))
    except FeedParseError as exc:
        raise BrieftermError(f"{url} is not a feed briefterm can read: {exc}") from None
