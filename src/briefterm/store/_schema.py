"""Schema and migrations of the SQLite cache.

The schema version lives in ``PRAGMA user_version``; ``MIGRATIONS[i]``
upgrades a database from version ``i`` to ``i + 1``. Never edit a released
migration: append a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from briefterm.errors import SchemaTooNewError, StoreError


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run several statements inside the caller's transaction.

    ``executescript`` would COMMIT the open transaction first, which breaks
    the all-or-nothing migration step, so statements are split with
    ``sqlite3.complete_statement`` (which understands trigger bodies).
    """
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            db.execute(pending)
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in migration: {pending!r}")


def _v1_initial(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE feeds (
            id            INTEGER PRIMARY KEY,
            url           TEXT NOT NULL UNIQUE,   -- the subscribed URL (identity)
            fetch_url     TEXT NOT NULL DEFAULT '', -- saved target of a 301/308
            title         TEXT NOT NULL DEFAULT '',
            site_link     TEXT NOT NULL DEFAULT '',
            etag          TEXT,
            last_modified TEXT,
            last_attempt  REAL,
            last_success  REAL,
            next_due      REAL,
            error_count   INTEGER NOT NULL DEFAULT 0,
            last_error    TEXT,
            last_status   INTEGER,
            gone          INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE entries (
            id            INTEGER PRIMARY KEY,
            feed_id       INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            entry_key     TEXT NOT NULL,
            -- feed data: a re-poll may rewrite these
            title         TEXT NOT NULL DEFAULT '',
            link          TEXT NOT NULL DEFAULT '',
            summary       TEXT NOT NULL DEFAULT '',
            content       TEXT NOT NULL DEFAULT '',
            author        TEXT NOT NULL DEFAULT '',
            published     REAL,
            updated       REAL,
            source_title  TEXT NOT NULL DEFAULT '',
            source_url    TEXT NOT NULL DEFAULT '',
            categories    TEXT NOT NULL DEFAULT '[]',
            comments      TEXT NOT NULL DEFAULT '',
            enclosures    TEXT NOT NULL DEFAULT '[]',
            related       TEXT NOT NULL DEFAULT '[]',
            content_hash  TEXT NOT NULL DEFAULT '',
            -- bookkeeping: set once
            first_seen    REAL NOT NULL,
            sort_time     REAL NOT NULL,           -- published, else first_seen
            -- user state: only the reader/CLI writes these
            read          INTEGER NOT NULL DEFAULT 0,
            read_at       REAL,
            starred       INTEGER NOT NULL DEFAULT 0,
            starred_at    REAL,
            UNIQUE (feed_id, entry_key)
        );

        CREATE INDEX entries_by_time    ON entries (sort_time DESC);
        CREATE INDEX entries_by_feed    ON entries (feed_id, sort_time DESC);
        CREATE INDEX entries_unread     ON entries (sort_time DESC) WHERE read = 0;
        CREATE INDEX entries_starred    ON entries (sort_time DESC) WHERE starred = 1;
        CREATE INDEX entries_first_seen ON entries (first_seen);

        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        -- Search index with its own copy of the text: CJK runs are stored as
        -- bigrams (see store/_search.py), so it cannot be an external-content
        -- table over `entries`. Rows are written by Store.upsert_entries.
        CREATE VIRTUAL TABLE entries_fts USING fts5 (
            title, summary, author,
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
            DELETE FROM entries_fts WHERE rowid = old.id;
        END;
        """,
    )


def _v2_publication_time(db: sqlite3.Connection) -> None:
    """Editions by publication time: keep only plausible dates, refile undated entries.

    Implausible dates (before 1990, or later than an hour after the entry
    was first seen; older versions clamped far-future dates to the poll
    time) become NULL: the entry is undated. ``sort_time`` is then
    recomputed by the rule of ``_entries.sort_time``: the publication time,
    or for an undated entry local midnight of the day it was first seen.

    The time indexes gain ``id DESC``: every list and edition query orders
    by ``sort_time DESC, id DESC``, and without it SQLite sorted each run of
    equal times (all the undated entries of a day share one) in a temp
    B-tree, and preferred a whole-index scan to the partial unread index.
    """
    from briefterm.models import EARLIEST_PLAUSIBLE, FUTURE_TOLERANCE
    from briefterm.store._entries import sort_time

    db.execute(
        "UPDATE entries SET published = NULL WHERE published IS NOT NULL"
        " AND (published < ? OR published > first_seen + ?)",
        (EARLIEST_PLAUSIBLE, FUTURE_TOLERANCE),
    )
    db.create_function(
        "briefterm_sort_time",
        2,
        lambda published, seen: sort_time(published, seen, seen + FUTURE_TOLERANCE),
        deterministic=True,
    )
    db.execute("UPDATE entries SET sort_time = briefterm_sort_time(published, first_seen)")
    _run_script(
        db,
        """
        DROP INDEX entries_by_time;
        DROP INDEX entries_unread;
        DROP INDEX entries_starred;
        CREATE INDEX entries_by_time ON entries (sort_time DESC, id DESC);
        CREATE INDEX entries_unread  ON entries (sort_time DESC, id DESC) WHERE read = 0;
        CREATE INDEX entries_starred ON entries (sort_time DESC, id DESC) WHERE starred = 1;
        """,
    )


def _v3_sync(db: sqlite3.Connection) -> None:
    # Sync with an aggregator (store/_sync.py): which feeds and entries came
    # from the server under which ids, and the local flag changes not yet
    # confirmed by it. Rows go with their feed or entry.
    _run_script(
        db,
        """
        CREATE TABLE sync_feeds (
            feed_id    INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
            remote_id  TEXT NOT NULL UNIQUE,
            category   TEXT NOT NULL DEFAULT '',
            subscribed INTEGER NOT NULL DEFAULT 1  -- 0: gone from the server; entries kept
        );

        CREATE TABLE sync_entries (
            entry_id   INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
            remote_id  TEXT NOT NULL UNIQUE,
            gone       INTEGER NOT NULL DEFAULT 0  -- 1: the server no longer has it
        );

        -- One row per entry and flag: the value to push. AUTOINCREMENT so a
        -- seq is never reused: a push dequeues the seqs it sent, and a change
        -- made meanwhile has a new seq and stays.
        CREATE TABLE sync_queue (
            seq        INTEGER PRIMARY KEY AUTOINCREMENT,
            entry_id   INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
            flag       TEXT NOT NULL CHECK (flag IN ('read', 'starred')),
            value      INTEGER NOT NULL,
            changed_at REAL NOT NULL,
            UNIQUE (entry_id, flag)
        );
        """,
    )


def _v4_full_text(db: sqlite3.Connection) -> None:
    # Full text on demand (store/_fulltext.py): the article extracted from a
    # story's page, or the error of the last attempt (html '' then), so a
    # failing page is not fetched again on every keypress.
    _run_script(
        db,
        """
        CREATE TABLE full_text (
            entry_id   INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
            fetched_at REAL NOT NULL,
            url        TEXT NOT NULL DEFAULT '',
            html       TEXT NOT NULL DEFAULT '',
            error      TEXT               -- NULL: html holds the article
        );
        """,
    )


def _v5_entry_features(db: sqlite3.Connection) -> None:
    # Cluster features of an entry (brief/features.py: weighted tokens and
    # signals) computed once, at poll time or at the first brief that needs
    # them. ``version`` is the features format's: a newer briefterm
    # recomputes older rows. A change of the text they come from makes them
    # stale: the trigger drops them, so no writer of entries needs to know.
    _run_script(
        db,
        """
        CREATE TABLE entry_features (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
            version  INTEGER NOT NULL,
            blob     BLOB NOT NULL
        );

        CREATE TRIGGER entry_features_stale AFTER UPDATE OF title, summary, link ON entries
        BEGIN
            DELETE FROM entry_features WHERE entry_id = NEW.id;
        END;
        """,
    )


def _v7_reader_speed(db: sqlite3.Connection) -> None:
    """What the reader reads at every start and keypress, made cheap.

    * ``entries_listing`` covers a list view's layout query (id, flags,
      feed in time order): a million-row view is read from the index alone,
      with no table lookup per row.
    * ``entry_counts`` keeps the title bar's counts (all and unread) as one
      row maintained by triggers, so no ``COUNT(*)`` scans a million rows on
      a view load, a mark or a poll's progress.
    * ``saved_briefs`` holds the last assembled edition (its structure as
      entry ids, see ``store/_saved_brief.py``) so the reader paints it at
      once on start and rebuilds behind it.
    """
    _run_script(
        db,
        """
        CREATE INDEX entries_listing ON entries (sort_time DESC, id DESC, read, starred, feed_id);

        CREATE TABLE entry_counts (
            id     INTEGER PRIMARY KEY CHECK (id = 1),
            total  INTEGER NOT NULL,
            unread INTEGER NOT NULL
        );
        INSERT INTO entry_counts (id, total, unread)
            SELECT 1, count(*), count(*) - coalesce(sum(read != 0), 0) FROM entries;
        CREATE TRIGGER entry_counts_insert AFTER INSERT ON entries BEGIN
            UPDATE entry_counts SET total = total + 1, unread = unread + (new.read = 0)
            WHERE id = 1;
        END;
        CREATE TRIGGER entry_counts_delete AFTER DELETE ON entries BEGIN
            UPDATE entry_counts SET total = total - 1, unread = unread - (old.read = 0)
            WHERE id = 1;
        END;
        CREATE TRIGGER entry_counts_read AFTER UPDATE OF read ON entries
            WHEN (old.read = 0) != (new.read = 0) BEGIN
            UPDATE entry_counts SET unread = unread + (new.read = 0) - (old.read = 0)
            WHERE id = 1;
        END;

        CREATE TABLE saved_briefs (
            edition  TEXT PRIMARY KEY,  -- which edition: see store/_saved_brief.py
            saved_at REAL NOT NULL,
            body     TEXT NOT NULL      -- JSON: titles and entry ids, never entry text
        );
        """,
    )


def _v6_parse_warnings(db: sqlite3.Connection) -> None:
    # What the last parse of a feed read differently or cut (a 100k-item feed
    # kept to 10,000, entries skipped): one sentence per line, shown by
    # `briefterm feeds` so nothing is dropped without a word.
    _run_script(db, "ALTER TABLE feeds ADD COLUMN parse_warnings TEXT NOT NULL DEFAULT '';")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _v1_initial,
    _v2_publication_time,
    _v3_sync,
    _v4_full_text,
    _v5_entry_features,
    _v6_parse_warnings,
    _v7_reader_speed,
]
"""``MIGRATIONS[i]`` takes the schema from version i to i + 1."""

SCHEMA_VERSION = len(MIGRATIONS)


def _user_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection, where: str = "the cache") -> int:
    """Bring ``db`` to :data:`SCHEMA_VERSION`; return the version it had.

    Each step runs in its own ``BEGIN IMMEDIATE`` transaction together with
    the ``user_version`` bump, so an interrupted upgrade leaves a consistent
    older version behind. ``where`` names the database in error messages.
    A database with tables but no schema version is someone else's (or a
    cache whose header was lost): it is refused, never built over.
    """
    version = _user_version(db)
    start = version
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"{where} was written by a newer briefterm (schema version {version}; this "
            f"one knows {SCHEMA_VERSION}); upgrade briefterm to use it"
        )
    if version == 0 and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise StoreError(
            f"{where} is a database with tables but no briefterm schema version, so it is "
            "not a briefterm cache; briefterm will not build over it: move it away"
        )
    while version < SCHEMA_VERSION:
        db.execute("BEGIN IMMEDIATE")
        try:
            current = _user_version(db)
            if current != version:  # another process migrated meanwhile
                db.execute("ROLLBACK")
                version = current
                continue
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        version += 1
    return start
