"""The left pane: the groups of the current view (sections, days or feeds).

Every number here is the group's unread count; a group with none left
shows a dim 0 rather than switching to its total. A click on a group
jumps the entry list to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip

from briefterm.sanitize import clean_line
from briefterm.tui.keys import bindings_for
from briefterm.tui.row_layout import fit
from briefterm.tui.widgets.cursor_list import CursorList


@dataclass(slots=True)
class SectionRow:
    """One group as the section list shows it."""

    name: str
    unread: int
    total: int


class SectionList(CursorList):
    """Groups of the current view with their unread counts."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("sections")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "section-list--cursor",
        "section-list--cursor-blurred",
        "section-list--count",
        "section-list--done",
        "section-list--done-count",
    }

    DEFAULT_CSS = """
    SectionList {
        background: $surface;
        scrollbar-gutter: auto;
        & > .section-list--cursor {
            background: $brief-cursor;
            color: $brief-text;
            text-style: bold;
        }
        & > .section-list--cursor-blurred { background: $brief-cursor-blurred; color: $brief-text; }
        & > .section-list--count { color: $brief-accent; text-style: bold; }
        & > .section-list--done { color: $brief-muted; }
        & > .section-list--done-count { color: $brief-muted; }
    }
    """

    class Selected(Message):
        """The user chose a group: the entry list jumps to it."""

        def __init__(self, section_list: SectionList, index: int) -> None:
            super().__init__()
            self.section_list = section_list
            self.index = index

        @property
        def control(self) -> SectionList:
            return self.section_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[SectionRow] = []
        self._styles: dict[str, Style] | None = None  # this paint's resolved styles

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def set_rows(self, rows: list[SectionRow], current: int = 0) -> None:
        """Replace the groups shown, putting the cursor on ``current``."""
        self.rows = rows
        self.reset_rows(current)

    def update_counts(self, counts: dict[int, int]) -> None:
        """Set unread counts of some groups and repaint them."""
        for index, unread in counts.items():
            if 0 <= index < len(self.rows):
                self.rows[index].unread = unread
                self.refresh_row(index)

    def follow(self, index: int) -> None:
        """Move the cursor without telling anyone (the entry list moved)."""
        if 0 <= index < len(self.rows) and index != self.cursor:
            old = self.cursor
            self.set_reactive(CursorList.cursor, index)
            # Only the two rows whose highlight changed: a full refresh
            # re-rendered every section on each jump of the entry list.
            self.refresh_row(old)
            self.refresh_row(index)
            self.scroll_cursor_visible()

    def render_lines(self, crop: Region) -> list[Strip]:
        # Resolve the component styles once per paint, not once per row.
        self._styles = None
        return super().render_lines(crop)

    def notify_style_update(self) -> None:
        self._styles = None  # a theme change: resolve the styles again
        super().notify_style_update()

    def _style(self, name: str) -> Style:
        styles = self._styles
        if styles is None:
            styles = self._styles = {"": self.rich_style}
        style = styles.get(name)
        if style is None:
            style = styles[name] = self.get_component_rich_style(name)
        return style

    def render_row(self, row: int, line: int, width: int, is_cursor: bool) -> Strip:
        item = self.rows[row]
        base = self._style("")
        if is_cursor:
            name = "section-list--cursor" if self.has_focus else "section-list--cursor-blurred"
            style = count_style = self._style(name)
        elif item.unread:
            style = base
            count_style = self._style("section-list--count")
        else:
            style = self._style("section-list--done")
            count_style = self._style("section-list--done-count")
        count = f"{item.unread} "
        name = fit(clean_line(item.name, max_length=200), max(0, width - len(count) - 2)) + " "
        segments = [Segment(" ", style), Segment(name, style), Segment(count, count_style)]
        return Strip(segments).crop_extend(0, width, base)

    async def _on_click(self, event: events.Click) -> None:
        # One click jumps to the group (the entry list needs a double click to open).
        row = self.row_at_offset(event.y)
        if self.can_rest(row):
            self.cursor = row
            self.action_select()

    def action_select(self) -> None:
        """Jump to the group under the cursor."""
        if self.can_rest(self.cursor):
            self.post_message(self.Selected(self, self.cursor))
