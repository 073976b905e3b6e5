"""Sync bookkeeping: the server's ids of feeds and entries, the change queue, sync metadata.

Tables (migration ``_v3_sync``):

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

from briefterm.models import ParsedEntry
from briefterm.store._base import chunked, marks
from briefterm.store._entries import EntriesMixin
from briefterm.store._sync_link import SyncFlag as SyncFlag  # re-exported for the engine
from briefterm.store._sync_link import check_flag, link_entries, link_feed, set_meta

META_PREFIX = "sync:"
ACCOUNT_KEY = META_PREFIX + "account"


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
    column = check_flag(flag)
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
    starred: dict[str, int] = field(default_factory=dict)
    starred_total: int = 0
    """Starred entries in all, also of feeds that are no subscription (tt-rss's archive)."""
    unknown_unread: set[str] = field(default_factory=set)
    """Remote feeds with a queued read change: their server count cannot be told here."""
    unknown_starred: set[str] = field(default_factory=set)
    """The same for starred changes ('' for entries of no subscribed feed)."""


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
                set_meta(db, ACCOUNT_KEY, account)
                return 0
            dropped = int(db.execute("SELECT count(*) FROM sync_queue").fetchone()[0])
            for table in ("sync_queue", "sync_entries", "sync_feeds"):
                db.execute(f"DELETE FROM {table}")
            db.execute("DELETE FROM meta WHERE key LIKE ?", (META_PREFIX + "%",))
            set_meta(db, ACCOUNT_KEY, account)
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
                out[row.remote_id] = link_feed(db, row, base_url, incoming)
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
            feed_id = link_feed(db, row, base_url, {row.remote_id})
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
                result.kept_local += link_entries(db, feed_id, group, now)
            if watermark is not None:
                set_meta(db, META_PREFIX + "watermark", watermark)
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
        """Unread and starred entries by subscribed remote feed, and starred in all.

        What the server's counters are compared with. Entries the server no
        longer has are left out. A flag with a queued change (made while a
        sync runs) says nothing of the server's value, so its feed is named
        unknown instead ('' for an entry of no subscribed feed).
        """
        counts = SyncedCounts()
        for remote_feed, subscribed, n_unread, n_starred in self._tuples(
            "SELECT f.remote_id, f.subscribed, sum(e.read = 0), sum(e.starred)"
            " FROM sync_entries s JOIN entries e ON e.id = s.entry_id"
            " LEFT JOIN sync_feeds f ON f.feed_id = e.feed_id"
            " WHERE s.gone = 0 GROUP BY e.feed_id"
        ):
            counts.starred_total += int(n_starred or 0)
            if remote_feed is not None and subscribed:
                if n_unread:
                    counts.unread[str(remote_feed)] = int(n_unread)
                if n_starred:
                    counts.starred[str(remote_feed)] = int(n_starred)
        for remote_feed, flag in self._tuples(
            "SELECT DISTINCT CASE WHEN f.subscribed = 1 THEN f.remote_id ELSE '' END, q.flag"
            " FROM sync_queue q JOIN entries e ON e.id = q.entry_id"
            " LEFT JOIN sync_feeds f ON f.feed_id = e.feed_id"
        ):
            target = counts.unknown_starred if flag == "starred" else counts.unknown_unread
            target.add(str(remote_feed or ""))
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
            groups[(check_flag(flag), value)].append(entry_id)
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
            QueuedChange(seq, eid, rid, check_flag(flag), bool(value), at)
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
