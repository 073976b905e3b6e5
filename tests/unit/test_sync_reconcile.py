"""What the state step concludes from the server's lists (no server: the pure rules)."""

from __future__ import annotations

from briefterm.store._sync import SyncedCounts, SyncedEntry
from briefterm.sync.engine import SyncReport
from briefterm.sync.models import RemoteCounters, RemoteState
from briefterm.sync.reconcile import compare, plan


def entry(
    entry_id: int, *, read: bool = False, starred: bool = False, feed: str = "1", gone: bool = False
) -> SyncedEntry:
    return SyncedEntry(entry_id, str(100 + entry_id), feed, read, starred, gone)


def test_listed_ids_are_proof_and_missing_ones_are_asked_about() -> None:
    entries = [
        entry(1, read=True),  # unread there: listed, so unread here
        entry(2),  # not listed as unread: read there, or gone: ask
        entry(3, starred=True),  # not listed as starred: ask
        entry(4),  # starred there: listed, so starred here
        entry(5, read=True),  # agrees
    ]
    state = RemoteState(unread=frozenset({"101", "103", "104"}), starred=frozenset({"104"}))
    changes, doubtful = compare(entries, state, queued=set())
    assert changes == [(1, "read", False), (4, "starred", True)]
    assert [e.entry_id for e in doubtful] == [2, 3]


def test_only_covered_feeds_say_anything_of_read_and_queued_entries_are_left_alone() -> None:
    entries = [entry(1, feed="1"), entry(2, feed="2"), entry(3, read=True, feed="1")]
    state = RemoteState(unread=frozenset({"103"}), feeds=frozenset({"1"}))
    changes, doubtful = compare(entries, state, queued={3})
    assert changes == []  # entry 3 has a queued change: here is newer
    assert [e.entry_id for e in doubtful] == [1]  # entry 2's feed was not listed


def test_gone_entries_are_asked_about_only_when_listed_again() -> None:
    entries = [entry(1, gone=True, starred=True), entry(2, gone=True)]
    state = RemoteState(unread=frozenset({"102"}))
    changes, doubtful = compare(entries, state, queued=set())
    assert changes == [] and [e.entry_id for e in doubtful] == [2]


def test_the_summary_is_one_line() -> None:
    report = SyncReport(
        "tt-rss at rss.example.com",
        pushed=3,
        new=1200,
        from_server=1,
        gone=2,
        queued=1,
        seconds=2.04,
    )
    assert report.summary() == (
        "synced with tt-rss at rss.example.com: 3 changes pushed, 1,200 new entries,"
        " 1 flag from the server, 2 entries gone from the server (kept), 1 change still queued"
        " (2.0 s)"
    )


def counts(
    unread: dict[str, int], starred: dict[str, int], total: int, **unknown: set[str]
) -> SyncedCounts:
    return SyncedCounts(unread, starred, total, **unknown)


def test_equal_counters_list_nothing_and_differences_list_only_their_feeds() -> None:
    server = RemoteCounters({"1": 5, "2": 3}, 4, {"1": 2, "2": 1})  # 1 starred in the archive
    local = counts({"1": 5, "2": 3}, {"1": 2, "2": 1}, 4)
    assert plan(server, local) is None
    none: frozenset[str] = frozenset()
    assert plan(server, counts({"1": 4, "2": 3}, {"1": 2, "2": 1}, 4)) == (frozenset({"1"}), none)
    assert plan(server, counts({"1": 5, "2": 3}, {"1": 2}, 3)) == (none, frozenset({"2"}))
    # The archive (articles of no subscribed feed) differs: every starred id.
    assert plan(server, counts({"1": 5, "2": 3}, {"1": 2, "2": 1}, 3)) == (frozenset(), None)
    # Changes queued here while the sync ran: their feeds count as differing.
    queued = counts({"1": 5, "2": 3}, {"1": 2, "2": 1}, 4, unknown_unread={"2"})
    assert plan(server, queued) == (frozenset({"2"}), none)
    queued = counts({"1": 5, "2": 3}, {"1": 2, "2": 1}, 4, unknown_starred={""})
    assert plan(server, queued) == (frozenset(), None)


def test_without_counts_by_feed_the_starred_total_decides() -> None:
    total_only = RemoteCounters({"1": 5}, 2)
    assert plan(total_only, counts({"1": 5}, {"1": 2}, 2)) is None
    assert plan(total_only, counts({"1": 5}, {"1": 1}, 1)) == (frozenset(), None)
    freshrss = RemoteCounters({"feed/1": 5}, None)  # no starred count at all
    assert plan(freshrss, counts({"feed/1": 5}, {}, 0)) == (frozenset(), None)
