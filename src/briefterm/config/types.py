"""Configuration as frozen dataclasses; field docstrings document every key.

:mod:`briefterm.config` loads TOML into these; everything else only reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal, get_args

from briefterm.config.sync import SyncConfig
from briefterm.export import Format

MIB = 1024 * 1024

MarkRead = Literal["never", "on-open", "after"]
"""When opening an entry marks it read."""
MARK_READ_MODES: tuple[MarkRead, ...] = get_args(MarkRead)


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """One subscription (``[[feeds]]`` in config.toml or subscriptions.toml)."""

    url: str
    """The feed's http(s) URL."""
    name: str = ""
    """Display name; empty means the feed's own title."""
    section: str = ""
    """Section the feed's entries go to when no section rule matches."""
    interval: int | None = None
    """Minutes between polls; None means ``poll.default_interval``."""
    priority: int = 0
    """Higher priority feeds lead story clusters and rank higher in key stories."""
    full_text: bool = False
    """The feed's items carry only a teaser: the reader fetches each story's
    page and shows the article extracted from it when the story is opened
    (cached; the ``f`` key does it for any story). Needs the ``fulltext``
    extra (``pip install 'briefterm[fulltext]'``)."""


@dataclass(frozen=True, slots=True)
class SectionConfig:
    """A section of the brief and the rules that put entries in it."""

    name: str
    """Section heading, e.g. "Policy"."""
    feeds: tuple[str, ...] = ()
    """Feed names or URLs whose entries belong here."""
    categories: tuple[str, ...] = ()
    """Entry categories (case-insensitive) that belong here."""
    keywords: tuple[str, ...] = ()
    """Words or phrases matched case-insensitively in title and summary."""
    patterns: tuple[str, ...] = ()
    """Regular expressions (case-insensitive) matched against title and summary."""
    authors: tuple[str, ...] = ()
    """Author names (case-insensitive substring) that belong here."""
    limit: int | None = None
    """Show at most this many items, then "N more" (the reader can open them);
    None means no cap."""
    override: bool = False
    """Let these rules take entries out of the section their feed is in.
    Without it a feed's own ``section`` (an OPML folder, ``add --section``)
    wins over keyword, category, pattern and author rules."""


@dataclass(frozen=True, slots=True)
class PollConfig:
    """How feeds are fetched (``[poll]``)."""

    concurrency: int = 16
    """Feeds fetched at once."""
    per_host: int = 4
    """Connections at once to any single host."""
    timeout: float = 30.0
    """Total deadline in seconds for one feed's whole download."""
    connect_timeout: float = 10.0
    """Seconds to wait for a connection."""
    max_bytes: int = 16 * MIB
    """Cap on a feed's size after decompression."""
    max_redirects: int = 5
    """Redirects followed per fetch."""
    default_interval: int = 60
    """Minutes between polls of a feed without its own interval."""
    max_retry_after: int = 6 * 3600
    """Cap in seconds on a server's Retry-After."""
    user_agent: str = ""
    """User-Agent header; empty means "briefterm/VERSION"."""
    allow_private_redirects: bool = False
    """Follow a public feed's redirect into a private or local address range."""


@dataclass(frozen=True, slots=True)
class UIConfig:
    """Reader options (``[ui]``)."""

    theme: str = "textual-dark"
    """A Textual theme name, e.g. textual-dark, textual-light, nord, gruvbox."""
    mark_read: MarkRead = "on-open"
    """When opening an entry marks it read: "never", "on-open" or "after"."""
    mark_read_delay: float = 3.0
    """Seconds an entry must stay open before it is marked read (mark_read = "after")."""
    wide_layout_min_width: int = 100
    """Terminal width from which the three panes sit side by side."""


@dataclass(frozen=True, slots=True)
class BriefConfig:
    """How briefs are assembled (``[brief]``)."""

    key_stories: int = 5
    """Number of key stories listed on top of a brief."""
    cluster_window_hours: float = 48.0
    """Reports further apart than this are never merged into one story."""
    title_similarity: float = 0.3
    """Similarity (0-1) at which a report joins a story: the cosine of its
    weighted words (title, summary opening, link slug; character bigrams for
    CJK) with the story's; 0.3 is ``brief.cluster.DEFAULT_THRESHOLD``, measured
    by bench/cluster_quality.py."""
    title: str = "Morning brief"
    """Heading of the brief."""
    first_edition_hours: float = 24.0
    """Hours a first edition covers (a fresh cache, or no brief finished
    yet): a first brief is the last day, never the whole history. Also how
    far back a story published before you finished a brief, but fetched
    after, still joins the next edition."""


@dataclass(frozen=True, slots=True)
class ExportConfig:
    """Export and clipboard options (``[export]``)."""

    format: Format = Format.MD
    """Default export format: md, text, links or json."""
    clipboard: str = "auto"
    """Clipboard delivery: auto (native tool and OSC 52), osc52, or native."""


@dataclass(frozen=True, slots=True)
class Config:
    """The whole configuration."""

    path: Path | None = None
    """File this was loaded from (None for defaults)."""
    feeds: tuple[FeedConfig, ...] = ()
    sections: tuple[SectionConfig, ...] = ()
    poll: PollConfig = field(default_factory=PollConfig)
    ui: UIConfig = field(default_factory=UIConfig)
    brief: BriefConfig = field(default_factory=BriefConfig)
    export: ExportConfig = field(default_factory=ExportConfig)
    keymap: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Binding id → comma-separated keys, passed to ``App.set_keymap`` (read-only)."""
    browser: str = ""
    """Command to open links, e.g. "firefox --new-tab {url}"; empty = system default."""
    sync: SyncConfig | None = None
    """The ``[sync]`` aggregator account; None: feeds are polled here (config/sync.py)."""

    def __post_init__(self) -> None:
        # A frozen config must not change under the app: a plain dict handed
        # in (tests, callers) becomes a read-only view of a private copy.
        if not isinstance(self.keymap, MappingProxyType):
            object.__setattr__(self, "keymap", MappingProxyType(dict(self.keymap)))

    def feed(self, url: str) -> FeedConfig | None:
        """The subscription with this URL, if any."""
        for feed in self.feeds:
            if feed.url == url:
                return feed
        return None
