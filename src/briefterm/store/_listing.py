"""What a list view lays out: entry ids and flags over the covering index, and the counts.

Only ids, flags and feeds are read here, as compact arrays (``group_concat``
decoded in C); a row's text is loaded by :mod:`._entries` when it scrolls
into sight. The counts come from the trigger-kept ``entry_counts`` row.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterator
from datetime import datetime

from briefterm.store._base import StoreBase

_FLAG_DIGITS = bytes.maketrans(b"0123", b"\x00\x01\x02\x03")
"""``group_concat`` of flag values 0-3 as text → the flag bytes."""


def _decode_listing(row: tuple[str | None, str | None] | None) -> tuple[array[int], bytearray]:
    """The ``group_concat`` pair of a listing query as an id array and flag bytes."""
    ids_text, flags_text = row if row is not None else (None, None)
    ids: array[int] = array("q", json.loads(f"[{ids_text or ''}]"))
    flags = bytearray((flags_text or "").encode("ascii").translate(_FLAG_DIGITS))
    return ids, flags


class ListingMixin(StoreBase):
    """The rows of list views and the cache's counts."""

    def entry_index(
        self, *, unread: bool | None = None, starred: bool | None = None
    ) -> list[tuple[int, int, bool, bool, float]]:
        """``(id, feed_id, read, starred, sort_time)`` of entries, newest first.

        Only what a list view needs to lay out its rows: the text of a row is
        loaded when it scrolls into sight.
        """
        where, _index = self._listing_filter(unread, starred)
        rows = self._tuples(
            "SELECT id, feed_id, read, starred, sort_time FROM entries"
            f"{where} ORDER BY sort_time DESC, id DESC"
        )
        return [(eid, fid, bool(r), bool(st), t) for eid, fid, r, st, t in rows]

    def entry_listing(
        self,
        *,
        unread: bool | None = None,
        starred: bool | None = None,
        since: float | None = None,
    ) -> tuple[array[int], bytearray]:
        """Ids and flags of entries, newest first: the rows of a list view.

        ``flags[i]`` is ``read | starred << 1`` of ``ids[i]``. Both come from
        the ``entries_listing`` covering index as two ``group_concat``
        strings decoded at C speed: a million rows cost no Python object per
        row (a row-by-row fetch of the same columns measured about 3× slower
        and held a million tuples). SQLite feeds an aggregate the rows of an
        ordered subquery in that order. ``since``: only entries with
        ``sort_time >= since`` (the newest days, an index range).
        """
        where, index = self._listing_filter(unread, starred)
        params: tuple[float, ...] = ()
        if since is not None:
            where = f"{where} AND sort_time >= ?" if where else " WHERE sort_time >= ?"
            params = (since,)
        with self._lock:
            row = self._db.execute(
                "SELECT group_concat(id), group_concat(f, '') FROM (SELECT id,"
                " (read != 0) | ((starred != 0) << 1) AS f"
                f" FROM entries{index}{where} ORDER BY sort_time DESC, id DESC)",
                params,
            ).fetchone()
        return _decode_listing(row)

    def feed_listing(self) -> tuple[array[int], bytearray, array[int]]:
        """:meth:`entry_listing` of every entry, with each row's feed id (the By-feed view)."""
        with self._lock:
            row = self._db.execute(
                "SELECT group_concat(id), group_concat(f, ''), group_concat(feed_id) FROM"
                " (SELECT id, feed_id, (read != 0) | ((starred != 0) << 1) AS f"
                " FROM entries INDEXED BY entries_listing ORDER BY sort_time DESC, id DESC)"
            ).fetchone()
        ids, flags = _decode_listing(row[:2] if row is not None else None)
        feeds: array[int] = array("q", json.loads(f"[{(row[2] if row else None) or ''}]"))
        return ids, flags, feeds

    def listing_before(
        self, before: float, *, unread: bool | None = None, starred: bool | None = None
    ) -> float | None:
        """The newest ``sort_time`` earlier than ``before`` among a view's entries."""
        where, _index = self._listing_filter(unread, starred)
        clause = f"{where} AND sort_time < ?" if where else " WHERE sort_time < ?"
        value = self._scalar(f"SELECT max(sort_time) FROM entries{clause}", (before,))
        return None if value is None else float(value)

    def listing_days(
        self, *, unread: bool | None = None, starred: bool | None = None
    ) -> Iterator[tuple[float, float, int]]:
        """``(newest, midnight, size)`` of each local day of a view's entries, newest day first.

        ``newest`` is the day's newest ``sort_time``, ``midnight`` its start and
        ``size`` how many entries it has: two index lookups a day, no scan.
        """
        upper = float("inf")
        newest = self.listing_before(upper, unread=unread, starred=starred)
        while newest is not None:
            day = datetime.fromtimestamp(newest)
            midnight = day.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
            yield (
                newest,
                midnight,
                self.listing_count(midnight, upper, unread=unread, starred=starred),
            )
            upper = midnight
            newest = self.listing_before(midnight, unread=unread, starred=starred)

    def listing_count(
        self, start: float, end: float, *, unread: bool | None = None, starred: bool | None = None
    ) -> int:
        """How many of a view's entries have ``start <= sort_time < end`` (an index range)."""
        where, index = self._listing_filter(unread, starred)
        clause = f"{where} AND" if where else " WHERE"
        return int(
            self._scalar(
                f"SELECT count(*) FROM entries{index}{clause} sort_time >= ? AND sort_time < ?",
                (start, end),
            )
        )

    @staticmethod
    def _listing_filter(unread: bool | None, starred: bool | None) -> tuple[str, str]:
        clauses = []
        if unread is not None:
            clauses.append("read = 0" if unread else "read != 0")
        if starred is not None:
            clauses.append("starred != 0" if starred else "starred = 0")
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        # Starred rows are few: the partial starred index finds them faster
        # than a scan of the covering one.
        return where, "" if starred else " INDEXED BY entries_listing"

    def counts(self) -> tuple[int, int]:
        """``(unread, total)`` entries of the cache, from the counter row (no scan).

        The ``entry_counts`` row is kept by triggers on ``entries`` in the
        same transaction as every insert, delete and read mark.
        """
        rows = self._tuples("SELECT unread, total FROM entry_counts WHERE id = 1")
        if not rows:  # pragma: no cover - the migration creates the row
            return self.unread_count_scan(), self.entry_count_scan()
        unread, total = rows[0]
        return int(unread), int(total)

    def entry_count(self) -> int:
        """Number of cached entries (from the counter row)."""
        return self.counts()[1]

    def unread_count(self) -> int:
        """Number of unread entries (from the counter row)."""
        return self.counts()[0]

    def entry_count_scan(self) -> int:
        """Number of cached entries, counted row by row (checks the counter)."""
        return int(self._scalar("SELECT count(*) FROM entries"))

    def unread_count_scan(self) -> int:
        """Number of unread entries, counted row by row (checks the counter)."""
        return int(self._scalar("SELECT count(*) FROM entries WHERE read = 0"))
