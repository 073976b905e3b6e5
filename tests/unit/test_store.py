"""Store tests on ":memory:" and on disk: schema, upserts, user state, search."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefterm.errors import SchemaTooNewError
from briefterm.models import Enclosure, ParsedEntry
from briefterm.store import EntryFilter, Store, StoreError
from briefterm.store._schema import MIGRATIONS, SCHEMA_VERSION, migrate
from tests.support.sql import raw_write, rows

NOW = 1_790_000_000.0


def _entry(key: str, title: str = "", **kw: object) -> ParsedEntry:
    return ParsedEntry(key, title=title or f"Title {key}", **kw)  # type: ignore[arg-type]


def test_new_database_has_current_schema_version(store: Store) -> None:
    assert rows(store, "PRAGMA user_version")[0][0] == SCHEMA_VERSION == len(MIGRATIONS)


def test_migrate_is_idempotent_and_reports_start_version(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "c.db", isolation_level=None)
    assert migrate(db) == 0
    assert migrate(db) == SCHEMA_VERSION
    db.close()


def test_newer_schema_is_refused_with_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(StoreError, match="upgrade briefterm") as info:
        Store(path)
    assert isinstance(info.value, SchemaTooNewError)
    assert str(path) in str(info.value)


def test_corrupt_file_gives_store_error(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"is damaged .*\.recover"):
        Store(path)


def test_disk_store_uses_wal(tmp_path: Path) -> None:
    with Store(tmp_path / "c.db") as s:
        assert rows(s, "PRAGMA journal_mode")[0][0] == "wal"
        assert rows(s, "PRAGMA busy_timeout")[0][0] >= 5000


def test_upsert_counts_new_updated_unchanged(store: Store) -> None:
    fid = store.ensure_feed("http://example.com/feed")
    assert store.ensure_feed("http://example.com/feed") == fid
    r1 = store.upsert_entries(fid, [_entry("a"), _entry("b")], now=NOW)
    assert (r1.new, r1.updated, r1.unchanged) == (2, 0, 0)
    r2 = store.upsert_entries(fid, [_entry("a"), _entry("b", "changed")], now=NOW + 1)
    assert (r2.new, r2.updated, r2.unchanged) == (0, 1, 1)


def test_duplicate_ids_in_one_batch_keep_first(store: Store) -> None:
    fid = store.ensure_feed("http://example.com/feed")
    store.upsert_entries(fid, [_entry("a", "first"), _entry("a", "second")], now=NOW)
    [entry] = store.list_entries()
    assert entry.title == "first"


def test_repoll_never_touches_user_state(store: Store) -> None:
    fid = store.ensure_feed("http://example.com/feed")
    store.upsert_entries(fid, [_entry("a", "Old title")], now=NOW)
    [eid] = store.entry_ids()
    store.set_read([eid], now=NOW + 10)
    store.set_starred([eid], now=NOW + 20)
    store.upsert_entries(fid, [_entry("a", "New title", summary="new")], now=NOW + 30)
    entry = store.get_entry(eid)
    assert entry is not None
    assert entry.title == "New title"
    assert (entry.read, entry.starred) == (True, True)
    assert (entry.read_at, entry.starred_at) == (NOW + 10, NOW + 20)
    assert entry.first_seen == NOW


def test_entries_that_drop_out_of_feed_stay(store: Store) -> None:
    fid = store.ensure_feed("http://example.com/feed")
    store.upsert_entries(fid, [_entry("a"), _entry("b")], now=NOW)
    store.upsert_entries(fid, [_entry("c")], now=NOW + 1)
    assert store.entry_count() == 3


def test_same_key_in_two_feeds_is_two_entries(store: Store) -> None:
    f1 = store.ensure_feed("http://one.example/feed")
    f2 = store.ensure_feed("http://two.example/feed")
    store.upsert_entries(f1, [_entry("a")], now=NOW)
    store.upsert_entries(f2, [_entry("a")], now=NOW)
    assert store.entry_count() == 2


def test_implausible_dates_are_dropped_and_undated_entries_use_first_seen(store: Store) -> None:
    fid = store.ensure_feed("http://example.com/feed")
    future = datetime(2999, 1, 1, tzinfo=UTC)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    store.upsert_entries(
        fid,
        [_entry("future", published=future), _entry("epoch", published=epoch), _entry("undated")],
        now=NOW,
    )
    rows = {e.entry_key: e for e in store.list_entries()}
    for key in ("future", "epoch", "undated"):
        assert rows[key].published is None and rows[key].undated
        assert rows[key].time == NOW


def test_order_is_newest_first(store: Store) -> None:
    fid = store.ensure_feed("http://example.com/feed")
    store.upsert_entries(
        fid,
        [
            _entry("old", published=datetime(2026, 1, 1, tzinfo=UTC)),
            _entry("new", published=datetime(2026, 6, 1, tzinfo=UTC)),
        ],
        now=NOW,
    )
    assert [e.entry_key for e in store.list_entries()] == ["new", "old"]


def test_filters(store: Store) -> None:
    f1 = store.ensure_feed("http://one.example/feed")
    f2 = store.ensure_feed("http://two.example/feed")
    store.upsert_entries(f1, [_entry("a"), _entry("b")], now=NOW)
    store.upsert_entries(f2, [_entry("c")], now=NOW + 100)
    ids = {e.entry_key: e.id for e in store.list_entries()}
    store.set_read([ids["a"]])
    store.set_starred([ids["b"]])

    def keys(flt: EntryFilter) -> list[str]:
        return sorted(e.entry_key for e in store.list_entries(flt))

    assert keys(EntryFilter(unread=True)) == ["b", "c"]
    assert keys(EntryFilter(unread=False)) == ["a"]
    assert keys(EntryFilter(starred=True)) == ["b"]
    assert keys(EntryFilter(feed_ids=(f2,))) == ["c"]
    assert keys(EntryFilter(since=NOW + 50)) == ["c"]
    assert keys(EntryFilter(until=NOW + 50)) == ["a", "b"]
    assert len(store.entry_ids(EntryFilter(limit=1))) == 1


def test_set_flags_report_changes_and_flags_read_back(store: Store) -> None:
    fid = store.ensure_feed("http://example.com/feed")
    store.upsert_entries(fid, [_entry("a"), _entry("b")], now=NOW)
    ids = store.entry_ids()
    assert store.set_read(ids) == 2
    assert store.set_read(ids) == 0
    assert store.set_read(ids[:1], False) == 1
    assert store.flags(ids) == {ids[0]: (False, False), ids[1]: (True, False)}
    assert store.unread_count() == 1


def test_rich_fields_round_trip(store: Store) -> None:
    fid = store.ensure_feed("http://example.com/feed")
    store.upsert_entries(
        fid,
        [
            _entry(
                "a",
                categories=("Policy", "芯片"),
                enclosures=(Enclosure("https://example.com/a.mp3", "audio/mpeg", 1234),),
                related=("https://example.org/related",),
                source_title="Wire Service",
                source_url="https://wire.example/",
                content_html="<p>body</p>",
            )
        ],
        now=NOW,
    )
    entry = store.get_entry(store.entry_ids()[0])
    assert entry is not None
    assert entry.categories == ("Policy", "芯片")
    assert entry.enclosures == (Enclosure("https://example.com/a.mp3", "audio/mpeg", 1234),)
    assert entry.related == ("https://example.org/related",)
    assert entry.publisher == "Wire Service"
    assert entry.content_html == "<p>body</p>"
    # List views do not load bodies.
    assert store.list_entries()[0].content_html == ""


def test_entries_by_ids_keeps_order_and_handles_many(store: Store) -> None:
    fid = store.ensure_feed("http://example.com/feed")
    store.upsert_entries(fid, [_entry(str(i)) for i in range(2000)], now=NOW)
    ids = store.entry_ids()
    wanted = ids[::-1][:1500]
    assert [e.id for e in store.entries_by_ids(wanted)] == wanted


def test_search_english_chinese_prefix_and_operators(store: Store) -> None:
    fid = store.ensure_feed("http://example.com/feed")
    store.upsert_entries(
        fid,
        [
            _entry("en", "Chipmaker raises outlook", summary="Demand for accelerators"),
            _entry("zh", "国产芯片出货量创新高", summary="多家厂商公布数据"),
            _entry("au", "Weather", author="Dana Okafor"),
            _entry("op", 'Quotes "and" OR NOT stars*'),
        ],
        now=NOW,
    )

    def keys(query: str) -> list[str]:
        return sorted(e.entry_key for e in store.entries_by_ids(store.search(query)))

    assert keys("chip") == ["en"]  # a prefix of "Chipmaker"
    assert keys("ACCELERATOR") == ["en"]  # case-insensitive, summary
    assert keys("芯片") == ["zh"]  # a two-character CJK word: one bigram
    assert keys("出货量") == ["zh"]  # three characters: a phrase of two bigrams
    assert keys("okafor") == ["au"]
    assert keys('"and" OR') == ["op"]  # operators are literal
    assert keys("chip weather") == []  # words combine with AND
    assert keys("   ") == []


def test_search_index_follows_updates_and_deletes(store: Store) -> None:
    fid = store.ensure_feed("http://example.com/feed")
    store.upsert_entries(fid, [_entry("a", "Original headline")], now=NOW)
    store.upsert_entries(fid, [_entry("a", "Rewritten headline")], now=NOW + 1)
    assert store.search("Original") == []
    assert len(store.search("Rewritten")) == 1
    store.remove_feed("http://example.com/feed")
    assert store.search("Rewritten") == []
    assert store.entry_count() == 0


def test_feed_bookkeeping_and_counts(store: Store) -> None:
    fid = store.ensure_feed("http://example.com/feed")
    store.upsert_entries(
        fid,
        [_entry("a"), _entry("b")],
        now=NOW,
        feed_fields={"title": "Example", "last_success": NOW, "etag": '"v1"'},
    )
    store.set_starred(store.entry_ids()[:1])
    store.update_feed(fid, last_error="HTTP 500", error_count=1)
    [feed] = store.feeds()
    assert (feed.title, feed.etag, feed.last_success) == ("Example", '"v1"', NOW)
    assert (feed.entry_count, feed.unread_count, feed.starred_count) == (2, 2, 1)
    assert (feed.last_error, feed.error_count) == ("HTTP 500", 1)
    assert feed.effective_url == "http://example.com/feed"
    with pytest.raises(ValueError):
        store.update_feed(fid, read=1)


def test_update_feeds_writes_many_feeds_at_once_or_none(store: Store) -> None:
    a = store.ensure_feed("http://example.com/a")
    b = store.ensure_feed("http://example.com/b")
    store.update_feeds([(a, {"last_status": 304, "etag": '"a"'}), (b, {}), (b, {"error_count": 2})])
    feeds = {f.url: f for f in store.feeds()}
    assert (feeds["http://example.com/a"].last_status, feeds["http://example.com/a"].etag) == (
        304,
        '"a"',
    )
    assert feeds["http://example.com/b"].error_count == 2
    # One transaction: a bad name anywhere leaves every feed as it was.
    with pytest.raises(ValueError):
        store.update_feeds([(a, {"last_status": 200}), (b, {"read": 1})])
    assert {f.url: f for f in store.feeds()}["http://example.com/a"].last_status == 304


def test_failed_transaction_rolls_back(store: Store) -> None:
    fid = store.ensure_feed("http://example.com/feed")
    with pytest.raises(RuntimeError), raw_write(store) as db:
        db.execute("UPDATE feeds SET title = 'x' WHERE id = ?", (fid,))
        raise RuntimeError("boom")
    assert store.feeds()[0].title == ""


def test_meta_round_trip(store: Store) -> None:
    assert store.get_meta("k") is None
    store.set_meta("k", "1")
    store.set_meta("k", "2")
    assert store.get_meta("k") == "2"


def test_two_connections_write_concurrently_without_locking(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    a, b = Store(path), Store(path)
    fid = a.ensure_feed("http://example.com/feed")
    a.upsert_entries(fid, [_entry(str(i)) for i in range(200)], now=NOW)
    ids = a.entry_ids()
    errors: list[BaseException] = []

    def poller() -> None:
        try:
            for round_ in range(30):
                a.upsert_entries(fid, [_entry(str(i), f"r{round_}") for i in range(200)])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def reader() -> None:
        try:
            for round_ in range(60):
                b.set_read(ids[round_ % 200 :: 7], round_ % 2 == 0)
                b.set_starred(ids[:5])
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=poller), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(starred for _, starred in a.flags(ids[:5]).values())
    assert a.integrity_check() == "ok"


def test_search_cjk_substrings_and_single_characters(store: Store) -> None:
    fid = store.ensure_feed("http://example.com/feed")
    store.upsert_entries(
        fid,
        [
            _entry("zh", "国产芯片出货量创新高"),
            _entry("mixed", "Huawei发布新款Mate手机"),
            _entry("other", "天气预报"),
            _entry("byline", "Weather", author="王小明"),
        ],
        now=NOW,
    )

    def keys(query: str) -> list[str]:
        return sorted(e.entry_key for e in store.entries_by_ids(store.search(query)))

    assert keys("片出货") == ["zh"]  # a substring spanning former word boundaries
    assert keys("发布") == ["mixed"]
    assert keys("huawei 手机") == ["mixed"]
    assert keys("芯") == ["zh"]  # one character: LIKE fallback
    assert keys("货创") == []  # not adjacent in the text
    assert keys("小明") == ["byline"]  # authors are indexed the same way


def test_index_text_and_query_shapes() -> None:
    from briefterm.store._search import fts_query, index_text

    assert index_text("plain ascii") == "plain ascii"
    assert index_text("国产芯片") == " 国产 产芯 芯片 "
    assert fts_query("chip 芯片") == ('"chip"* AND "芯片"', [])
    assert fts_query("出货量") == ('"出货 货量"', [])
    assert fts_query("芯") == (None, ["芯"])
    assert fts_query("NOT ^x:y") == ('"NOT"* AND "x"* AND "y"*', [])


def test_upsert_feed_fields_pass_the_same_allowlist_as_update_feed(store: Store) -> None:
    fid = store.ensure_feed("http://example.com/feed")
    with pytest.raises(ValueError, match="unknown feed fields"):
        store.upsert_entries(fid, [_entry("a")], now=NOW, feed_fields={"url": "x"})
    assert store.entry_count() == 0  # the whole transaction rolled back
    assert store.feeds()[0].url == "http://example.com/feed"


def test_entry_index_lays_out_a_view_newest_first(store: Store) -> None:
    fid = store.ensure_feed("http://example.com/feed")
    store.upsert_entries(
        fid,
        [
            _entry("old", published=datetime(2026, 1, 1, tzinfo=UTC)),
            _entry("new", published=datetime(2026, 6, 1, tzinfo=UTC)),
        ],
        now=NOW,
    )
    new, old = store.entry_ids()
    store.set_read([old])
    store.set_starred([new])
    june = datetime(2026, 6, 1, tzinfo=UTC).timestamp()
    january = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    assert store.entry_index() == [(new, fid, False, True, june), (old, fid, True, False, january)]
    assert [row[0] for row in store.entry_index(unread=True)] == [new]
    assert [row[0] for row in store.entry_index(starred=False)] == [old]


def test_reader_is_a_read_only_connection_that_sees_commits(tmp_path: Path) -> None:
    with Store(tmp_path / "c.db") as writer, writer.reader() as reader:
        assert reader is not writer and reader.read_only
        fid = writer.ensure_feed("http://example.com/feed")
        writer.upsert_entries(fid, [_entry("a")], now=NOW)
        assert [e.entry_key for e in reader.list_entries()] == ["a"]
        with pytest.raises(sqlite3.Error):
            reader.set_read(reader.entry_ids())
        assert writer.unread_count() == 1


def test_in_memory_reader_is_the_store_itself(store: Store) -> None:
    assert store.reader() is store
