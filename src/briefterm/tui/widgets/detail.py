"""The story pane: a headline, one line of attribution, the body, its numbered links.

The pane is read, so the article starts at once: the headline, then one
compact attribution line ("Outlet · by Author · 7 h ago · +2 outlets"),
then the body. The full attribution (publisher via feed, exact time,
tags, attachments, who else reported it) is on demand (``i``), and every
link of the story is in the numbered list under the body (``1``-``9`` and
``o`` open them, as a click does).

Every feed string reaches the screen as a :class:`rich.text.Text` (never
markup) after :mod:`briefterm.sanitize`; the body is Markdown produced by
``htmltext.html_to_markdown`` and rendered by Textual's Markdown widget,
whose links are routed through the reader's safe opener (``open_links=False``).

Full text (``f``, or opening a story of a ``full_text`` feed): the article
extracted from the story's page replaces the feed's teaser, through the same
``html_to_markdown`` path; the fetch runs in a thread worker
(``tui/_full_text.py``) and its result is shown only if the same story is
still open. A failure is one notification and the teaser stays.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Markdown, Static

from briefterm.fulltext import EXTRA_HINT
from briefterm.models import Entry
from briefterm.sanitize import clean_line, clean_text
from briefterm.store import CachedFullText
from briefterm.timefmt import local_time, long_age
from briefterm.tui._full_text import FullTexts
from briefterm.tui.article_links import Link, file_size, number_links
from briefterm.tui.keys import bindings_for
from briefterm.tui.story_text import compact_attribution
from briefterm.tui.widgets.link_list import LinkList
from briefterm.urls import display_host_url


def body_markdown(entry: Entry) -> str:
    """The entry body as Markdown: converted HTML content, else the summary."""
    if entry.content_html.strip():
        from briefterm.htmltext import html_to_markdown

        return html_to_markdown(entry.content_html, entry.link)
    return clean_text(entry.summary)


def full_text_markdown(cached: CachedFullText, entry: Entry) -> str:
    """A cached article as Markdown: the path feed HTML takes (untrusted, sanitised)."""
    from briefterm.htmltext import html_to_markdown

    return html_to_markdown(cached.html, cached.url or entry.link)


def attribution(entry: Entry, others: list[Entry], now: float) -> list[tuple[str, Text]]:
    """The full attribution rows: who published it, when, what it carries, who else reported it.

    Links are not repeated here: they are all in the numbered list.
    """
    rows: list[tuple[str, Text]] = []

    def line(name: str, value: Text | str) -> None:
        rows.append((name, value if isinstance(value, Text) else Text(value)))

    feed = clean_line(display_host_url(entry.feed_title))  # a bare feed URL's host as xn--
    publisher = clean_line(entry.source_title)
    if publisher and publisher != feed:
        source = Text(f"{publisher}  ", style="bold")
        source.append(f"via {feed}", style="italic")
        line("Source", source)
    else:
        line("Source", Text(feed, style="bold"))
    if entry.author:
        line("By", clean_line(entry.author))
    when = Text(local_time(entry.time))
    when.append(f"  ({long_age(entry.time, now)})", style="italic")
    line("Published" if entry.published is not None else "Seen", when)
    if entry.categories:
        line("Tags", ", ".join(clean_line(c) for c in entry.categories))
    for enclosure in entry.enclosures:
        parts = (clean_line(enclosure.type), file_size(enclosure.length))
        line("Attached", ", ".join(p for p in parts if p) or "a file")
    if others:
        line("Also in", Text(", ".join(outlet(o) for o in others), style="bold"))
    return rows


def outlet(entry: Entry) -> str:
    """Who reported an entry: "Publisher via Feed" for a wire item, else the feed."""
    # Sanitized again at display: entries may come from an older cache.
    return clean_line(entry.outlet)


def attribution_grid(rows: list[tuple[str, Text]]) -> Table:
    """Label/value grid; long values wrap under their value column."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for name, value in rows:
        grid.add_row(name, value)
    return grid


def attribution_text(rows: list[tuple[str, Text]]) -> str:
    """The attribution as plain text lines (for tests and copying)."""
    return "\n".join(f"{name:<10}{value.plain}" for name, value in rows)


