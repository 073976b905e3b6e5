"""Unit tests of the reader's view-model, selection and row rendering helpers."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from briefterm.models import Cluster
from briefterm.store import Store
from briefterm.timefmt import long_age, short_age
from briefterm.tui.selection import Selection
from briefterm.tui.view_model import (
    HEADER,
    READ,
    STAR,
    RowModel,
    View,
    build_entry_model,
    build_search_model,
)
from briefterm.tui.widgets.entry_list import fit
from tests.support.tui_data import NOW


def test_row_model_navigation_and_flags() -> None:
    model = RowModel(view=View.ALL, title="All")
    model.begin_group("Today")
    model.add_entry(10, read=True, starred=False)
    model.add_entry(11, read=False, starred=True)
    model.begin_group("Yesterday")
    model.add_entry(12, read=True, starred=False)
    model.add_entry(13, read=False, starred=False)
    assert len(model) == 6 and model.kinds[0] == HEADER
    assert model.group_index(4) == 1
    assert model.unread_in_group(0) == 1 and model.unread_in_group(1) == 1
    assert model.next_unread(0) == 2
    assert model.next_unread(2) == 5
    assert model.next_unread(5) is None
    assert model.next_unread(5, -1) == 2
    assert model.row_of_entry(12) == 4 and model.row_of_entry(1) is None
    assert model.group_entry_ids(1) == [12, 13]
    touched = model.apply_flags({13: (True, True)})
    assert touched == [5] and model.flags[5] == READ | STAR
    assert model.unread_in_group(1) == 0


def test_row_of_entry_ignores_group_indexes() -> None:
    model = RowModel(view=View.ALL, title="All")
    model.begin_group("A")
    model.begin_group("B")  # header value 1 must not match entry id 1
    model.add_entry(1, read=False, starred=False)
    assert model.row_of_entry(1) == 2


def test_entry_models_group_by_day_and_feed(store: Store) -> None:
    model = build_entry_model(store, View.ALL, now=NOW)
    assert [g.name for g in model.groups] == ["Today", "Yesterday"]
    assert len(model) - len(model.groups) == 11
    feeds = build_entry_model(store, View.FEEDS, now=NOW)
    assert [g.name for g in feeds.groups] == ["Market Watch", "Policy Wire", "Tech Daily"]
    ids = feeds.group_entry_ids(2)
    store.set_read(ids, True)
    unread = build_entry_model(store, View.UNREAD, now=NOW)
    assert len(unread) - len(unread.groups) == 5
    search = build_search_model(store, "芯片")
    assert search.groups[0].size == 1


def test_cluster_flags_follow_members(store: Store) -> None:
    entries = store.list_entries()
    model = RowModel(view=View.BRIEF, title="Brief")
    model.begin_group("Key")
    model.add_cluster(Cluster(entries[0], entries[1:3]))
    assert model.flags[1] == 0
    model.apply_flags({entries[0].id: (True, False)})
    assert model.flags[1] == 0  # not all members read yet
    model.apply_flags({e.id: (True, False) for e in entries[:3]})
    assert model.flags[1] == READ


@pytest.mark.parametrize(
    "text",
    ["plain headline", "国产芯片出货量创新高，华为发布新机", "emoji 🚀👩‍🚀 mix", "x" * 20_000],
)
def test_fit_is_exact_cell_width(text: str) -> None:
    for width in (1, 5, 17, 40):
        out = fit(text, width)
        assert cell_len(out) == width
        if cell_len(text) > width:
            assert out.rstrip().endswith("…")


def test_ages() -> None:
    assert short_age(NOW - 30, NOW) == "now"
    assert short_age(NOW - 5 * 60, NOW) == "5m"
    assert short_age(NOW - 3 * 3600, NOW) == "3h"
    assert short_age(NOW - 2 * 86400, NOW) == "2d"
    assert long_age(NOW - 3 * 3600, NOW) == "3 h ago"
    assert long_age(NOW - 86400, NOW) == "1 day ago"


# -- selection, copying, attribution ---------------------------------------------------


def _model_with_cluster() -> RowModel:
    from briefterm.models import Entry

    def entry(i: int) -> Entry:
        return Entry(i, 1, "u", "Feed", f"k{i}", f"T{i}", "", "", "", NOW, None, NOW)

    model = RowModel(view=View.BRIEF, title="Brief")
    model.begin_group("Key")
    model.add_cluster(Cluster(entry(1), [entry(2), entry(3)]))
    model.begin_group("Other")
    model.add_entry(4, read=False, starred=False)
    model.add_entry(5, read=False, starred=False)
    return model


def test_section_jumps() -> None:
    model = _model_with_cluster()  # Key: the cluster (row 1); Other: rows 3 and 4
    model.begin_group("Empty")
    model.begin_group("Last")
    model.add_entry(6, read=False, starred=False)
    assert model.group_first_row(1) == 3 and model.group_first_row(2) is None
    assert model.group_first_row(9) is None
    assert model.next_group(1) == 1 and model.next_group(3) == 3  # the empty group is skipped
    assert model.next_group(7) is None
    assert model.previous_group(4) == 1  # below the first story: the top of this section
    assert model.previous_group(3) == 0  # at the top: the previous section
    assert model.previous_group(7) == 1  # the empty one is skipped
    assert model.previous_group(1) is None


def test_item_ids_skip_headers_and_expand_clusters() -> None:
    model = _model_with_cluster()
    assert model.item_ids(0, len(model)) == [1, 2, 3, 4, 5]
    assert model.item_ids(2, 4) == [4]
    assert model.item_ids(-5, 100) == [1, 2, 3, 4, 5]


def drawing(sel: Selection) -> bool:
    """Whether a range is being drawn (a call: a type checker does not keep it narrowed)."""
    return sel.range_active


def test_selection_toggle_ranges_and_states() -> None:
    from briefterm.tui.selection import FULL, NONE, PARTIAL

    model = _model_with_cluster()
    sel = Selection()
    assert not sel and sel.state([1, 2, 3]) == NONE
    assert sel.toggle([1, 2, 3]) is True
    assert sel.state([1, 2, 3]) == FULL and len(sel) == 3
    sel.set([2], False)
    assert sel.state([1, 2, 3]) == PARTIAL
    assert sel.toggle([1, 2, 3]) is True  # partial → all
    assert sel.toggle([1, 2, 3]) is False and not sel
    sel.toggle([5])
    sel.start_range(4, sticky=True)  # anchored on entry 5's row, extended up to the cluster
    sel.extend_to(model, 1)
    assert sel.ids == {1, 2, 3, 4, 5} and drawing(sel)
    sel.extend_to(model, 3)  # shrinking the range keeps what was selected before it
    assert sel.ids == {4, 5}
    sel.end_range()
    assert not drawing(sel) and sel.ids == {4, 5}
    assert sel.clear() == 2 and not sel


def test_selection_label_names_days() -> None:
    from briefterm.models import Entry
    from briefterm.tui.selection import selection_label

    def at(ts: float) -> Entry:
        return Entry(1, 1, "u", "F", "k", "T", "", "", "", ts, None, ts)

    one_day = selection_label([at(NOW), at(NOW - 60)])
    assert one_day.endswith("November 2026") and "–" not in one_day
    assert "–" in selection_label([at(NOW), at(NOW - 3 * 86400)])
    assert selection_label([]) == ""


def test_also_in_names_publisher_via_feed() -> None:
    from briefterm.models import Entry
    from briefterm.tui.widgets.detail import attribution, attribution_text, outlet

    lead = Entry(1, 1, "u", "Tech Daily", "a", "T", "https://a.example/1", "", "", NOW, None, NOW)
    wire = Entry(2, 2, "w", "Wire Feed", "b", "T", "https://b.example/2", "", "", NOW, None, NOW)
    wire.source_title = "Reuters"
    same = Entry(3, 3, "s", "Policy Wire", "c", "T", "", "", "", NOW, None, NOW)
    assert outlet(wire) == "Reuters via Wire Feed" and outlet(same) == "Policy Wire"
    text = attribution_text(attribution(lead, [wire, same], NOW))
    assert "Reuters via Wire Feed, Policy Wire" in text
    assert "https://" not in text  # links are in the story's numbered list
