"""The cache facade: feeds, entries, user state, search and small metadata.

Concurrency model: every connection runs in autocommit mode with WAL and a
generous ``busy_timeout``; every write is an explicit ``BEGIN IMMEDIATE``
transaction, which takes the write lock up front. That is what makes a poller
process and the reader able to write at the same time without "database is
locked": a deferred transaction that reads first and then tries to upgrade to
a writer fails immediately instead of waiting.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefterm.errors import SchemaTooNewError, StoreError
from briefterm.models import Enclosure, Entry, FeedState, ParsedEntry
from briefterm.store.schema import migrate
from briefterm.store.search import fts_query, index_text

BUSY_TIMEOUT_MS = 30_000
# Dates further ahead than this are clamped to "now" so that a feed with a
# bogus year-2999 date cannot pin an entry to the top forever.
FUTURE_CLAMP_SECONDS = 2 * 86400

_LIST_COLUMNS = """
    e.id, e.feed_id, f.url, f.title, e.entry_key, e.title, e.link, e.summary,
    e.author, e.published, e.updated, e.first_seen, e.source_title, e.source_url,
    e.categories, e.comments, e.enclosures, e.related, {content}, e.read,
    e.starred, e.read_at, e.starred_at
"""


@dataclass(slots=True)
class UpsertResult:
    """What one upsert did: counts of new and changed entries."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """Which entries a list query returns; fields combine with AND."""

    unread: bool | None = None
    """True: only unread; False: only read; None: both."""
    starred: bool | None = None
    feed_ids: tuple[int, ...] | None = None
    ids: tuple[int, ...] | None = None
    since: float | None = None
    """Only entries first seen at or after this time (brief windows)."""
    until: float | None = None
    """Only entries first seen before this time."""
    limit: int | None = None


def _content_hash(entry: ParsedEntry) -> str:
    """Hash of the fields a re-poll may change, to skip no-op updates cheaply."""
    h = hashlib.blake2b(digest_size=16)
    for part in (
        entry.title,
        entry.link,
        entry.summary,
        entry.content_html,
        entry.author,
        repr(entry.published),
        repr(entry.updated),
        entry.source_title,
        entry.source_url,
        "\x1f".join(entry.categories),
        entry.comments,
        repr(entry.enclosures),
        "\x1f".join(entry.related),
    ):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1e")
    return h.hexdigest()


def _ts(value: object) -> float | None:
    return value.timestamp() if value is not None else None  # type: ignore[attr-defined]


class Store:
    """The SQLite cache. ``Store(":memory:")`` works for tests.

    One ``Store`` may be used from several threads (Textual workers): a lock
    serialises use of the single connection.
    """

    def __init__(self, path: str | Path = ":memory:", *, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        if self.path != ":memory:" and not read_only:
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the cache directory {Path(self.path).parent}: "
                    f"{exc.strerror}; check its permissions"
                ) from exc
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if self.path != ":memory:":
                self._db.execute("PRAGMA journal_mode = WAL")
                # NORMAL is durable across application crashes in WAL mode;
                # only an OS crash can lose the last transactions.
                self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            if read_only:
                # The writer that opened the file migrated it; this
                # connection may only read (a bug cannot write through it).
                self._db.execute("PRAGMA query_only = ON")
            else:
                migrate(self._db)
        except SchemaTooNewError as exc:
            raise StoreError(str(exc)) from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open the cache {self.path}: {exc}; move the file aside "
                "and run `briefterm poll` to rebuild it"
            ) from exc
        self._lock = threading.RLock()

    # -- plumbing ---------------------------------------------------------

    def reader(self) -> Store:
        """A second, read-only connection to the same cache, for the reader's UI.

        Reads through it never wait for this store's lock, so a poll writing
        through this store cannot stall the interface; WAL lets it read while
        the writer commits. An in-memory cache has only one connection, so
        there it is this store itself. The caller closes what it gets (closing
        ``self`` is harmless for the in-memory case: check ``is``).
        """
        if self.path == ":memory:":
            return self
        return Store(self.path, read_only=True)

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A ``BEGIN IMMEDIATE`` transaction; commits on success, rolls back on error."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                # SQLite may already have rolled back by itself (disk full,
                # I/O error): a second ROLLBACK would hide the real error.
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Run a read-only query and return all rows."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def integrity_check(self) -> str:
        """Result of ``PRAGMA integrity_check`` ("ok" when healthy)."""
        return self.query("PRAGMA integrity_check")[0][0]

    # -- meta -------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """A small persisted value, e.g. the time the last brief was finished."""
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_meta(self, key: str, value: str) -> None:
        """Persist a small value."""
        with self.write() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- feeds ------------------------------------------------------------

    def ensure_feed(self, url: str, title: str = "") -> int:
        """Return the id of the feed with this URL, creating its row if needed."""
        with self.write() as db:
            row = db.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
            if row:
                return row[0]
            cur = db.execute("INSERT INTO feeds (url, title) VALUES (?, ?)", (url, title))
            return int(cur.lastrowid or 0)

    def sync_feeds(self, urls: Iterable[str]) -> None:
        """Make sure every subscribed URL has a row (removal is explicit)."""
        with self.write() as db:
            db.executemany("INSERT OR IGNORE INTO feeds (url) VALUES (?)", [(u,) for u in urls])

    def remove_feed(self, url: str) -> bool:
        """Delete a feed and its entries; True if it existed."""
        with self.write() as db:
            cur = db.execute("DELETE FROM feeds WHERE url = ?", (url,))
            return cur.rowcount > 0

    def feeds(self, with_counts: bool = True) -> list[FeedState]:
        """Every feed row, ordered by URL, with entry/unread/starred counts."""
        counts: dict[int, tuple[int, int, int]] = {}
        if with_counts:
            for fid, total, unread, starred in self.query(
                "SELECT feed_id, count(*), sum(read = 0), sum(starred) "
                "FROM entries GROUP BY feed_id"
            ):
                counts[fid] = (total, unread or 0, starred or 0)
        out = []
        for row in self.query(
            "SELECT id, url, fetch_url, title, site_link, etag, last_modified, last_attempt,"
            " last_success, next_due, error_count, last_error, last_status, gone"
            " FROM feeds ORDER BY url"
        ):
            total, unread, starred = counts.get(row[0], (0, 0, 0))
            out.append(
                FeedState(
                    *row[:13],
                    gone=bool(row[13]),
                    entry_count=total,
                    unread_count=unread,
                    starred_count=starred,
                )
            )
        return out

    def get_feed(self, url: str) -> FeedState | None:
        """The feed row for a subscribed URL, or None."""
        for feed in self.feeds(with_counts=False):
            if feed.url == url:
                return feed
        return None

    def update_feed(self, feed_id: int, **fields: object) -> None:
        """Set fetch bookkeeping columns of a feed (poller use)."""
        allowed = {
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
        }
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown feed fields: {sorted(unknown)}")
        if not fields:
            return
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.write() as db:
            db.execute(f"UPDATE feeds SET {assignments} WHERE id = ?", (*fields.values(), feed_id))

    # -- entries: feed data ---------------------------------------------------

    def upsert_entries(
        self,
        feed_id: int,
        entries: Sequence[ParsedEntry],
        now: float | None = None,
        feed_fields: dict[str, object] | None = None,
    ) -> UpsertResult:
        """Insert new entries and refresh changed ones, in one transaction.

        Never touches read/starred flags or their timestamps, and never
        deletes: entries that drop out of a feed stay. ``feed_fields`` are
        written to the feed row in the same transaction, so a crash cannot
        record a success without its entries (or the reverse).
        """
        now = time.time() if now is None else now
        result = UpsertResult()
        seen: set[str] = set()
        with self.write() as db:
            existing = dict(
                db.execute(
                    "SELECT entry_key, content_hash FROM entries WHERE feed_id = ?", (feed_id,)
                ).fetchall()
            )
            for entry in entries:
                if entry.entry_id in seen:  # duplicate id within one feed: first wins
                    continue
                seen.add(entry.entry_id)
                digest = _content_hash(entry)
                old = existing.get(entry.entry_id)
                if old == digest:
                    result.unchanged += 1
                    continue
                published = _ts(entry.published)
                if published is not None and published > now + FUTURE_CLAMP_SECONDS:
                    published = now
                values = (
                    entry.title,
                    entry.link,
                    entry.summary,
                    entry.content_html,
                    entry.author,
                    published,
                    _ts(entry.updated),
                    entry.source_title,
                    entry.source_url,
                    json.dumps(list(entry.categories), ensure_ascii=False),
                    entry.comments,
                    json.dumps(
                        [[e.url, e.type, e.length] for e in entry.enclosures], ensure_ascii=False
                    ),
                    json.dumps(list(entry.related), ensure_ascii=False),
                    digest,
                )
                if old is None:
                    db.execute(
                        "INSERT INTO entries (title, link, summary, content, author, published,"
                        " updated, source_title, source_url, categories, comments, enclosures,"
                        " related, content_hash, feed_id, entry_key, first_seen, sort_time)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (
                            *values,
                            feed_id,
                            entry.entry_id,
                            now,
                            published if published is not None else now,
                        ),
                    )
                    db.execute(
                        "INSERT INTO entries_fts (rowid, title, summary, author)"
                        " VALUES (last_insert_rowid(), ?, ?, ?)",
                        (
                            index_text(entry.title),
                            index_text(entry.summary),
                            index_text(entry.author),
                        ),
                    )
                    result.new += 1
                else:
                    # sort_time keeps first_seen when there is still no date.
                    db.execute(
                        "UPDATE entries SET title=?, link=?, summary=?, content=?, author=?,"
                        " published=?, updated=?, source_title=?, source_url=?, categories=?,"
                        " comments=?, enclosures=?, related=?, content_hash=?,"
                        " sort_time = coalesce(?, first_seen)"
                        " WHERE feed_id = ? AND entry_key = ?",
                        (*values, published, feed_id, entry.entry_id),
                    )
                    db.execute(
                        "UPDATE entries_fts SET title = ?, summary = ?, author = ? WHERE rowid ="
                        " (SELECT id FROM entries WHERE feed_id = ? AND entry_key = ?)",
                        (
                            index_text(entry.title),
                            index_text(entry.summary),
                            index_text(entry.author),
                            feed_id,
                            entry.entry_id,
                        ),
                    )
                    result.updated += 1
            if feed_fields:
                assignments = ", ".join(f"{name} = ?" for name in feed_fields)
                db.execute(
                    f"UPDATE feeds SET {assignments} WHERE id = ?",
                    (*feed_fields.values(), feed_id),
                )
        return result

    # -- entries: reading ---------------------------------------------------

    @staticmethod
    def _where(flt: EntryFilter) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if flt.unread is not None:
            clauses.append("e.read = ?")
            params.append(0 if flt.unread else 1)
        if flt.starred is not None:
            clauses.append("e.starred = ?")
            params.append(1 if flt.starred else 0)
        if flt.feed_ids is not None:
            clauses.append(f"e.feed_id IN ({','.join('?' * len(flt.feed_ids))})")
            params.extend(flt.feed_ids)
        if flt.ids is not None:
            clauses.append(f"e.id IN ({','.join('?' * len(flt.ids))})")
            params.extend(flt.ids)
        if flt.since is not None:
            clauses.append("e.first_seen >= ?")
            params.append(flt.since)
        if flt.until is not None:
            clauses.append("e.first_seen < ?")
            params.append(flt.until)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def entry_ids(self, flt: EntryFilter = EntryFilter()) -> list[int]:
        """Ids of matching entries, newest first: the compact index of a view."""
        where, params = self._where(flt)
        sql = f"SELECT e.id FROM entries e{where} ORDER BY e.sort_time DESC, e.id DESC"
        if flt.limit is not None:
            sql += f" LIMIT {int(flt.limit)}"
        return [r[0] for r in self.query(sql, params)]

    def entry_index(
        self, *, unread: bool | None = None, starred: bool | None = None
    ) -> list[tuple[int, int, bool, bool, float]]:
        """``(id, feed_id, read, starred, sort_time)`` of entries, newest first.

        Only what a list view needs to lay out its rows: the text of a row is
        loaded when it scrolls into sight.
        """
        clauses = []
        if unread is not None:
            clauses.append("read = 0" if unread else "read = 1")
        if starred is not None:
            clauses.append("starred = 1" if starred else "starred = 0")
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.query(
            "SELECT id, feed_id, read, starred, sort_time FROM entries"
            f"{where} ORDER BY sort_time DESC, id DESC"
        )
        return [(eid, fid, bool(r), bool(st), t) for eid, fid, r, st, t in rows]

    def list_entries(
        self, flt: EntryFilter = EntryFilter(), *, with_content: bool = False
    ) -> list[Entry]:
        """Matching entries, newest first (content omitted unless asked for)."""
        where, params = self._where(flt)
        cols = _LIST_COLUMNS.format(content="e.content" if with_content else "''")
        sql = (
            f"SELECT {cols} FROM entries e JOIN feeds f ON f.id = e.feed_id{where}"
            " ORDER BY e.sort_time DESC, e.id DESC"
        )
        if flt.limit is not None:
            sql += f" LIMIT {int(flt.limit)}"
        return [_row_to_entry(r) for r in self.query(sql, params)]

    def entries_by_ids(self, ids: Sequence[int], *, with_content: bool = False) -> list[Entry]:
        """Entries for ``ids`` in the order given (missing ids are skipped)."""
        if not ids:
            return []
        found: dict[int, Entry] = {}
        # Stay well under SQLite's host-parameter limit.
        for start in range(0, len(ids), 900):
            chunk = tuple(ids[start : start + 900])
            for entry in self.list_entries(EntryFilter(ids=chunk), with_content=with_content):
                found[entry.id] = entry
        return [found[i] for i in ids if i in found]

    def get_entry(self, entry_id: int) -> Entry | None:
        """One entry with its full content, or None."""
        rows = self.entries_by_ids([entry_id], with_content=True)
        return rows[0] if rows else None

    def entry_count(self) -> int:
        """Number of cached entries."""
        return int(self.query("SELECT count(*) FROM entries")[0][0])

    def unread_count(self) -> int:
        """Number of unread entries."""
        return int(self.query("SELECT count(*) FROM entries WHERE read = 0")[0][0])

    # -- entries: user state ----------------------------------------------

    def set_read(self, ids: Iterable[int], read: bool = True, now: float | None = None) -> int:
        """Mark entries read or unread; returns how many changed."""
        return self._set_flag("read", ids, read, now)

    def set_starred(
        self, ids: Iterable[int], starred: bool = True, now: float | None = None
    ) -> int:
        """Star or unstar entries; returns how many changed."""
        return self._set_flag("starred", ids, starred, now)

    def _set_flag(self, flag: str, ids: Iterable[int], value: bool, now: float | None) -> int:
        now = time.time() if now is None else now
        id_list = list(ids)
        changed = 0
        with self.write() as db:
            for start in range(0, len(id_list), 900):
                chunk = id_list[start : start + 900]
                marks = ",".join("?" * len(chunk))
                cur = db.execute(
                    f"UPDATE entries SET {flag} = ?, {flag}_at = ?"
                    f" WHERE id IN ({marks}) AND {flag} != ?",
                    (int(value), now if value else None, *chunk, int(value)),
                )
                changed += cur.rowcount
        return changed

    def flags(self, ids: Sequence[int]) -> dict[int, tuple[bool, bool]]:
        """Current (read, starred) flags of ``ids``: for undo and live refresh."""
        out: dict[int, tuple[bool, bool]] = {}
        for start in range(0, len(ids), 900):
            chunk = tuple(ids[start : start + 900])
            for i, r, s in self.query(
                f"SELECT id, read, starred FROM entries WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                out[i] = (bool(r), bool(s))
        return out

    # -- search -------------------------------------------------------------

    def search(self, text: str, limit: int = 500) -> list[int]:
        """Entry ids whose title, summary or author match ``text``, newest first.

        Every word must match: Latin words as prefixes ("chip" finds
        "chipmaker"), Chinese/Japanese words as substrings (via the bigram
        index, see ``store/search.py``). A lone CJK character, which the
        bigram index cannot find, is checked with LIKE on the candidates.
        """
        match, singles = fts_query(text)
        if match is None and not singles:
            return []
        params: list[object] = []
        clauses: list[str] = []
        sql = "SELECT e.id FROM entries e"
        if match is not None:
            sql += " JOIN entries_fts ON entries_fts.rowid = e.id"
            clauses.append("entries_fts MATCH ?")
            params.append(match)
        for char in singles:
            clauses.append("(instr(e.title, ?) OR instr(e.summary, ?) OR instr(e.author, ?))")
            params.extend([char] * 3)
        sql += " WHERE " + " AND ".join(clauses)
        sql += f" ORDER BY e.sort_time DESC, e.id DESC LIMIT {int(limit)}"
        return [r[0] for r in self.query(sql, params)]


def _row_to_entry(row: tuple) -> Entry:
    (
        eid,
        feed_id,
        feed_url,
        feed_title,
        key,
        title,
        link,
        summary,
        author,
        published,
        updated,
        first_seen,
        source_title,
        source_url,
        categories,
        comments,
        enclosures,
        related,
        content,
        read,
        starred,
        read_at,
        starred_at,
    ) = row
    return Entry(
        id=eid,
        feed_id=feed_id,
        feed_url=feed_url,
        feed_title=feed_title or feed_url,
        entry_key=key,
        title=title,
        link=link,
        summary=summary,
        author=author,
        published=published,
        updated=updated,
        first_seen=first_seen,
        source_title=source_title,
        source_url=source_url,
        categories=tuple(json.loads(categories)),
        comments=comments,
        enclosures=tuple(Enclosure(u, t, n) for u, t, n in json.loads(enclosures)),
        related=tuple(json.loads(related)),
        content_html=content,
        read=bool(read),
        starred=bool(starred),
        read_at=read_at,
        starred_at=starred_at,
    )
