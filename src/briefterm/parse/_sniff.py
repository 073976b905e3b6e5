"""What kind of document this is (feed root, HTML page, JSON), and the not-a-feed messages."""

from __future__ import annotations

import re

from briefterm.errors import FeedParseError

_SNIFF_SKIP = re.compile(
    r"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>", re.DOTALL | re.I
)
_FIRST_TAG = re.compile(r"<([A-Za-z_][\w:.\-]*)")
_HTML_MARKERS = re.compile(r"<(?:html|body|head)[\s>]|<!doctype\s+html", re.IGNORECASE)

FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel"})
"""Root element names (without prefix, lower case) that :func:`sniff` reports for feeds."""

HTML = "html"
""":func:`sniff`'s answer for an HTML page."""
JSON = "{json}"
""":func:`sniff`'s answer for a document that starts like JSON."""


def sniff(text: str) -> str:
    """The lower-cased name of the document's first element, or ''.

    :data:`HTML` for an HTML doctype and :data:`JSON` for a document that
    starts like JSON.
    """
    head = text[:16384]
    pos = 0
    while True:
        skip = _SNIFF_SKIP.match(head, pos)
        if not skip or skip.end() == pos:
            break
        pos = skip.end()
    if head[pos:].lstrip().startswith(("{", "[")):
        return JSON
    if head[pos : pos + 2].lower() == "<!" and head[pos:].lower().startswith("<!doctype html"):
        return HTML
    match = _FIRST_TAG.match(head, pos)
    if match is None:
        return ""
    return match.group(1).lower().rpartition(":")[2]


def looks_like_html_page(text: str, content_type: str | None) -> bool:
    """True when unparseable text is an HTML page, e.g. one with a script or junk before <html>."""
    return bool(_HTML_MARKERS.search(text[:16384])) or (content_type or "").lower().startswith(
        ("text/html", "application/xhtml")
    )


_HTML_PAGE = (
    "this is an HTML page, not a feed; try `briefterm add` with the page URL to discover its feed"
)


def not_a_feed(kind: str) -> FeedParseError:
    """The error for a document that :func:`sniff` called ``kind`` and that is no feed."""
    if kind == HTML:
        return FeedParseError(_HTML_PAGE)
    return FeedParseError(
        "the document is not an RSS, Atom or JSON feed (no feed elements found); "
        "check the URL points at the feed itself"
    )
