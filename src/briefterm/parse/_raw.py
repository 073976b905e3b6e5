"""The unsanitized feed model that every reader (RSS, Atom, feedparser) fills in.

:mod:`._normalize` turns it into the sanitized :class:`~briefterm.models.ParsedFeed`.
"""

from __future__ import annotations

MAX_ENTRIES = 10_000
"""Entries read from one document at most; the readers stop there."""


class RawEntry:
    """Unsanitized entry fields, already resolved to absolute URLs."""

    __slots__ = (
        "authors",
        "categories",
        "comments",
        "content_html",
        "enclosures",
        "id",
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
        self.link = ""
        self.summary_html = ""
        self.content_html = ""
        self.authors: list[str] = []
        self.published = ""
        self.updated = ""
        self.source_title = ""
        self.source_url = ""
        self.categories: list[str] = []
        self.comments = ""
        self.enclosures: list[tuple[str, str, str]] = []  # (href, type, length)
        self.related: list[str] = []


class RawFeed:
    """Unsanitized feed-level fields and the entries, in document order."""

    __slots__ = ("description_html", "entries", "language", "link", "title", "title_is_html")

    def __init__(self) -> None:
        self.title = ""
        self.title_is_html: bool | None = None
        self.link = ""
        self.description_html = ""
        self.language = ""
        self.entries: list[RawEntry] = []
