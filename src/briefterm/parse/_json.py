"""The JSON Feed reader: JSON Feed 1.0 and 1.1 (jsonfeed.org) → :class:`RawFeed`.

The same raw model as the XML walkers, so the same normalisation, limits
and sanitising apply. Hostile JSON is refused with one sentence, never a
traceback: nesting deeper than Python's recursion limit, ``NaN`` and
``Infinity`` (not JSON), a root that is not an object, and fields of the
wrong type (which are skipped one by one, so a stray number in one item
spoils nothing else). Integers too long for any real field are read as
nothing instead of making Python refuse the whole document.
"""

from __future__ import annotations

import html as htmlmod
import json
import re
from typing import Any

from briefterm.errors import FeedParseError
from briefterm.parse._elements import image_type, join_url, text_to_html
from briefterm.parse._raw import MAX_ENTRIES, RawEntry, RawFeed, RawPerson

_VERSION = re.compile(r"^https?://jsonfeed\.org/version/\d")
# The head of a document that says it is a JSON Feed (for cheap sniffing).
_VERSION_IN_HEAD = re.compile(r'"version"\s*:\s*"https?:\\?/\\?/jsonfeed\.org\\?/version\\?/')
_MAX_INT_DIGITS = 20


def looks_like_json_feed(head: str) -> bool:
    """True when the start of a JSON document names a jsonfeed.org version."""
    return _VERSION_IN_HEAD.search(head) is not None


def _not_a_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _int(digits: str) -> int | None:
    return int(digits) if len(digits) <= _MAX_INT_DIGITS else None


def _load(text: str) -> object:
    try:
        return json.loads(text, parse_constant=_not_a_constant, parse_int=_int)
    except RecursionError:
        raise FeedParseError("the JSON document is nested too deeply to be a feed") from None
    except ValueError as exc:  # JSONDecodeError is a ValueError
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise FeedParseError(f"the JSON document is not valid JSON ({reason})") from None


def _str(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    return value if isinstance(value, str) else ""


def _dicts(value: object) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def _people(obj: dict[str, Any]) -> list[RawPerson]:
    """JSON Feed 1.1 ``authors`` (a list), else 1.0 ``author`` (an object)."""
    found = _dicts(obj.get("authors")) or _dicts(obj.get("author"))
    return [(_str(p, "name"), "", _str(p, "url")) for p in found[:20]]


def read_json_feed(text: str, url: str) -> RawFeed:
    """Read a JSON Feed document; ``url`` (the feed's address) resolves relative links.

    Raises :class:`FeedParseError` for invalid JSON and for JSON that is not
    a JSON Feed.
    """
    doc = _load(text)
    if not isinstance(doc, dict):
        raise FeedParseError(
            "this is a JSON document but not a JSON Feed (its top level is not an object)"
        )
    if not _VERSION.match(_str(doc, "version")):
        raise FeedParseError(
            "this is a JSON document but not a JSON Feed (no jsonfeed.org version); "
            "check the URL points at the feed itself"
        )
    base = join_url(url, _str(doc, "feed_url")) or url
    feed = RawFeed()
    feed.title = _str(doc, "title")
    feed.title_is_html = False
    feed.link = join_url(base, _str(doc, "home_page_url"))
    feed.description_html = htmlmod.escape(_str(doc, "description"), quote=False)
    feed.language = _str(doc, "language")
    feed.image = join_url(base, _str(doc, "icon") or _str(doc, "favicon"))
    authors = _people(doc)
    items = doc.get("items")
    if not isinstance(items, list):
        raise FeedParseError("this JSON Feed has no list of items")
    feed.total_entries = len(items)
    for item in items[:MAX_ENTRIES]:
        if isinstance(item, dict):
            raw = _item(item, base)
            raw.authors = raw.authors or list(authors)  # items inherit the feed's authors
            feed.entries.append(raw)
    return feed


def _item(item: dict[str, Any], base: str) -> RawEntry:
    raw = RawEntry()
    ident = item.get("id")
    # The spec says a string; 1.0 feeds in the wild also use numbers.
    if isinstance(ident, str):
        raw.id = ident
    elif isinstance(ident, int) and not isinstance(ident, bool):  # True is an int too
        raw.id = str(ident)
    raw.link = join_url(base, _str(item, "url"))
    raw.title = _str(item, "title")
    raw.title_is_html = False
    raw.content_html = _str(item, "content_html") or text_to_html(_str(item, "content_text"))
    raw.summary_html = htmlmod.escape(_str(item, "summary"), quote=False)
    raw.published = _str(item, "date_published")
    raw.updated = _str(item, "date_modified")
    raw.authors = _people(item)
    tags = item.get("tags")
    if isinstance(tags, list):
        raw.categories = [tag for tag in tags[:100] if isinstance(tag, str)]
    external = join_url(base, _str(item, "external_url"))
    if external and raw.link:
        raw.related.append(external)  # a link post's subject: the page it comments on
    elif external:
        raw.link = external  # no permalink of its own: the page is the item
    for key in ("image", "banner_image"):
        image = join_url(base, _str(item, key))
        if image:
            raw.enclosures.append((image, image_type(image), ""))
            raw.image = raw.image or image
    for attachment in _dicts(item.get("attachments"))[:100]:
        href = join_url(base, _str(attachment, "url"))
        size = attachment.get("size_in_bytes")
        length = str(size) if isinstance(size, int) and not isinstance(size, bool) else ""
        if href:
            raw.enclosures.append((href, _str(attachment, "mime_type"), length))
    return raw
