"""The ``briefterm feeds`` table, laid out for the terminal's width.

Every column is always shown: feed, section, status, last ok, next,
entries, unread, starred and the last error. The small columns take the
width their values need; the feed name is abbreviated ("…") to what is
left. The error is what people look for, so it is never cut: on a wide
terminal it is the last column, wrapped inside it; on a narrow one (80,
100 columns) it goes on its own indented line under the feed, wrapped to
the width.

rich's own table squeezes columns to nothing when one cell is long (the
status and counts disappeared at 80 columns), so the layout is computed
here and every line printed as a :class:`rich.text.Text` (never markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.text import Text

HEADERS = ("feed", "section", "status", "last ok", "next", "entries", "unread", "starred", "error")
STATUS_STYLES = {"ok": "green", "error": "red", "gone": "magenta", "new": "dim"}
_RIGHT = frozenset({"last ok", "next", "entries", "unread", "starred"})
_SECTION_MAX = 14
_FEED_MIN = 12
_ERROR_MIN = 28
_WIDE = 120
"""From this width columns are two cells apart (one below it, to leave the feed name room)."""


@dataclass(frozen=True, slots=True)
class FeedRow:
    """One subscription's cells, already made safe (:func:`briefterm.sanitize.clean_line`)."""

    feed: str
    section: str
    status: str
    last_ok: str
    next: str
    entries: str
    unread: str
    starred: str
    error: str
    warning: str = ""
    """The last parse's warnings; shown in the error's place when there is no error."""

    @property
    def note(self) -> str:
        """The error, else the warning (prefixed), else ''."""
        return self.error or (f"warning: {self.warning}" if self.warning else "")

    def cells(self) -> tuple[str, ...]:
        """The cells in :data:`HEADERS` order."""
        return (
            self.feed,
            self.section,
            self.status,
            self.last_ok,
            self.next,
            self.entries,
            self.unread,
            self.starred,
            self.note,
        )


def _fit(text: str, width: int, right: bool = False) -> str:
    """``text`` padded or cut ("…") to exactly ``width`` cells."""
    if cell_len(text) > width:
        return set_cell_size(text, max(0, width - 1)) + "…" if width > 0 else ""
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


def _gap(width: int) -> int:
    return 2 if width >= _WIDE else 1


def _widths(rows: Sequence[FeedRow], width: int) -> tuple[list[int], bool]:
    """Column widths, and whether the error fits as a column (else: its own line)."""
    columns = list(zip(*(row.cells() for row in rows), strict=True)) if rows else [()] * 9
    need = [
        max([cell_len(h), *(cell_len(v) for v in col)])
        for h, col in zip(HEADERS, columns, strict=True)
    ]
    need[1] = min(need[1], _SECTION_MAX)
    fixed = sum(need[1:8]) + _gap(width) * 8
    rest = width - fixed
    errors = need[8] > cell_len(HEADERS[8])
    if not errors or rest - min(need[0], 24) >= _ERROR_MIN:
        feed = min(need[0], max(_FEED_MIN, rest - (_ERROR_MIN if errors else cell_len("error"))))
        return [feed, *need[1:8], max(cell_len("error"), rest - feed)], True
    return [max(_FEED_MIN, min(need[0], rest)), *need[1:8], 0], False


def render_feed_table(rows: Sequence[FeedRow], console: Console) -> list[Text]:
    """The table's lines for ``console``'s width (see the module docstring)."""
    widths, inline = _widths(rows, console.width)
    gap = " " * _gap(console.width)

    def line(cells: Sequence[str], styles: Sequence[str] = ()) -> Text:
        out = Text()
        for index, (cell, size) in enumerate(zip(cells, widths[:8], strict=False)):
            if index:
                out.append(gap)
            style = styles[index] if index < len(styles) else ""
            out.append(_fit(cell, size, HEADERS[index] in _RIGHT), style=style)
        return out

    header = line(HEADERS[:8], ["bold"] * 8)
    if inline:
        header.append(gap + "error", style="bold")
    lines = [header]
    for row in rows:
        cells = row.cells()
        styles = ["", "", STATUS_STYLES.get(row.status, "")]
        first = line(cells[:8], styles)
        if not row.note:
            lines.append(first)
            continue
        note_style = "red" if row.error else "yellow"
        if inline:
            wrapped = Text(row.note, style=note_style).wrap(console, widths[8])
            indent = " " * (sum(widths[:8]) + len(gap) * 8)
            first.append(gap)
            first.append_text(wrapped[0])
            lines.append(first)
            lines += [Text(indent) + part for part in wrapped[1:]]
        else:
            lines.append(first)
            wrapped = Text("↳ " + row.note, style=note_style).wrap(
                console, max(20, console.width - 4)
            )
            lines += [Text("    ") + part for part in wrapped]
    return lines
