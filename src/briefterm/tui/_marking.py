"""Marking stories read and starred: the store writes, the undo stack, the read-on-open policy.

The reader is the host: it owns the rows and the open story, and repaints
what :meth:`MarkingHost.flags_changed` reports. Nothing here imports
Textual, so the rules can be driven by a test without a screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Literal, Protocol

from briefterm.config import UIConfig
from briefterm.store import Store
from briefterm.tui.view_model import READ, STAR, FlagChanges, RowModel

UNDO_DEPTH = 100
"""Markings ``u`` can take back."""

Flag = Literal["read", "starred"]


class Stoppable(Protocol):
    """A pending timer (Textual's ``Timer``)."""

    def stop(self) -> None:
        """Cancel it."""


class MarkingHost(Protocol):
    """What marking needs from the reader."""

    @property
    def model(self) -> RowModel | None:
        """The rows of the current view."""

    @property
    def opened_id(self) -> int | None:
        """The entry shown in the story pane."""

    @property
    def opened_row(self) -> int | None:
        """The row of that entry in the current view."""

    def set_timer(self, delay: float, callback: Callable[[], None]) -> Stoppable:
        """Call ``callback`` once after ``delay`` seconds."""

    def flags_changed(
        self, changes: FlagChanges, rows: Iterable[int] | None, unread_delta: int
    ) -> None:
        """Entries got new flags (``rows``: where, if known); ``unread_delta`` more are unread."""


def _unread_delta(before: FlagChanges, after: FlagChanges) -> int:
    return sum(int(not after[i][0]) - int(not flags[0]) for i, flags in before.items())


class Marking:
    """Marks entries through the store and remembers the flags before, for undo."""

    def __init__(self, store: Store, host: MarkingHost, ui: UIConfig) -> None:
        self._store = store
        self._host = host
        self._ui = ui
        self.undo_stack: list[FlagChanges] = []
        self.read_timer: Stoppable | None = None
        """The pending "mark read after N seconds" of ``mark_read = "after"``."""
        self._pending: tuple[int, int] | None = None  # (row, entry id) it will mark

    @property
    def can_undo(self) -> bool:
        """True when there is a marking to take back."""
        return bool(self.undo_stack)

    def mark(
        self,
        ids: Sequence[int],
        *,
        read: bool | None = None,
        starred: bool | None = None,
        rows: Iterable[int] | None = None,
    ) -> None:
        """Write flags to the store and tell the host; remember the old ones for undo."""
        if not ids or self._host.model is None:
            return
        previous = self._store.flags(ids)
        if read is not None:
            self._store.set_read(ids, read)
        if starred is not None:
            self._store.set_starred(ids, starred)
        self.undo_stack.append(previous)
        del self.undo_stack[:-UNDO_DEPTH]
        changes = {
            i: (r if read is None else read, s if starred is None else starred)
            for i, (r, s) in previous.items()
        }
        self._host.flags_changed(changes, rows, _unread_delta(previous, changes))

    def _set(
        self, flag: Flag, ids: Sequence[int], value: bool, rows: Iterable[int] | None = None
    ) -> None:
        if flag == "read":
            self.mark(ids, read=value, rows=rows)
        else:
            self.mark(ids, starred=value, rows=rows)

    def toggle_row(self, flag: Flag, row: int) -> None:
        """Toggle ``flag`` on the story on ``row`` (every report of it)."""
        if flag == "read":
            self.cancel_read_timer()  # the user decided; a pending delayed read must not undo it
        model = self._host.model
        if model is None or not model.is_item(row):
            return
        bit = READ if flag == "read" else STAR
        self._set(flag, model.entry_ids(row), not model.flags[row] & bit, [row])

    def toggle_ids(self, flag: Flag, ids: Sequence[int], stories: int | None = None) -> str:
        """Toggle ``flag`` on every entry of ``ids``; return the sentence that says so.

        ``stories`` is how many stories those entries are on screen (default: one each).
        """
        if flag == "read":
            self.cancel_read_timer()
        flags = self._store.flags(ids)
        position = 0 if flag == "read" else 1
        # Like toggling one story: set the flag unless all already have it.
        value = not all(f[position] for f in flags.values())
        self._set(flag, ids, value)
        if flag == "read":
            what = "read" if value else "unread"
        else:
            what = "starred" if value else "unstarred"
        count = len(ids) if stories is None else stories
        noun = "story" if count == 1 else "stories"
        return f"Marked {count} selected {noun} {what}. Press u to undo."

    def mark_group_read(self, row: int) -> str:
        """Mark every story of the group holding ``row`` read; return the sentence ("" if none)."""
        self.cancel_read_timer()
        model = self._host.model
        if model is None or row < 0:
            return ""
        index = model.group_index(row)
        group = model.groups[index]
        rows = range(group.header_row + 1, group.end_row)
        self.mark(model.group_entry_ids(index), read=True, rows=rows)
        return f"Marked {group.size} in “{group.name}” read. Press u to undo."

    def undo(self) -> bool:
        """Restore the flags the last marking changed; False when there is none."""
        self.cancel_read_timer()
        if not self.undo_stack:
            return False
        previous = self.undo_stack.pop()
        current = self._store.flags(list(previous))
        for value in (True, False):
            self._store.set_read([i for i, (r, _s) in previous.items() if r == value], value)
            self._store.set_starred([i for i, (_r, s) in previous.items() if s == value], value)
        self._host.flags_changed(previous, None, _unread_delta(current, previous))
        return True

    # -- the read-on-open policy ------------------------------------------------

    def opened(self, row: int, entry_id: int) -> None:
        """The story on ``row`` was opened: mark it read now, later, or never (``mark_read``)."""
        self.cancel_read_timer()
        model = self._host.model
        if model is None or model.flags[row] & READ:
            return
        if self._ui.mark_read == "on-open":
            self.mark(model.entry_ids(row), read=True, rows=[row])
        elif self._ui.mark_read == "after":
            self._pending = (row, entry_id)
            self.read_timer = self._host.set_timer(self._ui.mark_read_delay, self.read_after_delay)

    def cursor_moved(self, row: int) -> None:
        """Moving off the open story cancels its delayed read."""
        if self.read_timer is not None and row != self._host.opened_row:
            self.cancel_read_timer()

    def cancel_read_timer(self) -> None:
        """Drop a pending delayed read."""
        if self.read_timer is not None:
            self.read_timer.stop()
        self.read_timer = None
        self._pending = None

    def read_after_delay(self) -> None:
        """The delayed read is due (the timer's callback): mark the story if it is still open."""
        pending, self._pending, self.read_timer = self._pending, None, None
        model = self._host.model
        if pending is None or model is None:
            return
        row, entry_id = pending
        if self._host.opened_id == entry_id and model.lead_id(row) == entry_id:
            self.mark(model.entry_ids(row), read=True, rows=[row])
