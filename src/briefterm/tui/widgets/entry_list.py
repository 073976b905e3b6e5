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

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip

from briefterm.models import Entry
from briefterm.sanitize import clean_line
from briefterm.timefmt import short_age
from briefterm.tui.keys import bindings_for
from briefterm.tui.selection import FULL, NONE, Selection
from briefterm.tui.view_model import CLUSTER, ENTRY, HEADER, READ, STAR, RowModel
from briefterm.tui.widgets.cursor_list import CursorList

PAGE_SIZE = 200
CACHE_PAGES = 24
TITLE_MAX = 400  # characters kept for a row title; enough for any width
SOURCE_MIN_WIDTH = 48  # narrower lists drop the source column (headline first)
AGE_WIDTH = 6  # "now", "5m", "12 Mar"
SELECTED_MARK = "✓"  # east-asian width "N": one cell in every terminal

RowSource = Callable[[Sequence[int]], list[Entry]]
"""Entries for ids, in the order given (missing ids skipped): ``Store.entries_by_ids``."""


@dataclass(slots=True)
class RowText:
    """What a row shows of an entry, already cleaned."""

    title: str
    source: str
    time: float


def row_text(entry: Entry) -> RowText:
    """Clean the fields a row shows (defence in depth: the store should be clean)."""
    title = clean_line(entry.title[: TITLE_MAX * 2], max_length=TITLE_MAX) or "(untitled)"
    return RowText(title, clean_line(entry.publisher, max_length=80), entry.time)


