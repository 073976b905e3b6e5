"""The reader's state, layout and view loading: what the reader screen shows.

:class:`ReaderBase` composes the panes and loads views off the UI thread (a
worker posts :class:`ViewLoaded`), so the first paint never waits for a
brief over a large cache. Everything it shows is read through its own
read-only connection (``Store.reader``), so a poll writing through the main
store never stalls it; marks go to the main store and into the row model,
and only the changed rows are repainted. It hosts the controllers
(``tui/_marking.py``, ``_copying.py``, ``_polling.py``) and runs their
workers. What keys and messages do is :class:`~briefterm.tui.screens.reader.ReaderScreen`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual import getters, on, work
from textual.app import ComposeResult
from textual.containers import Container, Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker

from briefterm.config import Config
from briefterm.store import Store, StoreError
from briefterm.tui._copying import Copying, NativeCopier, Severity
from briefterm.tui._full_text import FullTexts
from briefterm.tui._heap import HeapSettler
from briefterm.tui._marking import Marking
from briefterm.tui._polling import ConfigLoader, PollFn, Polling
from briefterm.tui._view_loading import ViewBuilder
from briefterm.tui.messages import Counted, SendToTerminalClipboard, ViewLoaded
from briefterm.tui.selection import Selection
from briefterm.tui.story_text import others_count
from briefterm.tui.view_model import (
    VIEW_TITLES,
    BriefLoader,
    FlagChanges,
    RowModel,
    View,
    build_search_model,
)
from briefterm.tui.widgets import (
    DetailPane,
    EntryList,
    SearchBar,
    SectionList,
    SectionRow,
    SelectionStatus,
    TitleBar,
)

if TYPE_CHECKING:
    from briefterm.models import Brief
    from briefterm.poller import PollReport

ROOMY_WIDTH = 140
"""Columns from which the section list stays beside an open story."""
TALL_HEIGHT = 30
"""Lines from which the stacked (narrow) layout shows the section strip."""


def _read_connection(store: Store) -> Store:
    """A read-only connection beside ``store`` (``store`` itself for ":memory:")."""
    try:
        return store.reader()
    except StoreError:  # still readable through the writer's connection
        return store


class ReaderBase(Screen[None]):
    """The reader's state and panes; see the module docstring."""

    poll_status: reactive[str] = reactive("", bindings=True)
    """The running refresh's progress ("" when none runs); ``r`` is dimmed meanwhile."""

    title_bar = getters.query_one("#titlebar", TitleBar)
    entries = getters.query_one("#entries", EntryList)
    sections = getters.query_one("#sections", SectionList)
    detail = getters.query_one("#detail", DetailPane)
    search_bar = getters.query_one("#search", SearchBar)
    panes = getters.query_one("#panes", Container)
    selection_status = getters.query_one("#selection-status", SelectionStatus)

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        clock: Callable[[], float] = time.time,
        brief_loader: BriefLoader,
        poller: PollFn | None,
        opener: Callable[[str, str], object],
        native_copier: NativeCopier,
        config_loader: ConfigLoader | None = None,
    ) -> None:
        super().__init__()
        # The wide layout's width comes from the config: set per screen.
        # From ROOMY_WIDTH on, the sections stay beside a story being read.
        wide = config.ui.wide_layout_min_width
        self.HORIZONTAL_BREAKPOINTS = [
            (0, "-narrow"),
            (wide, "-wide"),
            *([(ROOMY_WIDTH, "-roomy")] if wide < ROOMY_WIDTH else []),
        ]
        # A short terminal hides the stacked section strip: every line is a story.
        self.VERTICAL_BREAKPOINTS = [(0, "-short"), (TALL_HEIGHT, "-tall")]
        self.config = config
        self.store = store  # writes: marks, finishing a brief (the poller writes through it)
        self.reads = _read_connection(store)  # what the screen shows is read through this
        self.clock = clock
        self.brief_loader = brief_loader
        self.opener = opener
        # Entry ids, not rows: the selection survives views, editions and searches.
        self.selection = Selection()
        self.view = View.BRIEF
        self.previous_view = View.BRIEF
        self.edition_offset = 0
        self.model: RowModel | None = None
        self.opened_id: int | None = None
        self.opened_row: int | None = None
        self.search_text = ""
        self.marking = Marking(store, self, config.ui)
        self.copying = Copying(self.reads, config, self, native_copier)
        self.polling = Polling(store, config, self, poller, config_loader)
        self._heap = HeapSettler()
        self._load_token = 0
        self._view_worker: Worker[None] | None = None
        self._quick_painted = threading.Event()  # the saved brief is on screen
        self._search_reads: Store | None = None  # opened by the first search
        self._count_generation = 0  # local count changes so far (marks, new entries)
        self._could_undo = False  # what the bindings were last refreshed for

    def compose(self) -> ComposeResult:
        yield TitleBar(id="titlebar").data_bind(ReaderBase.poll_status)
        with Container(id="panes"):
            yield SectionList(id="sections")
            yield EntryList(
                self.reads.entries_by_ids, clock=self.clock, selection=self.selection, id="entries"
            )
            full_texts = FullTexts(self.store, self.reads, self.config, clock=self.clock)
            yield DetailPane(clock=self.clock, full_texts=full_texts, id="detail")
        yield SearchBar(id="search")
        with Horizontal(id="statusbar"):
            yield SelectionStatus(id="selection-status")
            yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title_bar.view_name = VIEW_TITLES[self.view]
        self.entries.focus()
        self.load_view()
        if self.polling.every:  # [sync] interval: sync in the background while open
            self.set_interval(self.polling.every, partial(self.run_action, "poll"))

    def on_unmount(self) -> None:
        self._quick_painted.set()  # a brief worker waiting for a paint stops waiting
        # The poll thread would otherwise keep the process alive until every
        # feed answered or timed out.
        self.polling.stop()
        if self.reads is not self.store:
            self.reads.close()
        if self._search_reads is not None and self._search_reads is not self.store:
            self._search_reads.close()

    # -- loading views and counts --------------------------------------------------

    def load_view(self, keep_entry: int | None = None) -> None:
        """Rebuild the current view in a worker; keep ``keep_entry`` under the cursor."""
        self._load_token += 1
        self.entries.deferred.clear()  # moves kept for the view being replaced
        query = self.search_text
        if self._search_reads is not None and self._search_reads is not self.store:
            # A search still running is for text the user has changed since.
            self._search_reads.interrupt()
        self._view_worker = self._build_view(
            self.view, self.edition_offset, query, self._load_token, keep_entry
        )
        self.recount()

    @work(thread=True, exclusive=True, group="load-view", exit_on_error=False)
    def _build_view(
        self, view: View, offset: int, query: str, token: int, keep_entry: int | None
    ) -> None:
        if view == View.SEARCH:
            model = build_search_model(self._searcher(), query)
            self.post_message(ViewLoaded(model, token, keep_entry))
            return

        def post(model: RowModel, quick: bool, keep_cursor: bool) -> None:
            self.post_message(
                ViewLoaded(model, token, keep_entry, keep_cursor=keep_cursor, quick=quick)
            )

        builder = ViewBuilder(
            self.reads, self.store, self.config, self.brief_loader, post, self._quick_painted
        )
        if view == View.BRIEF:
            builder.brief(offset, self.clock())
        else:  # a reload that keeps an entry shows it at once, where it is
            builder.entries(view, self.clock(), quick=keep_entry is None)

    def _searcher(self) -> Store:
        """The connection searches run on: their own, so a long one never holds the
        lock the UI's row loads take on ``reads`` (typing stays live at 1M entries)."""
        if self._search_reads is None:
            self._search_reads = _read_connection(self.store)
        return self._search_reads

    @on(ViewLoaded)
    def _on_view_loaded(self, message: ViewLoaded) -> None:
        if message.quick:  # the worker may build the fresh brief once this is painted
            self.call_after_refresh(self._quick_painted.set)
        if message.token != self._load_token:  # a later request supersedes this one
            return
        keep = message.keep_entry
        old, row = self.model, self.entries.cursor
        if message.keep_cursor and old is not None and row >= 0:
            # The whole view replaces its quick version: the cursor stays on
            # the same story in the same group (a key story is listed twice).
            keep = old.lead_id(row)
            group = old.groups[old.group_index(row)].name
            self._apply_model(message.model, keep, same_rows=old.prefix)
            if keep is not None:
                self._move_into_group(group, keep)
            deferred, self.entries.deferred = self.entries.deferred, []
            for action in deferred:  # moves past the quick version's end, in order
                action()
            return
        self._apply_model(message.model, keep)

    def _move_into_group(self, name: str, entry_id: int) -> None:
        """Put the cursor on ``entry_id``'s row inside the group ``name``, if it has one."""
        model = self.model
        if model is None:
            return
        group = next((g for g in model.groups if g.name == name), None)
        if group is None:
            return
        for row in range(group.header_row + 1, group.end_row):
            if model.lead_id(row) == entry_id:
                if row != self.entries.cursor:
                    self.entries.move_to(row)
                return

    def _apply_model(
        self, model: RowModel, keep_entry: int | None, *, same_rows: bool = False
    ) -> None:
        entries = self.entries
        offset = entries.cursor - int(entries.scroll_y) if entries.cursor >= 0 else 0
        if self.selection.range_active and not same_rows:  # same_rows: the old ones, and more
            # A range is anchored on a row of the old view: keep what it covered.
            self.selection.end_range()
            self._selection_changed()
        self.model = model
        entries.empty_message = self._empty_message()
        entries.set_model(model, keep_entry)
        if keep_entry is not None and entries.cursor >= 0:
            # Keep the selected row at the same height on screen.
            entries.scroll_to(y=max(0, entries.cursor - offset), animate=False, immediate=True)
        current = model.group_index(entries.cursor) if entries.cursor >= 0 else 0
        self.sections.set_rows(
            [
                SectionRow(g.name, model.unread_in_group(i), g.size)
                for i, g in enumerate(model.groups)
            ],
            max(current, 0),
        )
        self._selection_changed()  # the same ids may be more or fewer stories here
        self._follow_or_close()
        bar = self.title_bar
        bar.view_name = VIEW_TITLES[model.view]
        bar.heading = model.title if model.view == View.BRIEF else ""
        bar.label = model.label
        self._heap.settle()

    def _empty_message(self) -> str:
        if not self.config.feeds:
            return "No feeds yet: quit, then `briefterm add URL` (or try `briefterm demo`)."
        if self.view == View.SEARCH:
            return "No matches. Edit the search, or press esc to go back."
        if self.view == View.BRIEF:
            return "This edition is empty. Press r to poll, [ for the day before, v for views."
        return "Nothing here. Press r to poll your feeds, or v to switch views."

    def recount(self) -> None:
        """Count unread and all entries again, off the UI thread."""
        self._count_worker(self._count_generation)

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def _count_worker(self, generation: int) -> None:
        unread, total = self.reads.counts()  # counter rows: no scan
        self.post_message(Counted(unread, total, generation))

    @on(Counted)
    def _on_counted(self, message: Counted) -> None:
        if message.generation != self._count_generation:
            self.recount()  # marks or new entries landed while it counted
            return
        self.title_bar.unread, self.title_bar.total = message.unread, message.total

    def _counts_changed(self, unread: int, total: int = 0) -> None:
        self._count_generation += 1
        self.title_bar.adjust_counts(unread, total)

    # -- hosting the controllers ----------------------------------------------------

    def flags_changed(
        self, changes: FlagChanges, rows: Iterable[int] | None, unread_delta: int
    ) -> None:
        """Entries were marked: update the rows, the section and title bar counts."""
        model = self.model
        if model is None:
            return
        touched = model.apply_flags(changes, rows)
        self.entries.refresh_rows(touched)
        groups = {model.group_index(r) for r in touched}
        self.sections.update_counts({g: model.unread_in_group(g) for g in groups if g >= 0})
        self._counts_changed(unread_delta)
        if self.marking.can_undo != self._could_undo:
            # "undo" applies now, or no more. Only then: it rebuilds the footer.
            self._could_undo = self.marking.can_undo
            self.refresh_bindings()

    def send_to_terminal(self, text: str) -> None:
        """Copy with OSC 52 (from any thread: posted to the UI thread)."""
        self.post_message(SendToTerminalClipboard(text))

    def tell(self, text: str, severity: Severity, timeout: float | None = None) -> None:
        """Notify (from any thread); the text is never markup: it carries feed names."""
        self.notify(text, severity=severity, timeout=timeout, markup=False)

    # -- helpers of the actions ---------------------------------------------------

    def open_row(self, row: int, *, focus: bool = True) -> None:
        """Show the story on ``row`` in the detail pane and apply the read policy."""
        model = self.model
        if model is None or not model.is_item(row):
            return
        lead = model.lead_id(row)
        entry = self.reads.get_entry(lead) if lead is not None else None
        if entry is None:
            self.tell("That entry is no longer in the cache.", "warning")
            return
        cluster = model.cluster_at(row)
        self.opened_id, self.opened_row = entry.id, row
        others = others_count(cluster) if cluster else 0
        self.detail.show(entry, cluster.others if cluster else [], others)
        self._set_reading(True)
        if focus:
            self.detail.focus()
        self.marking.opened(row, entry.id)

    def _set_reading(self, reading: bool) -> None:
        self.panes.set_class(reading, "-reading")
        if not reading:
            self.opened_id = self.opened_row = None
            self.detail.clear()

    def close_story(self) -> None:
        """Hide the story pane (the list gets the width back) and return to the list."""
        self.marking.cancel_read_timer()
        refocus = self.focused is self.detail
        self._set_reading(False)
        if refocus or self.focused is None:
            self.entries.focus()

    def _follow_or_close(self) -> None:
        """Keep the pane on the story under the cursor: follow it, or close when there is none.

        The pane never shows a story other than the cursor's: after a new
        view, edition or search the same story is kept if it is still under
        the cursor; otherwise the pane closes.
        """
        model = self.model
        if self.opened_id is None or model is None:
            return
        row = self.entries.cursor
        if model.is_item(row) and model.lead_id(row) == self.opened_id:
            self.opened_row = row
        else:
            self.close_story()

    def _reading(self) -> bool:
        """True while a story is open in the story pane (which is shown only then)."""
        return self.panes.has_class("-reading")

    def _goto_group(self, index: int | None) -> None:
        """Put the cursor on the first story of group ``index``, its header at the top."""
        model = self.model
        row = model.group_first_row(index) if model is not None and index is not None else None
        if model is not None and index is not None and row is not None:
            self.entries.move_to(row)
            self.entries.scroll_to(y=model.groups[index].header_row, animate=False, immediate=True)

    def _selection_changed(self, changed: Iterable[int] | None = None) -> None:
        """Repaint what the selection change touched (``changed`` entry ids; None: all)."""
        if changed is None:
            self.entries.refresh()
        else:
            self.entries.refresh_ids(changed)
        self.selection_status.count = self.selected_stories()
        self.selection_status.drawing_range = self.selection.range_active

    def selected_stories(self) -> int:
        """How many stories are selected, counted as the current view shows them."""
        if not self.selection:
            return 0
        model = self.model
        ids = self.selection.ids
        return model.count_stories(ids) if model is not None else len(ids)

    def _export_ids(self) -> list[int]:
        """The entries to copy: the selection, else the story being read or under the cursor."""
        if self.selection:
            return sorted(self.selection.ids)
        model, row = self.model, self.entries.cursor
        if self.focused is self.detail and self.opened_id is not None and model is not None:
            opened = model.row_of_entry(self.opened_id)
            return model.entry_ids(opened) if opened is not None else [self.opened_id]
        if model is None or not model.is_item(row):
            return []
        return model.entry_ids(row)

    def _open_url(self, url: str) -> None:
        from briefterm.urls import safe_url

        if not url.strip():
            self.tell("This story has no link.", "warning")
            return
        if not safe_url(url):
            self.tell("Only http and https links can be opened; this one was refused.", "warning")
            return
        self._open_in_worker(url)

    def _run_search(self, text: str) -> None:
        self.search_text = text.strip()
        if not self.search_text:
            if self.view == View.SEARCH:  # an emptied box shows the view it came from
                self.view = self.previous_view
                self.load_view()
            return
        self.view = View.SEARCH
        self.load_view()

    def show_view(self, view: View) -> None:
        """Switch to ``view`` (closing the search box) and load it."""
        self.search_bar.close()
        self.view = view
        self.entries.empty_message = "Loading…"
        self.load_view()
        self.refresh_bindings()  # "next edition" depends on the view and the edition

    def _close_search(self) -> None:
        self.search_bar.close()
        self.entries.focus()
        if self.view == View.SEARCH:
            self.show_view(self.previous_view)

    # -- controllers' workers -----------------------------------------------------

    @work(thread=True, group="copy", exit_on_error=False)
    def _copy_worker(self, ids: list[int], fmt: str, shown: Brief | None = None) -> None:
        self.copying.copy(ids, fmt, shown)

    @work(thread=True, group="browser", exit_on_error=False)
    def _open_in_worker(self, url: str) -> None:
        # webbrowser may wait for a slow helper; keep it off the UI thread.
        self.opener(url, self.config.browser)

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll_worker(self) -> None:
        self.polling.run()

    def _poll_done(self, report: PollReport | None, error: str = "") -> None:
        """A refresh ended (``report`` None: it failed): say so, reload keeping the cursor."""
        self.poll_status = ""
        summary, severity = self.polling.finished(report, error)
        self.tell(summary, severity, 4 if report is not None else None)
        keep = self.model.lead_id(self.entries.cursor) if self.model else None
        self.load_view(keep_entry=keep)
