"""User state on entries: read and starred flags, which only the reader and CLI write."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Literal

from briefterm.store._base import StoreBase, chunked, marks
from briefterm.store._sync import queue_flag_change


class StateMixin(StoreBase):
    """Set and read the read/starred flags (a poll never touches them)."""

    def set_read(self, ids: Iterable[int], read: bool = True, now: float | None = None) -> int:
        """Mark entries read or unread; returns how many changed."""
        return self._set_flag("read", ids, read, now)

    def set_starred(
        self, ids: Iterable[int], starred: bool = True, now: float | None = None
    ) -> int:
        """Star or unstar entries; returns how many changed."""
        return self._set_flag("starred", ids, starred, now)

    def _set_flag(
        self, flag: Literal["read", "starred"], ids: Iterable[int], value: bool, now: float | None
    ) -> int:
        now = time.time() if now is None else now
        changed = 0
        with self.write() as db:
            for chunk in chunked(list(ids)):
                # In this transaction: the change and its queue row for the
                # sync server commit together (only entries from a server).
                queue_flag_change(db, flag, chunk, value, now)
                cur = db.execute(
                    f"UPDATE entries SET {flag} = ?, {flag}_at = ?"
                    f" WHERE id IN ({marks(len(chunk))}) AND {flag} != ?",
                    (int(value), now if value else None, *chunk, int(value)),
                )
                changed += cur.rowcount
        return changed

    def flags(self, ids: Sequence[int]) -> dict[int, tuple[bool, bool]]:
        """Current (read, starred) flags of ``ids``: for undo and live refresh."""
        out: dict[int, tuple[bool, bool]] = {}
        for chunk in chunked(ids):
            for eid, read, starred in self._tuples(
                f"SELECT id, read, starred FROM entries WHERE id IN ({marks(len(chunk))})",
                tuple(chunk),
            ):
                out[eid] = (bool(read), bool(starred))
        return out
