"""A keyboard-driven, virtual list of rows of one or more lines (Textual Line API).

Subclasses say how many rows there are, which rows the cursor may rest on,
how to render one line of a row as a :class:`Strip`, and (for rows taller
than a line) the :class:`~briefterm.tui.row_layout.LineIndex` that maps
screen lines to rows. Only visible lines are ever rendered and every move
is a lookup in that index, so the cost of a keypress does not grow with
the list.
"""

from __future__ import annotations

from itertools import chain
from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from briefterm.tui.keys import bindings_for
from briefterm.tui.row_layout import LineIndex


class CursorList(ScrollView, can_focus=True):
    """A virtual list with a cursor; see the module docstring."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("list")

    DEFAULT_CSS = """
    CursorList {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        scrollbar-gutter: stable;
    }
    """

    # repaint=False: a cursor move repaints only the two rows involved.
    cursor: reactive[int] = reactive(-1, repaint=False, init=False)

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.line_index = LineIndex(0)
        """Where each row's lines are; one line a row unless :meth:`layout_rows` says otherwise."""
        self._laid_width = -1  # the content width the rows were laid out for
        self._paint_width: int | None = None  # set while render_lines runs

    # -- to override --------------------------------------------------------

    @property
    def row_count(self) -> int:
        """Number of rows."""
        return 0

    def can_rest(self, row: int) -> bool:
        """True when the cursor may stop on ``row`` (headers are skipped)."""
        return 0 <= row < self.row_count

    def render_row(self, row: int, line: int, width: int, is_cursor: bool) -> Strip:
        """Line ``line`` (0 for the first) of ``row``, exactly ``width`` cells wide."""
        raise NotImplementedError

    def layout_rows(self, width: int) -> LineIndex:
        """The line index of the rows at content width ``width`` (default: a line each)."""
        return LineIndex(self.row_count)

    def on_cursor_moved(self, row: int) -> None:
        """Hook: the cursor moved to ``row`` (post messages here)."""

    # -- machinery ------------------------------------------------------------

    def reset_rows(self, cursor: int | None = None) -> None:
        """Call after the rows changed: lay them out, resize the virtual area, place the cursor."""
        self._relayout()
        self.refresh(layout=True)  # a list as tall as its rows (the section strip) resizes
        target = self.cursor if cursor is None else cursor
        target = self._nearest_rest(max(0, min(target, self.row_count - 1)))
        self.set_reactive(CursorList.cursor, target)
        self.refresh()
        if target >= 0:
            self.scroll_cursor_visible()
        self.on_cursor_moved(target)

    def _relayout(self) -> None:
        self._laid_width = self.scrollable_content_region.width
        self.line_index = self.layout_rows(self._laid_width)
        self.virtual_size = Size(0, self.line_index.lines)

    def _on_resize(self, event: events.Resize) -> None:
        # Row heights depend on the width: lay out again, keep the cursor in sight.
        if self.row_count and self.scrollable_content_region.width != self._laid_width:
            self._relayout()
            self.refresh()
        self.scroll_cursor_visible()  # a shorter list (a story opened) must still show it

    def refresh_row(self, row: int) -> None:
        """Repaint every line of ``row``."""
        if 0 <= row < self.row_count:
            self.refresh_lines(self.line_index.start(row), self.line_index.height(row))

    def _nearest_rest(self, row: int) -> int:
        """``row`` if the cursor may rest there, else the next (or previous) such row."""
        count = self.row_count
        for candidate in chain(range(row, count), range(row - 1, -1, -1)):
            if self.can_rest(candidate):
                return candidate
        return -1

    def _step(self, start: int, step: int) -> int | None:
        row = start + step
        while 0 <= row < self.row_count:
            if self.can_rest(row):
                return row
            row += step
        return None

    def move_to(self, row: int) -> None:
        """Put the cursor on ``row`` (if it may rest there)."""
        if self.can_rest(row):
            self.cursor = row

    def watch_cursor(self, old: int, new: int) -> None:
        if old >= 0:
            self.refresh_row(old)
        if new >= 0:
            self.refresh_row(new)
            self.scroll_cursor_visible()
        self.on_cursor_moved(new)

    def scroll_cursor_visible(self) -> None:
        """Scroll the least needed so the cursor row (and the header above it) shows whole."""
        row = self.cursor
        height = self.scrollable_content_region.height or self.size.height
        if row < 0 or height <= 0:
            return
        lines = self.line_index
        top = int(self.scroll_y)
        first = lines.start(row)
        last = first + lines.height(row) - 1
        # Show the header line above the first row of a group as well.
        wanted_top = first - 1 if row > 0 and not self.can_rest(row - 1) else first
        if last - wanted_top >= height:  # taller than the screen: its first lines first
            wanted_top = first
        if wanted_top < top:
            self.scroll_to(y=wanted_top, animate=False, immediate=True)
        elif last >= top + height:
            self.scroll_to(y=max(first, last - height + 1), animate=False, immediate=True)

    def render_lines(self, crop: Region) -> list[Strip]:
        # The content width once per paint: Textual computes it from the
        # scrollbar gutter and styles on every access, once per line otherwise.
        self._paint_width = self.scrollable_content_region.width
        try:
            return super().render_lines(crop)
        finally:
            self._paint_width = None

    @property
    def content_width(self) -> int:
        """The width rows are drawn at (fixed while a paint is under way)."""
        width = self._paint_width
        return self.scrollable_content_region.width if width is None else width

    def render_line(self, y: int) -> Strip:
        line = int(self.scroll_y) + y
        width = self.content_width
        if line >= self.line_index.lines or width <= 0:
            return Strip.blank(max(width, 0), self.rich_style)
        row = self.line_index.row_at(line)
        return self.render_row(row, line - self.line_index.start(row), width, row == self.cursor)

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    def row_at_offset(self, y: int) -> int:
        """The row drawn on line ``y`` of the widget (-1 past the last)."""
        line = int(self.scroll_y) + y
        return self.line_index.row_at(line) if 0 <= line < self.line_index.lines else -1

    async def _on_click(self, event: events.Click) -> None:
        row = self.row_at_offset(event.y)
        if self.can_rest(row):
            self.cursor = row
            if event.chain >= 2:
                self.action_select()

    # -- actions --------------------------------------------------------------

    def action_cursor_down(self) -> None:
        """Move the cursor one row down."""
        row = self._step(self.cursor, 1)
        if row is not None:
            self.cursor = row

    def action_cursor_up(self) -> None:
        """Move the cursor one row up."""
        row = self._step(self.cursor, -1)
        if row is not None:
            self.cursor = row
        elif self.cursor > 0:
            self.scroll_to(y=0, animate=False, immediate=True)

    def action_cursor_top(self) -> None:
        """Move the cursor to the first row."""
        row = self._nearest_rest(0)
        if row >= 0:
            self.cursor = row
            self.scroll_to(y=0, animate=False, immediate=True)

    def action_cursor_bottom(self) -> None:
        """Move the cursor to the last row."""
        row = self._step(self.row_count, -1)
        if row is not None:
            self.cursor = row

    def _page(self, direction: int) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        lines = self.line_index
        line = lines.start(max(self.cursor, 0)) + direction * height
        target = lines.row_at(max(0, min(line, lines.lines - 1)))
        row = self._nearest_rest(target)
        if row >= 0:
            self.scroll_to(
                y=max(0, int(self.scroll_y) + direction * height), animate=False, immediate=True
            )
            self.cursor = row

    def action_page_down(self) -> None:
        """Move the cursor one page down."""
        self._page(1)

    def action_page_up(self) -> None:
        """Move the cursor one page up."""
        self._page(-1)

    def action_select(self) -> None:
        """Open the row under the cursor (subclasses post a message)."""
