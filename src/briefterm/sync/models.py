"""What every aggregator client returns, and the one interface they share.

The sync engine (phase B) talks only to :class:`SyncService`; a tt-rss or a
Google Reader API server is a constructor argument. Everything here is plain
data that has already been through the sanitizer: ids are canonical decimal
strings, text has no control characters, links are http(s) or empty, HTML is
kept (capped) for conversion at display time.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from briefterm.htmltext import html_to_text
from briefterm.models import Enclosure, ParsedEntry

MAX_SUMMARY = 600
"""Characters of plain text kept as a list summary (as the feed parser does)."""


class Flag(enum.Enum):
    """A change of an entry's user state that can be pushed to the server."""

    READ = "read"
    UNREAD = "unread"
    STAR = "star"
    UNSTAR = "unstar"


@dataclass(frozen=True, slots=True)
class RemoteCategory:
    """A tt-rss category or a Google Reader label (a section in briefterm)."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class RemoteFeed:
    """A subscription on the server."""

    id: str
    """The server's id (tt-rss ``42``, Google Reader ``feed/42``)."""
    url: str
    """The feed's own URL (may be '' when the server hides it or it is not http(s))."""
    title: str
    category: str = ""
    """The category or first label title; '' for none."""
    site_url: str = ""


@dataclass(frozen=True, slots=True)
class RemoteEntry:
    """An article as the server has it, with its read and starred state."""

    id: str
    """Canonical decimal id: the key for state pushes and for deduplication."""
    feed_id: str
    title: str
    link: str
    content_html: str
    author: str
    published: datetime | None
    updated: datetime | None
    read: bool
    starred: bool
    guid: str = ""
    """The server's item guid (tt-rss: its own hash, so not the feed's guid)."""
    feed_title: str = ""
    enclosures: tuple[str, ...] = ()

    def to_parsed(self) -> ParsedEntry:
        """The entry as the store takes a feed parser's entries (key: the remote id)."""
        return ParsedEntry(
            entry_id=self.id,
            title=self.title,
            link=self.link,
            summary=html_to_text(self.content_html[: MAX_SUMMARY * 8], max_length=MAX_SUMMARY),
            content_html=self.content_html,
            author=self.author,
            published=self.published,
            updated=self.updated,
            enclosures=tuple(Enclosure(url) for url in self.enclosures),
        )


@dataclass(frozen=True, slots=True)
class EntryBatch:
    """Entries fetched in one go, and the watermark to store once they are stored.

    The watermark is opaque to the caller: pass the last stored one back to
    :meth:`SyncService.entries_since`. It only moves forward when everything
    before it has been delivered, so a sync cut short resumes without gaps.
    """

    entries: tuple[RemoteEntry, ...]
    watermark: str | None


@dataclass(frozen=True, slots=True)
class PushResult:
    """What the server confirmed for one :meth:`SyncService.push`."""

    confirmed: frozenset[str]
    """Ids whose change the server acknowledged (dequeue these)."""
    missing: int = 0
    """How many of them the server did not know (deleted there); still dequeued."""


@dataclass(frozen=True, slots=True)
class RemoteState:
    """The ids currently unread and starred on the server (no "changed since" exists)."""

    unread: frozenset[str] = field(default_factory=frozenset)
    starred: frozenset[str] = field(default_factory=frozenset)
    feeds: frozenset[str] | None = None
    """The feeds ``unread`` covers when it was asked for some only; None: all.
    A stored entry of another feed that is not listed is not known to be read."""
    starred_feeds: frozenset[str] | None = None
    """The feeds ``starred`` covers when it was asked for some only; None: all."""


@dataclass(frozen=True, slots=True)
class RemoteCounters:
    """Cheap counts: what changed since the last sync, without listing ids."""

    unread: Mapping[str, int]
    """Unread articles by feed id (feeds with none may be left out)."""
    starred: int | None
    """Starred articles in all, or None when the API does not tell."""
    starred_by_feed: Mapping[str, int] | None = None
    """Starred articles by feed (feeds with none may be left out), where the API tells
    (tt-rss); articles of no subscribed feed count only in ``starred``."""

    def changed_feeds(self, before: RemoteCounters) -> frozenset[str]:
        """Feeds whose unread count differs from ``before``'s."""
        feeds = set(self.unread) | set(before.unread)
        return frozenset(f for f in feeds if self.unread.get(f, 0) != before.unread.get(f, 0))


@runtime_checkable
class SyncService(Protocol):
    """One aggregator account. Every method raises :class:`~briefterm.errors.SyncError`
    with one sentence when the server cannot be reached, refuses the login,
    has the API off, or answers something malformed."""

    name: str
    """Short service name for messages ("tt-rss", "Google Reader API")."""

    async def login(self) -> None:
        """Authenticate (also done on demand by every other call)."""

    async def categories(self) -> list[RemoteCategory]:
        """Categories or labels, including empty ones where the API allows."""

    async def subscriptions(self) -> list[RemoteFeed]:
        """Every subscription with its category."""

    def entries_since(
        self, watermark: str | None, known: Collection[str] = ()
    ) -> AsyncIterator[EntryBatch]:
        """Entries the caller does not have yet, in batches; ``None`` = everything.

        ``known`` holds ids already stored, so a protocol without a reliable
        ordering (Google Reader) skips fetching their contents.
        """

    async def entries_by_id(self, ids: Sequence[str]) -> list[RemoteEntry]:
        """Full entries for these ids (unknown ids are left out)."""

    async def state(
        self, feeds: Collection[str] | None = None, starred_feeds: Collection[str] | None = None
    ) -> RemoteState:
        """The ids unread and starred now, for reconciling changes made elsewhere.

        With ``feeds``, unread ids only of those feeds (the ones whose counter
        changed); with ``starred_feeds``, starred ids only of those where the
        API can list them by feed (tt-rss), else all (``RemoteState`` says).
        """

    async def counters(self) -> RemoteCounters | None:
        """Unread counts by feed and the starred total, or None where the API has none.

        Equal counters mean :meth:`state` has most likely not changed (a swap
        inside one feed can hide), so a quick sync lists ids only of the
        feeds whose count changed, and a full one now and then lists all.
        """

    async def push(self, flag: Flag, ids: Sequence[str]) -> PushResult:
        """Set ``flag`` on ``ids``; return what the server confirmed."""

    async def subscribe(self, url: str, category: str = "") -> RemoteFeed:
        """Subscribe to ``url`` (in ``category`` when given); return the new feed."""

    async def unsubscribe(self, feed_id: str) -> None:
        """Remove the subscription ``feed_id``."""

    async def aclose(self) -> None:
        """Close the HTTP connections."""
