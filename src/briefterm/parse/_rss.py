"""The RSS walker: RSS 0.9x, 1.0 (RDF), 2.0 and CDF elements of an lxml tree → :class:`RawFeed`.

Core element names are matched case-insensitively (CDF writes ``<ITEM>``
and ``<TITLE>``, iTunes accepts ``<TiTlE>``); each item child goes to one
small reader by its key, and Media RSS / iTunes children to
:mod:`._extensions`.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from briefterm.parse._elements import (
    EXTENSION_PREFIXES,
    NS_ATOM10,
    NS_CONTENT,
    NS_RDF,
    NS_RSS090,
    NS_RSS10,
    element_text,
    enclosure,
    inner_html,
    join_url,
    local_name,
    person,
    tag_keys,
    xml_base,
)
from briefterm.parse._extensions import HANDLERS as EXTENSIONS
from briefterm.parse._extensions import feed_image
from briefterm.parse._raw import ALT_DC, MAX_ENTRIES, RawEntry, RawFeed

# Namespace → key prefix. Core RSS elements (no namespace, RSS 1.0/0.90, the
# old userland namespaces) all map to "", so one walker handles 0.9x/1.0/2.0.
rss_key = tag_keys(
    {
        NS_RSS10: "",
        NS_RSS090: "",
        "http://backend.userland.com/rss2": "",
        "http://backend.userland.com/rss": "",
        NS_CONTENT: "content:",
        NS_ATOM10: "atom:",
        NS_RDF: "rdf:",
        **EXTENSION_PREFIXES,
    },
    bare=True,
    fold=True,
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
        channel = root  # a bare <channel> document (also CDF)
    show_authors: list[tuple[str, str, str]] = []
    if channel is not None:
        base = xml_base(channel, base)
        items = _read_channel(channel, base, feed, show_authors) + items
    feed.total_entries = len(items)
    for item in items[:MAX_ENTRIES]:
        raw = _rss_item(item, xml_base(item, base))
        if not raw.alt_authors:  # a podcast's host speaks in every episode
            raw.alt_authors = show_authors
        feed.entries.append(raw)
    return feed


def _read_channel(
    channel: etree._Element, base: str, feed: RawFeed, show_authors: list[tuple[str, str, str]]
) -> list[etree._Element]:
    """Fill the feed-level fields from ``channel``; returns its items."""
    items = []
    alt_title = ""
    for child in channel:
        if not isinstance(child.tag, str):
            continue
        key = rss_key(child.tag)
        if key == "item":
            items.append(child)
        elif key == "title" and not feed.title:
            feed.title = element_text(child)
        elif key == "dc:title" and not alt_title:
            alt_title = element_text(child)
        elif key == "link" and not feed.link:
            feed.link = join_url(base, element_text(child))
        elif key in ("description", "abstract") and not feed.description_html:
            feed.description_html = inner_html(child)
        elif key in ("language", "dc:language") and not feed.language:
            feed.language = element_text(child)
        elif key in ("image", "itunes:image") and not feed.image:
            feed.image = feed_image(child, base)
        elif key == "itunes:author":
            show_authors.append((element_text(child), "", ""))
    feed.title = feed.title or alt_title
    if not feed.link:  # CDF: <CHANNEL HREF="...">
        feed.link = join_url(base, channel.get("HREF") or channel.get("href"))
    return items


class _Item:
    """One item being read: the raw entry and the id candidates seen so far."""

    __slots__ = ("alternate", "base", "guid", "guid_is_link", "identifier", "raw")

    def __init__(self, base: str) -> None:
        self.raw = RawEntry()
        self.base = base
        self.guid = ""
        self.guid_is_link = False
        self.identifier = ""
        self.alternate = ""


def _title(item: _Item, el: etree._Element) -> None:
    if not item.raw.title:
        item.raw.title = element_text(el)


def _dc_title(item: _Item, el: etree._Element) -> None:
    item.raw.offer_title(element_text(el), None)


def _link(item: _Item, el: etree._Element) -> None:
    if not item.raw.link:
        item.raw.link = join_url(item.base, element_text(el))


def _guid(item: _Item, el: etree._Element) -> None:
    item.guid = element_text(el).strip()
    item.guid_is_link = el.get("isPermaLink", "true").strip().lower() != "false"


def _description(item: _Item, el: etree._Element) -> None:
    if not item.raw.summary_html:
        item.raw.summary_html = inner_html(el)


def _dc_description(item: _Item, el: etree._Element) -> None:
    item.raw.offer_summary(inner_html(el), ALT_DC)


def _content(item: _Item, el: etree._Element) -> None:
    if not item.raw.content_html:
        item.raw.content_html = inner_html(el)


def _author(item: _Item, el: etree._Element) -> None:
    # <author> may hold Atom-style <name>/<email> children (Google's blogs).
    item.raw.authors.append(person(el) if len(el) else (el.text or "", "", ""))


def _published(item: _Item, el: etree._Element) -> None:
    if not item.raw.published:
        item.raw.published = element_text(el)


def _updated(item: _Item, el: etree._Element) -> None:
    item.raw.updated = element_text(el)


def _category(item: _Item, el: etree._Element) -> None:
    # Own text only: a stray <image> inside a <category> is not its name.
    item.raw.categories.append((el.text or "") if len(el) else element_text(el))


def _categories(item: _Item, el: etree._Element) -> None:
    # A non-standard wrapper (Macworld): <categories><category>…</category></categories>.
    for child in el:
        if isinstance(child.tag, str) and local_name(child.tag) == "category":
            item.raw.categories.append(element_text(child))


def _comments(item: _Item, el: etree._Element) -> None:
    item.raw.comments = join_url(item.base, element_text(el))


def _enclosure(item: _Item, el: etree._Element) -> None:
    item.raw.enclosures.append(enclosure(el, join_url(item.base, el.get("url"))))


def _source(item: _Item, el: etree._Element) -> None:
    item.raw.source_title = element_text(el)
    item.raw.source_url = join_url(item.base, el.get("url"))


def _atom_link(item: _Item, el: etree._Element) -> None:
    rel = (el.get("rel") or "alternate").strip().lower()
    href = join_url(item.base, el.get("href"))
    if rel == "alternate" and not item.alternate:
        item.alternate = href
    elif rel == "related":
        item.raw.related.append(href)
    elif rel == "enclosure":
        item.raw.enclosures.append(enclosure(el, href))


def _identifier(item: _Item, el: etree._Element) -> None:
    item.identifier = element_text(el).strip()


_READERS: dict[str, Callable[[_Item, etree._Element], None]] = {
    "title": _title,
    "dc:title": _dc_title,
    "link": _link,
    "guid": _guid,
    "description": _description,
    "abstract": _description,  # CDF
    "dc:description": _dc_description,
    "content:encoded": _content,
    "author": _author,
    "dc:creator": _author,
    "dc:contributor": _author,
    "pubdate": _published,
    "dc:date": _published,
    "dcterms:issued": _published,
    "dcterms:created": _published,
    "dcterms:modified": _updated,
    "atom:updated": _updated,
    "category": _category,
    "dc:subject": _category,
    "categories": _categories,
    "comments": _comments,
    "enclosure": _enclosure,
    "source": _source,
    "atom:link": _atom_link,
    "dc:identifier": _identifier,
}


def _rss_item(el: etree._Element, base: str) -> RawEntry:
    """One ``<item>``; ``base`` is its base URL."""
    item = _Item(base)
    raw = item.raw
    for child in el:
        if not isinstance(child.tag, str):
            continue
        key = rss_key(child.tag)
        if key is None:
            continue
        reader = _READERS.get(key)
        if reader is not None:
            reader(item, child)
        else:
            extension = EXTENSIONS.get(key)
            if extension is not None:
                extension(raw, child, base, rss_key)
    raw.id = item.guid or item.identifier or (el.get(f"{{{NS_RDF}}}about") or "").strip()
    if not raw.link:
        raw.link = item.alternate or join_url(base, el.get("HREF") or el.get("href"))  # CDF
    guid = item.guid
    if not raw.link and item.guid_is_link and guid.lower().startswith(("http://", "https://")):
        raw.link = guid
    if not raw.updated:
        raw.updated = el.get("LASTMOD") or el.get("lastmod") or ""  # CDF
    return raw
