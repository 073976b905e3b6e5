"""The store side of editions: the publication-time window, its plan, and migration 2."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from briefterm.models import ParsedEntry
from briefterm.store import EntryFilter, Store, TimeWindow
from briefterm.store._entries import _order, _select_entries, _where
from briefterm.store._schema import MIGRATIONS
from briefterm.timefmt import local_datetime, midnight

NOW = datetime(2026, 12, 2, 6, 20, tzinfo=UTC).timestamp()


def entry(key: str, hours_ago: float | None) -> ParsedEntry:
    published = None if hours_ago is None else datetime.fromtimestamp(NOW - hours_ago * 3600, UTC)
    return ParsedEntry(entry_id=key, title=key, published=published)


def keys(store: Store, window: TimeWindow) -> set[str]:
    return {e.entry_key for e in store.list_entries(EntryFilter(window=window))}


def test_window_selects_by_publication_and_undated_by_first_seen(store: Store) -> None:
    feed = store.ensure_feed("https://a.example/rss")
    first = [entry("old", 72), entry("day", 5), entry("none", None)]
    store.upsert_entries(feed, first, now=NOW - 60)  # a poll just before a finish at NOW
    store.upsert_entries(feed, [entry("late", 30)], now=NOW + 3600)  # arrives after it
    day = TimeWindow(NOW - 86400, NOW + 7200)
    assert keys(store, day) == {"day", "none"}
    # Late arrivals published from late_from on join an edition that starts at NOW.
    live = TimeWindow(NOW, NOW + 7200, late_from=NOW - 2 * 86400)
    assert keys(store, live) == {"late"}
    assert keys(store, TimeWindow(NOW, NOW + 7200)) == set()
    # A finished edition keeps what it held: nothing first seen after it.
    held = TimeWindow(NOW - 86400, NOW, seen_before=NOW)
    assert keys(store, held) == {"day", "none"}
    assert keys(store, TimeWindow(None, NOW + 7200)) == {"old", "day", "none", "late"}


def test_undated_entries_sort_at_the_end_of_their_day(store: Store) -> None:
    feed = store.ensure_feed("https://a.example/rss")
    store.upsert_entries(feed, [entry("none", None), entry("dated", 1)], now=NOW)
    rows = {eid: t for eid, _f, _r, _s, t in store.entry_index()}
    by_key = {e.entry_key: e.id for e in store.list_entries()}
    assert rows[by_key["none"]] == midnight(local_datetime(NOW).date())
    assert [e.entry_key for e in store.list_entries()] == ["dated", "none"]


def test_the_window_query_walks_the_time_index_without_sorting(store: Store) -> None:
    flt = EntryFilter(window=TimeWindow(NOW - 86400, NOW, late_from=NOW - 2 * 86400), limit=5001)
    where, params = _where(flt)
    sql = f"EXPLAIN QUERY PLAN {_select_entries(False)}{where}{_order(flt)}"
    plan = " / ".join(row[3] for row in store._tuples(sql, params))
    assert "USING INDEX entries_by_time" in plan and "TEMP B-TREE" not in plan


def test_migration_2_drops_implausible_dates_and_refiles(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO feeds (id, url) VALUES (1, 'https://a.example/rss')")
    rows = [
        ("epoch", 0.0, NOW),  # 1970: a feed bug
        ("future", NOW + 86400, NOW),  # a day after it was seen
        ("fine", NOW - 3600, NOW),
        ("none", None, NOW),
    ]
    for key, published, seen in rows:
        db.execute(
            "INSERT INTO entries (feed_id, entry_key, published, first_seen, sort_time)"
            " VALUES (1, ?, ?, ?, ?)",
            (key, published, seen, published if published is not None else seen),
        )
    db.close()
    with Store(path) as store:
        entries = {e.entry_key: e for e in store.list_entries()}
        assert entries["fine"].published == NOW - 3600
        assert all(entries[k].undated for k in ("epoch", "future", "none"))
        times = {eid: t for eid, *_rest, t in store.entry_index()}
        assert times[entries["fine"].id] == NOW - 3600
        assert times[entries["none"].id] == midnight(local_datetime(NOW).date())
        assert int(store._scalar("PRAGMA user_version")) == len(MIGRATIONS)
