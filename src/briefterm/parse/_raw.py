"""The unsanitized feed model that every reader (RSS, Atom, JSON Feed, feedparser) fills in.

:mod:`._normalize` turns it into the sanitized :class:`~briefterm.models.ParsedFeed`.
"""

from __future__ import annotations

MAX_ENTRIES = 10_000
"""Entries read from one document at most; the readers stop there."""

RawPerson = tuple[str, str, str]
"""(name, e-mail, uri) as the document gives them; any may be ''."""

RawEnclosure = tuple[str, str, str]
"""(href, type, length) as the document gives them."""

# Summary fallbacks, best first: a later one never replaces an earlier one.
ALT_MEDIA = 1  # media:description
ALT_ITUNES_SUMMARY = 2  # itunes:summary
ALT_DC = 3  # dc:description
ALT_ITUNES_SUBTITLE = 4  # itunes:subtitle (a one-line teaser)
_NO_ALT = 99


class RawEntry:
    """Unsanitized entry fields, already resolved to absolute URLs.

    The ``alt_*`` fields are what extensions offer when the core element is
    missing: a ``media:title`` when there is no ``<title>``, a
    ``media:description`` or ``itunes:summary`` when there is no description
    or content, an ``itunes:author`` when no one else is named.
    """

    __slots__ = (
        "alt_authors",
        "alt_summary_html",
        "alt_summary_rank",
        "alt_title",
        "alt_title_is_html",
        "authors",
        "categories",
        "comments",
        "content_html",
        "enclosures",
        "id",
        "image",
        "link",
        "published",
        "related",
        "source_title",
        "source_url",
        "summary_html",
        "title",
        "title_is_html",
        "updated",
    )

    def __init__(self) -> None:
        self.id = ""
        self.title = ""
        self.title_is_html: bool | None = None  # None: guess (RSS)
        self.alt_title = ""
        self.alt_title_is_html: bool | None = None
        self.link = ""
        self.summary_html = ""
        self.content_html = ""
        self.alt_summary_html = ""
        self.alt_summary_rank = _NO_ALT
        self.authors: list[RawPerson] = []
        self.alt_authors: list[RawPerson] = []
        self.published = ""
        self.updated = ""
        self.source_title = ""
        self.source_url = ""
        self.categories: list[str] = []
        self.comments = ""
        self.enclosures: list[RawEnclosure] = []
        self.related: list[str] = []
        self.image = ""

    def offer_summary(self, html: str, rank: int) -> None:
        """Keep ``html`` as the fallback summary if nothing better (lower rank) is kept."""
        if html.strip() and rank < self.alt_summary_rank:
            self.alt_summary_html = html
            self.alt_summary_rank = rank

    def offer_title(self, text: str, is_html: bool | None) -> None:
        """Keep ``text`` as the fallback title unless one is kept already."""
        if text.strip() and not self.alt_title:
            self.alt_title = text
            self.alt_title_is_html = is_html


class RawFeed:
    """Unsanitized feed-level fields and the entries, in document order.

    ``total_entries`` counts every entry in the document, also those past
    :data:`MAX_ENTRIES` that were not read.
    """

    __slots__ = (
        "description_html",
        "entries",
        "image",
        "language",
        "link",
        "title",
        "title_is_html",
        "total_entries",
    )

    def __init__(self) -> None:
        self.title = ""
        self.title_is_html: bool | None = None
        self.link = ""
        self.description_html = ""
        self.language = ""
        self.image = ""
        self.entries: list[RawEntry] = []
        self.total_entries = 0
