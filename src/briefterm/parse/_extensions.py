"""Media RSS and iTunes elements of an entry, shared by the RSS and Atom walkers.

Real feeds carry their text in these when the core elements are empty:
YouTube puts a video's description in ``media:group/media:description``,
podcasts name their host in ``itunes:author`` and their topics in
``itunes:keywords``. They fill the ``alt_*`` fallbacks of
:class:`~briefterm.parse._raw.RawEntry`, so they never replace what the
core elements say; thumbnails, media files and episode art become
enclosures (with their media type) and the entry's ``image``.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from briefterm.parse._elements import element_text, image_type, inner_html, join_url, text_to_html
from briefterm.parse._raw import ALT_ITUNES_SUBTITLE, ALT_ITUNES_SUMMARY, ALT_MEDIA, RawEntry

KeyOf = Callable[[str], str | None]
Handler = Callable[[RawEntry, etree._Element, str, KeyOf], None]

MAX_KEYWORDS = 20
"""``itunes:keywords`` read at most (the normalizer keeps 20 categories anyway)."""


def _media_text(el: etree._Element) -> tuple[str, bool]:
    """(value, is_html) of a Media RSS text element: plain unless ``type="html"``."""
    if (el.get("type") or "").strip().lower() == "html":
        return inner_html(el), True
    return element_text(el), False


def _as_html(text: str, is_html: bool) -> str:
    return text if is_html else text_to_html(text)


def _group(raw: RawEntry, el: etree._Element, base: str, key_of: KeyOf) -> None:
    # media:group (and media:content) wrap the same elements one level down.
    for child in el:
        if isinstance(child.tag, str):
            key = key_of(child.tag)
            handler = HANDLERS.get(key) if key else None
            if handler is not None and handler is not _group:
                handler(raw, child, base, key_of)


def _media_title(raw: RawEntry, el: etree._Element, base: str, key_of: KeyOf) -> None:
    raw.offer_title(*_media_text(el))


def _media_description(raw: RawEntry, el: etree._Element, base: str, key_of: KeyOf) -> None:
    raw.offer_summary(_as_html(*_media_text(el)), ALT_MEDIA)


def _thumbnail(raw: RawEntry, el: etree._Element, base: str, key_of: KeyOf) -> None:
    url = join_url(base, el.get("url"))
    if url:
        raw.enclosures.append((url, image_type(url), ""))
        raw.image = raw.image or url


def _media_content(raw: RawEntry, el: etree._Element, base: str, key_of: KeyOf) -> None:
    url = join_url(base, el.get("url"))
    if url:
        kind = (el.get("type") or el.get("medium") or "").strip()
        if kind == "image" or (not kind and image_type(url) != "image/*"):
            kind = image_type(url)  # medium="image", or no type on a .png
        raw.enclosures.append((url, kind, (el.get("fileSize") or "").strip()))
        if kind.startswith("image") and not raw.image:
            raw.image = url
    _group(raw, el, base, key_of)  # a title, description or thumbnail inside it


def _media_category(raw: RawEntry, el: etree._Element, base: str, key_of: KeyOf) -> None:
    raw.categories.append(el.get("label") or element_text(el))


def _itunes_author(raw: RawEntry, el: etree._Element, base: str, key_of: KeyOf) -> None:
    raw.alt_authors.append((element_text(el), "", ""))


def _itunes_summary(raw: RawEntry, el: etree._Element, base: str, key_of: KeyOf) -> None:
    # Plain text by the spec, but publishers put HTML in it as often as not.
    raw.offer_summary(inner_html(el), ALT_ITUNES_SUMMARY)


def _itunes_subtitle(raw: RawEntry, el: etree._Element, base: str, key_of: KeyOf) -> None:
    raw.offer_summary(inner_html(el), ALT_ITUNES_SUBTITLE)


def _itunes_title(raw: RawEntry, el: etree._Element, base: str, key_of: KeyOf) -> None:
    raw.offer_title(element_text(el), None)


def _itunes_keywords(raw: RawEntry, el: etree._Element, base: str, key_of: KeyOf) -> None:
    words = element_text(el)[:2000].split(",")
    raw.categories.extend(word.strip() for word in words[:MAX_KEYWORDS])


def _itunes_category(raw: RawEntry, el: etree._Element, base: str, key_of: KeyOf) -> None:
    raw.categories.append(el.get("text") or "")


def _itunes_image(raw: RawEntry, el: etree._Element, base: str, key_of: KeyOf) -> None:
    url = join_url(base, el.get("href") or element_text(el))
    if url:
        raw.enclosures.append((url, image_type(url), ""))
        raw.image = url  # episode art beats a thumbnail


HANDLERS: dict[str | None, Handler] = {
    "media:group": _group,
    "media:title": _media_title,
    "media:description": _media_description,
    "media:thumbnail": _thumbnail,
    "media:content": _media_content,
    "media:category": _media_category,
    "itunes:author": _itunes_author,
    "itunes:summary": _itunes_summary,
    "itunes:description": _itunes_summary,  # Google Play's name for it
    "itunes:subtitle": _itunes_subtitle,
    "itunes:title": _itunes_title,
    "itunes:keywords": _itunes_keywords,
    "itunes:category": _itunes_category,
    "itunes:image": _itunes_image,
}
"""Entry-level extension elements by key (``media:…``, ``itunes:…``) → their reader."""


def feed_image(el: etree._Element, base: str) -> str:
    """The URL of a channel's ``itunes:image`` (``href``) or RSS ``<image>`` (``<url>``)."""
    href = el.get("href")
    if href:
        return join_url(base, href)
    for child in el:
        if isinstance(child.tag, str) and child.tag.rpartition("}")[2].lower() == "url":
            return join_url(base, element_text(child))
    return ""
