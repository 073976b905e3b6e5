"""Raw SQL for tests that inspect or corrupt the cache the way nothing else can.

Production code keeps SQL inside ``briefterm.store``; tests reach past the
facade only through these two helpers, so the day the store's plumbing
changes there is one place to follow it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from briefterm.store import Store


def rows(store: Store, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
    """Run a read query on ``store``'s connection and return every row."""
    return store._tuples(sql, params)


@contextmanager
def raw_write(store: Store) -> Iterator[sqlite3.Connection]:
    """A write transaction on ``store``'s connection, bypassing every check."""
    with store.write() as db:
        yield db


def entry_ids(store: Store, *keys: str) -> list[int]:
    """The ids of the entries with these entry keys, in the order given."""
    found = dict(
        rows(
            store,
            f"SELECT entry_key, id FROM entries WHERE entry_key IN ({','.join('?' * len(keys))})",
            keys,
        )
    )
    return [found[k] for k in keys]


def sqlite_error(statement: str, *setup: str) -> sqlite3.Error:
    """The exception SQLite raises for ``statement`` after ``setup``, on a scratch database."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    for sql in setup:
        db.execute(sql)
    try:
        db.execute(statement)
    except sqlite3.Error as exc:
        return exc
    finally:
        db.close()
    raise AssertionError(f"{statement} did not fail")
