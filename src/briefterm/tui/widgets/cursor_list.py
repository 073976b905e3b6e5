"""A keyboard-driven, virtual, one-line-per-row list (Textual Line API).

Subclasses say how many rows there are, which rows the cursor may rest on,
and how to render one row as a :class:`Strip`. Only visible rows are ever
rendered, so the cost of a keypress does not grow with the list.
"""

from __future__ import annotations

from itertools import chain
from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from briefterm.tui.keys import bindings_for


class CursorList(ScrollView, can_focus=True):
    """A virtual list with a cursor; see the module docstring."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("list")

    DEFAULT_CSS = """
    CursorList {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    """

    # repaint=False: a cursor move repaints only the two rows involved.
    cursor: reactive[int] = reactive(-1, repaint=False, init=False)

    # -- to override --------------------------------------------------------

    @property
    def row_count(self) -> int:
        """Number of rows."""
        return 0

    def can_rest(self, row: int) -> bool:
        """True when the cursor may stop on ``row`` (headers are skipped)."""
        return 0 <= row < self.row_count

    def render_row(self, row: int, width: int, is_cursor: bool) -> Strip:
        """One row, exactly ``width`` cells wide."""
        raise NotImplementedError

    def on_cursor_moved(self, row: int) -> None:
        """Hook: the cursor moved to ``row`` (post messages here)."""

    # -- machinery ------------------------------------------------------------

    def reset_rows(self, cursor: int | None = None) -> None:
        """Call after the rows changed: resize the virtual area, place the cursor."""
        self.virtual_size = Size(0, self.row_count)
        target = self.cursor if cursor is None else cursor
        target = self._nearest_rest(max(0, min(target, self.row_count - 1)))
        self.set_reactive(CursorList.cursor, target)
        self.refresh()
        if target >= 0:
            self.scroll_cursor_visible()
        self.on_cursor_moved(target)

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
            self.refresh_line(old)
        if new >= 0:
            self.refresh_line(new)
            self.scroll_cursor_visible()
        self.on_cursor_moved(new)

    def scroll_cursor_visible(self) -> None:
        """Scroll the least needed so the cursor row (and its header) shows."""
        row = self.cursor
        height = self.scrollable_content_region.height or self.size.height
        if row < 0 or height <= 0:
            return
        top = int(self.scroll_y)
        # Show the header above the first row of a group as well.
        wanted_top = row - 1 if row > 0 and not self.can_rest(row - 1) else row
        if wanted_top < top:
            self.scroll_to(y=wanted_top, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    def render_line(self, y: int) -> Strip:
        row = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if row >= self.row_count or width <= 0:
            return Strip.blank(max(width, 0), self.rich_style)
        return self.render_row(row, width, row == self.cursor)

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    async def _on_click(self, event: events.Click) -> None:
        row = int(self.scroll_y) + event.y
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
        target = max(0, min(self.row_count - 1, self.cursor + direction * height))
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
