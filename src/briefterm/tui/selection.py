"""The reader's selection: a set of entry ids, plus an optional range being drawn.

The selection holds ENTRY ids, never row numbers, so it survives switching
sections, views, editions and searches (rows are rebuilt; ids stay). A range
(``V``, or shift+arrows) is anchored on a row of the current view and grows
or shrinks as the cursor moves; it is folded into the plain set as soon as
the view changes or the range ends.

Nothing here imports Textual.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from briefterm.models import Entry
from briefterm.timefmt import day_label
from briefterm.tui.view_model import RowModel

NONE = 0
PARTIAL = 1  # some reports of a cluster are selected
FULL = 2


class Selection:
    """Selected entry ids and the range (anchor row) currently being extended."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.anchor: int | None = None  # row of the current view where the range started
        self.sticky = False  # True for `V` (movement extends); False for shift+arrows
        self.last_row: int | None = None  # row the range was last extended to
        self._base: set[int] = set()  # the selection before the range started

    def __len__(self) -> int:
        return len(self.ids)

    def __bool__(self) -> bool:
        return bool(self.ids)

    @property
    def range_active(self) -> bool:
        """True while a range is being drawn."""
        return self.anchor is not None

    def state(self, ids: Iterable[int]) -> int:
        """:data:`NONE`, :data:`PARTIAL` or :data:`FULL` for the entries of one row."""
        ids = list(ids)
        if not self.ids or not ids:
            return NONE
        hits = sum(1 for i in ids if i in self.ids)
        if hits == 0:
            return NONE
        return FULL if hits == len(ids) else PARTIAL

    def toggle(self, ids: Iterable[int]) -> bool:
        """Select ``ids`` unless all are selected already (then deselect); True if selected."""
        ids = list(ids)
        on = self.state(ids) != FULL
        self.set(ids, on)
        return on

    def set(self, ids: Iterable[int], on: bool) -> None:
        """Select (``on``) or deselect ``ids``."""
        if on:
            self.ids.update(ids)
        else:
            self.ids.difference_update(ids)

    def clear(self) -> int:
        """Drop the whole selection (and any range); return how many ids it held."""
        count = len(self.ids)
        self.ids = set()
        self.end_range()
        return count

    # -- ranges ----------------------------------------------------------------

    def start_range(self, row: int, *, sticky: bool) -> None:
        """Anchor a range on ``row``; ids selected so far are kept."""
        self._base = set(self.ids)
        self.anchor = row
        self.sticky = sticky
        self.last_row = None

    def extend_to(self, model: RowModel, row: int) -> None:
        """Make the range cover the rows from the anchor to ``row``."""
        if self.anchor is None:
            return
        low, high = sorted((self.anchor, row))
        self.ids = self._base | set(model.item_ids(low, high + 1))
        self.last_row = row

    def end_range(self) -> None:
        """Stop extending; the rows covered stay selected."""
        self.anchor = None
        self.sticky = False
        self.last_row = None
        self._base = set()


def selection_label(entries: Iterable[Entry]) -> str:
    """The label of an exported selection: the day, or first and last day, of its entries."""
    times = [e.time for e in entries]
    if not times:
        return ""
    first = datetime.fromtimestamp(min(times)).astimezone().date()
    last = datetime.fromtimestamp(max(times)).astimezone().date()
    if first == last:
        return day_label(last)
    return f"{day_label(first)} – {day_label(last)}"
