"""Feed rows: subscriptions and their fetch bookkeeping."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from briefterm.models import FeedState
from briefterm.sanitize import clean_line
from briefterm.store._base import StoreBase

MAX_WARNINGS = 5
"""Parse warnings kept per feed; a feed's warnings are sentences, not a log."""

FEED_FIELDS = frozenset(
    {
        "fetch_url",
        "title",
        "site_link",
        "etag",
        "last_modified",
        "last_attempt",
        "last_success",
        "next_due",
        "error_count",
        "last_error",
        "last_status",
        "gone",
        "parse_warnings",
    }
)
"""The feed columns a poll may set; ``id`` and ``url`` are the row's identity."""

_FEED_COLUMNS = "id, url, " + ", ".join(sorted(FEED_FIELDS))


def stored_warnings(warnings: Iterable[str]) -> list[str]:
    """Parse warnings as stored in ``feeds.parse_warnings``: clean lines, a few, each short."""
    kept: list[str] = []
    for warning in warnings:
        line = clean_line(warning, max_length=300)
        if line and line not in kept:
            kept.append(line)
        if len(kept) == MAX_WARNINGS:
            break
    return kept


def feed_assignments(fields: Mapping[str, object]) -> str:
    """``name = :name, …`` for an ``UPDATE feeds`` of ``fields``.

    The one check that column names built into SQL are feed bookkeeping
    columns: a wrong name is a bug, reported before anything is written.
    """
    unknown = set(fields) - FEED_FIELDS
    if unknown:
        raise ValueError(f"unknown feed fields: {sorted(unknown)}")
    return ", ".join(f"{name} = :{name}" for name in fields)


def update_feed_row(db: sqlite3.Connection, feed_id: int, fields: Mapping[str, object]) -> None:
    """Set ``fields`` on one feed row inside the caller's transaction."""
    if fields:
        db.execute(
            f"UPDATE feeds SET {feed_assignments(fields)} WHERE id = :feed_id",
            {**fields, "feed_id": feed_id},
        )


def _row_to_feed(row: dict[str, Any], counts: tuple[int, int, int]) -> FeedState:
    # Column names are FeedState field names (_FEED_COLUMNS): a field without
    # a column, or the reverse, fails here instead of shifting values.
    total, unread, starred = counts
    return FeedState(
        **{**row, "gone": bool(row["gone"])},
        entry_count=total,
        unread_count=unread,
        starred_count=starred,
    )


class FeedsMixin(StoreBase):
    """Create, list, update and remove feed rows."""

    def ensure_feed(self, url: str, title: str = "") -> int:
        """Return the id of the feed with this URL, creating its row if needed."""
        with self.write() as db:
            row = db.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
            if row:
                return int(row[0])
            cur = db.execute("INSERT INTO feeds (url, title) VALUES (?, ?)", (url, title))
            return int(cur.lastrowid or 0)

    def sync_feeds(self, urls: Iterable[str]) -> None:
        """Make sure every subscribed URL has a row (removal is explicit)."""
        with self.write() as db:
            db.executemany("INSERT OR IGNORE INTO feeds (url) VALUES (?)", [(u,) for u in urls])

    def set_missing_titles(self, titles: Mapping[str, str]) -> None:
        """Give feeds (by URL) these titles where they have none yet; one transaction.

        ``import-opml`` names thousands of feeds at once: one statement per
        feed inside one write, not a scan of every feed row per feed.
        """
        pairs = [(title, url) for url, title in titles.items() if title]
        if pairs:
            with self.write() as db:
                db.executemany(
                    "UPDATE feeds SET title = ? WHERE url = ? AND (title IS NULL OR title = '')",
                    pairs,
                )

    def remove_feed(self, url: str) -> bool:
        """Delete a feed and its entries; True if it existed."""
        with self.write() as db:
            cur = db.execute("DELETE FROM feeds WHERE url = ?", (url,))
            return cur.rowcount > 0

    def feeds(self, with_counts: bool = True) -> list[FeedState]:
        """Every feed row, ordered by URL, with entry/unread/starred counts."""
        counts: dict[int, tuple[int, int, int]] = {}
        if with_counts:
            for row in self._records(
                "SELECT feed_id, count(*) AS total, sum(read = 0) AS unread,"
                " sum(starred) AS starred FROM entries GROUP BY feed_id"
            ):
                counts[row["feed_id"]] = (row["total"], row["unread"] or 0, row["starred"] or 0)
        return [
            _row_to_feed(row, counts.get(row["id"], (0, 0, 0)))
            for row in self._records(f"SELECT {_FEED_COLUMNS} FROM feeds ORDER BY url")
        ]

    def failing_feeds(self) -> list[FeedState]:
        """Feeds whose last fetch failed or that are gone, with their counts.

        Feeds without a single entry are included: a feed that never worked
        is the one most worth showing (By feed lists these with their error).
        """
        return [feed for feed in self.feeds() if feed.failing]

    def get_feed(self, url: str) -> FeedState | None:
        """The feed row for a subscribed URL, or None."""
        for feed in self.feeds(with_counts=False):
            if feed.url == url:
                return feed
        return None

    def update_feed(self, feed_id: int, **fields: object) -> None:
        """Set fetch bookkeeping columns of a feed (poller use)."""
        if fields:  # an empty update has no unknown names and nothing to do
            with self.write() as db:
                update_feed_row(db, feed_id, fields)

    def update_feeds(self, updates: Sequence[tuple[int, Mapping[str, object]]]) -> None:
        """:meth:`update_feed` for many feeds, in one transaction (a re-poll's 304s)."""
        if any(fields for _, fields in updates):
            with self.write() as db:
                for feed_id, fields in updates:
                    update_feed_row(db, feed_id, fields)
