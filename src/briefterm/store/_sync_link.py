"""The linking half of the sync bookkeeping: feed rows for subscriptions, entries to remote ids.

Helpers of :class:`~briefterm.store._sync.SyncMixin` that run inside its
transactions (each takes the open connection).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from briefterm.store._base import chunked, marks
from briefterm.store._feeds import update_feed_row

if TYPE_CHECKING:
    from briefterm.store._sync import IncomingEntry, RemoteFeedRow

SyncFlag = Literal["read", "starred"]
FLAGS: tuple[SyncFlag, ...] = ("read", "starred")


def check_flag(flag: str) -> SyncFlag:
    """The flag name, checked: it is built into SQL, so only the two column names pass."""
    # The flag name is built into SQL: only the two column names may pass.
    if flag == "read":
        return "read"
    if flag == "starred":
        return "starred"
    raise ValueError(f"unknown flag {flag!r}")


def set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def link_feed(db: sqlite3.Connection, row: RemoteFeedRow, base_url: str, incoming: set[str]) -> int:
    """The local feed of ``row`` (found or created), linked and up to date."""
    found = db.execute(
        "SELECT feed_id FROM sync_feeds WHERE remote_id = ?", (row.remote_id,)
    ).fetchone()
    if found is not None:
        feed_id = int(found[0])
        _take_real_url(db, feed_id, row, base_url)
    else:
        feed_id = _feed_for_url(db, row, base_url, incoming)
        db.execute(
            "INSERT INTO sync_feeds (feed_id, remote_id) VALUES (?, ?)"
            " ON CONFLICT (feed_id) DO UPDATE SET remote_id = excluded.remote_id",
            (feed_id, row.remote_id),
        )
    db.execute(
        "UPDATE sync_feeds SET category = ?, subscribed = 1 WHERE feed_id = ?",
        (row.category, feed_id),
    )
    if row.title:
        update_feed_row(db, feed_id, {"title": row.title})
    return feed_id


def _take_real_url(db: sqlite3.Connection, feed_id: int, row: RemoteFeedRow, base_url: str) -> None:
    """A feed first seen through an article (no URL then) gets its URL once the list has it."""
    own = f"{base_url}#feed-{row.remote_id}"
    if row.url and row.url != own:
        db.execute(
            "UPDATE feeds SET url = ? WHERE id = ? AND url = ?"
            " AND NOT EXISTS (SELECT 1 FROM feeds WHERE url = ?)",
            (row.url, feed_id, own, row.url),
        )


def _feed_for_url(
    db: sqlite3.Connection, row: RemoteFeedRow, base_url: str, incoming: set[str]
) -> int:
    """A feed row for a subscription seen for the first time."""
    if row.url:
        found = db.execute(
            "SELECT f.id, s.remote_id FROM feeds f LEFT JOIN sync_feeds s ON s.feed_id = f.id"
            " WHERE f.url = ?",
            (row.url,),
        ).fetchone()
        if found is None:
            return _new_feed(db, row.url, row.title)
        feed_id, linked_to = found
        # Unlinked (polled here before), or linked to a subscription the
        # server no longer has (re-created under a new id): take it over.
        if linked_to is None or linked_to not in incoming:
            return int(feed_id)
    # No URL, or two subscriptions share one: a row of its own on the server.
    own = f"{base_url}#feed-{row.remote_id}"
    found = db.execute("SELECT id FROM feeds WHERE url = ?", (own,)).fetchone()
    return int(found[0]) if found is not None else _new_feed(db, own, row.title)


def _new_feed(db: sqlite3.Connection, url: str, title: str) -> int:
    cur = db.execute("INSERT INTO feeds (url, title) VALUES (?, ?)", (url, title))
    return int(cur.lastrowid or 0)


def link_entries(
    db: sqlite3.Connection, feed_id: int, group: Sequence[IncomingEntry], now: float
) -> int:
    """Link stored entries of one feed to their remote ids; new links take the server's flags.

    An entry whose flag was changed here before it was linked (a sync cut
    short between storing and linking, and a mark meanwhile) keeps the local
    flag, which is queued instead: it is the newer change. Returns how many
    such flags were kept.
    """
    by_key = {item.remote_id: item for item in group}
    rows: dict[str, tuple[int, int, int, float | None, float | None, int]] = {}
    keys = list(by_key)
    for chunk in chunked(keys):
        for key, eid, read, starred, read_at, starred_at, linked in db.execute(
            "SELECT e.entry_key, e.id, e.read, e.starred, e.read_at, e.starred_at,"
            " s.entry_id IS NOT NULL FROM entries e LEFT JOIN sync_entries s ON s.entry_id = e.id"
            f" WHERE e.feed_id = ? AND e.entry_key IN ({marks(len(chunk))})",
            (feed_id, *chunk),
        ):
            rows[key] = (eid, read, starred, read_at, starred_at, linked)
    server: dict[tuple[SyncFlag, bool], list[int]] = defaultdict(list)
    local: dict[tuple[SyncFlag, bool], list[int]] = defaultdict(list)
    for key, (eid, read, starred, read_at, starred_at, linked) in rows.items():
        if linked:
            db.execute("UPDATE sync_entries SET gone = 0 WHERE entry_id = ? AND gone = 1", (eid,))
            continue
        db.execute(
            "INSERT OR IGNORE INTO sync_entries (entry_id, remote_id) VALUES (?, ?)", (eid, key)
        )
        item = by_key[key]
        for flag, mine, at, theirs in (
            ("read", read, read_at, item.read),
            ("starred", starred, starred_at, item.starred),
        ):
            untouched = not mine and at is None
            target = server if untouched else local
            if untouched or bool(mine) != theirs:
                target[(check_flag(flag), theirs if untouched else bool(mine))].append(eid)
    for (flag, value), ids in server.items():
        for part in chunked(ids):
            db.execute(
                f"UPDATE entries SET {flag} = ?, {flag}_at = ? WHERE id IN ({marks(len(part))})",
                (int(value), now if value else None, *part),
            )
    kept = 0
    for (flag, value), ids in local.items():
        kept += len(ids)
        db.executemany(
            "INSERT OR REPLACE INTO sync_queue (entry_id, flag, value, changed_at)"
            " VALUES (?, ?, ?, ?)",
            [(eid, flag, int(value), now) for eid in ids],
        )
    return kept
