"""Strips of the entry list: one line of a row, given its text, columns and styles.

Three kinds of line: a group header (with the lede above the first group
of a brief), a one-line row (title | outlet | age), and the lines of a
Brief story (headline with its attribution at the right, dek, a blank line
that ends it). Unread is told by weight alone (bold headline, calm read
ones); a star and the selection mark have their own column. Feed text only
ever becomes :class:`Segment` text, never markup.

Each gap ends the segment before it (a segment never starts with a space):
some SVG renderers drop leading spaces in screenshots.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from briefterm.tui.row_layout import (
    AGE_WIDTH,
    Columns,
    abbreviate,
    fit,
    lines_needed,
    outlet_room,
    wrapped,
)
from briefterm.tui.selection import FULL, NONE
from briefterm.tui.story_text import DATELINE_SEPARATOR, StoryText

SELECTED_MARK = "✓"  # east-asian width "N": one cell in every terminal
STAR_MARK = "★"

STYLE_NAMES = (
    "header",
    "header-count",
    "cursor",
    "cursor-blurred",
    "cursor-bar",
    "unread",
    "read",
    "dek",
    "meta",
    "rank",
    "star",
    "count",
    "lede",
    "selected",
    "selected-marker",
)
"""The entry list's component classes, without the ``entry-list--`` prefix."""

CURSOR_BAR = "▌"


@dataclass(frozen=True, slots=True)
class RowState:
    """How a row is drawn: cursor (focused or not), unread, starred, selection."""

    cursor: bool = False
    focused: bool = False
    unread: bool = True
    starred: bool = False
    selected: int = NONE


class _Parts(NamedTuple):
    """The styles of one row's parts in one state."""

    title: Style
    dek: Style
    meta: Style
    rank: Style
    star: Style
    plus: Style
    mark: Style
    fill: Style
    bar: Style


