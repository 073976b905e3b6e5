"""The cache's sync bookkeeping: links to the server's ids, the change queue, server flags."""

from __future__ import annotations

import sqlite3

import pytest

from briefterm.models import ParsedEntry
from briefterm.store import Store
from briefterm.store._sync import IncomingEntry, RemoteFeedRow
from tests.support.sql import raw_write, rows

BASE = "https://rss.example.com/"


def link_feeds(store: Store, *rows_: RemoteFeedRow) -> dict[str, int]:
    return store.sync_remote_feeds(list(rows_), BASE)


def incoming(
    feed_id: int, remote_id: str, *, read: bool = False, starred: bool = False
) -> IncomingEntry:
    entry = ParsedEntry(remote_id, title=f"Story {remote_id}", summary="A report.")
    return IncomingEntry(remote_id, feed_id, entry, read, starred)


def stored(store: Store) -> dict[str, tuple[bool, bool]]:
    """Remote id → (read, starred) of every linked entry."""
    return {e.remote_id: (e.read, e.starred) for e in store.synced_entries()}


def local_id(store: Store, remote_id: str) -> int:
    (found,) = [e.entry_id for e in store.synced_entries() if e.remote_id == remote_id]
    return found


@pytest.fixture
def synced(store: Store) -> Store:
    """A cache with one server feed and three entries: 1 unread, 2 read, 3 starred."""
    feeds = link_feeds(store, RemoteFeedRow("42", "https://news.test/feed.xml", "News", "World"))
    store.store_remote_entries(
        [
            incoming(feeds["42"], "1"),
            incoming(feeds["42"], "2", read=True),
            incoming(feeds["42"], "3", starred=True),
        ],
        watermark="3",
    )
    return store


def test_entries_from_the_server_come_with_its_flags_and_the_watermark(synced: Store) -> None:
    assert stored(synced) == {"1": (False, False), "2": (True, False), "3": (False, True)}
    assert synced.get_meta("sync:watermark") == "3"
    counts = synced.synced_counts()
    assert (counts.unread, counts.starred, counts.starred_total) == ({"42": 2}, {"42": 1}, 1)
    assert counts.unknown_unread == counts.unknown_starred == set()
    (feed,) = synced.synced_feeds()
    assert (feed.remote_id, feed.title, feed.category, feed.subscribed) == (
        "42",
        "News",
        "World",
        True,
    )


def test_a_redelivered_entry_never_reverts_local_flags(synced: Store) -> None:
    one = local_id(synced, "1")
    synced.set_read([one])
    synced.sync_dequeue(c.seq for c in synced.sync_queue())  # as if pushed
    feed_id = synced.synced_feeds()[0].feed_id
    result = synced.store_remote_entries([incoming(feed_id, "1", read=False)])
    assert result.new == 0
    assert stored(synced)["1"] == (True, False)


def test_local_marks_are_queued_only_for_server_entries(synced: Store) -> None:
    own_feed = synced.ensure_feed("https://local.test/rss")
    synced.upsert_entries(own_feed, [ParsedEntry("mine", title="Polled here")])
    (mine,) = [e.id for e in synced.list_entries() if e.entry_key == "mine"]
    one, three = local_id(synced, "1"), local_id(synced, "3")
    assert synced.set_read([one, mine]) == 2
    assert synced.set_starred([three], False) == 1
    assert synced.set_read([local_id(synced, "2")]) == 0  # already read: nothing to push
    queue = {(c.remote_id, c.flag, c.value) for c in synced.sync_queue()}
    assert queue == {("1", "read", True), ("3", "starred", False)}


