"""Sync bookkeeping: the server's ids of feeds and entries, the change queue, sync metadata.

Tables (migration ``_v2_sync``):

* ``sync_feeds``: local feed row ↔ the server's feed id, its category, and
  whether the server still lists it (a feed it dropped keeps its entries).
* ``sync_entries``: local entry ↔ the server's article id, and ``gone`` once
  the server no longer has the article (it stays here with its flags).
* ``sync_queue``: read/starred changes made here that the server has not
  confirmed yet, one row per entry and flag holding the value to push.
  :func:`queue_flag_change` writes it inside the very transaction that
  changes the flag (``StateMixin._set_flag``), so a change and its queue row
  survive a ``kill -9`` together or not at all, and only entries that came
  from a server are queued.

Flags the *server* reports are written by :meth:`SyncMixin.apply_remote_flags`,
which never queues and never overwrites a flag that has a queued change.
"""

from __future__ import annotations

import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from briefterm.models import ParsedEntry
from briefterm.store._base import chunked, marks
from briefterm.store._entries import EntriesMixin
from briefterm.store._feeds import update_feed_row

SyncFlag = Literal["read", "starred"]
FLAGS: tuple[SyncFlag, ...] = ("read", "starred")
META_PREFIX = "sync:"
ACCOUNT_KEY = META_PREFIX + "account"


def _check_flag(flag: str) -> SyncFlag:
    # The flag name is built into SQL: only the two column names may pass.
    if flag == "read":
        return "read"
    if flag == "starred":
        return "starred"
    raise ValueError(f"unknown flag {flag!r}")


def queue_flag_change(
    db: sqlite3.Connection, flag: str, ids: Sequence[int], value: bool, now: float
) -> None:
    """Queue ``flag = value`` of ``ids`` for the server, in the caller's transaction.

    Run it *before* the ``UPDATE`` of the flag: only entries whose flag is
    about to change, and only entries that came from a server, get a row. A
    second change of the same flag replaces the row with a new ``seq``.
    """
    if not ids:
        return
    column = _check_flag(flag)
    db.execute(
        "INSERT OR REPLACE INTO sync_queue (entry_id, flag, value, changed_at)"
        f" SELECT e.id, '{column}', ?, ? FROM entries e JOIN sync_entries s ON s.entry_id = e.id"
        f" WHERE e.id IN ({marks(len(ids))}) AND e.{column} != ?",
        (int(value), now, *ids, int(value)),
    )


@dataclass(frozen=True, slots=True)
class RemoteFeedRow:
    """A subscription as the server lists it, for :meth:`SyncMixin.sync_remote_feeds`."""

    remote_id: str
    url: str
    """Its feed URL ('' when the server does not say)."""
    title: str
    category: str = ""


@dataclass(frozen=True, slots=True)
class SyncedFeed:
    """A local feed row that belongs to a server subscription."""

    feed_id: int
    remote_id: str
    url: str
    title: str
    category: str
    subscribed: bool


@dataclass(frozen=True, slots=True)
class IncomingEntry:
    """An article from the server, ready to store: its local feed and the server's flags."""

    remote_id: str
    feed_id: int
    entry: ParsedEntry
    read: bool
    starred: bool


@dataclass(frozen=True, slots=True)
class SyncedEntry:
    """A stored entry that came from the server, with its local flags."""

    entry_id: int
    remote_id: str
    remote_feed_id: str
    """The server's id of its feed ('' when that feed is not a server subscription)."""
    read: bool
    starred: bool
    gone: bool


@dataclass(frozen=True, slots=True)
class QueuedChange:
    """One local change waiting for the server's confirmation."""

    seq: int
    entry_id: int
    remote_id: str
    flag: SyncFlag
    value: bool
    changed_at: float


@dataclass(slots=True)
class SyncedCounts:
    """The cache's counts over entries from the server (see :meth:`SyncMixin.synced_counts`)."""

    unread: dict[str, int] = field(default_factory=dict)
    starred: int = 0
    unknown: set[str] = field(default_factory=set)
    """Remote feeds with a queued read change: their server count cannot be known here."""
    starred_unknown: bool = False


@dataclass(slots=True)
class StoredEntries:
    """What :meth:`SyncMixin.store_remote_entries` did."""

    new: int = 0
    updated: int = 0
    kept_local: int = 0
    """Flags of new entries changed here before they were linked: queued, not overwritten."""


