"""The entry list: a virtual list over a :class:`RowModel`.

No widget per entry. Rows are drawn with the Line API from the compact row
index; the text of entry rows is loaded a page at a time from a *row source*
(a callable from entry ids to entries; the reader passes its read-only
store connection) through a small LRU cache, so a 100,000-entry view costs the same to scroll as a
100-entry one. Feed text is turned into plain :class:`Segment` objects (never
markup), cleaned of control characters, and cut to the row width by cell
width, so CJK, emoji, ``[/]`` and escape sequences are all harmless.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip

from briefterm.models import Entry
from briefterm.sanitize import clean_line
from briefterm.timefmt import short_age
from briefterm.tui.keys import bindings_for
from briefterm.tui.row_layout import (
    LineIndex,
    brief_columns,
    fit,
    layout,
    lede_lines,
    line_columns,
    rank_width,
)
from briefterm.tui.selection import FULL, NONE, Selection
from briefterm.tui.story_text import row_headline
from briefterm.tui.view_model import CLUSTER, ENTRY, HEADER, READ, STAR, RowModel
from briefterm.tui.widgets._painter import STYLE_NAMES, Painter, RowState
from briefterm.tui.widgets.cursor_list import CursorList

__all__ = ["EntryList", "RowSource", "RowText", "fit", "group_counts", "row_text"]

PAGE_SIZE = 200
CACHE_PAGES = 24

RowSource = Callable[[Sequence[int]], list[Entry]]
"""Entries for ids, in the order given (missing ids skipped): ``Store.entries_by_ids``."""


@dataclass(slots=True)
class RowText:
    """What a one-line row shows of an entry, already cleaned."""

    title: str
    source: str
    time: float
    undated: bool = False  # ``time`` is when it was first seen: the row says "seen 2 Dec"


def row_text(entry: Entry) -> RowText:
    """Clean the fields a row shows (defence in depth: the store should be clean)."""
    return RowText(
        row_headline(entry), clean_line(entry.outlet, max_length=120), entry.time, entry.undated
    )


def group_counts(unread: int, size: int, hidden: int) -> str:
    """A group header's count: always unread of shown ("3 of 12 unread"), then what is hidden."""
    counts = f"{unread} of {size} unread"
    return f"{counts} · {hidden} more" if hidden else counts


