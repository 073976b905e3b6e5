"""The reader's cheap reads: the count row, list views from the covering index, the saved brief."""

from __future__ import annotations

import pytest

from briefterm.models import Brief, Cluster, Section
from briefterm.store import Store
from briefterm.tui.view_model import READ, STAR, View, build_entry_model
from tests.support.sql import raw_write
from tests.support.tui_data import NOW, fill_store


@pytest.fixture
def filled(store: Store) -> Store:
    fill_store(store)
    return store


def _scan(store: Store) -> tuple[int, int]:
    return store.unread_count_scan(), store.entry_count_scan()


def test_count_row_follows_inserts_marks_and_deletes(filled: Store) -> None:
    assert filled.counts() == _scan(filled) and filled.counts()[1] > 0
    ids = filled.entry_ids()
    filled.set_read(ids[:3])
    filled.set_read(ids[:1])  # already read: no change
    filled.set_starred(ids[3:5])  # stars do not move the unread count
    assert filled.counts() == _scan(filled)
    filled.set_read(ids[:2], False)
    assert filled.counts() == _scan(filled)
    feed_id = filled.list_entries()[0].feed_id
    with raw_write(filled) as db:
        db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))  # its entries go with it
    assert filled.counts() == _scan(filled)


def _reference(store: Store, view: View) -> list[tuple[int, int]]:
    """(id, flags) of a list view the slow way: one Python row per entry."""
    rows = store.entry_index(
        unread=True if view == View.UNREAD else None,
        starred=True if view == View.STARRED else None,
    )
    return [(eid, (READ if r else 0) | (STAR if s else 0)) for eid, _f, r, s, _t in rows]


@pytest.mark.parametrize("view", [View.ALL, View.UNREAD, View.STARRED])
def test_list_views_match_a_row_by_row_listing(filled: Store, view: View) -> None:
    ids = filled.entry_ids()
    filled.set_read(ids[::2])
    filled.set_starred(ids[1::3])
    model = build_entry_model(filled, view, now=NOW)
    rows = [(model.values[r], model.flags[r]) for r in range(len(model)) if model.is_item(r)]
    assert rows == _reference(filled, view)
    # Every day group holds exactly the entries of its day, in order.
    for group in model.groups:
        assert group.size > 0


def test_by_feed_keeps_each_feeds_entries_newest_first(filled: Store) -> None:
    model = build_entry_model(filled, View.FEEDS, now=NOW)
    reference = _reference(filled, View.ALL)
    order = {eid: n for n, (eid, _flags) in enumerate(reference)}
    for index in range(len(model.groups)):
        ids = model.group_entry_ids(index)
        assert ids == sorted(ids, key=order.__getitem__)
    assert sorted(model.item_ids(0, len(model))) == sorted(order)


def test_empty_cache_lists_nothing(store: Store) -> None:
    assert len(build_entry_model(store, View.ALL, now=NOW)) == 0
    assert len(build_entry_model(store, View.FEEDS, now=NOW)) == 0


def _brief(store: Store) -> Brief:
    entries = store.list_entries()
    return Brief(
        title="Morning brief",
        start=None,
        end=NOW,
        label="Sunday",
        key_stories=[Cluster(entries[0], entries[1:3])],
        sections=[
            Section(
                "Tech",
                [Cluster(entries[0], entries[1:3]), Cluster(entries[3])],
                hidden=[Cluster(entries[4]), Cluster(entries[5])],
            ),
            Section("Markets", [Cluster(entries[6])]),
        ],
    )


def _shape(brief: Brief) -> list[object]:
    return [
        [c.ids for c in brief.key_stories],
        [
            (s.name, [c.ids for c in s.clusters], [c.ids for c in s.hidden], s.hidden_count)
            for s in brief.sections
        ],
        brief.title,
        brief.label,
    ]


def test_saved_brief_comes_back_with_flags_read_now(filled: Store) -> None:
    brief = _brief(filled)
    filled.save_brief("live:None:x", brief)
    lead = brief.key_stories[0].lead.id
    filled.set_read([lead])
    again = filled.saved_brief("live:None:x")
    assert again is not None and _shape(again) == _shape(brief)
    assert again.key_stories[0].lead.read  # the mark made after saving shows
    assert filled.saved_brief("live:1.0:x") is None  # another edition: nothing saved


def test_saved_brief_drops_entries_gone_since(filled: Store) -> None:
    brief = _brief(filled)
    filled.save_brief("k", brief)
    gone = brief.sections[1].clusters[0].lead.id
    with raw_write(filled) as db:
        db.execute("DELETE FROM entries WHERE id = ?", (gone,))
    again = filled.saved_brief("k")
    assert again is not None and [s.name for s in again.sections] == ["Tech"]


def test_unreadable_saved_brief_is_ignored(filled: Store) -> None:
    with raw_write(filled) as db:
        db.execute("INSERT INTO saved_briefs (edition, saved_at, body) VALUES ('k', 0, '{oops')")
    assert filled.saved_brief("k") is None
    filled.save_brief("k", _brief(filled))
    assert filled.saved_brief("k") is not None


def test_saved_brief_without_hidden_keeps_the_counts_not_the_stories(filled: Store) -> None:
    brief = _brief(filled)
    filled.save_brief("k", brief)
    quick = filled.saved_brief("k", hidden=False)
    assert quick is not None
    assert [c.ids for c in quick.key_stories] == [c.ids for c in brief.key_stories]
    assert [(s.name, [c.ids for c in s.clusters], s.hidden_count) for s in quick.sections] == [
        (s.name, [c.ids for c in s.clusters], s.hidden_count) for s in brief.sections
    ]
    assert all(not s.hidden for s in quick.sections)
