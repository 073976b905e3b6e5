"""Plain data types shared by every layer of briefterm.

Nothing here does I/O. Feed data (what a poll writes) and user state (what the
reader writes: read/starred flags) are kept in different fields so that a
re-poll can never touch the latter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC).timestamp()
"""Publication dates before 1990 are feed bugs (the Unix epoch, year 1, a
two-digit year read as 19xx), not news: no web feed existed then."""

FUTURE_TOLERANCE = 3600.0
"""A date at most this far ahead of the moment briefterm reads it is clock
skew and is kept (filed at that moment); further ahead it is a wrong time
zone or a scheduled item, and the entry counts as undated."""


def plausible_published(published: float | None, now: float) -> float | None:
    """``published`` if it can be a publication time seen at ``now``, else None.

    The one rule of what "dated" means: a date before
    :data:`EARLIEST_PLAUSIBLE` or more than :data:`FUTURE_TOLERANCE` after
    ``now`` (the poll that read it) is implausible, and the entry is treated
    as undated: it is filed, labelled and ranked by when briefterm first saw
    it.
    """
    if published is None or published != published:  # None or NaN
        return None
    if published < EARLIEST_PLAUSIBLE or published > now + FUTURE_TOLERANCE:
        return None
    return published


@dataclass(frozen=True, slots=True)
class Enclosure:
    """A media file attached to an entry (podcast audio, image, PDF)."""

    url: str
    type: str = ""
    length: int | None = None


@dataclass(slots=True)
class Person:
    """An author as the feed names them: name, e-mail and web address kept apart.

    Not frozen: a frozen dataclass unpickles through a Python-level
    ``__setstate__``, which doubled the cost of sending a parsed feed back
    from a parser process (bench: 200 → 360 µs for 50 entries).
    """

    name: str = ""
    email: str = ""
    uri: str = ""


@dataclass(slots=True)
class ParsedEntry:
    """One entry as parsed from a feed; every string already sanitized.

    ``summary`` is clean plain text for lists; ``content_html`` is the richest
    body the feed offered, kept as (control-character free) HTML and turned
    into Markdown only when shown, because converting every entry at poll time
    would dominate poll cost.

    ``author`` is the display line (names joined); ``authors`` keeps each
    person's name, e-mail and address apart. ``image`` is the entry's picture
    (iTunes episode art, a Media RSS thumbnail, JSON Feed ``image``); it is
    also among the ``enclosures``, so a store that keeps only those keeps it.
    """

    entry_id: str
    title: str = ""
    link: str = ""
    summary: str = ""
    content_html: str = ""
    author: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    source_title: str = ""
    source_url: str = ""
    categories: tuple[str, ...] = ()
    comments: str = ""
    enclosures: tuple[Enclosure, ...] = ()
    related: tuple[str, ...] = ()
    authors: tuple[Person, ...] = ()
    image: str = ""


@dataclass(slots=True)
class ParsedFeed:
    """A parsed feed document: feed-level metadata plus its entries.

    ``warnings`` are one-sentence notes on what was read differently from
    the document (replaced bytes, a lenient parse, entries skipped or cut).
    ``image`` is the feed's artwork or icon (RSS ``<image>``, ``itunes:image``,
    JSON Feed ``icon``).
    """

    title: str = ""
    link: str = ""
    description: str = ""
    language: str = ""
    entries: list[ParsedEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    image: str = ""


@dataclass(slots=True)
class FeedState:
    """A subscription's row in the cache: fetch bookkeeping and counts."""

    id: int
    url: str
    fetch_url: str = ""
    title: str = ""
    site_link: str = ""
    etag: str | None = None
    last_modified: str | None = None
    last_attempt: float | None = None
    last_success: float | None = None
    next_due: float | None = None
    error_count: int = 0
    last_error: str | None = None
    last_status: int | None = None
    gone: bool = False
    parse_warnings: str = ""
    """What the last parse read differently or cut, one sentence per line."""
    entry_count: int = 0
    unread_count: int = 0
    starred_count: int = 0

    @property
    def warnings(self) -> list[str]:
        """:attr:`parse_warnings` as a list (empty when the last parse was clean)."""
        return [line for line in self.parse_warnings.splitlines() if line]

    @property
    def effective_url(self) -> str:
        """The URL to fetch: the permanent-redirect target if one was saved."""
        return self.fetch_url or self.url

    @property
    def status(self) -> str:
        """ "new" (never fetched), "gone" (HTTP 410), "error" (last fetch failed) or "ok"."""
        if self.last_attempt is None and self.last_success is None:
            return "new"
        if self.gone:
            return "gone"
        if self.error_count > 0:
            return "error"
        return "ok"

    @property
    def failing(self) -> bool:
        """True when the feed's last fetch failed or the server said it is gone."""
        return self.status in ("error", "gone")

    @property
    def error_text(self) -> str:
        """The last error with its HTTP status ("HTTP 404: Not Found"), '' when healthy."""
        if not self.error_count or not self.last_error:
            return ""
        error = self.last_error
        if self.last_status and str(self.last_status) not in error:
            error = f"HTTP {self.last_status}: {error}"
        return error


