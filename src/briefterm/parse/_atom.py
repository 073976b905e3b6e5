"""The Atom walker: Atom 1.0 and 0.3 elements of an lxml tree → :class:`RawFeed`.

Also reads a ``<feed>`` in no namespace or an unknown one as Atom (as
feedparser does), base64 text constructs, authors with their name, e-mail
and uri apart, and the Media RSS / iTunes children of :mod:`._extensions`
(YouTube's feeds are Atom with ``media:group``).
"""

from __future__ import annotations

import base64
import binascii
import html as htmlmod
from collections.abc import Callable, Iterator
from functools import lru_cache

from lxml import etree

from briefterm.htmltext import html_to_text
from briefterm.parse._elements import (
    EXTENSION_PREFIXES,
    NS_ATOM03,
    NS_ATOM10,
    XML_LANG,
    element_text,
    enclosure,
    inner_html,
    join_url,
    person,
    tag_keys,
    xhtml_inner,
    xml_base,
)
from briefterm.parse._extensions import HANDLERS as EXTENSIONS
from briefterm.parse._extensions import KeyOf
from briefterm.parse._raw import MAX_ENTRIES, RawEntry, RawFeed, RawPerson

_PREFIXES = {NS_ATOM10: "", NS_ATOM03: "", **EXTENSION_PREFIXES}
atom_key = tag_keys(_PREFIXES, bare=False)

_ATOM_HTML_TYPES = frozenset({"html", "text/html", "escaped"})
_ATOM_XHTML_TYPES = frozenset({"xhtml", "application/xhtml+xml"})
# Base64 text larger than the content cap would only be cut after decoding.
_MAX_BASE64 = 300_000


@lru_cache(maxsize=16)
def keys_for(namespace: str | None) -> KeyOf:
    """The tag → key lookup for a ``<feed>`` root in ``namespace`` (Atom's, none, or another)."""
    if namespace in (NS_ATOM10, NS_ATOM03):
        return atom_key
    if namespace is None:
        return tag_keys(_PREFIXES, bare=True)
    return tag_keys({**_PREFIXES, namespace: ""}, bare=False)


