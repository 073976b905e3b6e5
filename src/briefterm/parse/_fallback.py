"""The slow path for documents lxml cannot parse: feedparser, then lxml's recover mode.

Not well-formed XML (an undeclared ``&nbsp;``, a stray ``&``, a document cut
off mid-download) goes to ``feedparser`` with ``sanitize_html=False`` (we
sanitize ourselves) and ``resolve_relative_uris=False`` (that pass alone
costs as much as parsing). If feedparser finds nothing, lxml's *recover*
mode gets a last try. A truncated document keeps only its complete entries.
"""

from __future__ import annotations

import html as htmlmod
import io
import re
from typing import Any

from briefterm.errors import FeedParseError
from briefterm.parse._elements import image_type, join_url
from briefterm.parse._raw import ALT_ITUNES_SUBTITLE, MAX_ENTRIES, RawEntry, RawFeed
from briefterm.parse._sniff import FEED_ROOTS, HTML, looks_like_html_page, not_a_feed
from briefterm.parse._tree import parse_xml, walk_tree

_ROOT_END = re.compile(r"</(?:[\w.\-]+:)?(?:rss|feed|RDF|channel)\s*>\s*$")
_ENTRY_END = re.compile(r"</(?:[\w.\-]+:)?(?:item|entry)\s*>")


def _complete_entries(text: str) -> int | None:
    """For a truncated document, how many entries were closed; None if not truncated."""
    if _ROOT_END.search(text[-200:]):
        return None
    return len(_ENTRY_END.findall(text))


def read_lenient(
    xml: bytes, text: str, *, url: str, kind: str, content_type: str | None
) -> tuple[RawFeed, int | None, str]:
    """Read a document that is not well-formed XML: (feed, entries to keep, warning).

    ``text`` is the decoded document and ``xml`` its UTF-8 bytes; ``kind`` is
    what sniffing found. ``None`` entries to keep means all of them. Raises
    :class:`FeedParseError` when neither reader finds a feed.
    """
    keep = _complete_entries(text)
    try:
        raw_feed = walk_feedparser(xml, url)
    except Exception:  # a bug in feedparser must not make the feed unreadable
        raw_feed = None
    if raw_feed is None or not (raw_feed.entries or raw_feed.title):
        root = parse_xml(xml, recover=True)
        raw_feed = walk_tree(root, url) if root is not None else None
    if raw_feed is None or not (raw_feed.entries or raw_feed.title):
        if keep is not None and kind in FEED_ROOTS:
            raise FeedParseError("the feed was cut off before its first entry; try again later")
        raise not_a_feed(HTML if looks_like_html_page(text, content_type) else kind)
    if keep is None:
        return raw_feed, None, "the feed is not well-formed XML; it was read in lenient mode"
    kept = min(keep, len(raw_feed.entries))
    dropped = len(raw_feed.entries) - kept
    warning = f"the feed was cut off; kept the {kept} complete entries"
    if dropped:
        warning += f" and dropped {dropped} incomplete one{'s' if dropped > 1 else ''}"
    return raw_feed, keep, warning


def walk_feedparser(data: bytes, url: str) -> RawFeed | None:
    """What feedparser reads in ``data``; None when it finds no feed at all."""
    import feedparser

    # A BytesIO, never raw bytes: feedparser treats a bytes/str argument as a
    # possible file name or URL and would open it.
    result = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
    if not result.get("version") and not result.entries:
        return None
    meta = result.feed
    feed = RawFeed()
    feed.title = meta.get("title", "")
    feed.title_is_html = _fp_is_html(meta.get("title_detail"))
    feed.link = join_url(url, meta.get("link", ""))
    feed.description_html = meta.get("subtitle", "") or meta.get("description", "")
    feed.language = meta.get("language", "")
    feed.image = join_url(url, (meta.get("image") or {}).get("href") or "")
    feed.total_entries = len(result.entries)
    for entry in result.entries[:MAX_ENTRIES]:
        feed.entries.append(_feedparser_entry(entry, url))
    return feed


def _fp_is_html(detail: Any) -> bool:
    return bool(detail) and "html" in (detail.get("type") or "")


def _feedparser_entry(entry: Any, url: str) -> RawEntry:
    raw = RawEntry()
    raw.id = (entry.get("id") or "").strip()
    raw.title = entry.get("title", "")
    raw.title_is_html = _fp_is_html(entry.get("title_detail"))
    raw.link = join_url(url, entry.get("link", ""))
    summary = entry.get("summary", "")
    raw.summary_html = (
        summary if _fp_is_html(entry.get("summary_detail")) else htmlmod.escape(summary)
    )
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if value:
            is_html = "html" in (content.get("type") or "")
            raw.content_html = value if is_html else htmlmod.escape(value)
            break
    raw.authors = [
        (a.get("name") or "", a.get("email") or "", a.get("href") or "")
        for a in entry.get("authors") or []
    ]
    if not any(a[0] or a[1] for a in raw.authors) and entry.get("author"):
        raw.authors = [(entry.get("author"), "", "")]
    # dict.get: FeedParserDict.get("updated") falls back to "published" with a
    # DeprecationWarning; we want the raw values.
    raw.published = dict.get(entry, "published", "")
    raw.updated = dict.get(entry, "updated", "")
    source = entry.get("source") or {}
    raw.source_title = source.get("title", "")
    raw.source_url = join_url(url, source.get("href") or source.get("link") or "")
    raw.categories = [t.get("label") or t.get("term") or "" for t in entry.get("tags") or []]
    raw.comments = join_url(url, entry.get("comments", ""))
    for enclosure in entry.get("enclosures") or []:
        raw.enclosures.append(
            (
                join_url(url, enclosure.get("href")),
                enclosure.get("type", ""),
                str(enclosure.get("length", "")),
            )
        )
    for link in entry.get("links") or []:
        if link.get("rel") == "related":
            raw.related.append(join_url(url, link.get("href")))
    _feedparser_media(entry, url, raw)
    return raw


def _feedparser_media(entry: Any, url: str, raw: RawEntry) -> None:
    """What feedparser read of Media RSS and iTunes: thumbnails, media files, episode art."""
    for thumbnail in entry.get("media_thumbnail") or []:
        href = join_url(url, thumbnail.get("url"))
        if href:
            raw.enclosures.append((href, image_type(href), ""))
            raw.image = raw.image or href
    for media in entry.get("media_content") or []:
        href = join_url(url, media.get("url"))
        if href:
            kind = media.get("type") or media.get("medium") or ""
            if kind in ("", "image") and image_type(href) != "image/*":
                kind = image_type(href)
            raw.enclosures.append((href, kind, str(media.get("filesize", ""))))
    raw.offer_title(entry.get("itunes_title") or "", None)
    raw.offer_summary(entry.get("subtitle") or "", ALT_ITUNES_SUBTITLE)
    image = join_url(url, (entry.get("image") or {}).get("href") or "")
    if image:
        raw.enclosures.append((image, image_type(image), ""))
        raw.image = image
