"""Marking stories read and starred: the store writes, the undo stack, the read-on-open policy.

The reader is the host: it owns the rows and the open story, and repaints
what :meth:`MarkingHost.flags_changed` reports. Nothing here imports
Textual, so the rules can be driven by a test without a screen.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from briefterm.config import UIConfig
from briefterm.errors import StoreError
from briefterm.store import Store, describe_store_error
from briefterm.tui._copying import Severity
from briefterm.tui.view_model import READ, STAR, FlagChanges, RowModel

UNDO_DEPTH = 100
"""Markings ``u`` can take back."""

SAVE_WAIT = 2.0
"""Seconds a mark waits for another process's write lock before it gives up.

Marks are written on the UI thread (they are one short transaction), so
the store's 30 s busy timeout would freeze the reader that long behind a
poll or sync in another process; past this the mark fails with a sentence
and the flag stays as it was.
"""

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

    def tell(self, text: str, severity: Severity, timeout: float | None = None) -> None:
        """Show the user one sentence (a mark that could not be saved)."""


@dataclass(frozen=True, slots=True)
class _Undo:
    """One marking as undo sees it: the flags before, and which flag it set."""

    before: FlagChanges
    read: bool  # the marking set the read flag
    starred: bool  # the marking set the starred flag


def _unread_delta(before: FlagChanges, after: FlagChanges) -> int:
    return sum(int(not after[i][0]) - int(not flags[0]) for i, flags in before.items())


class Marking:
    """Marks entries through the store and remembers the flags before, for undo."""

    def __init__(self, store: Store, host: MarkingHost, ui: UIConfig) -> None:
        self._store = store
        self._host = host
        self._ui = ui
        self.undo_stack: list[_Undo] = []
        self.read_timer: Stoppable | None = None
        """The pending "mark read after N seconds" of ``mark_read = "after"``."""
        self._pending: tuple[int, int] | None = None  # (row, entry id) it will mark
        self._told_gone = False  # the "cache file deleted" sentence was shown

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
    ) -> bool:
        """Write flags to the store and tell the host; remember the old ones for undo.

        False when nothing could be saved: the user is told why, and the
        rows keep the flags the cache has.
        """
        problem = self._mark(ids, read, starred, rows)
        if problem:
            self._host.tell(problem, "error", 8)
        return problem is None

    def _mark(
        self,
        ids: Sequence[int],
        read: bool | None,
        starred: bool | None,
        rows: Iterable[int] | None,
    ) -> str | None:
        """:meth:`mark`, returning the "Cannot save: …" sentence instead of showing it."""
        if not ids or self._host.model is None:
            return None
        problem = self._gone()
        if problem:
            return problem
        previous: FlagChanges = {}
        try:
            with self._store.waiting_at_most(SAVE_WAIT):
                previous = self._store.flags(ids)
                if read is not None:
                    self._store.set_read(ids, read)
                if starred is not None:
                    self._store.set_starred(ids, starred)
        except (StoreError, sqlite3.Error) as exc:
            self._show_stored(previous)
            return self._cannot_save(exc)
        self.undo_stack.append(_Undo(previous, read is not None, starred is not None))
        del self.undo_stack[:-UNDO_DEPTH]
        changes = {
            i: (r if read is None else read, s if starred is None else starred)
            for i, (r, s) in previous.items()
        }
        self._host.flags_changed(changes, rows, _unread_delta(previous, changes))
        return None

    def _gone(self) -> str | None:
        """The sentence when the cache file was deleted from under the reader (long once)."""
        if not self._store.file_gone():
            return None
        if self._told_gone:
            return "Cannot save: the cache file is gone; quit and start briefterm again."
        self._told_gone = True
        return (
            f"Cannot save: the cache file {self._store.path} was deleted or replaced while "
            "the reader was open, so marks can no longer be saved; quit and start "
            "briefterm again."
        )

    def _cannot_save(self, exc: StoreError | sqlite3.Error) -> str:
        if isinstance(exc, sqlite3.Error):
            reason = describe_store_error(exc, self._store.path)
        else:
            reason = str(exc).rstrip(".")
        return f"Cannot save: {reason}."

    def _show_stored(self, before: FlagChanges) -> None:
        """After a failed write: show what the cache really holds where it differs from ``before``.

        One of two writes (read, then starred) may have committed before the
        other failed; the rows must not claim either way more than is stored.
        """
        if not before:
            return
        try:
            now = self._store.flags(list(before))
        except (StoreError, sqlite3.Error):
            return  # cannot even read: the rows keep what they showed
        changed = {i: flags for i, flags in now.items() if before.get(i) != flags}
        if changed:
            self._host.flags_changed(changed, None, _unread_delta(before, changed))

    def _set(
        self, flag: Flag, ids: Sequence[int], value: bool, rows: Iterable[int] | None = None
    ) -> str | None:
        if flag == "read":
            return self._mark(ids, value, None, rows)
        return self._mark(ids, None, value, rows)

    def toggle_row(self, flag: Flag, row: int) -> None:
        """Toggle ``flag`` on the story on ``row`` (every report of it)."""
        if flag == "read":
            self.cancel_read_timer()  # the user decided; a pending delayed read must not undo it
        model = self._host.model
        if model is None or not model.is_item(row):
            return
        bit = READ if flag == "read" else STAR
        problem = self._set(flag, model.entry_ids(row), not model.flags[row] & bit, [row])
        if problem:
            self._host.tell(problem, "error", 8)

    def toggle_ids(self, flag: Flag, ids: Sequence[int], stories: int | None = None) -> str:
        """Toggle ``flag`` on every entry of ``ids``; return the sentence that says so.

        ``stories`` is how many stories those entries are on screen (default:
        one each). When the marks cannot be saved the sentence says why.
        """
        if flag == "read":
            self.cancel_read_timer()
        try:
            flags = self._store.flags(ids)
        except (StoreError, sqlite3.Error) as exc:
            return self._cannot_save(exc)
        position = 0 if flag == "read" else 1
        # Like toggling one story: set the flag unless all already have it.
        value = not all(f[position] for f in flags.values())
        problem = self._set(flag, ids, value)
        if problem:
            return problem
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
        problem = self._mark(model.group_entry_ids(index), True, None, rows)
        if problem:
            return problem
        return f"Marked {group.size} in “{group.name}” read. Press u to undo."

    def undo(self) -> bool:
        """Restore the flag the last marking changed; False when there is none or it failed.

        Only that flag: undoing a star leaves the read flags as they are now,
        so a read mark made meanwhile (by another process, or by opening a
        story) is not taken back with it.
        """
        self.cancel_read_timer()
        if not self.undo_stack:
            return False
        problem = self._gone()
        if problem:
            self._host.tell(problem, "error", 8)
            return False
        last = self.undo_stack[-1]
        before = last.before
        current: FlagChanges = {}
        try:
            with self._store.waiting_at_most(SAVE_WAIT):
                current = self._store.flags(list(before))
                for value in (True, False):
                    if last.read:
                        read = [i for i, (r, _) in before.items() if r == value]
                        self._store.set_read(read, value)
                    if last.starred:
                        starred = [i for i, (_, s) in before.items() if s == value]
                        self._store.set_starred(starred, value)
        except (StoreError, sqlite3.Error) as exc:
            self._show_stored(current)
            self._host.tell(self._cannot_save(exc), "error", 8)
            return False
        self.undo_stack.pop()
        restored = {
            i: (before[i][0] if last.read else r, before[i][1] if last.starred else s)
            for i, (r, s) in current.items()
        }
        self._host.flags_changed(restored, None, _unread_delta(current, restored))
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