def test_the_queue_row_commits_with_the_flag_or_not_at_all(synced: Store) -> None:
    one = local_id(synced, "1")
    with raw_write(synced) as db:
        db.execute(
            "CREATE TRIGGER no_reads BEFORE UPDATE OF read ON entries"
            " BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    with pytest.raises(sqlite3.IntegrityError):
        synced.set_read([one])
    assert synced.sync_queue() == []
    assert stored(synced)["1"] == (False, False)


def test_a_second_change_replaces_the_first_and_survives_its_dequeue(synced: Store) -> None:
    one = local_id(synced, "1")
    synced.set_read([one])
    (first,) = synced.sync_queue()
    synced.set_read([one], False)  # changed again before the push was confirmed
    (second,) = synced.sync_queue()
    assert (second.value, second.seq > first.seq) == (False, True)
    assert synced.sync_dequeue([first.seq]) == 0  # the confirmation of the old push
    assert synced.sync_queue() == [second]
    assert synced.sync_dequeue([second.seq]) == 1
    assert synced.sync_queue_size() == 0


def test_server_flags_skip_queued_changes_and_are_not_queued(synced: Store) -> None:
    one, two, three = (local_id(synced, r) for r in "123")
    synced.set_starred([one])  # queued: the server cannot have seen it
    changed = synced.apply_remote_flags(
        [
            (one, "starred", False),
            (one, "read", True),
            (two, "read", False),
            (three, "starred", False),
        ]
    )
    assert changed == 3
    assert stored(synced) == {"1": (True, True), "2": (False, False), "3": (False, False)}
    assert [(c.remote_id, c.flag) for c in synced.sync_queue()] == [("1", "starred")]


def test_flags_changed_before_an_entry_was_linked_are_kept_and_queued(store: Store) -> None:
    # A sync stored the entry, then stopped before linking it; it was read here meanwhile.
    feeds = link_feeds(store, RemoteFeedRow("7", "https://a.test/feed", "A"))
    store.upsert_entries(feeds["7"], [ParsedEntry("70", title="Half stored")])
    (entry,) = store.list_entries()
    store.set_read([entry.id])  # not linked yet: nothing to queue
    assert store.sync_queue() == []
    result = store.store_remote_entries([incoming(feeds["7"], "70", starred=True)])
    assert result.kept_local == 1
    assert stored(store) == {"70": (True, True)}  # local read kept, server star taken
    assert [(c.flag, c.value) for c in store.sync_queue()] == [("read", True)]


def test_feeds_are_linked_by_id_then_url_and_dropped_ones_keep_entries(synced: Store) -> None:
    polled = synced.ensure_feed("https://polled.test/rss", "Polled")
    feeds = link_feeds(
        synced,
        RemoteFeedRow("43", "https://polled.test/rss", "Polled there", "Tech"),
        RemoteFeedRow("44", "", "No URL"),
        RemoteFeedRow("45", "https://polled.test/rss", "Same URL twice"),
    )
    assert feeds["43"] == polled
    by_remote = {f.remote_id: f for f in synced.synced_feeds(subscribed_only=False)}
    assert by_remote["44"].url == BASE + "#feed-44"
    assert by_remote["45"].url == BASE + "#feed-45"
    assert by_remote["43"].title == "Polled there"
    assert not by_remote["42"].subscribed  # the server dropped it
    assert len(synced.synced_entries()) == 3  # its entries stay
    assert synced.synced_counts().unread == {}  # and no longer count against the server's


def test_gone_entries_keep_flags_and_leave_the_counts(synced: Store) -> None:
    three = local_id(synced, "3")
    assert synced.mark_gone([three]) == 1
    counts = synced.synced_counts()
    assert (counts.unread, counts.starred_total) == ({"42": 1}, 0)  # it was unread and starred
    assert stored(synced)["3"] == (False, True)
    feed_id = synced.synced_feeds()[0].feed_id
    synced.store_remote_entries([incoming(feed_id, "3")])  # back on the server
    counts = synced.synced_counts()
    assert (counts.unread, counts.starred_total) == ({"42": 2}, 1)
    synced.set_read([local_id(synced, "1")])  # a change the server has not seen
    assert synced.synced_counts().unknown_unread == {"42"}
    synced.set_starred([local_id(synced, "1")])
    assert synced.synced_counts().unknown_starred == {"42"}


def test_another_account_starts_over(synced: Store) -> None:
    assert synced.begin_sync_account("ttrss https://rss.example.com/ me") == 0
    synced.set_read([local_id(synced, "1")])
    assert synced.begin_sync_account("ttrss https://rss.example.com/ me") == 0
    assert synced.begin_sync_account("greader https://other.test me") == 1
    assert synced.sync_queue() == [] and synced.synced_entries() == []
    assert synced.get_meta("sync:watermark") is None
    assert synced.entry_count() == 3  # the cache keeps the entries and their flags
    assert rows(synced, "SELECT count(*) FROM entries WHERE read = 1") == [(2,)]


def test_a_feed_first_seen_through_an_article_gets_its_url_later(store: Store) -> None:
    archive = store.ensure_remote_feed(RemoteFeedRow("9", "", "Feed 9"), BASE)
    (feed,) = store.synced_feeds(subscribed_only=False)
    assert (feed.url, feed.subscribed) == (BASE + "#feed-9", False)
    feeds = link_feeds(store, RemoteFeedRow("9", "https://nine.test/rss", "Nine", "News"))
    assert feeds["9"] == archive
    (feed,) = store.synced_feeds()
    assert (feed.url, feed.title, feed.category) == ("https://nine.test/rss", "Nine", "News")
