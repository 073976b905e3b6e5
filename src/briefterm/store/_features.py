"""Stored cluster features: one blob per entry, in the format ``brief/features.py`` writes.

The store knows nothing of what a blob holds, only its format ``version``:
rows of another version are as good as missing, and the caller recomputes
them. Rows go with their entry, and a trigger drops them when the entry's
title, summary or link changes (``_schema._v4_entry_features``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from briefterm.errors import StoreError
from briefterm.store._base import StoreBase, chunked, marks


class FeaturesMixin(StoreBase):
    """Read and write the ``entry_features`` table."""

    def feature_blobs(self, ids: Sequence[int], version: int) -> dict[int, bytes]:
        """Stored blobs of ``version`` for ``ids`` (entry id → blob); others are left out."""
        out: dict[int, bytes] = {}
        for chunk in chunked(ids):
            rows = self._tuples(
                f"SELECT entry_id, blob FROM entry_features"
                f" WHERE version = ? AND entry_id IN ({marks(len(chunk))})",
                (version, *chunk),
            )
            out.update(rows)
        return out

    def entries_without_features(self, feed_id: int, version: int) -> list[int]:
        """Ids of ``feed_id``'s entries that have no stored features of ``version``."""
        rows = self._tuples(
            "SELECT e.id FROM entries e LEFT JOIN entry_features f"
            " ON f.entry_id = e.id AND f.version = ?"
            " WHERE e.feed_id = ? AND f.entry_id IS NULL",
            (version, feed_id),
        )
        return [int(r[0]) for r in rows]

    def save_feature_blobs(self, rows: Iterable[tuple[int, int, bytes]]) -> int:
        """Store (entry id, version, blob) rows, replacing older ones; returns how many.

        Rows of entries that no longer exist are skipped (an entry may be
        deleted between computing and saving).
        """
        saved = 0
        try:
            with self.write() as db:
                for entry_id, version, blob in rows:
                    cur = db.execute(
                        "INSERT OR REPLACE INTO entry_features (entry_id, version, blob)"
                        " SELECT id, ?, ? FROM entries WHERE id = ?",
                        (version, blob, entry_id),
                    )
                    saved += cur.rowcount
        except sqlite3.Error as exc:
            # Features can always be computed again: a caller may go on without.
            raise StoreError(f"cannot store cluster features: {exc}") from exc
        return saved
