"""Where each row of the entry list goes: columns, wrapping and the line index.

A Brief row is a story as a brief prints it: a headline (wrapped to a second
line rather than cut), a dek of one or two lines from its summary, and its
attribution on the headline's line. Rows therefore differ in height, so the
virtual list maps screen lines to rows through a :class:`LineIndex`: a
prefix sum of row heights, built once per model and width (O(rows) integer
work, never per key), that answers "which row is on line y" in O(log n) and
"where does row r start" in O(1). One-line views use the identity index and
build nothing.

Heights are exact without wrapping anything: a text wrapped into at most
two lines takes one line when it fits the width and two otherwise, so the
index needs only each text's cell width, which the row model measured when
it was built.

Nothing here imports Textual (``rich.cells`` measures terminal cells).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from rich.cells import cell_len, chop_cells, set_cell_size

from briefterm.tui.view_model import CLUSTER, RowModel

MARK_WIDTH = 4  # "✓ ★ ": the selection mark and the star, each with a space
AGE_WIDTH = 6  # "now", "5m", "12 Mar"
LEDE_LINES = 3  # the lede above the key stories
MIN_OUTLET = 6  # an outlet is abbreviated down to this many cells, never dropped

_WORD = re.compile(r"\S+\s*")


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells; cut text ends with "…"."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length <= width:
        return text + " " * (width - length)
    # Cutting before a wide (CJK) character leaves a padding space: the
    # ellipsis goes right after the text instead.
    cut = set_cell_size(text, width - 1).rstrip() + "…"
    return cut + " " * (width - cell_len(cut))


def lines_needed(cells: int, width: int) -> int:
    """Lines a text of ``cells`` cells takes when wrapped into at most two lines."""
    if cells <= 0:
        return 0
    # A text wider than the line needs two lines at least; with a cap of two
    # that is exact, so no wrapping is needed to know it.
    return 1 if cells <= width else 2


def _pieces(text: str, width: int) -> list[str]:
    """Words with their trailing spaces; a word wider than ``width`` in chunks of it."""
    pieces: list[str] = []
    for word in _WORD.findall(text):
        bare = word.rstrip()
        if cell_len(bare) <= width:
            pieces.append(word)
        else:
            chunks = chop_cells(bare, width)
            pieces.extend(chunks[:-1])
            pieces.append(chunks[-1] + word[len(bare) :])
    return pieces


def wrap(text: str, width: int, most: int) -> list[str]:
    """``text`` word-wrapped into at most ``most`` lines of ``width`` cells.

    Breaks at spaces; a word wider than the line (a run of CJK, a long
    number) is broken between cells. When the text does not fit, the last
    line ends with "…". Lines are not padded.
    """
    if width <= 0 or not text or most <= 0:
        return []
    if cell_len(text) <= width:
        return [text]
    if most == 1:
        return [fit(text, width).rstrip()]
    pieces = _pieces(text, width)
    lines: list[str] = []
    current = ""
    for index, piece in enumerate(pieces):
        if current and cell_len(current + piece.rstrip()) > width:
            lines.append(current.rstrip())
            current = ""
            if len(lines) == most - 1:
                rest = "".join(pieces[index:]).strip()
                lines.append(fit(rest, width).rstrip())
                return lines
        current += piece
    if current.strip():
        lines.append(current.rstrip())
    return lines


@lru_cache(maxsize=4096)
def wrapped(text: str, width: int, most: int) -> tuple[str, ...]:
    """:func:`wrap`, remembered: a story's lines are painted one at a time, each needing all."""
    return tuple(wrap(text, width, most))


def abbreviate(outlet: str, width: int) -> str:
    """``outlet`` in at most ``width`` cells, shortened before it is ever dropped.

    "Publisher via Feed" loses "via Feed", then a leading "The ", then its end
    ("The Morning Ledger" → "Morning Ledger" → "Morning Le…").
    """
    if cell_len(outlet) <= width:
        return outlet
    short = outlet.split(" via ", 1)[0]
    if cell_len(short) > width and short.startswith("The "):
        short = short[4:]
    if cell_len(short) <= width:
        return short
    return fit(short, width).rstrip()