def _base64_text(el: etree._Element) -> str | None:
    """The UTF-8 text a base64 element encodes; None for binary data (an image)."""
    data = element_text(el)
    if len(data) > _MAX_BASE64:
        return None
    try:
        return base64.b64decode("".join(data.split()), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def _atom_text(el: etree._Element) -> tuple[str, bool] | None:
    """(value, is_html) for an Atom text construct, or None if unusable."""
    if el.get("src"):
        return None  # out-of-line content
    kind = (el.get("type") or "text").strip().lower()
    mode = (el.get("mode") or "").lower()
    if mode == "escaped":  # Atom 0.3
        kind = "html"
    elif mode == "base64" or not (
        kind in _ATOM_XHTML_TYPES
        or kind in _ATOM_HTML_TYPES
        or kind.startswith("text")
        or kind.endswith(("+xml", "/xml"))
    ):
        # Atom 1.0: any other media type is base64 (RFC 4287, 4.1.3.3).
        text = _base64_text(el)
        return None if text is None else (text, "html" in kind)
    if kind in _ATOM_XHTML_TYPES:
        return xhtml_inner(el), True
    if kind in _ATOM_HTML_TYPES:
        return inner_html(el), True
    if kind.startswith("text"):
        return element_text(el), False
    return None  # application/*+xml payloads


def _atom_as_html(el: etree._Element) -> str:
    value = _atom_text(el)
    if value is None:
        return ""
    text, is_html = value
    return text if is_html else htmlmod.escape(text, quote=False)


def _links(
    el: etree._Element, base: str, key_of: KeyOf
) -> Iterator[tuple[str, str, etree._Element]]:
    for child in el:
        if isinstance(child.tag, str) and key_of(child.tag) == "link":
            href = join_url(xml_base(child, base), child.get("href"))
            if href:
                yield (child.get("rel") or "alternate").strip().lower(), href, child


def _alternate(el: etree._Element, base: str, key_of: KeyOf) -> str:
    best = ""
    for rel, href, link in _links(el, base, key_of):
        if rel == "alternate":
            kind = (link.get("type") or "text/html").lower()
            if "html" in kind:
                return href
            best = best or href
    return best


def walk_atom(root: etree._Element, url: str) -> RawFeed | None:
    """Read an Atom ``<feed>`` root; ``url`` resolves links.

    None when a ``<feed>`` outside Atom's namespaces holds no title and no
    entry: then it is some other XML document, not a feed.
    """
    namespace = etree.QName(root).namespace
    key_of = keys_for(namespace)
    feed = RawFeed()
    base = xml_base(root, url)
    feed.language = root.get(XML_LANG) or ""
    feed_authors: list[RawPerson] = []
    entries: list[etree._Element] = []
    for child in root:
        if not isinstance(child.tag, str):
            continue
        key = key_of(child.tag)
        if key in ("entry", "item"):  # <item>: an RSS habit feedparser accepts
            entries.append(child)
        elif key == "title" and not feed.title:
            value = _atom_text(child)
            if value:
                feed.title, feed.title_is_html = value
        elif key in ("subtitle", "tagline") and not feed.description_html:
            feed.description_html = _atom_as_html(child)
        elif key == "author":
            feed_authors.append(person(child))
        elif key in ("logo", "icon", "itunes:image") and not feed.image:
            feed.image = join_url(base, child.get("href") or element_text(child))
    if namespace not in (NS_ATOM10, NS_ATOM03) and not (feed.title or entries):
        return None
    feed.link = _alternate(root, base, key_of)
    feed.total_entries = len(entries)
    for entry in entries[:MAX_ENTRIES]:
        raw = _atom_entry(entry, xml_base(entry, base), key_of)
        if not raw.authors:  # Atom: entries inherit the feed's authors
            raw.authors = list(feed_authors)
        feed.entries.append(raw)
    return feed


class _Entry:
    """One entry being read, with what its readers need."""

    __slots__ = ("base", "key_of", "raw", "source_authors")

    def __init__(self, base: str, key_of: KeyOf) -> None:
        self.raw = RawEntry()
        self.raw.title_is_html = False
        self.base = base
        self.key_of = key_of
        self.source_authors: list[RawPerson] = []


def _id(entry: _Entry, el: etree._Element) -> None:
    entry.raw.id = element_text(el).strip()


def _title(entry: _Entry, el: etree._Element) -> None:
    value = _atom_text(el)
    if value:
        entry.raw.title, entry.raw.title_is_html = value


def _summary(entry: _Entry, el: etree._Element) -> None:
    entry.raw.summary_html = _atom_as_html(el)


def _content(entry: _Entry, el: etree._Element) -> None:
    entry.raw.content_html = _atom_as_html(el)


def _author(entry: _Entry, el: etree._Element) -> None:
    entry.raw.authors.append(person(el))


def _creator(entry: _Entry, el: etree._Element) -> None:
    entry.raw.authors.append((element_text(el), "", ""))


def _published(entry: _Entry, el: etree._Element) -> None:
    if not entry.raw.published:
        entry.raw.published = element_text(el)


def _updated(entry: _Entry, el: etree._Element) -> None:
    entry.raw.updated = element_text(el)


def _category(entry: _Entry, el: etree._Element) -> None:
    entry.raw.categories.append(el.get("label") or el.get("term") or element_text(el))


def _subject(entry: _Entry, el: etree._Element) -> None:
    entry.raw.categories.append(element_text(el))


def _source(entry: _Entry, el: etree._Element) -> None:
    raw = entry.raw
    raw.source_title, raw.source_url, entry.source_authors = _atom_source(
        el, entry.base, entry.key_of
    )


_READERS: dict[str, Callable[[_Entry, etree._Element], None]] = {
    "id": _id,
    "title": _title,
    "summary": _summary,
    "content": _content,
    "author": _author,
    "dc:creator": _creator,
    "published": _published,
    "issued": _published,
    "created": _published,
    "dc:date": _published,
    "updated": _updated,
    "modified": _updated,
    "category": _category,
    "dc:subject": _subject,
    "source": _source,
}


def _atom_entry(el: etree._Element, base: str, key_of: KeyOf) -> RawEntry:
    """One ``<entry>``; ``base`` is its base URL."""
    entry = _Entry(base, key_of)
    raw = entry.raw
    for child in el:
        if not isinstance(child.tag, str):
            continue
        key = key_of(child.tag)
        if key is None:
            continue
        reader = _READERS.get(key)
        if reader is not None:
            reader(entry, child)
        else:
            extension = EXTENSIONS.get(key)
            if extension is not None:
                extension(raw, child, base, key_of)
    raw.link = _alternate(el, base, key_of)  # prefers an HTML alternate
    for rel, href, link in _links(el, base, key_of):
        if rel == "related":
            raw.related.append(href)
        elif rel == "enclosure":
            raw.enclosures.append(enclosure(link, href))
        elif rel == "replies" and "html" in (link.get("type") or "text/html").lower():
            raw.comments = raw.comments or href
    if not raw.authors:
        raw.authors = entry.source_authors
    return raw


def _atom_source(el: etree._Element, base: str, key_of: KeyOf) -> tuple[str, str, list[RawPerson]]:
    title = ""
    authors = []
    for child in el:
        if not isinstance(child.tag, str):
            continue
        key = key_of(child.tag)
        if key == "title":
            value = _atom_text(child)
            if value:
                title = html_to_text(value[0]) if value[1] else value[0]
        elif key == "author":
            authors.append(person(child))
    return title, _alternate(el, xml_base(el, base), key_of), authors