def source_width(width: int) -> int:
    """Cells for the source column of a ``width``-cell row (0: no source column).

    About a fifth of the row, between 10 and 24 cells, so the headline keeps
    most of the room in a narrow pane and long feed names do not waste a wide one.
    """
    if width < SOURCE_MIN_WIDTH:
        return 0
    return min(24, max(10, width // 5))


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells; cut text ends with "…"."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length <= width:
        return text + " " * (width - length)
    return set_cell_size(text, width - 1) + "…"


class EntryList(CursorList):
    """The list of entries or stories of the current view."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("entries")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "entry-list--header",
        "entry-list--cursor",
        "entry-list--cursor-blurred",
        "entry-list--unread",
        "entry-list--read",
        "entry-list--meta",
        "entry-list--marker",
        "entry-list--star",
        "entry-list--count",
        "entry-list--selected",
        "entry-list--selected-marker",
    }

    DEFAULT_CSS = """
    EntryList {
        background: $surface;
        & > .entry-list--header { color: $accent; text-style: bold; background: $panel; }
        & > .entry-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
        & > .entry-list--cursor-blurred { background: $block-cursor-blurred-background; }
        & > .entry-list--unread { color: $foreground; text-style: bold; }
        & > .entry-list--read { color: $text-muted; }
        & > .entry-list--meta { color: $text-muted; }
        & > .entry-list--marker { color: $accent; }
        & > .entry-list--star { color: $warning; }
        & > .entry-list--count { color: $secondary; }
        & > .entry-list--selected { background: $accent 22%; }
        & > .entry-list--selected-marker { color: $text-success; text-style: bold; }
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
        self._styles: dict[str, Style] = {}
        self._styles_dirty = True
        # Rendered rows: scrolling by one line re-renders one new row, not all.
        self._strips: LRUCache[tuple[int, ...], Strip] = LRUCache(1024)
        self._now = clock()

    # -- data -----------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.model) if self.model is not None else 0

    def can_rest(self, row: int) -> bool:
        return self.model is not None and self.model.is_item(row)

    def set_model(self, model: RowModel, keep_entry: int | None = None) -> None:
        """Show ``model``; keep the cursor on ``keep_entry`` when it is still listed."""
        self.model = model
        self._pages.clear()
        self._strips.clear()
        row = model.row_of_entry(keep_entry) if keep_entry is not None else None
        self.reset_rows(row if row is not None else 0)

    def _repaint_rows(self, rows: Iterable[int]) -> None:
        if self.model is None:
            return
        headers = set()
        for row in rows:
            self.refresh_line(row)
            group = self.model.group_index(row)
            if group >= 0:
                headers.add(self.model.groups[group].header_row)
        for row in headers:
            self.refresh_line(row)

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
        self._styles_dirty = True
        self._strips.clear()
        super().notify_style_update()

    def _prepare_paint(self) -> None:
        self._now = self.clock()
        if not self._styles_dirty:
            return
        self._styles_dirty = False
        self._strips.clear()
        base = self.rich_style
        self._styles = {
            # Full (not partial) styles: they blend translucent theme colours
            # such as $text-muted against the background, which light themes need.
            name: self.get_component_rich_style(f"entry-list--{name}")
            for name in (
                "header",
                "cursor",
                "cursor-blurred",
                "unread",
                "read",
                "meta",
                "marker",
                "star",
                "count",
                "selected",
                "selected-marker",
            )
        }
        self._styles["base"] = base

    def render_line(self, y: int) -> Strip:
        if not self._styles:
            self._prepare_paint()
        width = self.scrollable_content_region.width
        if self.row_count == 0 and y == 1:
            return Strip([Segment(fit("  " + self.empty_message, width), self._styles["meta"])])
        return super().render_line(y)

    def render_row(self, row: int, width: int, is_cursor: bool) -> Strip:
        model = self.model
        assert model is not None
        focused = is_cursor and self.has_focus
        selected = self.selection_state(row)
        # The minute is part of the key so that ages ("5m") stay current.
        key = (row, width, is_cursor, focused, model.flags[row], selected, int(self._now // 60))
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(row, width, is_cursor, selected)
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

    def refresh_rows(self, rows: Iterable[int]) -> None:
        """Repaint rows whose flags changed (and their group headers)."""
        self._strips.clear()  # header counts changed too
        self._repaint_rows(rows)

    def _render_row(self, row: int, width: int, is_cursor: bool, selected: int = NONE) -> Strip:
        model = self.model
        assert model is not None
        kind = model.kinds[row]
        if kind == HEADER:
            return self._render_header(row, width)
        flags = model.flags[row]
        extra = 0
        if kind == CLUSTER:
            cluster = model.clusters[model.values[row]]
            text = row_text(cluster.lead)
            extra = len(cluster.others)
        else:
            text = self._text_of(row)
        unread = not flags & READ
        title_style, marker_style, star_style, meta_style, count_style, select_style, fill = (
            self._row_styles(is_cursor, unread, selected)
        )
        # Each gap ends the segment before it (a segment never starts with a
        # space): some SVG renderers drop leading spaces in screenshots.
        segments = [
            Segment(f"{SELECTED_MARK if selected != NONE else ' '} ", select_style),
            Segment("● " if unread else "  ", marker_style),
            Segment("★ " if flags & STAR else "  ", star_style),
        ]
        used = 6
        group = model.groups[model.group_index(row)]
        if group.numbered:
            rank = f"{row - group.header_row}. "
            segments.append(Segment(rank, count_style))
            used += len(rank)
        age = short_age(text.time, self._now) if text.time else ""
        age = fit(age, AGE_WIDTH).strip()
        pad = " " * (AGE_WIDTH - len(age))  # right-aligns the age
        columns = source_width(width)
        suffix = f"+{extra} " if extra else ""
        right_width = AGE_WIDTH + 1 + (columns + 1 if columns else 0)
        title_width = max(0, width - used - right_width - len(suffix) - 1)
        segments.append(Segment(fit(text.title, title_width) + " ", title_style))
        if suffix:
            segments.append(Segment(suffix, count_style))
        if columns:
            segments.append(Segment(f"{fit(text.source, columns)} {pad}{age} ", meta_style))
        else:  # the padding joins the segment before, so the age segment starts with text
            last = segments.pop()
            segments.append(Segment(last.text + pad, last.style))
            segments.append(Segment(f"{age} ", meta_style))
        return Strip(segments).crop_extend(0, width, fill)

    def _row_styles(self, is_cursor: bool, unread: bool, selected: int) -> tuple[Style, ...]:
        """Styles of a row's parts: title, marker, star, meta, count, selection mark, fill."""
        st = self._styles
        if is_cursor:
            cursor = st["cursor"] if self.has_focus else st["cursor-blurred"]
            bold = cursor + Style(bold=True)
            title = bold if unread else cursor + Style(bold=False)
            return title, cursor, cursor, cursor, cursor, bold, st["base"]
        meta = st["meta"]
        select = st["selected-marker"] if selected == FULL else meta
        styles = (
            st["unread"] if unread else st["read"],
            st["marker"],
            st["star"],
            meta,
            st["count"],
            select,
            st["base"],
        )
        if selected == NONE:
            return styles
        # Selected rows keep their colours on a tinted background.
        tint = Style(bgcolor=st["selected"].bgcolor)
        return tuple(style + tint for style in styles)

    def _render_header(self, row: int, width: int) -> Strip:
        model = self.model
        assert model is not None
        style = self._styles["header"]
        index = model.values[row]
        group = model.groups[index]
        unread = model.unread_in_group(index)
        counts = f"{unread} unread · {group.size}" if unread else f"{group.size}"
        if group.hidden:
            counts += f" (+{group.hidden} more)"
        counts = f"{counts} "  # the name's padding, not a leading space, separates them
        name = fit("▌" + clean_line(group.name, max_length=200), max(0, width - len(counts) - 1))
        name += " "
        return Strip([Segment(name, style), Segment(counts, style)]).crop_extend(0, width, style)

    # -- actions ----------------------------------------------------------------

    def on_cursor_moved(self, row: int) -> None:
        self.post_message(self.Highlighted(self, row))

    def action_select(self) -> None:
        """Open the row under the cursor."""
        if self.can_rest(self.cursor):
            self.post_message(self.Selected(self, self.cursor))

    def visible_text(self) -> list[str]:
        """The plain text of every visible line (tests and screen readers)."""
        self._prepare_paint()
        return [strip.text for strip in (self.render_line(y) for y in range(self.size.height))]
