"""The RSS walker: RSS 0.9x, 1.0 (RDF) and 2.0 elements of an lxml tree → :class:`RawFeed`."""

from __future__ import annotations

from lxml import etree

from briefterm.parse._elements import (
    NS_ATOM10,
    NS_RDF,
    NS_RSS090,
    NS_RSS10,
    element_text,
    enclosure,
    inner_html,
    join_url,
    tag_keys,
    xml_base,
)
from briefterm.parse._raw import MAX_ENTRIES, RawEntry, RawFeed

# Namespace → key prefix. Core RSS elements (no namespace, RSS 1.0/0.90, the
# old userland namespaces) all map to "", so one walker handles 0.9x/1.0/2.0.
rss_key = tag_keys(
    {
        NS_RSS10: "",
        NS_RSS090: "",
        "http://backend.userland.com/rss2": "",
        "http://backend.userland.com/rss": "",
        "http://purl.org/rss/1.0/modules/content/": "content:",
        "http://purl.org/dc/elements/1.1/": "dc:",
        "http://purl.org/dc/terms/": "dcterms:",
        NS_ATOM10: "atom:",
        "http://search.yahoo.com/mrss/": "media:",
        "http://search.yahoo.com/mrss": "media:",
        NS_RDF: "rdf:",
    },
    bare=True,
)


def walk_rss(root: etree._Element, url: str) -> RawFeed:
    """Read an ``<rss>``, ``<rdf:RDF>`` or bare ``<channel>`` root; ``url`` resolves links."""
    feed = RawFeed()
    base = xml_base(root, url)
    channel = None
    items: list[etree._Element] = []
    for child in root:
        if not isinstance(child.tag, str):
            continue
        key = rss_key(child.tag)
        if key == "channel" and channel is None:
            channel = child
        elif key == "item":  # RSS 1.0/0.90: items are siblings of <channel>
            items.append(child)
    if channel is None and isinstance(root.tag, str) and rss_key(root.tag) == "channel":
        channel = root  # a bare <channel> document
    if channel is not None:
        channel_base = xml_base(channel, base)
        channel_items = []
        for child in channel:
            if not isinstance(child.tag, str):
                continue
            key = rss_key(child.tag)
            if key == "item":
                channel_items.append(child)
            elif key == "title" and not feed.title:
                feed.title = element_text(child)
            elif key == "link" and not feed.link:
                feed.link = join_url(channel_base, element_text(child))
            elif key == "description" and not feed.description_html:
                feed.description_html = inner_html(child)
            elif key in ("language", "dc:language") and not feed.language:
                feed.language = element_text(child)
        items = channel_items + items
        base = channel_base
    for item in items[:MAX_ENTRIES]:
        feed.entries.append(_rss_item(item, xml_base(item, base)))
    return feed


def _rss_item(item: etree._Element, base: str) -> RawEntry:
    """One ``<item>``; ``base`` is its base URL."""
    raw = RawEntry()
    guid = ""
    guid_is_link = False
    identifier = ""
    alternate = ""
    for child in item:
        if not isinstance(child.tag, str):
            continue
        key = rss_key(child.tag)
        if key is None:
            continue
        if key == "title":
            if not raw.title:
                raw.title = element_text(child)
        elif key == "link":
            if not raw.link:
                raw.link = join_url(base, element_text(child))
        elif key == "guid":
            guid = element_text(child).strip()
            guid_is_link = child.get("isPermaLink", "true").strip().lower() != "false"
        elif key == "description":
            if not raw.summary_html:
                raw.summary_html = inner_html(child)
        elif key == "content:encoded":
            if not raw.content_html:
                raw.content_html = inner_html(child)
        elif key in ("author", "dc:creator", "dc:contributor"):
            raw.authors.append(element_text(child))
        elif key in ("pubDate", "dc:date", "dcterms:issued", "dcterms:created"):
            if not raw.published:
                raw.published = element_text(child)
        elif key in ("dcterms:modified", "atom:updated"):
            raw.updated = element_text(child)
        elif key in ("category", "dc:subject"):
            raw.categories.append(element_text(child))
        elif key == "comments":
            raw.comments = join_url(base, element_text(child))
        elif key == "enclosure":
            raw.enclosures.append(enclosure(child, join_url(base, child.get("url"))))
        elif key == "media:content":
            raw.enclosures.append(enclosure(child, join_url(base, child.get("url")), "fileSize"))
        elif key == "source":
            raw.source_title = element_text(child)
            raw.source_url = join_url(base, child.get("url"))
        elif key == "atom:link":
            rel = (child.get("rel") or "alternate").strip().lower()
            href = join_url(base, child.get("href"))
            if rel == "alternate" and not alternate:
                alternate = href
            elif rel == "related":
                raw.related.append(href)
            elif rel == "enclosure":
                raw.enclosures.append(enclosure(child, href))
        elif key == "dc:identifier":
            identifier = element_text(child).strip()
    raw.id = guid or identifier or (item.get(f"{{{NS_RDF}}}about") or "").strip()
    if not raw.link:
        raw.link = alternate
    if not raw.link and guid and guid_is_link and guid.lower().startswith(("http://", "https://")):
        raw.link = guid
    return raw