class SyncMixin(EntriesMixin):
    """The sync engine's view of the cache; see the module docstring."""

    # -- account -------------------------------------------------------------------

    def begin_sync_account(self, account: str) -> int:
        """Make ``account`` the synced one; a different stored one is forgotten first.

        Remote ids belong to one account on one server, so another account
        starts over (entries and their flags stay in the cache, unlinked).
        Returns how many queued changes for the previous account were dropped.
        """
        with self.write() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (ACCOUNT_KEY,)).fetchone()
            if row is not None and row[0] == account:
                return 0
            if row is None:  # the first account: whatever is linked is its own
                _set_meta(db, ACCOUNT_KEY, account)
                return 0
            dropped = int(db.execute("SELECT count(*) FROM sync_queue").fetchone()[0])
            for table in ("sync_queue", "sync_entries", "sync_feeds"):
                db.execute(f"DELETE FROM {table}")
            db.execute("DELETE FROM meta WHERE key LIKE ?", (META_PREFIX + "%",))
            _set_meta(db, ACCOUNT_KEY, account)
            return dropped

    # -- feeds ---------------------------------------------------------------------

    def sync_remote_feeds(self, rows: Sequence[RemoteFeedRow], base_url: str) -> dict[str, int]:
        """Link every server subscription to a feed row; return remote id → local feed id.

        A feed is found by its remote id, else by its URL (a feed polled here
        before, or one the server re-created under a new id), else created.
        A feed without a usable URL, or sharing one with another subscription,
        gets ``<base_url>#feed-<remote id>``. Feeds the server no longer lists
        are marked unsubscribed and keep their entries.
        """
        out: dict[str, int] = {}
        incoming = {row.remote_id for row in rows}
        with self.write() as db:
            for row in rows:
                out[row.remote_id] = _link_feed(db, row, base_url, incoming)
            dropped = [
                (rid,)
                for (rid,) in db.execute("SELECT remote_id FROM sync_feeds WHERE subscribed = 1")
                if rid not in incoming
            ]
            db.executemany("UPDATE sync_feeds SET subscribed = 0 WHERE remote_id = ?", dropped)
        return out

    def ensure_remote_feed(self, row: RemoteFeedRow, base_url: str) -> int:
        """The feed row for a remote feed that is not a subscription (tt-rss's archive)."""
        with self.write() as db:
            found = db.execute(
                "SELECT feed_id FROM sync_feeds WHERE remote_id = ?", (row.remote_id,)
            ).fetchone()
            if found is not None:
                return int(found[0])
            feed_id = _link_feed(db, row, base_url, {row.remote_id})
            db.execute("UPDATE sync_feeds SET subscribed = 0 WHERE feed_id = ?", (feed_id,))
            return feed_id

    def synced_feeds(self, *, subscribed_only: bool = True) -> list[SyncedFeed]:
        """Feed rows that belong to server subscriptions, by title."""
        where = " WHERE s.subscribed = 1" if subscribed_only else ""
        rows = self._tuples(
            "SELECT f.id, s.remote_id, f.url, f.title, s.category, s.subscribed"
            f" FROM sync_feeds s JOIN feeds f ON f.id = s.feed_id{where}"
            " ORDER BY lower(f.title), f.url"
        )
        return [SyncedFeed(fid, rid, url, t, c, bool(sub)) for fid, rid, url, t, c, sub in rows]

    # -- entries -------------------------------------------------------------------

    def synced_remote_ids(self) -> set[str]:
        """The server ids of every stored entry that came from it."""
        return {rid for (rid,) in self._tuples("SELECT remote_id FROM sync_entries")}

    def store_remote_entries(
        self, items: Sequence[IncomingEntry], *, watermark: str | None = None
    ) -> StoredEntries:
        """Store articles from the server, link them, give new ones the server's flags.

        Feed data goes through :meth:`upsert_entries` (never touching flags);
        then one transaction links the entries to their remote ids, sets the
        server's flags on the entries linked now, and stores ``watermark``
        (``sync:watermark``) when given. A crash between the two leaves
        entries without a link and the watermark behind: the next sync
        fetches those articles again and links them then.
        """
        result = StoredEntries()
        if not items:
            if watermark is not None:
                self.set_meta(META_PREFIX + "watermark", watermark)
            return result
        now = time.time()
        routed = self._route_to_linked_feeds(items)
        for feed_id, group in routed.items():
            done = self.upsert_entries(feed_id, [item.entry for item in group], now=now)
            result.new += done.new
            result.updated += done.updated
        with self.write() as db:
            for feed_id, group in routed.items():
                result.kept_local += _link_entries(db, feed_id, group, now)
            if watermark is not None:
                _set_meta(db, META_PREFIX + "watermark", watermark)
        return result

    def _route_to_linked_feeds(
        self, items: Sequence[IncomingEntry]
    ) -> dict[int, list[IncomingEntry]]:
        """Items by feed; an article linked already stays in the feed it is stored in."""
        linked: dict[str, int] = {}
        ids = [item.remote_id for item in items]
        for chunk in chunked(ids):
            for rid, fid in self._tuples(
                "SELECT s.remote_id, e.feed_id FROM sync_entries s JOIN entries e"
                f" ON e.id = s.entry_id WHERE s.remote_id IN ({marks(len(chunk))})",
                tuple(chunk),
            ):
                linked[rid] = fid
        out: dict[int, list[IncomingEntry]] = defaultdict(list)
        for item in items:
            out[linked.get(item.remote_id, item.feed_id)].append(item)
        return out

    def synced_entries(self) -> list[SyncedEntry]:
        """Every stored entry from the server with its flags and its feed's remote id."""
        rows = self._tuples(
            "SELECT s.entry_id, s.remote_id, coalesce(f.remote_id, ''), e.read, e.starred, s.gone"
            " FROM sync_entries s JOIN entries e ON e.id = s.entry_id"
            " LEFT JOIN sync_feeds f ON f.feed_id = e.feed_id"
        )
        return [
            SyncedEntry(eid, rid, fid, bool(r), bool(st), bool(g))
            for eid, rid, fid, r, st, g in rows
        ]

    def synced_counts(self) -> SyncedCounts:
        """Unread entries by subscribed remote feed and starred entries in all, to compare
        with the server's counters.

        Entries the server no longer has are left out. A flag with a queued
        change (made while a sync runs) says nothing of the server's value, so
        its feed, or the starred total, is named as unknown instead.
        """
        counts = SyncedCounts()
        for remote_feed, subscribed, n_unread, n_starred in self._tuples(
            "SELECT f.remote_id, f.subscribed, sum(e.read = 0), sum(e.starred)"
            " FROM sync_entries s JOIN entries e ON e.id = s.entry_id"
            " LEFT JOIN sync_feeds f ON f.feed_id = e.feed_id"
            " WHERE s.gone = 0 GROUP BY e.feed_id"
        ):
            counts.starred += int(n_starred or 0)
            if remote_feed is not None and subscribed and n_unread:
                counts.unread[str(remote_feed)] = int(n_unread)
        for remote_feed, flag in self._tuples(
            "SELECT DISTINCT coalesce(f.remote_id, ''), q.flag FROM sync_queue q"
            " JOIN entries e ON e.id = q.entry_id LEFT JOIN sync_feeds f ON f.feed_id = e.feed_id"
        ):
            if flag == "starred":
                counts.starred_unknown = True
            elif remote_feed:
                counts.unknown.add(str(remote_feed))
        return counts

    def apply_remote_flags(
        self, changes: Iterable[tuple[int, SyncFlag, bool]], now: float | None = None
    ) -> int:
        """Set flags to what the server says; returns how many changed.

        Never queues, and skips every entry that has a queued change of that
        flag: a local change not yet pushed is newer than anything the
        server can say (see ``briefterm.sync.reconcile``).
        """
        now = time.time() if now is None else now
        groups: dict[tuple[SyncFlag, bool], list[int]] = defaultdict(list)
        for entry_id, flag, value in changes:
            groups[(_check_flag(flag), value)].append(entry_id)
        changed = 0
        with self.write() as db:
            for (flag, value), ids in groups.items():
                for chunk in chunked(ids):
                    cur = db.execute(
                        f"UPDATE entries SET {flag} = ?, {flag}_at = ?"
                        f" WHERE id IN ({marks(len(chunk))}) AND {flag} != ?"
                        " AND NOT EXISTS (SELECT 1 FROM sync_queue q"
                        f" WHERE q.entry_id = entries.id AND q.flag = '{flag}')",
                        (int(value), now if value else None, *chunk, int(value)),
                    )
                    changed += cur.rowcount
        return changed

    def mark_gone(self, entry_ids: Iterable[int], gone: bool = True) -> int:
        """Record that the server no longer has (or has again) these entries."""
        changed = 0
        with self.write() as db:
            for chunk in chunked(list(entry_ids)):
                cur = db.execute(
                    f"UPDATE sync_entries SET gone = ? WHERE entry_id IN ({marks(len(chunk))})"
                    " AND gone != ?",
                    (int(gone), *chunk, int(gone)),
                )
                changed += cur.rowcount
        return changed

    # -- the queue -----------------------------------------------------------------

    def sync_queue(self) -> list[QueuedChange]:
        """Local changes not yet confirmed by the server, oldest first."""
        rows = self._tuples(
            "SELECT q.seq, q.entry_id, s.remote_id, q.flag, q.value, q.changed_at"
            " FROM sync_queue q JOIN sync_entries s ON s.entry_id = q.entry_id ORDER BY q.seq"
        )
        return [
            QueuedChange(seq, eid, rid, _check_flag(flag), bool(value), at)
            for seq, eid, rid, flag, value, at in rows
        ]

    def sync_queue_size(self) -> int:
        """How many local changes wait for the server."""
        return int(self._scalar("SELECT count(*) FROM sync_queue"))

    def sync_dequeue(self, seqs: Iterable[int]) -> int:
        """Drop the rows ``seqs`` (confirmed by the server); a newer change has another seq."""
        removed = 0
        with self.write() as db:
            for chunk in chunked(list(seqs)):
                cur = db.execute(
                    f"DELETE FROM sync_queue WHERE seq IN ({marks(len(chunk))})", tuple(chunk)
                )
                removed += cur.rowcount
        return removed


def _set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def _link_feed(
    db: sqlite3.Connection, row: RemoteFeedRow, base_url: str, incoming: set[str]
) -> int:
    """The local feed of ``row`` (found or created), linked and up to date."""
    found = db.execute(
        "SELECT feed_id FROM sync_feeds WHERE remote_id = ?", (row.remote_id,)
    ).fetchone()
    if found is not None:
        feed_id = int(found[0])
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


def _link_entries(
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
                target[(_check_flag(flag), theirs if untouched else bool(mine))].append(eid)
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