class EntryList(CursorList):
    """The list of entries or stories of the current view."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("entries")

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"entry-list--{name}" for name in STYLE_NAMES}

    # Colours are the theme's text colours ($text-*), made for text on its
    # backgrounds; tests/tui/test_contrast.py checks every pair on screen.
    DEFAULT_CSS = """
    EntryList {
        background: $surface;
        & > .entry-list--header { color: $brief-accent; text-style: bold; background: $panel; }
        & > .entry-list--header-count { color: $brief-muted; background: $panel; }
        & > .entry-list--cursor { background: $brief-cursor; }
        & > .entry-list--cursor-blurred { background: $brief-cursor-blurred; }
        & > .entry-list--cursor-bar { color: $accent; }
        & > .entry-list--unread { color: $brief-text; text-style: bold; }
        & > .entry-list--read { color: $brief-muted; }
        & > .entry-list--dek { color: $brief-muted; }
        & > .entry-list--meta { color: $brief-muted; }
        & > .entry-list--rank { color: $brief-accent; text-style: bold; }
        & > .entry-list--star { color: $brief-star; }
        & > .entry-list--count { color: $brief-accent; }
        & > .entry-list--lede { color: $brief-text; text-style: italic; }
        & > .entry-list--selected { background: $brief-selected; }
        & > .entry-list--selected-marker { color: $brief-success; text-style: bold; }
    }
    """

    class RowMessage(Message):
        """Something happened on ``row`` of ``entry_list``."""

        def __init__(self, entry_list: EntryList, row: int) -> None:
            super().__init__()
            self.entry_list = entry_list
            self.row = row

        @property
        def control(self) -> EntryList:
            """The list the message came from."""
            return self.entry_list

    class Highlighted(RowMessage):
        """The cursor moved to another row."""

    class Selected(RowMessage):
        """The user opened the row under the cursor."""

    def __init__(
        self,
        rows: RowSource,
        *,
        clock: Callable[[], float] = time.time,
        selection: Selection | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.row_source = rows
        self.clock = clock
        self.selection = selection if selection is not None else Selection()
        self.model: RowModel | None = None
        self.empty_message = "Loading…"
        self._pages: OrderedDict[int, dict[int, RowText]] = OrderedDict()
        self._painter: Painter | None = None
        # Rendered lines: scrolling by one line re-renders one new line, not all.
        self._strips: LRUCache[tuple[int, ...], Strip] = LRUCache(1024)
        self._now = clock()
        self.deferred: list[Callable[[], None]] = []
        """Moves past the end of a view's first version, for when the whole view is shown."""

    # -- data -----------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.model) if self.model is not None else 0

    def can_rest(self, row: int) -> bool:
        return self.model is not None and self.model.is_item(row)

    def layout_rows(self, width: int) -> LineIndex:
        if self.model is None:
            return LineIndex(0)
        return layout(self.model, width)

    def set_model(self, model: RowModel, keep_entry: int | None = None) -> None:
        """Show ``model``; keep the cursor on ``keep_entry`` when it is still listed."""
        self.model = model
        self._pages.clear()
        self._strips.clear()
        row = model.row_of_entry(keep_entry) if keep_entry is not None else None
        self.reset_rows(row if row is not None else 0)

    def _relayout(self) -> None:
        self._strips.clear()  # lines move with the width
        super()._relayout()

    def _repaint_rows(self, rows: Iterable[int]) -> None:
        if self.model is None:
            return
        headers = set()
        for row in rows:
            self.refresh_row(row)
            group = self.model.group_index(row)
            if group >= 0:
                headers.add(self.model.groups[group].header_row)
        for row in headers:
            self.refresh_row(row)

    def _text_of(self, row: int) -> RowText:
        """The cleaned text of an entry row, loading its page when needed."""
        assert self.model is not None
        page = row // PAGE_SIZE
        cached = self._pages.get(page)
        if cached is None:
            start = page * PAGE_SIZE
            end = min(start + PAGE_SIZE, len(self.model))
            ids = [self.model.values[r] for r in range(start, end) if self.model.kinds[r] == ENTRY]
            cached = {e.id: row_text(e) for e in self.row_source(ids)}
            self._pages[page] = cached
            if len(self._pages) > CACHE_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        entry_id = self.model.values[row]
        return cached.get(entry_id) or RowText("(removed)", "", 0.0)

    # -- rendering --------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # Resolve styles and "now" once per paint, not once per row.
        self._prepare_paint()
        return super().render_lines(crop)

    def notify_style_update(self) -> None:
        self._painter = None
        self._strips.clear()
        super().notify_style_update()

    def _prepare_paint(self) -> None:
        self._now = self.clock()
        if self._painter is not None:
            return
        self._strips.clear()
        # Full (not partial) styles: they blend translucent theme colours such
        # as $brief-muted against the background, which light themes need.
        styles = {n: self.get_component_rich_style(f"entry-list--{n}") for n in STYLE_NAMES}
        self._painter = Painter(styles, self.rich_style)

    @property
    def painter(self) -> Painter:
        """The strip builder for the current theme."""
        if self._painter is None:
            self._prepare_paint()
        assert self._painter is not None
        return self._painter

    def render_line(self, y: int) -> Strip:
        width = self.content_width
        if self.row_count == 0 and y == 1:
            return Strip(
                [Segment(fit("  " + self.empty_message, width), self.painter.styles["meta"])]
            )
        return super().render_line(y)

    def render_row(self, row: int, line: int, width: int, is_cursor: bool) -> Strip:
        model = self.model
        assert model is not None
        focused = is_cursor and self.has_focus
        selected = self.selection_state(row)
        # The minute is part of the key so that ages ("5m") stay current; a
        # header's key holds its count, so marking repaints only what changed.
        minute = int(self._now // 60)
        flags = model.flags[row]
        if model.kinds[row] == HEADER:
            flags = model.unread_in_group(model.values[row])
        key = (row, line, width, is_cursor, focused, flags, selected, minute)
        strip = self._strips.get(key)
        if strip is None:
            state = RowState(
                is_cursor, focused, not model.flags[row] & READ, bool(model.flags[row] & STAR),
                selected,
            )  # fmt: skip
            strip = self._paint_line(row, line, width, state)
            self._strips[key] = strip
        return strip

    def selection_state(self, row: int) -> int:
        """How much of ``row`` is selected: NONE, PARTIAL (part of a cluster) or FULL."""
        model = self.model
        if not self.selection or model is None or not 0 <= row < len(model):
            return NONE
        kind = model.kinds[row]
        if kind == ENTRY:
            return FULL if model.values[row] in self.selection.ids else NONE
        if kind == CLUSTER:
            return self.selection.state(model.clusters[model.values[row]].ids)
        return NONE

    def refresh_ids(self, ids: Iterable[int]) -> None:
        """Repaint the rows on screen that show any of the entries ``ids`` (a selection change)."""
        model = self.model
        changed = set(ids)
        if model is None or not changed or not self.row_count:
            return
        top = int(self.scroll_y)
        first = self.line_index.row_at(top)
        last = self.line_index.row_at(top + self.size.height - 1)
        for row in range(first, last + 1):
            kind = model.kinds[row]
            if kind == ENTRY:
                hit = model.values[row] in changed
            elif kind == CLUSTER:
                hit = not changed.isdisjoint(model.clusters[model.values[row]].ids)
            else:
                continue
            if hit:
                self.refresh_row(row)

    def refresh_rows(self, rows: Iterable[int]) -> None:
        """Repaint rows whose flags changed (and their group headers)."""
        # The cache needs no clearing: flags and header counts are in its keys.
        self._repaint_rows(rows)

    def _paint_line(self, row: int, line: int, width: int, state: RowState) -> Strip:
        model = self.model
        assert model is not None
        painter = self.painter
        kind = model.kinds[row]
        if kind == HEADER:
            return self._render_header(row, line, width)
        group = model.groups[model.group_index(row)]
        if kind == CLUSTER and model.multiline:
            text = model.texts[model.values[row]]
            lead = model.clusters[model.values[row]].lead
            ranks = rank_width(group.size) if group.numbered else 0
            columns = brief_columns(width, ranks)
            # An undated story sits in the edition of the day it was first
            # seen: "seen" fits the age column and does not pass for "5m".
            age = "seen" if lead.undated else short_age(lead.time, self._now)
            rank = row - group.header_row
            return painter.story_line(columns, text, line, rank, age, state)
        if kind == CLUSTER:
            text_row = row_text(model.clusters[model.values[row]].lead)
        else:
            text_row = self._text_of(row)
        age = short_age(text_row.time, self._now, undated=text_row.undated) if text_row.time else ""
        return painter.line_row(line_columns(width), text_row.title, text_row.source, age, state)

    def _render_header(self, row: int, line: int, width: int) -> Strip:
        model = self.model
        assert model is not None
        painter = self.painter
        if row == 0 and model.lede:
            lede = lede_lines(model, width)
            if line < len(lede):
                return painter.lede_line(width, lede[line])
            if line == len(lede):
                return painter.blank(width)
        index = model.values[row]
        group = model.groups[index]
        counts = group_counts(model.unread_in_group(index), group.size, group.hidden)
        return painter.header_line(width, clean_line(group.name, max_length=200), counts)

    # -- actions ----------------------------------------------------------------

    def defer(self, action: Callable[[], None], needed: bool = True) -> bool:
        """Keep ``action`` for the whole view when it ``needed`` rows past the first version.

        True when it was kept: only the newest days of the view are shown yet
        (``RowModel.prefix``), and the reader replays it once all rows are.
        """
        if needed and self.model is not None and self.model.prefix:
            self.deferred.append(action)
            return True
        return False

    def action_cursor_down(self) -> None:
        """Move the cursor one row down."""
        if not self.defer(self.action_cursor_down, self._step(self.cursor, 1) is None):
            super().action_cursor_down()

    def action_cursor_bottom(self) -> None:
        """Move the cursor to the last row."""
        if not self.defer(self.action_cursor_bottom):
            super().action_cursor_bottom()

    def action_page_down(self) -> None:
        """Move the cursor one page down."""
        lines, height = self.line_index, max(1, self.scrollable_content_region.height - 1)
        beyond = lines.start(max(self.cursor, 0)) + height >= lines.lines - 1
        if not self.defer(self.action_page_down, beyond):
            super().action_page_down()

    def on_cursor_moved(self, row: int) -> None:
        self.post_message(self.Highlighted(self, row))

    def action_select(self) -> None:
        """Open the row under the cursor."""
        if self.can_rest(self.cursor):
            self.post_message(self.Selected(self, self.cursor))

    def row_lines(self, row: int) -> list[str]:
        """The plain text of every line of ``row``, wherever it is scrolled (tests)."""
        self._prepare_paint()
        width = self.scrollable_content_region.width
        cursor = row == self.cursor
        return [
            self.render_row(row, n, width, cursor).text for n in range(self.line_index.height(row))
        ]

    def visible_text(self) -> list[str]:
        """The plain text of every visible line (tests and screen readers)."""
        self._prepare_paint()
        return [strip.text for strip in (self.render_line(y) for y in range(self.size.height))]
