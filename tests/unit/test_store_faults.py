"""Opening the cache when something is wrong with it: each case names its real cause.

A rebuild is advised only for real damage, and then after ``sqlite3
.recover``; a healthy file is never called broken, and nothing is built
over a database (or a ``-wal`` file) that may hold someone's data.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from briefterm.errors import SchemaTooNewError, StoreError
from briefterm.store import Store, describe_store_error
from briefterm.store._schema import SCHEMA_VERSION
from tests.support.sql import rows, sqlite_error


def test_a_directory_in_place_of_the_cache_is_named_not_called_broken(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    path.mkdir()
    with pytest.raises(StoreError) as info:
        Store(path)
    message = str(info.value)
    assert "is a directory, not a file" in message and "rebuild" not in message


def test_a_fifo_in_place_of_the_cache_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    os.mkfifo(path)
    with pytest.raises(StoreError, match="named pipe"):
        Store(path)


def test_a_wal_without_its_database_is_never_discarded(tmp_path: Path) -> None:
    # A cache whose main file was lost while its -wal still held the newest pages.
    script = (
        "import sqlite3, os, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('PRAGMA journal_mode = WAL')\n"
        "db.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "db.execute('CREATE TABLE t (x)')\n"
        "db.execute('INSERT INTO t VALUES (1)')\n"
        "os._exit(0)  # no checkpoint: the data is only in the -wal\n"
    )
    other = tmp_path / "other.db"
    subprocess.run([sys.executable, "-c", script, str(other)], check=True)
    path = tmp_path / "cache.sqlite3"
    wal = Path(str(path) + "-wal")
    Path(str(other) + "-wal").rename(wal)
    size = wal.stat().st_size
    assert size > 0
    with pytest.raises(StoreError, match="-wal without the database"):
        Store(path)
    assert wal.stat().st_size == size and not path.exists()


def test_a_database_with_tables_but_no_version_is_not_built_over(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (body TEXT)")
    db.execute("INSERT INTO notes VALUES ('keep me')")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not a briefterm cache"):
        Store(path)
    db = sqlite3.connect(path)
    assert db.execute("SELECT body FROM notes").fetchall() == [("keep me",)]
    assert db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 1
    db.close()


def test_a_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(SchemaTooNewError, match="written by a newer briefterm"):
        Store(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    db.close()


def test_real_damage_advises_recover_before_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Store(path) as store:
        store.ensure_feed("http://example.com/feed")
    data = bytearray(path.read_bytes())
    data[:16] = b"not sqlite, no!!"  # the header is gone
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as info:
        Store(path)
    message = str(info.value)
    assert "is damaged" in message and f"sqlite3 {path} .recover" in message
    assert message.index(".recover") < message.index("rebuild")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            sqlite_error("INSERT INTO t VALUES (randomblob(100000))", "CREATE TABLE t (x)",
                         "PRAGMA max_page_count = 2"),
            "is full; free some space",
        ),
        (
            sqlite_error("INSERT INTO t VALUES (1)", "CREATE TABLE t (x)",
                         "PRAGMA query_only = ON"),
            "is read-only; check that you may write",
        ),
        (sqlite_error("SELECT * FROM entries"), "lacks what briefterm keeps in it"),
    ],
)  # fmt: skip
def test_sqlite_errors_become_one_sentence(error: sqlite3.Error, expected: str) -> None:
    sentence = describe_store_error(error, "/data/cache.sqlite3")
    assert expected in sentence and "/data/cache.sqlite3" in sentence
    assert "\n" not in sentence and "OperationalError" not in sentence


def test_a_locked_cache_is_busy_not_an_internal_error(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Store(path) as store:
        rows(store, "PRAGMA busy_timeout = 0")
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(sqlite3.OperationalError) as info:
                store.set_meta("k", "v")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert "is busy: another briefterm" in describe_store_error(info.value, path)
        assert store.integrity_check() == "ok"


def test_file_gone_notices_deletion_and_replacement(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    other = tmp_path / "other.sqlite3"
    Store(other).close()
    with Store(path) as deleted, Store(other) as replaced:
        assert not deleted.file_gone() and not replaced.file_gone()
        path.unlink()
        assert deleted.file_gone()
        Store(tmp_path / "fresh.sqlite3").close()
        os.replace(tmp_path / "fresh.sqlite3", other)  # another file now has the name
        assert replaced.file_gone()
    with Store(":memory:") as memory:
        assert not memory.file_gone()


def test_a_dangling_symlink_is_named(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    path.symlink_to(tmp_path / "gone" / "cache.sqlite3")
    with pytest.raises(StoreError, match=r"symbolic link to .*gone"):
        Store(path)
