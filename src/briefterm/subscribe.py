"""Find the feed behind a URL a person gives: itself, or the feed an HTML page links to.

``briefterm add`` uses this, and so can the reader: one fetch (two when
the URL is a web page), feed discovery on HTML, then a parse to make sure
briefterm can read the feed and to learn its title. Failures raise
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


class FoundFeed(NamedTuple):
    """A readable feed: its URL and its own title."""

    url: str
    title: str


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


def find_feed(url: str, limits: PollConfig) -> FoundFeed:
    """The feed for ``url`` (itself, or the first feed an HTML page links to) and its title.

    ``limits`` bound the downloads as they bound a poll.
    """
    result = _fetch_once(url, limits)
    if result.error:
        raise BrieftermError(f"cannot subscribe to {url}: {result.error}")
    if not parse.looks_like_feed(result.body) and looks_like_html(result.body, result.content_type):
        links = parse.discover_feed_links(result.body, result.final_url or url)
        if not links:
            raise BrieftermError(
                f"{url} is a web page that does not link to a feed; "
                "look for an RSS or Atom link on the page and add that URL"
            )
        feed_url = links[0]
        result = _fetch_once(feed_url, limits)
        if result.error:
            raise BrieftermError(f"found feed {feed_url} on {url}, but {result.error}")
    else:
        feed_url = url
    try:
        parsed = parse.parse_feed(result.body, url=feed_url, content_type=result.content_type)
    except FeedParseError as exc:
        raise BrieftermError(f"{feed_url} is not a feed briefterm can read: {exc}") from None
    return FoundFeed(feed_url, parsed.title)
