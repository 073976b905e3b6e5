"""OPML import and export of subscriptions.

Import rules (chosen for briefterm's flat list of sections):

* An ``<outline>`` with an ``xmlUrl`` is a feed; an outline without one that
  has children is a folder. A feed's section is its folder: briefterm
  sections are flat, so a nested folder becomes "Top / Nearest" (``Tech >
  Sub > Deep`` gives "Tech / Deep"): the top folder keeps the group the user
  made, the nearest one tells its subfolders apart, and the names in
  between add length but no meaning. Top-level feeds get no section.
  (:func:`folder_section` is the rule.)
* Only ``http``/``https`` feed URLs are imported. newsboat's ``|command``,
  ``exec:``, ``filter:`` and ``query:`` feeds, ``file:``, ``javascript:`` and
  every other scheme are skipped with a reason, as are duplicates.
* Hostile files are bounded: a DOCTYPE declaring entities (billion laughs,
  XXE) is refused before parsing, the parser is :mod:`briefterm.xmlsafe`'s
  (it never resolves entities or touches the network), folders deeper than
  :data:`MAX_DEPTH` and feeds beyond :data:`MAX_FEEDS` are skipped, and
  files over :data:`MAX_BYTES` refused.

Export writes sections as folders and feeds as
``<outline type="rss" text=... title=... xmlUrl=...>``, escaped by the XML
serializer (never by string formatting).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import TYPE_CHECKING, Protocol

from briefterm.config import FeedConfig
from briefterm.errors import OpmlError
from briefterm.sanitize import clean_line
from briefterm.urls import is_http_url

if TYPE_CHECKING:
    from lxml import etree

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_FEEDS",
    "OpmlError",
    "OpmlImport",
    "parse_opml",
    "read_opml",
    "render_opml",
]

MAX_DEPTH = 8
"""Outline nesting (folders) deeper than this is skipped."""
MAX_FEEDS = 5000
"""Feeds imported from one file at most; the rest are reported as skipped."""
MAX_BYTES = 32 * 1024 * 1024
"""OPML files larger than this are refused."""


@dataclass(slots=True)
class OpmlImport:
    """Result of :func:`parse_opml`: feeds to add and what was skipped (what, why)."""

    feeds: list[FeedConfig] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    title: str = ""


def _attr(outline: etree._Element, *names: str) -> str:
    for name in names:
        value = outline.get(name)
        if value:
            return value
    return ""


def _skip_reason(url: str) -> str | None:
    """Why a feed URL cannot be imported, or None when it is a usable http(s) URL."""
    stripped = url.strip()
    lower = stripped.lower()
    if stripped.startswith("|"):
        return "newsboat command feed (|command) not imported: briefterm never runs commands"
    for prefix, why in (
        ("exec:", "newsboat exec: feed not imported: briefterm never runs commands"),
        ("filter:", "newsboat filter: feed not imported: briefterm never runs commands"),
        ("query:", "newsboat query feed (a saved search), not a feed URL"),
        ("file:", "local file URL, only http(s) feeds are imported"),
        ("javascript:", "javascript: URL, only http(s) feeds are imported"),
    ):
        if lower.startswith(prefix):
            return why
    if not is_http_url(stripped):
        scheme = lower.split(":", 1)[0] if ":" in lower else ""
        return f"not an http(s) URL ({scheme}:)" if scheme else "not an http(s) URL"
    return None


_ENTITIES = (
    "the OPML file declares XML entities in a DOCTYPE, which can be used to attack "
    "the parser; remove the DOCTYPE and try again"
)


def _syntax_error(message: str) -> str:
    """One sentence for a parse failure; libxml2's limits get words a user can act on.

    Its own text for them ("Excessive depth in document: 256, use
    XML_PARSE_HUGE option") names a parser flag the user cannot set.
    """
    low = message.lower()
    if "excessive depth" in low:
        return (
            "the OPML file nests its elements more than 256 levels deep; "
            "no real subscription list does, so it was not read"
        )
    if "buffer size limit" in low or "resource limit" in low or "huge" in low:
        return (
            "the OPML file holds a single name, URL or text larger than the XML parser "
            "reads (10 MB); it was not read"
        )
    reason = clean_line(message, max_length=300)
    return f"the file is not valid XML: {reason}"


def _parse_tree(data: bytes) -> etree._Element:
    """The root element of ``data``, refusing entity declarations before and after parsing."""
    # Imported here, not at the top: exporting OPML never needs lxml.
    from lxml import etree

    from briefterm import xmlsafe

    if xmlsafe.declares_entities(data):
        raise OpmlError(_ENTITIES)
    try:
        root = xmlsafe.fromstring(data)
    except etree.XMLSyntaxError as exc:
        # exc.msg, not str(exc): the latter ends in "(<string>, line 1)".
        raise OpmlError(_syntax_error(exc.msg or str(exc))) from None
    if xmlsafe.tree_declares_entities(root):
        raise OpmlError(_ENTITIES)
    return root


def folder_section(folders: tuple[str, ...]) -> str:
    """The section of a feed inside ``folders`` (outermost first): "Top / Nearest"."""
    names = [f for f in folders if f]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return f"{names[0]} / {names[-1]}"


class Readable(Protocol):
    """What :func:`read_opml` reads from: a binary file, ``sys.stdin.buffer``."""

    def read(self, size: int = -1, /) -> bytes: ...


def read_opml(stream: Readable) -> bytes:
    """The bytes of an OPML file, read at most :data:`MAX_BYTES` (+1) from ``stream``.

    For a file or stdin: reading a 3 GiB file (or ``/dev/zero``) whole before
    checking its size would take gigabytes of memory. Raises
    :class:`OpmlError` when there is more.
    """
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_BYTES:
        chunk = stream.read(min(1 << 20, MAX_BYTES + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > MAX_BYTES:
        raise OpmlError(f"the OPML file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    return b"".join(chunks)


def parse_opml(data: bytes) -> OpmlImport:
    """Parse OPML bytes into feeds (with sections from folders) and skip reasons.

    Raises :class:`OpmlError` for files that are not OPML, too large, or
    declare entities.
    """
    if len(data) > MAX_BYTES:
        raise OpmlError(f"the OPML file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    root = _parse_tree(data)
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag.rsplit("}", 1)[-1].lower() != "opml":
        raise OpmlError(f"not an OPML file (the root element is <{tag}>, not <opml>)")
    result = OpmlImport()
    head_title = root.find("head/title")
    if head_title is not None and head_title.text:
        result.title = clean_line(head_title.text, max_length=200)
    body = root.find("body")
    if body is None:
        raise OpmlError("not an OPML file (it has no <body>)")

    seen: set[str] = set()
    over_limit = 0

    def feed_outline(outline: etree._Element, section: str) -> None:
        nonlocal over_limit
        raw_url = _attr(outline, "xmlUrl", "xmlurl", "xmlURL")
        name = clean_line(_attr(outline, "title", "text"), max_length=200)
        label = clean_line(raw_url, max_length=300) or name
        reason = _skip_reason(raw_url)
        if reason:
            result.skipped.append((label, reason))
            return
        url = raw_url.strip()
        if url in seen:
            result.skipped.append((url, "duplicate of an earlier outline in this file"))
            return
        if len(result.feeds) >= MAX_FEEDS:
            over_limit += 1
            return
        seen.add(url)
        result.feeds.append(FeedConfig(url=url, name=name, section=section))

    # Iterative walk: (element, folder depth, enclosing folder names).
    root_path: tuple[str, ...] = ()
    stack = [(child, 1, root_path) for child in reversed(list(body))]
    while stack:
        node, depth, folders = stack.pop()
        if not isinstance(node.tag, str) or node.tag != "outline":
            continue
        if _attr(node, "xmlUrl", "xmlurl", "xmlURL"):
            feed_outline(node, folder_section(folders))
            continue
        children = [c for c in node if isinstance(c.tag, str) and c.tag == "outline"]
        if not children:
            continue  # a plain text outline: nothing to import
        if depth >= MAX_DEPTH:
            folder = clean_line(_attr(node, "text", "title"), max_length=200) or "(untitled)"
            inside = sum(1 for o in node.iter("outline") if _attr(o, "xmlUrl", "xmlurl", "xmlURL"))
            feeds_in_it = f"{inside} feed" + ("" if inside == 1 else "s")
            result.skipped.append(
                (folder, f"folder nested more than {MAX_DEPTH} levels deep; {feeds_in_it} in it")
            )
            continue
        folder = clean_line(_attr(node, "text", "title"), max_length=200)
        inner = (*folders, folder) if folder else folders
        stack.extend((child, depth + 1, inner) for child in reversed(children))
    if over_limit:
        result.skipped.append(
            (f"{over_limit} more feeds", f"one file imports at most {MAX_FEEDS} feeds")
        )
    return result


def render_opml(
    feeds: Iterable[FeedConfig],
    title: str = "briefterm subscriptions",
    *,
    site_links: Mapping[str, str] | None = None,
    now: float | None = None,
) -> str:
    """OPML 2.0 text for ``feeds``: sections become folders, in first-seen order.

    ``site_links`` maps feed URL → website URL (``htmlUrl``) when known.
    """
    site_links = site_links or {}
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = clean_line(title) or "briefterm subscriptions"
    ET.SubElement(head, "dateCreated").text = formatdate(now, usegmt=True)
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds:
        section = clean_line(feed.section)
        parent = body
        if section:
            if section not in folders:
                folders[section] = ET.SubElement(body, "outline", text=section, title=section)
            parent = folders[section]
        name = clean_line(feed.name) or feed.url
        attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": feed.url}
        if site_links.get(feed.url):
            attrs["htmlUrl"] = site_links[feed.url]
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