class DetailPane(VerticalScroll, can_focus=True):
    """Scrollable view of one entry; shown only while a story is open."""

    # The same ids and keys as the lists' motions (one table: tui/bindings.py).
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("story")

    DEFAULT_CSS = """
    DetailPane {
        background: $surface;
        padding: 0 1;
        #detail-title { text-style: bold; color: $brief-text; margin: 0; }
        #detail-byline {
            color: $brief-muted;
            text-wrap: nowrap;
            text-overflow: ellipsis;
            margin: 0 0 1 0;
        }
        #detail-meta {
            color: $brief-muted;
            margin: 0 0 1 0;
            padding: 0 1;
            border-left: outer $accent;
        }
        #detail-body { margin: 0; padding: 0; background: transparent; }
    }
    """

    class FullTextFetched(Message):
        """A story's page was fetched (in a worker): what the cache now holds for it."""

        def __init__(self, entry_id: int, cached: CachedFullText, note: str, asked: bool) -> None:
            super().__init__()
            self.entry_id = entry_id
            self.cached = cached
            self.note = note
            """A problem beside the outcome (the cache could not be written), or ""."""
            self.asked = asked
            """True when the key asked for it (False: the feed's ``full_text``)."""

    details: reactive[bool] = reactive(False)
    """True while the full attribution block is shown (``i``); kept from story to story."""

    _title = getters.query_one("#detail-title", Static)
    _byline = getters.query_one("#detail-byline", Static)
    _meta = getters.query_one("#detail-meta", Static)
    _body = getters.query_one("#detail-body", Markdown)
    link_list = getters.query_one("#detail-links", LinkList)

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        full_texts: FullTexts | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.full_texts = full_texts
        """The full-text cache and fetches (None: no full text, e.g. a bare pane in tests)."""
        self.entry: Entry | None = None
        self.attribution_text = ""
        self.byline = ""
        self.full_shown = False
        """True while the body is the article fetched from the story's page."""
        self._others: list[Entry] = []
        self._auto_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title", markup=False)
        yield Static(id="detail-byline", markup=False)
        yield Static(id="detail-meta", markup=False)
        yield Markdown(id="detail-body", open_links=False)
        yield LinkList(id="detail-links")

    def on_mount(self) -> None:
        self._meta.display = self.details

    def show(self, entry: Entry, others: list[Entry] | None = None, outlets: int = 0) -> None:
        """Display ``entry`` (loaded with content) and the other reports of its story.

        ``outlets`` is how many other outlets reported it, as its row says ("+2").
        """
        self.entry = entry
        others = others or []
        title = clean_line(entry.title, max_length=600) or "(untitled)"
        self._title.update(Text(title))
        now = self.clock()
        self.byline = compact_attribution(entry, outlets, now)
        self._byline.update(Text(self.byline, end=""))
        rows = attribution(entry, others, now)
        self.attribution_text = attribution_text(rows)
        self._meta.update(attribution_grid(rows))
        self._others = others
        if not self._offer_full_text(entry):
            self._show_feed_text()

    def _render_body(self, markdown: str, full: bool) -> None:
        entry = self.entry
        if entry is None:
            return
        self.full_shown = full
        byline = self.byline + (" · full article" if full else "")
        self._byline.update(Text(byline, end=""))
        body, links = number_links(entry, markdown, self._others)
        self._body.update(body)
        self.link_list.set_links(links)
        self.scroll_home(animate=False)

    def _show_feed_text(self) -> None:
        if self.entry is not None:
            self._render_body(body_markdown(self.entry), full=False)

    def _show_full(self, cached: CachedFullText) -> None:
        if self.entry is not None:
            self._render_body(full_text_markdown(cached, self.entry), full=True)

    def clear(self) -> None:
        """Forget the story (the pane is hidden while none is open)."""
        self._stop_auto_timer()
        self.entry = None
        self.full_shown = False
        self._body.update("")
        self.link_list.set_links([])

    # -- full text ----------------------------------------------------------------

    def _say(self, text: str, severity: SeverityLevel = "information", timeout: float = 4) -> None:
        # Never markup: errors quote URLs and server phrases.
        self.notify(text, severity=severity, timeout=timeout, markup=False)

    def _stop_auto_timer(self) -> None:
        if self._auto_timer is not None:
            self._auto_timer.stop()
            self._auto_timer = None

    def _offer_full_text(self, entry: Entry) -> bool:
        """Show a cached article (True), or fetch a ``full_text`` feed's page after a moment."""
        self._stop_auto_timer()
        texts = self.full_texts
        if texts is None:
            return False
        cached = texts.cached(entry.id)
        if cached is not None and cached.ok:
            self._show_full(cached)
            return True
        if not texts.automatic(entry) or not texts.should_fetch(cached):
            return False
        if not texts.available():
            if not texts.told_missing:
                texts.told_missing = True
                self._say(f"This feed asks for full text, which needs {EXTRA_HINT}.", "warning")
            return False
        # After a moment, and only if the story is still open: moving down the
        # list with the pane open must not fetch every page on the way.
        fetch = partial(self._auto_fetch, entry.id)
        if texts.auto_delay > 0:
            self._auto_timer = self.set_timer(texts.auto_delay, fetch)
        else:  # Textual's timers cannot take 0
            self.call_later(fetch)
        return False

    def _auto_fetch(self, entry_id: int) -> None:
        self._auto_timer = None
        if self.entry is not None and self.entry.id == entry_id:
            self._start_fetch(self.entry, asked=False)

    def _start_fetch(self, entry: Entry, *, asked: bool) -> None:
        texts = self.full_texts
        if texts is None:
            return
        if not texts.begin(entry.id):
            if asked:
                self._say("Still fetching the article…", timeout=2)
            return
        if asked:
            self._say("Fetching the article from its web page…", timeout=2)

        def fetch() -> None:
            try:
                cached, note = texts.fetch(entry)
            except BaseException:
                texts.end(entry.id)  # the reader's worker handler reports the failure
                raise
            self.post_message(self.FullTextFetched(entry.id, cached, note, asked))

        self.run_worker(fetch, thread=True, group="full-text", exit_on_error=False)

    def on_detail_pane_full_text_fetched(self, message: FullTextFetched) -> None:
        """Show the article if its story is still open; else it waits in the cache."""
        message.stop()
        if self.full_texts is not None:
            self.full_texts.end(message.entry_id)
        if self.entry is None or self.entry.id != message.entry_id:
            return
        if message.note:
            self._say(message.note.capitalize() + ".", "warning", 6)
        cached = message.cached
        if cached.ok:
            self._show_full(cached)
        else:
            self._say(f"No full text: {cached.error}; the feed's text stays.", "warning", 6)

    def action_full_text(self) -> None:
        """Show the article from the story's page (fetched once), or back to the feed's text."""
        entry, texts = self.entry, self.full_texts
        if entry is None or texts is None:
            return
        if self.full_shown:
            self._show_feed_text()
            return
        cached = texts.cached(entry.id)
        if cached is not None and cached.ok:
            self._show_full(cached)
            return
        if not texts.available():
            self._say(f"Full text needs trafilatura: {EXTRA_HINT}", "warning", 8)
            return
        if cached is not None and not texts.should_fetch(cached):
            when = long_age(cached.fetched_at, self.clock())
            self._say(
                f"No full text: {cached.error} ({when}; tried again after an hour).", "warning", 6
            )
            return
        self._start_fetch(entry, asked=True)

    @property
    def links(self) -> list[Link]:
        """The numbered links of the story shown."""
        return self.link_list.links

    def watch_details(self, details: bool) -> None:
        if self.is_mounted:
            self._meta.display = details

    def action_toggle_details(self) -> None:
        """Show or hide the full attribution."""
        self.details = not self.details

    def action_open_numbered(self, number: int) -> None:
        """Open link ``number`` of the list (through the reader's safe opener)."""
        link = self.link_list.link(number)
        if link is None:
            count = len(self.links)
            self.notify(
                f"This story has no link {number}"
                + (f"; its links are numbered 1-{count}." if count else "."),
                timeout=3,
                markup=False,
            )
            return
        self.post_message(LinkList.Chosen(self.link_list, link))
