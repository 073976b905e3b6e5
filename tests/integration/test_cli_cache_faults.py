"""Commands on a cache that fails: one sentence each, never "internal error", nothing lost."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefterm import paths
from briefterm.cli import main
from briefterm.store import Store
from tests.support.loopback import LoopbackServer, Reply
from tests.support.sql import sqlite_error
from tests.support.tui_data import fill_store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_sentence(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    (line,) = lines
    assert line.startswith("briefterm: ") and "internal error" not in line
    assert "Error" not in line and "Traceback" not in err
    return line


DISK_FULL = ("INSERT INTO t VALUES (randomblob(100000))", "CREATE TABLE t (x)")


@pytest.fixture
def cache() -> Iterator[Path]:
    path = paths.database_path()
    with Store(path) as store:
        fill_store(store)
    yield path


def test_mark_on_a_full_disk_says_so_and_keeps_every_flag(
    capsys: pytest.CaptureFixture[str], cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = sqlite_error(*DISK_FULL, "PRAGMA max_page_count = 2")

    def fail(self: Store, *args: object, **kwargs: object) -> int:
        raise full

    with Store(cache) as store:
        before = store.flags(store.entry_ids())
    monkeypatch.setattr(Store, "set_read", fail)
    code, out, err = run(capsys, "mark", str(min(before)), "--read")
    line = one_sentence(err)
    assert code == 1 and out == ""
    assert "disk holding the cache" in line and "is full" in line and str(cache) in line
    monkeypatch.undo()
    with Store(cache) as store:
        assert store.flags(store.entry_ids()) == before
        assert store.integrity_check() == "ok"


def test_a_cache_missing_a_table_names_it(capsys: pytest.CaptureFixture[str], cache: Path) -> None:
    db = sqlite3.connect(cache)
    db.execute("DROP TABLE entries")
    db.commit()
    db.close()
    code, _, err = run(capsys, "list")
    line = one_sentence(err)
    assert code == 1 and "no such table: entries" in line and ".recover" in line


def test_a_malformed_cache_advises_recover(capsys: pytest.CaptureFixture[str], cache: Path) -> None:
    db = sqlite3.connect(cache)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'entries'").fetchone()[0]
    db.close()
    data = bytearray(cache.read_bytes())
    start = (root - 1) * page_size
    data[start : start + page_size] = b"\xa5" * page_size  # the entries table's root page
    cache.write_bytes(bytes(data))
    code, _, err = run(capsys, "list")
    line = one_sentence(err)
    assert code == 1 and "is damaged" in line and f"sqlite3 {cache} .recover" in line


def test_one_failed_write_costs_one_feed_and_the_poll_still_reports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = "".join(
        f"<item><guid>{n}</guid><title>Item {n}</title><link>https://example.com/{n}</link></item>"
        for n in range(3)
    )
    body = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
    ).encode()
    full = sqlite_error(*DISK_FULL, "PRAGMA max_page_count = 2")
    real_upsert = Store.upsert_entries
    with LoopbackServer() as server:
        server.route("/good.xml", Reply(body=body))
        server.route("/bad.xml", Reply(body=body))
        good, bad = server.url("/good.xml"), server.url("/bad.xml")
        config = tmp_path / "config.toml"
        config.write_text(f'[[feeds]]\nurl = "{good}"\n\n[[feeds]]\nurl = "{bad}"\n')

        def upsert(self: Store, feed_id: int, *args: object, **kwargs: object) -> object:
            state = self.get_feed(bad)
            if state is not None and state.id == feed_id:
                raise full
            return real_upsert(self, feed_id, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Store, "upsert_entries", upsert)
        code, out, err = run(capsys, "--config", str(config), "poll")
    assert code == 0, err
    assert "Traceback" not in err and "internal error" not in out + err
    assert "not saved: the disk holding the cache" in " ".join(out.split())
    assert "1 error" in out or "errors: 1" in out or "1 failed" in out, out
    with Store(paths.database_path()) as store:
        assert len(store.entry_ids()) == 3  # the good feed's entries are stored
        assert store.integrity_check() == "ok"
