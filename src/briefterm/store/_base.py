"""Store plumbing: the connection and its PRAGMAs, transactions, reads, metadata.

Concurrency model: every connection runs in autocommit mode with WAL and a
generous ``busy_timeout``; every write is an explicit ``BEGIN IMMEDIATE``
transaction, which takes the write lock up front. That is what makes a poller
process and the reader able to write at the same time without "database is
locked": a deferred transaction that reads first and then tries to upgrade to
a writer fails immediately instead of waiting.

Rows that become dataclasses (feeds, entries) come back as
``{column name: value}`` dicts (:meth:`StoreBase._records`) and are read by
name, so reordering a ``SELECT`` or a dataclass field cannot silently
scramble data. The compact index queries (ids, flags, a list view's layout)
of one to five columns stay plain tuples, unpacked next to the ``SELECT``
that names them: at a million rows any per-row wrapper costs a list view
about half a second of its start.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self, TypeVar

from briefterm.errors import StoreError
from briefterm.store._errors import describe, file_kind
from briefterm.store._schema import migrate

BUSY_TIMEOUT_MS = 30_000
CHUNK = 900
"""Ids per ``IN (…)`` list: well under SQLite's host-parameter limit."""

Params = Sequence[object] | Mapping[str, object]
"""Positional ``?`` values or named ``:name`` values of one statement."""

_T = TypeVar("_T")


def chunked(items: Sequence[_T], size: int = CHUNK) -> Iterator[Sequence[_T]]:
    """``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_before_open(path: str) -> None:
    """Refuse a path SQLite would misuse: not a file, or a journal without its database.

    SQLite opens a FIFO and then blocks reading it, and over a missing or
    empty database it quietly discards a ``-wal`` file left beside it,
    which may hold the only copy of a cache whose main file was lost.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise StoreError(f"cannot open the cache {path}: {exc.strerror or exc}") from exc
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise StoreError(
            f"cannot open the cache {path}: it is {file_kind(info.st_mode)}, not a file; "
            "move it away"
        )
    if info is None or info.st_size == 0:
        wal = Path(path + "-wal")
        try:
            wal_size = wal.stat().st_size
        except OSError:
            wal_size = 0
        if wal_size > 0:
            raise StoreError(
                f"found {wal} without the database it belongs to ({path} is missing or "
                "empty); it may hold your cache, so briefterm will not start over it: "
                "put the database back beside it, or move the -wal file away"
            )


def marks(count: int) -> str:
    """``?,?,…`` for an ``IN (…)`` list of ``count`` values."""
    return ",".join("?" * count)


class StoreBase:
    """One SQLite connection to the cache, shared by threads under a lock."""

    def __init__(self, path: str | Path = ":memory:", *, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        self._identity: tuple[int, int] | None = None  # (st_dev, st_ino) of the file opened
        if self.path != ":memory:":
            if not read_only:
                try:
                    Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(
                        f"cannot create the cache directory {Path(self.path).parent}: "
                        f"{exc.strerror}; check its permissions"
                    ) from exc
            _check_before_open(self.path)
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30
            )
        except sqlite3.Error as exc:
            raise StoreError(describe(exc, self.path)) from exc
        try:
            self._configure(read_only)
        except BaseException as exc:
            self._db.close()
            if isinstance(exc, StoreError):
                raise
            if isinstance(exc, sqlite3.Error):
                raise StoreError(describe(exc, self.path)) from exc
            raise
        if self.path != ":memory:":
            try:
                info = os.stat(self.path)
                self._identity = (info.st_dev, info.st_ino)
            except OSError:
                self._identity = None
        self._lock = threading.RLock()

    def file_gone(self) -> bool:
        """True when the cache file was deleted or replaced since this store opened it.

        SQLite keeps writing to the open (now nameless) file, so marks made
        then would vanish when the program ends; the caller says so instead.
        """
        if self._identity is None:
            return False
        try:
            info = os.stat(self.path)
        except OSError:
            return True
        return (info.st_dev, info.st_ino) != self._identity or info.st_nlink == 0

    @contextmanager
    def waiting_at_most(self, seconds: float) -> Iterator[None]:
        """Writes inside wait at most ``seconds`` for another writer's lock (not 30 s).

        For the reader: a mark must not freeze the interface for the full
        busy timeout while a poll in another process holds the write lock.
        """
        with self._lock:
            self._db.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")
            try:
                yield
            finally:
                self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def _configure(self, read_only: bool) -> None:
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
            migrate(self._db, f"the cache {self.path}")

    def reader(self) -> Self:
        """A second, read-only connection to the same cache, for the reader's UI.

        Reads through it never wait for this store's lock, so a poll writing
        through this store cannot stall the interface; WAL lets it read while
        the writer commits. An in-memory cache has only one connection, so
        there it is this store itself. The caller closes what it gets (closing
        ``self`` is harmless for the in-memory case: check ``is``).
        """
        if self.path == ":memory:":
            return self
        return type(self)(self.path, read_only=True)

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
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

    def _records(self, sql: str, params: Params = ()) -> Iterator[dict[str, Any]]:
        """Run a read-only query; each row is ``{column name: value}``.

        Names come from the cursor (every mapped ``SELECT`` names its columns
        with ``AS``). The dicts are made one by one as the caller maps them,
        after the lock is released: for a 5,000-entry list that measured
        about 10 % over unpacking tuples, where :class:`sqlite3.Row` (or a
        list of dicts made up front) cost 25-30 %.
        """
        with self._lock:
            cursor = self._db.execute(sql, params)
            names = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
        # strict=False: one cursor's rows always match its description.
        return (dict(zip(names, row, strict=False)) for row in rows)

    def _tuples(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        """Run a read-only query of a few columns, unpacked where it is written."""
        with self._lock:
            rows: list[tuple[Any, ...]] = self._db.execute(sql, params).fetchall()
            return rows

    def _mapped(
        self, sql: str, params: Params, convert: Callable[[list[tuple[Any, ...]]], list[_T]]
    ) -> list[_T]:
        """Run a read-only query, ``convert`` its rows a thousand at a time.

        The rows of a large query (100,000 entries) are never all held
        beside what they become: half the peak memory of ``fetchall``.
        """
        out: list[_T] = []
        with self._lock:
            cursor = self._db.execute(sql, params)
            while rows := cursor.fetchmany(1000):
                out += convert(rows)
        return out

    def _scalar(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row, or None when there is no row."""
        rows = self._tuples(sql, params)
        return rows[0][0] if rows else None

    def integrity_check(self) -> str:
        """Result of ``PRAGMA integrity_check`` ("ok" when healthy)."""
        return str(self._scalar("PRAGMA integrity_check"))

    # -- meta -------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """A small persisted value, e.g. the time the last brief was finished."""
        value = self._scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return default if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        """Persist a small value."""
        with self.write() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def delete_meta(self, key: str) -> None:
        """Forget a persisted value (no error when it was not set)."""
        with self.write() as db:
            db.execute("DELETE FROM meta WHERE key = ?", (key,))