class Painter:
    """Builds the strips of the entry list from styles resolved against the theme."""

    def __init__(self, styles: dict[str, Style], base: Style) -> None:
        self.styles = styles
        self.base = base

    def _parts(self, state: RowState) -> _Parts:
        st = self.styles
        parts = _Parts(
            st["unread"] if state.unread else st["read"],
            st["dek"],
            st["meta"],
            st["rank"],
            st["star"],
            st["count"],
            st["selected-marker"] if state.selected == FULL else st["meta"],
            self.base,
            st["cursor-bar"] if state.cursor and state.focused else self.base,
        )
        # The cursor and the selection tint the row's background; every part
        # keeps its colour (the pairs tests/tui/test_contrast.py checks).
        if state.cursor:
            tint = st["cursor" if state.focused else "cursor-blurred"]
        elif state.selected != NONE:
            tint = st["selected"]
        else:
            return parts
        background = Style(bgcolor=tint.bgcolor)
        return _Parts(*(style + background for style in parts))

    def _marks(self, state: RowState, parts: _Parts) -> list[Segment]:
        """The row's first cells: cursor bar, selection mark, star."""
        bar = CURSOR_BAR if state.cursor and state.focused else " "
        mark = SELECTED_MARK if state.selected != NONE else " "
        star = STAR_MARK if state.starred else " "
        return [Segment(bar, parts.bar), Segment(mark, parts.mark), Segment(f"{star} ", parts.star)]

    def _bar(self, state: RowState, parts: _Parts, indent: int) -> list[Segment]:
        """The indent of a story's second and later lines, the cursor bar down its side."""
        bar = CURSOR_BAR if state.cursor and state.focused else " "
        return [Segment(bar, parts.bar), Segment(" " * (indent - 1), parts.fill)]

    # -- one-line rows ------------------------------------------------------------

    def line_row(
        self, columns: Columns, title: str, outlet: str, age: str, state: RowState
    ) -> Strip:
        """A one-line row: marks, the title in all the spare width, outlet, age."""
        parts = self._parts(state)
        age_width = max(AGE_WIDTH - 1, cell_len(age))
        outlet_width = max(1, columns.side - age_width - 2)
        side = fit(abbreviate(outlet, outlet_width), outlet_width)
        segments = self._marks(state, parts)
        segments.append(Segment(fit(title, columns.headline) + "  ", parts.title))
        # The age is a segment of its own, so a screenshot font whose CJK
        # glyphs are not two cells wide cannot push it out of its column.
        pad = " " * (age_width - cell_len(age))
        segments.append(Segment(f"{side} {pad}", parts.meta))
        segments.append(Segment(f"{age} ", parts.meta))
        return Strip(segments).crop_extend(0, columns.width, parts.fill)

    # -- Brief stories ----------------------------------------------------------------

    def story_line(
        self,
        columns: Columns,
        text: StoryText,
        line: int,
        rank: int,
        age: str,
        state: RowState,
    ) -> Strip:
        """Line ``line`` of a Brief story: headline (1-2), dateline and dek (1-2), a blank line."""
        parts = self._parts(state)
        headline_lines = lines_needed(text.headline_cells, columns.headline)
        if line < headline_lines:
            return self._headline_line(columns, text, line, rank, age, state, parts)
        outlet = abbreviate(text.outlet, outlet_room(columns))
        dateline = text.dateline(outlet)
        whole = dateline + (DATELINE_SEPARATOR + text.dek if text.dek else "")
        lines = wrapped(whole, columns.dek, 2)
        index = line - headline_lines
        if index >= len(lines):
            return Strip.blank(columns.width, self.base)
        segments = self._bar(state, parts, columns.indent)
        if index == 0:  # the dateline always fits the first line: it leads it
            pieces = [(outlet, parts.meta)]
            if text.others:
                pieces.append((f"+{text.others}", parts.plus))
            rest = lines[0][len(dateline) :].strip()
            if rest:
                pieces.append((rest, parts.dek))
            # Each piece carries the space after it (see the module docstring).
            last = len(pieces) - 1
            segments += [
                Segment(p if i == last else f"{p} ", st) for i, (p, st) in enumerate(pieces)
            ]
        else:
            segments.append(Segment(lines[index], parts.dek))
        return Strip(segments).crop_extend(0, columns.width, parts.fill)

    def _headline_line(
        self,
        columns: Columns,
        text: StoryText,
        line: int,
        rank: int,
        age: str,
        state: RowState,
        parts: _Parts,
    ) -> Strip:
        words = wrapped(text.headline, columns.headline, 2)[line]
        if line == 0:
            segments = self._marks(state, parts)
            if columns.rank:
                segments.append(Segment(f"{rank}.".ljust(columns.rank), parts.rank))
            head = fit(words, columns.headline) + " " + " " * (columns.side - len(age) - 1)
            segments.append(Segment(head, parts.title))
            segments.append(Segment(f"{age} ", parts.meta))
        else:
            segments = self._bar(state, parts, columns.indent)
            segments.append(Segment(words, parts.title))
        return Strip(segments).crop_extend(0, columns.width, parts.fill)

    # -- headers and the lede ------------------------------------------------------------

    def header_line(self, width: int, name: str, counts: str) -> Strip:
        """A group's bar: "▌Policy" on the left, "3 of 12 unread" on the right."""
        style = self.styles["header"]
        counts = f"{counts} "  # the name's padding, not a leading space, separates them
        label = fit("▌" + name, max(0, width - cell_len(counts) - 1)) + " "
        return Strip(
            [Segment(label, style), Segment(counts, self.styles["header-count"])]
        ).crop_extend(0, width, style)

    def lede_line(self, width: int, text: str) -> Strip:
        """One line of the edition's lede, set in from the edge."""
        segments = [Segment(" ", self.base), Segment(text, self.styles["lede"])]
        return Strip(segments).crop_extend(0, width, self.base)

    def blank(self, width: int) -> Strip:
        """An empty line."""
        return Strip.blank(width, self.base)
