"""Feed discovery: the feed URLs an HTML page advertises."""

from __future__ import annotations

import lxml.html
from lxml import etree

from briefterm.parse._elements import join_url
from briefterm.urls import safe_url

__all__ = ["discover_feed_links"]

_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
    }
)


def discover_feed_links(html: bytes, base_url: str) -> list[str]:
    """Feed URLs advertised by an HTML page, in document order.

    Looks at ``<link rel="alternate" type="application/rss+xml|atom+xml|...">``,
    resolves ``href`` against ``<base href>`` or ``base_url``, keeps http(s)
    only and drops duplicates.
    """
    if not html or not html.strip():
        return []
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    base = base_url
    for node in doc.iter("base"):
        if node.get("href"):
            base = join_url(base_url, node.get("href"))
            break
    found: dict[str, None] = {}
    for node in doc.iter("link"):
        rels = (node.get("rel") or "").lower().split()
        kind = (node.get("type") or "").split(";")[0].strip().lower()
        if "alternate" not in rels or kind not in _FEED_TYPES:
            continue
        href = safe_url(join_url(base, node.get("href")))
        if href:
            found.setdefault(href, None)
    return list(found)
