"""The Atom walker: Atom 1.0 and 0.3 elements of an lxml tree → :class:`RawFeed`."""

from __future__ import annotations

import html as htmlmod
from collections.abc import Iterator

from lxml import etree

from briefterm.htmltext import html_to_text
from briefterm.parse._elements import (
    NS_ATOM03,
    NS_ATOM10,
    XML_LANG,
    element_text,
    enclosure,
    inner_html,
    join_url,
    tag_keys,
    xhtml_inner,
    xml_base,
)
from briefterm.parse._raw import MAX_ENTRIES, RawEntry, RawFeed

atom_key = tag_keys(
    {
        NS_ATOM10: "",
        NS_ATOM03: "",
        "http://purl.org/dc/elements/1.1/": "dc:",
        "http://search.yahoo.com/mrss/": "media:",
    },
    bare=False,
)

_ATOM_HTML_TYPES = frozenset({"html", "text/html", "escaped"})
_ATOM_XHTML_TYPES = frozenset({"xhtml", "application/xhtml+xml"})


def _atom_text(el: etree._Element) -> tuple[str, bool] | None:
    """(value, is_html) for an Atom text construct, or None if unusable."""
    if el.get("src"):
        return None  # out-of-line content
    kind = (el.get("type") or "text").strip().lower()
    if (el.get("mode") or "").lower() == "escaped":  # Atom 0.3
        kind = "html"
    if (el.get("mode") or "").lower() == "base64":
        return None
    if kind in _ATOM_XHTML_TYPES:
        return xhtml_inner(el), True
    if kind in _ATOM_HTML_TYPES:
        return inner_html(el), True
    if kind in ("text", "text/plain") or kind.startswith("text/"):
        return element_text(el), False
    return None  # base64 media, application/* payloads


def _atom_as_html(el: etree._Element) -> str:
    value = _atom_text(el)
    if value is None:
        return ""
    text, is_html = value
    return text if is_html else htmlmod.escape(text, quote=False)


def _atom_person(el: etree._Element) -> str:
    name = email = ""
    for child in el:
        if not isinstance(child.tag, str):
            continue
        key = atom_key(child.tag)
        if key == "name":
            name = element_text(child)
        elif key == "email":
            email = element_text(child)
    return name or email or element_text(el)


def _atom_links(el: etree._Element, base: str) -> Iterator[tuple[str, str, etree._Element]]:
    for child in el:
        if isinstance(child.tag, str) and atom_key(child.tag) == "link":
            href = join_url(xml_base(child, base), child.get("href"))
            if href:
                yield (child.get("rel") or "alternate").strip().lower(), href, child


def _alternate(el: etree._Element, base: str) -> str:
    best = ""
    for rel, href, link in _atom_links(el, base):
        if rel == "alternate":
            kind = (link.get("type") or "text/html").lower()
            if "html" in kind:
                return href
            best = best or href
    return best


def walk_atom(root: etree._Element, url: str) -> RawFeed:
    """Read an Atom ``<feed>`` root; ``url`` resolves links."""
    feed = RawFeed()
    base = xml_base(root, url)
    feed.language = root.get(XML_LANG) or ""
    feed_authors: list[str] = []
    entries: list[etree._Element] = []
    for child in root:
        if not isinstance(child.tag, str):
            continue
        key = atom_key(child.tag)
        if key == "entry":
            entries.append(child)
        elif key == "title" and not feed.title:
            value = _atom_text(child)
            if value:
                feed.title, feed.title_is_html = value
        elif key in ("subtitle", "tagline") and not feed.description_html:
            feed.description_html = _atom_as_html(child)
        elif key == "author":
            feed_authors.append(_atom_person(child))
    feed.link = _alternate(root, base)
    for entry in entries[:MAX_ENTRIES]:
        raw = _atom_entry(entry, xml_base(entry, base))
        if not raw.authors:  # Atom: entries inherit the feed's authors
            raw.authors = list(feed_authors)
        feed.entries.append(raw)
    return feed


def _atom_entry(entry: etree._Element, base: str) -> RawEntry:
    """One ``<entry>``; ``base`` is its base URL."""
    raw = RawEntry()
    raw.title_is_html = False
    source_authors: list[str] = []
    for child in entry:
        if not isinstance(child.tag, str):
            continue
        key = atom_key(child.tag)
        if key is None:
            continue
        if key == "id":
            raw.id = element_text(child).strip()
        elif key == "title":
            value = _atom_text(child)
            if value:
                raw.title, raw.title_is_html = value
        elif key == "summary":
            raw.summary_html = _atom_as_html(child)
        elif key == "content":
            raw.content_html = _atom_as_html(child)
        elif key == "author":
            raw.authors.append(_atom_person(child))
        elif key == "dc:creator":
            raw.authors.append(element_text(child))
        elif key in ("published", "issued", "created"):
            if not raw.published:
                raw.published = element_text(child)
        elif key in ("updated", "modified"):
            raw.updated = element_text(child)
        elif key == "category":
            raw.categories.append(child.get("label") or child.get("term") or element_text(child))
        elif key == "dc:subject":
            raw.categories.append(element_text(child))
        elif key == "source":
            raw.source_title, raw.source_url, source_authors = _atom_source(child, base)
    raw.link = _alternate(entry, base)  # prefers an HTML alternate
    for rel, href, link in _atom_links(entry, base):
        if rel == "related":
            raw.related.append(href)
        elif rel == "enclosure":
            raw.enclosures.append(enclosure(link, href))
        elif rel == "replies" and "html" in (link.get("type") or "text/html").lower():
            raw.comments = raw.comments or href
    if not raw.authors:
        raw.authors = source_authors
    return raw


def _atom_source(el: etree._Element, base: str) -> tuple[str, str, list[str]]:
    title = ""
    authors = []
    for child in el:
        if not isinstance(child.tag, str):
            continue
        key = atom_key(child.tag)
        if key == "title":
            value = _atom_text(child)
            if value:
                title = html_to_text(value[0]) if value[1] else value[0]
        elif key == "author":
            authors.append(_atom_person(child))
    return title, _alternate(el, xml_base(el, base)), authors