@dataclass(slots=True)
class Entry:
    """An entry in the cache: feed data plus user state.

    ``id`` is the stable integer id used by the CLI (``briefterm mark ID``).
    ``content_html`` is empty when the entry was loaded for a list view.
    """

    id: int
    feed_id: int
    feed_url: str
    feed_title: str
    entry_key: str
    title: str
    link: str
    summary: str
    author: str
    published: float | None
    updated: float | None
    first_seen: float
    source_title: str = ""
    source_url: str = ""
    categories: tuple[str, ...] = ()
    comments: str = ""
    enclosures: tuple[Enclosure, ...] = ()
    related: tuple[str, ...] = ()
    content_html: str = ""
    read: bool = False
    starred: bool = False
    read_at: float | None = None
    starred_at: float | None = None

    @property
    def time(self) -> float:
        """When it happened: published, else (undated) first seen."""
        return self.published if self.published is not None else self.first_seen

    @property
    def undated(self) -> bool:
        """True when the feed gave no plausible date (see :func:`plausible_published`).

        The store keeps only plausible dates, so an undated entry is filed,
        shown ("seen 2 Dec") and ranked by when briefterm first saw it, sorts
        after the dated entries of its day and is never a key story.
        """
        return self.published is None

    @property
    def publisher(self) -> str:
        """The original publisher: ``<source>`` if given, else the feed title."""
        return self.source_title or self.feed_title

    @property
    def outlet(self) -> str:
        """Who reported it: "Publisher via Feed" for a wire item, else the feed."""
        from briefterm.urls import display_host_url  # a homograph host shows as xn--

        feed = display_host_url(self.feed_title or self.feed_url)
        if self.source_title and self.source_title != feed:
            return f"{self.source_title} via {feed}"
        return feed


@dataclass(slots=True)
class Cluster:
    """One story told by one or more entries; ``lead`` is shown first.

    Counting sources means counting *outlets* (publishers or sites, see
    :mod:`briefterm.brief.outlets`), not subscriptions: the same site
    subscribed twice, or a wire copy of a subscribed publisher's story, is
    one source.
    """

    lead: Entry
    others: list[Entry] = field(default_factory=list)

    @property
    def members(self) -> list[Entry]:
        """The lead followed by the other reports."""
        return [self.lead, *self.others]

    @property
    def ids(self) -> list[int]:
        """Entry ids of every member."""
        return [e.id for e in self.members]

    @property
    def source_count(self) -> int:
        """Number of distinct outlets that reported the story (not feeds)."""
        from briefterm.brief.outlets import outlet_count  # the rule lives with the brief

        return outlet_count(self.members)

    @property
    def also_reported_by(self) -> list[Entry]:
        """One report per *other* outlet, in member order: never the lead's own outlet.

        What "Also reported by" (exports) and "Also in" (the detail pane) list.
        """
        from briefterm.brief.outlets import other_outlets

        return other_outlets(self.lead, self.others)

    @property
    def read(self) -> bool:
        """A cluster is read when every member is."""
        return all(e.read for e in self.members)

    @property
    def starred(self) -> bool:
        """A cluster is starred when any member is."""
        return any(e.starred for e in self.members)


@dataclass(slots=True)
class Section:
    """A named group of clusters in a brief, in display order.

    A section with a ``limit`` shows its first clusters in ``clusters`` and
    keeps the rest, in rank order, in ``hidden``: the "N more" a reader can
    open (:meth:`uncapped`).
    """

    name: str
    clusters: list[Cluster] = field(default_factory=list)
    hidden_count: int = 0
    """Clusters beyond the section's cap ("N more"); ``len(hidden)`` when given."""
    hidden: list[Cluster] = field(default_factory=list)
    """The clusters beyond the cap, in rank order."""

    def __post_init__(self) -> None:
        if self.hidden:
            self.hidden_count = len(self.hidden)

    @property
    def unread_count(self) -> int:
        """Clusters in this section not yet read."""
        return sum(1 for c in self.clusters if not c.read)

    def uncapped(self) -> list[Cluster]:
        """Every cluster of the section: the shown ones, then the "N more"."""
        return [*self.clusters, *self.hidden]


@dataclass(slots=True)
class Brief:
    """A dated edition: key stories on top, then sections."""

    title: str
    start: float | None  # window start (POSIX seconds), None = beginning of time
    end: float  # window end (POSIX seconds)
    label: str  # e.g. "Sunday 22 November 2026" or "Wednesday 2 December 2026 · since 08:00"
    key_stories: list[Cluster] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    excerpt: bool = False
    """True for a selection taken out of briefs (``export``, the reader's copy):
    its title already says what it holds ("3 stories from the Morning brief")."""

    @property
    def clusters(self) -> list[Cluster]:
        """Every cluster in section order."""
        return [c for s in self.sections for c in s.clusters]

    def section(self, name: str) -> Section | None:
        """The section called ``name`` (case-insensitive), if the brief has it."""
        wanted = name.casefold()
        for section in self.sections:
            if section.name.casefold() == wanted:
                return section
        return None

    @property
    def entry_count(self) -> int:
        """Number of entries (not clusters) in the brief's sections."""
        return sum(len(c.members) for c in self.clusters)
