"""The reader's controllers driven without a screen: marking, copying, polling, the heap."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable

from briefterm.clipboard import NO_TOOL
from briefterm.config import Config, ExportConfig, UIConfig
from briefterm.models import Cluster
from briefterm.poller import FeedResult, PollReport
from briefterm.store import EntryFilter, Store
from briefterm.tui._copying import Copying, Severity
from briefterm.tui._heap import HeapSettler
from briefterm.tui._marking import Marking
from briefterm.tui._polling import Polling
from briefterm.tui.messages import PollProgress
from briefterm.tui.view_model import READ, FlagChanges, RowModel, View
from tests.support.sql import entry_ids
from tests.support.tui_data import NOW, make_config, pending


class FakeTimer:
    def __init__(self, delay: float, callback: Callable[[], None]) -> None:
        self.delay, self.callback, self.stopped = delay, callback, False

    def stop(self) -> None:
        self.stopped = True


class Host:
    """What the reader screen gives the marking controller, recorded."""

    def __init__(self, model: RowModel) -> None:
        self.model: RowModel | None = model
        self.opened_id: int | None = None
        self.opened_row: int | None = None
        self.timers: list[FakeTimer] = []
        self.changes: list[tuple[FlagChanges, int]] = []

    def set_timer(self, delay: float, callback: Callable[[], None]) -> FakeTimer:
        self.timers.append(FakeTimer(delay, callback))
        return self.timers[-1]

    def flags_changed(
        self, changes: FlagChanges, rows: Iterable[int] | None, unread_delta: int
    ) -> None:
        assert self.model is not None
        self.model.apply_flags(changes, rows)
        self.changes.append((changes, unread_delta))

    def tell(self, text: str, severity: Severity, timeout: float | None = None) -> None:
        raise AssertionError(f"unexpected message: {text}")


def entry_rows(store: Store) -> RowModel:
    model = RowModel(view=View.ALL, title="All")
    model.begin_group("Today")
    for entry in store.list_entries(EntryFilter()):
        model.add_entry(entry.id, entry.read, entry.starred)
    return model


def test_marks_undo_and_the_unread_count_change(store: Store) -> None:
    model = entry_rows(store)
    host = Host(model)
    marking = Marking(store, host, UIConfig(mark_read="never"))
    assert not marking.can_undo
    marking.toggle_row("read", 1)
    (eid,) = model.entry_ids(1)
    assert store.flags([eid])[eid] == (True, False) and host.changes[-1][1] == -1
    said = marking.toggle_ids("starred", model.entry_ids(2) + model.entry_ids(3))
    assert said == "Marked 2 selected stories starred. Press u to undo."
    assert host.changes[-1][1] == 0  # stars do not change the unread count
    said = marking.mark_group_read(1)
    assert said == f"Marked {model.groups[0].size} in “Today” read. Press u to undo."
    assert host.changes[-1][1] == -(model.groups[0].size - 1)  # one was read already
    assert marking.undo() and marking.undo() and marking.undo()
    assert host.changes[-1][1] == 1  # the first read, taken back
    assert not marking.undo() and not marking.can_undo
    assert all(
        not read and not starred for read, starred in store.flags(model.item_ids(0, 99)).values()
    )


def test_the_delayed_read_marks_only_the_story_still_open(store: Store) -> None:
    model = entry_rows(store)
    host = Host(model)
    marking = Marking(store, host, UIConfig(mark_read="after", mark_read_delay=3.0))
    lead = model.lead_id(1)
    assert lead is not None
    host.opened_id, host.opened_row = lead, 1
    marking.opened(1, lead)
    (timer,) = host.timers
    assert timer.delay == 3.0 and marking.read_timer is timer
    marking.cursor_moved(1)  # still on the story
    timer.callback()
    assert model.flags[1] & READ
    # Another story, then the cursor moves away: the timer is stopped.
    second = model.lead_id(2)
    assert second is not None
    host.opened_id, host.opened_row = second, 2
    marking.opened(2, second)
    marking.cursor_moved(3)
    assert host.timers[-1].stopped and not pending(marking)
    fired = host.timers[-1].callback
    fired()  # fired anyway (already due): nothing to mark
    assert not model.flags[2] & READ


class CopyHost:
    def __init__(self) -> None:
        self.terminal: list[str] = []
        self.told: list[tuple[str, Severity]] = []

    def send_to_terminal(self, text: str) -> None:
        self.terminal.append(text)

    def tell(self, text: str, severity: Severity, timeout: float) -> None:
        self.told.append((text, severity))

    def clock(self) -> float:
        return NOW


def test_copy_routes_and_reports(store: Store) -> None:
    ids = entry_ids(store, "budget", "rates")  # two stories (chip and chip-policy are one)
    host = CopyHost()
    native: list[str] = []

    def works(text: str) -> str:
        native.append(text)
        return ""

    Copying(store, make_config(), host, works).copy(ids, "links")
    assert host.terminal == native and len(native) == 1
    assert "https://news.example.com/" in native[0]
    assert host.told[-1][1] == "information"
    assert host.told[-1][0].startswith("Copied 2 stories as links to the clipboard (OSC 52 + ")

    osc52_only = Config(feeds=make_config().feeds, export=ExportConfig(clipboard="osc52"))
    Copying(store, osc52_only, host, works).copy([999_999], "md")
    assert host.told[-1] == ("Those stories are no longer in the cache.", "warning")

    def broken(text: str) -> str:
        raise OSError("the tool crashed")

    native_only = Config(feeds=make_config().feeds, export=ExportConfig(clipboard="native"))
    Copying(store, native_only, host, broken).copy(ids, "text")
    text, severity = host.told[-1]
    assert severity == "error" and NO_TOOL in text and text.startswith("Could not copy 2 stories")


class Posted:
    def __init__(self) -> None:
        self.messages: list[object] = []

    def post_message(self, message: object) -> bool:
        self.messages.append(message)
        return True


def test_poll_progress_counts_new_entries_once(store: Store) -> None:
    config = make_config()
    results = [
        FeedResult("https://a.example/feed", "A", "ok", new=2),
        FeedResult("https://b.example/feed", "B", "error", error="timed out"),
    ]

    def fake_poll(
        s: Store,
        c: Config,
        *,
        progress: Callable[[FeedResult], None] | None = None,
        force: bool = False,
        cancel: object = None,
    ) -> PollReport:
        assert progress is not None and force is True
        for result in results:
            progress(result)
        return PollReport(results=results)

    host = Posted()
    polling = Polling(store, config, host, fake_poll)
    assert polling.begin() and not polling.begin()  # one refresh at a time
    polling.run()
    progress = [m for m in host.messages if isinstance(m, PollProgress)]
    assert [(m.done, m.new) for m in progress] == [(1, 2), (2, 2)]
    # Coalesced: only the last progress arrives; its running total counts once.
    assert polling.progressed(progress[-1]) == ("polling 2/3 · 2 new", 2)
    assert polling.progressed(progress[-1])[1] == 0
    summary, severity = polling.finished(PollReport(results=results))
    assert summary == "2 new stories; 1 feed failed — B: timed out" and severity == "warning"
    assert not polling.running
    assert polling.finished(None, "Refresh failed: disk on fire.") == (
        "Refresh failed: disk on fire.",
        "error",
    )


def test_progress_messages_replace_each_other() -> None:
    first, second = PollProgress(1, 9, 0, "A"), PollProgress(2, 9, 1, "B")
    assert second.can_replace(first)


def test_the_frozen_heap_stays_bounded() -> None:
    settler = HeapSettler()
    settler.settle()  # the first load: the heap is frozen as it is
    base = gc.get_freeze_count()
    garbage = base // 2 + 1
    sizes = []
    try:
        for _ in range(8):
            keep: list[list[object]] = [[] for _ in range(garbage)]
            for cycle in keep:
                cycle.append(cycle)
            gc.collect(1)  # the cycles outlive the young collections: now they are old
            del keep, cycle  # old cyclic garbage, as a long session leaves behind
            settler.settle()
            sizes.append(gc.get_freeze_count())
    finally:
        gc.unfreeze()
    # Freezing without ever collecting would end near base + 8 * garbage (5 x base).
    assert max(sizes) <= 2 * base + garbage + 1000, (base, sizes)


def test_cluster_rows_mark_every_report(store: Store) -> None:
    entries = store.list_entries(EntryFilter())
    model = RowModel(view=View.BRIEF, title="Brief")
    model.begin_group("Key stories")
    model.add_cluster(Cluster(entries[0], entries[1:3]))
    host = Host(model)
    Marking(store, host, UIConfig()).toggle_row("read", 1)
    assert all(store.flags([e.id])[e.id][0] for e in entries[:3])
    assert host.changes[-1][1] == -3


def test_the_oldest_generation_is_collected_less_often_while_reading() -> None:
    from briefterm.tui._heap import OLD_THRESHOLD

    before = gc.get_threshold()
    try:
        HeapSettler().settle()
        assert gc.get_threshold() == (before[0], before[1], OLD_THRESHOLD)
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