@dataclass(frozen=True, slots=True)
class Columns:
    """The cells of one row at one list width.

    ``headline`` is the title column (both of a headline's lines), ``side``
    the attribution column at the right of the headline's first line, and
    ``dek`` the width of the lines under the headline (indented by ``indent``).
    """

    width: int
    rank: int
    headline: int
    side: int
    indent: int
    dek: int


def brief_columns(width: int, rank_width: int) -> Columns:
    """Columns of a Brief row: the headline takes all but the age; the dek lines sit under it."""
    indent = MARK_WIDTH + rank_width
    headline = max(8, width - indent - AGE_WIDTH - 1)
    return Columns(width, rank_width, headline, AGE_WIDTH, indent, max(8, width - indent - 1))


def outlet_room(columns: Columns) -> int:
    """Cells the outlet may take at the head of a dek line: a third of it, 16 at least.

    Never so many that the dateline ("Outlet +12") could not fit the line.
    """
    return max(4, min(max(16, columns.dek // 3), columns.dek - 6))


def line_columns(width: int) -> Columns:
    """Columns of a one-line row: the title takes everything the outlet and age leave."""
    side = min(24, max(10, width // 5)) + 1 + AGE_WIDTH
    headline = max(8, width - MARK_WIDTH - side - 2)
    return Columns(width, 0, headline, side, MARK_WIDTH, 0)


def rank_width(count: int) -> int:
    """Cells of the rank column ("1. ", "12. ") for ``count`` numbered stories."""
    return len(str(max(1, count))) + 2


class LineIndex:
    """Screen lines ↔ rows; see the module docstring.

    ``starts`` holds the first line of every row plus the total at the end;
    ``None`` means every row is one line (the identity, for any row count).
    """

    __slots__ = ("rows", "starts")

    def __init__(self, rows: int, starts: array[int] | None = None) -> None:
        self.rows = rows
        self.starts = starts

    @property
    def lines(self) -> int:
        """The number of lines of all rows."""
        return self.rows if self.starts is None else self.starts[-1]

    def row_at(self, line: int) -> int:
        """The row shown on ``line`` (clamped to the rows; -1 when there are none)."""
        if self.rows == 0:
            return -1
        if self.starts is None:
            return max(0, min(line, self.rows - 1))
        return max(0, min(bisect_right(self.starts, line) - 1, self.rows - 1))

    def start(self, row: int) -> int:
        """The first line of ``row``."""
        if self.starts is None:
            return row
        return self.starts[max(0, min(row, self.rows))]

    def height(self, row: int) -> int:
        """The lines ``row`` takes."""
        if self.starts is None:
            return 1
        return self.starts[row + 1] - self.starts[row]


def lede_lines(model: RowModel, width: int) -> tuple[str, ...]:
    """The lede of ``model`` as it prints above the first group at list width ``width``."""
    return wrapped(model.lede, width - 2, LEDE_LINES) if model.lede else ()


def layout(model: RowModel, width: int) -> LineIndex:
    """The line index of ``model`` at list width ``width`` (O(rows); on load and resize only)."""
    rows = len(model)
    if not model.multiline:
        return LineIndex(rows)
    lede = len(lede_lines(model, width))
    starts = array("q", [0]) * (rows + 1)
    kinds, values, texts = model.kinds, model.values, model.texts
    line = 0
    for group in model.groups:
        starts[group.header_row] = line
        line += 1 + (lede + 1 if lede and group.header_row == 0 else 0)
        columns = brief_columns(width, rank_width(group.size) if group.numbered else 0)
        headline, dek, room = columns.headline, columns.dek, outlet_room(columns)
        for row in range(group.header_row + 1, group.end_row):
            starts[row] = line
            if kinds[row] == CLUSTER:
                text = texts[values[row]]
                # The headline, the dateline and dek, and a blank line that ends the story.
                line += lines_needed(text.headline_cells, headline)
                outlet = text.outlet_cells
                if outlet > room:  # long outlet names are rare: measure the abbreviation
                    outlet = cell_len(abbreviate(text.outlet, room))
                line += lines_needed(text.dek_line_cells(outlet), dek) + 1
            else:
                line += 1
    starts[rows] = line
    return LineIndex(rows, starts)
