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
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Markdown, Static

from briefterm.models import Entry
from briefterm.sanitize import clean_line, clean_text
from briefterm.timefmt import local_time, long_age
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

    details: reactive[bool] = reactive(False)
    """True while the full attribution block is shown (``i``); kept from story to story."""

    _title = getters.query_one("#detail-title", Static)
    _byline = getters.query_one("#detail-byline", Static)
    _meta = getters.query_one("#detail-meta", Static)
    _body = getters.query_one("#detail-body", Markdown)
    link_list = getters.query_one("#detail-links", LinkList)

    def __init__(self, *, clock: Callable[[], float] = time.time, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.entry: Entry | None = None
        self.attribution_text = ""
        self.byline = ""

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
        body, links = number_links(entry, body_markdown(entry), others)
        self._body.update(body)
        self.link_list.set_links(links)
        self.scroll_home(animate=False)

    def clear(self) -> None:
        """Forget the story (the pane is hidden while none is open)."""
        self.entry = None
        self._body.update("")
        self.link_list.set_links([])

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
