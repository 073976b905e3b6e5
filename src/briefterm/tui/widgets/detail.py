"""The detail pane: one story with its full attribution and body.

Every feed string reaches the screen as a :class:`rich.text.Text` (never
markup) after :mod:`briefterm.sanitize`; the body is Markdown produced by
``htmltext.html_to_markdown`` and rendered by Textual's Markdown widget,
whose links are routed through the app's safe opener (``open_links=False``).
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
from textual.widgets import Markdown, Static

from briefterm.models import Entry
from briefterm.sanitize import clean_line, clean_text
from briefterm.timefmt import local_time, long_age
from briefterm.tui.keys import bindings_for
from briefterm.urls import safe_url


def body_markdown(entry: Entry) -> str:
    """The entry body as Markdown: converted HTML content, else the summary."""
    if entry.content_html.strip():
        from briefterm.htmltext import html_to_markdown

        return html_to_markdown(entry.content_html, entry.link)
    return clean_text(entry.summary)


def _size(length: int | None) -> str:
    if not length:
        return ""
    if length < 1024:
        return f"{length} B"
    size = length / 1024
    for unit in ("KB", "MB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def attribution(entry: Entry, others: list[Entry], now: float) -> list[tuple[str, Text]]:
    """The attribution rows: who published it, when, where, who else reported it."""
    rows: list[tuple[str, Text]] = []

    def line(name: str, value: Text | str) -> None:
        rows.append((name, value if isinstance(value, Text) else Text(value)))

    feed = clean_line(entry.feed_title)
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
    link = safe_url(entry.link)
    if link:
        line("Link", Text(link, style="underline"))
    if entry.categories:
        line("Tags", ", ".join(clean_line(c) for c in entry.categories))
    for enclosure in entry.enclosures:
        url = safe_url(enclosure.url)
        if url:
            parts = (clean_line(enclosure.type), _size(enclosure.length))
            details = ", ".join(p for p in parts if p)
            line("Attached", f"{url}" + (f"  ({details})" if details else ""))
    comments = safe_url(entry.comments)
    if comments:
        line("Comments", comments)
    if others:
        names = Text(", ".join(outlet(o) for o in others), style="bold")
        line("Also in", names)
        for other in others:
            url = safe_url(other.link)
            if url:
                line("", f"{outlet(other)}: {url}")
    return rows


def outlet(entry: Entry) -> str:
    """Who reported an entry: "Publisher via Feed" for a wire item, else the feed."""
    # Sanitized again at display: entries may come from an older cache.
    return clean_line(entry.outlet)


def attribution_grid(rows: list[tuple[str, Text]]) -> Table:
    """Label/value grid; long values (URLs) wrap under their value column."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for name, value in rows:
        grid.add_row(name, value)
    return grid


def attribution_text(rows: list[tuple[str, Text]]) -> str:
    """The attribution as plain text lines (for tests and copying)."""
    return "\n".join(f"{name:<10}{value.plain}" for name, value in rows)


class DetailPane(VerticalScroll, can_focus=True):
    """Scrollable view of one entry."""

    # The same ids and keys as the lists' motions (one table: tui/bindings.py).
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("story")

    DEFAULT_CSS = """
    DetailPane {
        background: $surface;
        padding: 0 1;
        #detail-title { text-style: bold; color: $text; margin: 1 0 0 0; }
        #detail-meta { color: $text-muted; margin: 1 0; padding: 0 1; border-left: outer $accent; }
        #detail-body { margin: 0; padding: 0; background: $surface; }
        #detail-related { color: $text-muted; margin: 1 0; }
        #detail-empty { color: $text-muted; margin: 1 0; }
    }
    """

    _empty = getters.query_one("#detail-empty", Static)
    _title = getters.query_one("#detail-title", Static)
    _meta = getters.query_one("#detail-meta", Static)
    _body = getters.query_one("#detail-body", Markdown)
    _related = getters.query_one("#detail-related", Static)

    def __init__(self, *, clock: Callable[[], float] = time.time, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.entry: Entry | None = None
        self.attribution_text = ""

    def compose(self) -> ComposeResult:
        yield Static(
            Text("Press enter on a story to read it here."), id="detail-empty", markup=False
        )
        yield Static(id="detail-title", markup=False)
        yield Static(id="detail-meta", markup=False)
        yield Markdown(id="detail-body", open_links=False)
        yield Static(id="detail-related", markup=False)

    def show(self, entry: Entry, others: list[Entry] | None = None) -> None:
        """Display ``entry`` (loaded with content) and the other reports of its story."""
        self.entry = entry
        others = others or []
        self._set_empty(False)
        title = clean_line(entry.title, max_length=600) or "(untitled)"
        self._title.update(Text(title))
        rows = attribution(entry, others, self.clock())
        self.attribution_text = attribution_text(rows)
        self._meta.update(attribution_grid(rows))
        self._body.update(body_markdown(entry))
        related = [u for u in (safe_url(r) for r in entry.related) if u]
        related_widget = self._related
        related_widget.display = bool(related)
        if related:
            block = Text("Related\n", style="bold")
            block.append("\n".join(f"• {u}" for u in related))
            related_widget.update(block)
        self.scroll_home(animate=False)

    def clear(self) -> None:
        """Show the empty state."""
        self.entry = None
        self._set_empty(True)
        self._body.update("")

    def on_mount(self) -> None:
        self._set_empty(True)

    def _set_empty(self, empty: bool) -> None:
        self._empty.display = empty
        for part in (self._title, self._meta, self._body):
            part.display = not empty
        if empty:
            self._related.display = False
