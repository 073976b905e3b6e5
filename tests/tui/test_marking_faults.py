"""Marks when the cache fails: a full disk, another writer's lock, a deleted file, undo races.

Each failure must leave the cache intact (``PRAGMA integrity_check``), keep
every flag that was stored, keep the row showing what the cache holds, and
tell the user one "Cannot save: …" sentence instead of raising.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from briefterm.config import UIConfig
from briefterm.store import EntryFilter, Store
from briefterm.tui import _marking
from briefterm.tui._copying import Severity
from briefterm.tui._marking import Marking
from briefterm.tui.view_model import READ, STAR, FlagChanges, RowModel, View
from tests.support.sql import rows
from tests.support.tui_data import fill_store


class FakeTimer:
    def __init__(self, delay: float, callback: Callable[[], None]) -> None:
        self.delay, self.callback = delay, callback

    def stop(self) -> None:
        pass


class Host:
    """The reader's side of marking, recorded: rows, flag changes and what the user was told."""

    def __init__(self, model: RowModel) -> None:
        self.model: RowModel | None = model
        self.opened_id: int | None = None
        self.opened_row: int | None = None
        self.told: list[tuple[str, Severity]] = []

    def set_timer(self, delay: float, callback: Callable[[], None]) -> FakeTimer:
        return FakeTimer(delay, callback)

    def flags_changed(
        self, changes: FlagChanges, rows: Iterable[int] | None, unread_delta: int
    ) -> None:
        assert self.model is not None
        self.model.apply_flags(changes, rows)

    def tell(self, text: str, severity: Severity, timeout: float | None = None) -> None:
        self.told.append((text, severity))


@pytest.fixture
def disk_store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "cache.sqlite3") as store:
        fill_store(store)
        yield store


def entry_rows(store: Store) -> RowModel:
    model = RowModel(view=View.ALL, title="All")
    model.begin_group("Today")
    for entry in store.list_entries(EntryFilter()):
        model.add_entry(entry.id, entry.read, entry.starred)
    return model


def marking_on(store: Store) -> tuple[Marking, Host, RowModel]:
    model = entry_rows(store)
    host = Host(model)
    return Marking(store, host, UIConfig(mark_read="never")), host, model


def stored_flags(store: Store) -> dict[int, tuple[bool, bool]]:
    return store.flags(store.entry_ids())


def disk_full_error() -> sqlite3.OperationalError:
    """The very error SQLite raises when the disk fills up (SQLITE_FULL), made for real."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (x)")
    db.execute("PRAGMA max_page_count = 2")
    try:
        db.execute("INSERT INTO t VALUES (randomblob(100000))")
    except sqlite3.OperationalError as exc:
        return exc
    finally:
        db.close()
    raise AssertionError("SQLite did not report a full database")


def test_a_mark_on_a_full_disk_says_cannot_save_and_keeps_the_flag(
    disk_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    marking, host, model = marking_on(disk_store)
    before = stored_flags(disk_store)
    full = disk_full_error()

    def fail(*args: object, **kwargs: object) -> int:
        raise full

    monkeypatch.setattr(disk_store, "set_read", fail)
    monkeypatch.setattr(disk_store, "set_starred", fail)
    shown = bytes(model.flags)
    marking.toggle_row("starred", 1)
    marking.toggle_row("read", 2)
    said = marking.toggle_ids("read", model.entry_ids(1) + model.entry_ids(3))
    group = marking.mark_group_read(1)
    assert [severity for _, severity in host.told] == ["error", "error"]
    for text in [t for t, _ in host.told] + [said, group]:
        assert text.startswith("Cannot save: the disk holding the cache ") and "full" in text
    assert bytes(model.flags) == shown  # every row keeps the flag it had
    assert stored_flags(disk_store) == before
    assert not marking.can_undo
    assert disk_store.integrity_check() == "ok"


def test_a_mark_while_another_process_holds_the_lock_gives_up_with_a_sentence(
    disk_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_marking, "SAVE_WAIT", 0.05)
    marking, host, model = marking_on(disk_store)
    before = stored_flags(disk_store)
    other = sqlite3.connect(disk_store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another briefterm, mid-poll
    try:
        marking.toggle_row("read", 1)
        assert not model.flags[1] & READ
    finally:
        other.execute("ROLLBACK")
        other.close()
    ((text, severity),) = host.told
    assert text.startswith("Cannot save: ") and "busy" in text and severity == "error"
    assert stored_flags(disk_store) == before
    # The lock is free again, and the store waits its full timeout for others again.
    assert rows(disk_store, "PRAGMA busy_timeout")[0][0] >= 5000
    marking.toggle_row("read", 1)
    assert model.flags[1] & READ and len(host.told) == 1
    assert disk_store.integrity_check() == "ok"


def test_marks_after_the_cache_file_was_deleted_are_refused_and_said_once(
    disk_store: Store,
) -> None:
    marking, host, model = marking_on(disk_store)
    marking.toggle_row("starred", 1)
    assert model.flags[1] & STAR and not host.told
    Path(disk_store.path).unlink()
    marking.toggle_row("read", 1)
    marking.toggle_row("read", 2)
    assert not marking.undo()
    assert not model.flags[1] & READ and not model.flags[2] & READ
    first, *later = [text for text, _ in host.told]
    assert "was deleted or replaced" in first and disk_store.path in first
    assert later and all(text.startswith("Cannot save: ") for text in later)
    assert all("deleted or replaced" not in text for text in later)  # the long sentence: once


def test_undo_restores_only_the_flag_it_changed(disk_store: Store, tmp_path: Path) -> None:
    marking, host, model = marking_on(disk_store)
    (eid,) = model.entry_ids(1)
    marking.toggle_row("starred", 1)
    # Meanwhile another process (the CLI's `mark --read`) marks the entry read.
    with Store(disk_store.path) as other:
        other.set_read([eid], True)
    assert marking.undo()
    assert disk_store.flags([eid])[eid] == (True, False)  # unstarred, still read
    assert model.flags[1] & READ and not model.flags[1] & STAR
    # And the other way round: undoing a read leaves a star made meanwhile.
    marking.toggle_row("read", 2)
    (other_id,) = model.entry_ids(2)
    with Store(disk_store.path) as other:
        other.set_starred([other_id], True)
    assert marking.undo()
    assert disk_store.flags([other_id])[other_id] == (False, True)
    assert not host.told


def test_a_failed_undo_keeps_its_step(disk_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_marking, "SAVE_WAIT", 0.05)
    marking, host, model = marking_on(disk_store)
    marking.toggle_row("read", 1)
    other = sqlite3.connect(disk_store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert not marking.undo()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert marking.can_undo and model.flags[1] & READ
    assert host.told and host.told[-1][0].startswith("Cannot save: ")
    assert marking.undo() and not model.flags[1] & READ
