"""The briefterm reader: sections | entries | detail, keyboard first.

Views are built off the UI thread (a worker posts :class:`ViewLoaded`), so
the first paint never waits for a brief over a large cache. User state goes
straight to the store and into the row model, and only the changed rows are
repainted.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Markdown, Static

from briefterm import links
from briefterm.clipboard import native_copy
from briefterm.config_types import Config
from briefterm.store import Store
from briefterm.tui.commands import READER_COMMANDS
from briefterm.tui.copying import CopyOutcome, native_tool_name, osc52_fits
from briefterm.tui.messages import (
    Notice,
    PollFinished,
    PollProgress,
    SendToTerminalClipboard,
    ViewFailed,
    ViewLoaded,
)
from briefterm.tui.rows import (
    READ,
    STAR,
    VIEW_BRIEF,
    VIEW_SEARCH,
    VIEW_TITLES,
    VIEWS,
    BriefLoader,
    RowModel,
    build_brief_model,
    build_entry_model,
    build_search_model,
    load_brief,
)
from briefterm.tui.screens.export import FORMAT_NAMES, ExportChooser
from briefterm.tui.screens.help import HelpScreen, help_table
from briefterm.tui.selection import Selection, selection_label
from briefterm.tui.widgets.base_list import CursorList
from briefterm.tui.widgets.detail import DetailPane
from briefterm.tui.widgets.entry_list import EntryList
from briefterm.tui.widgets.section_list import SectionList, SectionRow

UNDO_DEPTH = 100


class TitleBar(Static):
    """The top line: view, edition, counts, poll progress."""

    DEFAULT_CSS = """
    TitleBar { height: 1; width: 1fr; background: $panel; color: $foreground; padding: 0 1; }
    """


class SelectionStatus(Static):
    """ "12 selected" on the left of the footer; hidden while nothing is selected."""

    DEFAULT_CSS = """
    SelectionStatus {
        width: auto; height: 1; padding: 0 1;
        background: $accent; color: $text; text-style: bold;
    }
    """

    def show_count(self, count: int, drawing_range: bool) -> None:
        """Show ``count`` selected entries (and whether a range is being drawn)."""
        text = f"{count} selected"
        if drawing_range:
            text += " · range"
        self.update(Text(text))
        self.display = bool(count) or drawing_range


# Textual's own tab / shift+tab / ctrl+p bindings have no ids, so [keymap]
# could not move them; these give the same actions remappable ids (Textual's
# originals keep working alongside).
PANE_BINDINGS: list[Binding] = [
    Binding("tab", "focus_next", "Next pane", show=False, id="focus_next"),
    Binding("shift+tab", "focus_previous", "Previous pane", show=False, id="focus_previous"),
    Binding(
        "ctrl+p",
        "command_palette",
        "palette",
        show=False,
        id="command_palette",
        tooltip="Open the command palette: every action, searchable",
    ),
]


class BriefApp(App[int]):
    """The reader. ``clock`` and ``brief_loader`` are injectable for tests."""

    TITLE = "briefterm"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "q",
            "quit",
            "Quit",
            id="quit",
            tooltip="Quit briefterm",
        ),
        Binding(
            "question_mark",
            "help",
            "Keys",
            id="help",
            tooltip="Show this list of keys",
        ),
        Binding(
            "n",
            "next_unread",
            "Next unread",
            id="next_unread",
            tooltip="Next unread story, across sections",
        ),
        Binding(
            "p",
            "prev_unread",
            "Prev unread",
            show=False,
            id="prev_unread",
            tooltip="Previous unread story, across sections",
        ),
        Binding(
            "J",
            "next_section",
            "Next section",
            show=False,
            id="next_section",
            tooltip="Jump to the next section",
        ),
        Binding(
            "K",
            "prev_section",
            "Prev section",
            show=False,
            id="prev_section",
            tooltip="Jump to the previous section",
        ),
        Binding(
            "h",
            "back",
            "Back",
            show=False,
            id="back",
            tooltip="Close the story pane / go back",
        ),
        Binding(
            "escape",
            "clear_or_back",
            "Clear selection / back",
            show=False,
            id="clear_selection",
            tooltip="Clear the selection; without one, go back (like h)",
        ),
        Binding(
            "o",
            "open_link",
            "Browser",
            id="open_link",
            tooltip="Open the story's link in the browser (http(s) only, no shell)",
        ),
        Binding(
            "m",
            "toggle_read",
            "Read",
            id="toggle_read",
            tooltip="Toggle read: the story, or every selected story",
        ),
        Binding(
            "s",
            "toggle_star",
            "Star",
            id="toggle_star",
            tooltip="Toggle star: the story, or every selected story",
        ),
        Binding(
            "A",
            "mark_section_read",
            "Section read",
            show=False,
            id="mark_section_read",
            tooltip="Mark every story of the section read",
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            show=False,
            id="undo",
            tooltip="Undo the last marking",
        ),
        Binding(
            "r",
            "poll",
            "Refresh",
            id="poll",
            tooltip="Poll every feed now, in the background",
        ),
        Binding(
            "slash",
            "search",
            "Search",
            id="search",
            tooltip="Search titles, summaries and authors",
        ),
        Binding(
            "v",
            "cycle_view",
            "View",
            id="cycle_view",
            tooltip="Next view: Brief, Unread, Starred, All, By feed",
        ),
        Binding(
            "1",
            "set_view('brief')",
            "Brief",
            show=False,
            id="view_brief",
            tooltip="Brief: key stories, then sections",
        ),
        Binding(
            "2",
            "set_view('unread')",
            "Unread",
            show=False,
            id="view_unread",
            tooltip="Unread stories by day",
        ),
        Binding(
            "3",
            "set_view('starred')",
            "Starred",
            show=False,
            id="view_starred",
            tooltip="Starred stories by day",
        ),
        Binding(
            "4",
            "set_view('all')",
            "All",
            show=False,
            id="view_all",
            tooltip="All stories by day",
        ),
        Binding(
            "5",
            "set_view('feeds')",
            "By feed",
            show=False,
            id="view_feeds",
            tooltip="Stories grouped by feed",
        ),
        Binding(
            "left_square_bracket",
            "edition(-1)",
            "Prev day",
            show=False,
            id="prev_edition",
            tooltip="The previous day's edition",
        ),
        Binding(
            "right_square_bracket",
            "edition(1)",
            "Next day",
            show=False,
            id="next_edition",
            tooltip="The next day's edition",
        ),
        Binding(
            "F",
            "finish_brief",
            "Finish brief",
            show=False,
            id="finish_brief",
            tooltip="Finish this brief: the next edition starts now",
        ),
        Binding(
            "space",
            "toggle_select",
            "Select",
            show=False,
            id="toggle_select",
            tooltip="Select or deselect the story, then move down",
        ),
        Binding(
            "V",
            "select_range",
            "Range select",
            show=False,
            id="select_range",
            tooltip="Start a range at the cursor (moving extends it); V again ends it",
        ),
        Binding(
            "shift+down",
            "extend(1)",
            "Extend down",
            show=False,
            id="extend_down",
            tooltip="Extend the selection down",
        ),
        Binding(
            "shift+up",
            "extend(-1)",
            "Extend up",
            show=False,
            id="extend_up",
            tooltip="Extend the selection up",
        ),
        Binding(
            "asterisk",
            "select_section",
            "Select section",
            show=False,
            id="select_section",
            tooltip="Select every story of the current section (again: deselect)",
        ),
        Binding(
            "y",
            "copy",
            "Copy",
            id="copy",
            tooltip="Copy the selection (or the story) in the default format",
        ),
        Binding(
            "Y",
            "copy_as",
            "Copy as…",
            show=False,
            id="copy_as",
            tooltip="Copy as Markdown, plain text, links or JSON",
        ),
        *PANE_BINDINGS,
    ]

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        clock: Callable[[], float] = time.time,
        brief_loader: BriefLoader = load_brief,
        poller: Callable[..., object] | None = None,
        opener: Callable[[str, str], object] = links.open_link,
        native_copier: Callable[[str], bool] = native_copy,
    ) -> None:
        super().__init__()
        self.config = config
        self.store = store
        self.clock = clock
        self.brief_loader = brief_loader
        self.poller = poller
        self.opener = opener
        self.native_copier = native_copier
        # Entry ids, not rows: the selection survives views, editions and searches.
        self.selection = Selection()
        self.view = VIEW_BRIEF
        self.previous_view = VIEW_BRIEF
        self.edition_offset = 0
        self.model: RowModel | None = None
        self.opened_id: int | None = None
        self.opened_row: int | None = None
        self.undo_stack: list[dict[int, tuple[bool, bool]]] = []
        self.search_text = ""
        self.poll_status = ""
        self._load_token = 0
        self._read_timer: Timer | None = None
        self._search_timer: Timer | None = None

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar(id="titlebar", markup=False)
        with Container(id="panes"):
            yield SectionList(id="sections")
            yield EntryList(self.store, clock=self.clock, selection=self.selection, id="entries")
            yield DetailPane(clock=self.clock, id="detail")
        yield Input(placeholder="Search titles, summaries, authors…", id="search")
        with Horizontal(id="statusbar"):
            yield SelectionStatus(id="selection-status", markup=False)
            yield Footer()

    @property
    def entries(self) -> EntryList:
        """The entry list widget."""
        return self.query_one("#entries", EntryList)

    @property
    def sections(self) -> SectionList:
        """The section list widget."""
        return self.query_one("#sections", SectionList)

    @property
    def selected(self) -> set[int]:
        """The selected entry ids."""
        return self.selection.ids

    @property
    def detail(self) -> DetailPane:
        """The detail pane widget."""
        return self.query_one("#detail", DetailPane)

    def on_mount(self) -> None:
        theme = self.config.ui.theme
        if theme in self.available_themes:
            self.theme = theme
        else:
            self.notify(
                f"Unknown theme {theme!r}; using textual-dark. Pick one with ctrl+p → Theme.",
                severity="warning",
                markup=False,
            )
        if self.config.keymap:
            self.set_keymap(dict(self.config.keymap))
        self._apply_layout(self.size.width)
        self.query_one("#search", Input).display = False
        self.query_one("#selection-status", SelectionStatus).display = False
        self.entries.focus()
        self._update_titlebar()
        self.load_view()

    def on_resize(self, event: Resize) -> None:
        self._apply_layout(event.size.width)

    def _apply_layout(self, width: int) -> None:
        narrow = width < self.config.ui.wide_layout_min_width
        self.query_one("#panes").set_class(narrow, "-narrow")

    def _set_reading(self, reading: bool) -> None:
        self.query_one("#panes").set_class(reading, "-reading")

    # -- loading views ------------------------------------------------------------

    def load_view(self, keep_entry: int | None = None) -> None:
        """Rebuild the current view in a worker; keep ``keep_entry`` under the cursor."""
        self._load_token += 1
        if self.view == VIEW_SEARCH:
            model = build_search_model(self.store, self.search_text)
            self._apply_model(model, keep_entry)
            return
        self._build_view(self.view, self.edition_offset, self._load_token, keep_entry)

    @work(thread=True, exclusive=True, group="load-view")
    def _build_view(self, view: str, offset: int, token: int, keep_entry: int | None) -> None:
        try:
            if view == VIEW_BRIEF:
                brief = self.brief_loader(self.store, self.config, offset, self.clock())
                model = build_brief_model(brief)
            else:
                model = build_entry_model(self.store, view, self.clock())
        except Exception as exc:  # shown to the user, never a traceback
            self.post_message(ViewFailed(f"Could not load the view: {exc}.", token))
            return
        self.post_message(ViewLoaded(model, token, keep_entry))

    @on(ViewLoaded)
    def _on_view_loaded(self, message: ViewLoaded) -> None:
        if message.token == self._load_token:
            self._apply_model(message.model, message.keep_entry)

    @on(ViewFailed)
    def _on_view_failed(self, message: ViewFailed) -> None:
        if message.token == self._load_token:
            self.entries.empty_message = message.error
            self.entries.refresh()
            self.notify(message.error, severity="error", markup=False)

    def _apply_model(self, model: RowModel, keep_entry: int | None) -> None:
        entries = self.entries
        offset = entries.cursor - int(entries.scroll_y) if entries.cursor >= 0 else 0
        if self.selection.range_active:
            # A range is anchored on a row of the old view: keep what it covered.
            self.selection.end_range()
            self._update_selection_status()
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
        self.opened_row = model.row_of_entry(self.opened_id) if self.opened_id else None
        self._update_titlebar()
        self._settle_heap()

    @staticmethod
    def _settle_heap() -> None:
        """Exempt the long-lived heap from the cyclic GC after a view loads.

        Measured with bench/bench_tui.py on 100,000 entries: without this, a
        full collection every ~26 keypresses took 50-80 ms (the p99 of
        keypress-to-repaint). Objects that outlive a view are the app, its
        widgets and the row model (arrays, freed by reference counting when
        replaced), so freezing them costs nothing. Only the young generations
        are collected first: a full collection here would cost a search
        keystroke tens of milliseconds each time results arrive.
        """
        gc.collect(1)
        gc.freeze()

    def _empty_message(self) -> str:
        if not self.config.feeds:
            return "No feeds yet: quit, then `briefterm add URL` (or try `briefterm demo`)."
        if self.view == VIEW_SEARCH:
            return "No matches. Edit the search, or press esc to go back."
        if self.view == VIEW_BRIEF:
            return "This edition is empty. Press r to poll, [ for the day before, v for views."
        return "Nothing here. Press r to poll your feeds, or v to switch views."

    def _update_titlebar(self) -> None:
        # Spaces end the part before a style change rather than start the next
        # one: some SVG renderers drop leading spaces, which glued "briefterm"
        # and the view name together in screenshots.
        text = Text("◆ briefterm ", style="bold")
        model = self.model
        view_name = VIEW_TITLES.get(self.view, self.view)
        text.append("│ ", style="dim")
        text.append(f"{view_name} ", style="bold")
        if model is not None:
            if self.view == VIEW_BRIEF:
                text.append(f"· {model.title} ")
            if model.label:
                text.append("· ")
                text.append(f"{model.label} ", style="italic")
        try:
            unread, total = self.store.unread_count(), self.store.entry_count()
        except Exception:  # a locked or broken cache must not break the title bar
            unread, total = 0, 0
        text.append("  ")
        text.append(f"{unread} unread / {total}  ", style="bold")
        if self.poll_status:
            text.append(f"⟳ {self.poll_status}", style="italic")
        self.query_one("#titlebar", TitleBar).update(text)

    # -- cursor and opening ---------------------------------------------------------

    @on(EntryList.Highlighted)
    def _on_entry_highlighted(self, message: EntryList.Highlighted) -> None:
        if self.model is None or message.row < 0:
            return
        self.sections.follow(self.model.group_index(message.row))
        selection = self.selection
        # A message that arrives after the cursor moved on (fast autorepeat,
        # batched input over SSH) is stale: acting on it would end a range.
        stale = message.row != self.entries.cursor
        if selection.range_active and not stale and message.row != selection.last_row:
            if selection.sticky:
                selection.extend_to(self.model, message.row)
            else:  # a plain move ends a shift+arrow range
                selection.end_range()
            self._selection_changed()
        if self._read_timer is not None and message.row != self.opened_row:
            self._read_timer.stop()
            self._read_timer = None

    @on(EntryList.Selected)
    def _on_entry_selected(self, message: EntryList.Selected) -> None:
        self.open_row(message.row)

    @on(SectionList.Selected)
    def _on_section_selected(self, message: SectionList.Selected) -> None:
        self._goto_group(message.index)
        self.entries.focus()

    @on(Markdown.LinkClicked)
    def _on_link_clicked(self, message: Markdown.LinkClicked) -> None:
        message.stop()
        self._open_url(message.href)

    def open_row(self, row: int) -> None:
        """Show the story on ``row`` in the detail pane and apply the read policy."""
        model = self.model
        if model is None or not model.is_item(row):
            return
        lead = model.lead_id(row)
        entry = self.store.get_entry(lead) if lead is not None else None
        if entry is None:
            self.notify("That entry is no longer in the cache.", severity="warning")
            return
        cluster = model.cluster_at(row)
        self.opened_id, self.opened_row = entry.id, row
        self.detail.show(entry, cluster.others if cluster else [])
        self._set_reading(True)
        self.detail.focus()
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        policy = self.config.ui.mark_read
        if policy == "on-open" and not model.flags[row] & READ:
            self._mark(model.entry_ids(row), read=True, rows=[row])
        elif policy == "after" and not model.flags[row] & READ:
            self._read_timer = self.set_timer(
                self.config.ui.mark_read_delay, partial(self._read_after_delay, row, entry.id)
            )

    def _cancel_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None

    def _read_after_delay(self, row: int, entry_id: int) -> None:
        self._read_timer = None
        model = self.model
        if model is not None and self.opened_id == entry_id and model.lead_id(row) == entry_id:
            self._mark(model.entry_ids(row), read=True, rows=[row])

    def action_open_current(self) -> None:
        """Open the story under the cursor."""
        self.open_row(self.entries.cursor)

    def action_back(self) -> None:
        """Leave the detail pane / search, or go to the section list."""
        search = self.query_one("#search", Input)
        if search.has_focus or (search.display and self.focused is not self.detail):
            self._close_search()
            return
        panes = self.query_one("#panes")
        # "-reading" only changes the stacked layout; in the wide one it can
        # outlive focus moving back to the list (tab, mouse).
        reading = panes.has_class("-reading") and panes.has_class("-narrow")
        if self.focused is self.detail or reading:
            if self._read_timer is not None:
                self._read_timer.stop()
                self._read_timer = None
            self._set_reading(False)
            self.entries.focus()
            return
        if self.focused is self.entries:
            self.sections.focus()

    # -- navigation ---------------------------------------------------------------

    def _current_row(self) -> int:
        return self.entries.cursor

    def _goto_group(self, index: int) -> None:
        model = self.model
        if model is None or not 0 <= index < len(model.groups):
            return
        row = model.first_item_row(model.groups[index].header_row + 1)
        if row is not None and model.group_index(row) == index:
            self.entries.move_to(row)
            self.entries.scroll_to(y=model.groups[index].header_row, animate=False, immediate=True)

    def action_next_section(self) -> None:
        """Jump to the first story of the next section."""
        if self.model is not None and self._current_row() >= 0:
            index = self.model.group_index(self._current_row())
            for candidate in range(index + 1, len(self.model.groups)):
                if self.model.groups[candidate].size:
                    self._goto_group(candidate)
                    return

    def action_prev_section(self) -> None:
        """Jump to the first story of this section, or of the previous one."""
        model = self.model
        row = self._current_row()
        if model is None or row < 0:
            return
        index = model.group_index(row)
        first = model.first_item_row(model.groups[index].header_row + 1)
        if first is not None and first < row:
            self._goto_group(index)
            return
        for candidate in range(index - 1, -1, -1):
            if model.groups[candidate].size:
                self._goto_group(candidate)
                return

    def _jump_unread(self, step: int) -> None:
        model = self.model
        if model is None:
            return
        row = model.next_unread(self._current_row(), step)
        if row is None:
            self.notify("No more unread stories in this view.", timeout=2)
            return
        self.entries.cursor = row
        if self.query_one("#panes").has_class("-reading") or self.focused is self.detail:
            self.open_row(row)

    def action_next_unread(self) -> None:
        """Go to the next unread story (across sections)."""
        self._jump_unread(1)

    def action_prev_unread(self) -> None:
        """Go to the previous unread story."""
        self._jump_unread(-1)

    # -- marking ------------------------------------------------------------------

    def _mark(
        self,
        ids: list[int],
        *,
        read: bool | None = None,
        starred: bool | None = None,
        rows: Iterable[int] | None = None,
        record: bool = True,
    ) -> None:
        """Write flags to the store and the row model; remember them for undo."""
        if not ids or self.model is None:
            return
        previous = self.store.flags(ids)
        if read is not None:
            self.store.set_read(ids, read)
        if starred is not None:
            self.store.set_starred(ids, starred)
        if record:
            self.undo_stack.append(previous)
            del self.undo_stack[:-UNDO_DEPTH]
        changes = {
            i: (r if read is None else read, s if starred is None else starred)
            for i, (r, s) in previous.items()
        }
        self._flags_changed(changes, rows)

    def _flags_changed(
        self, changes: dict[int, tuple[bool, bool]], rows: Iterable[int] | None
    ) -> None:
        model = self.model
        if model is None:
            return
        touched = model.apply_flags(changes, rows)
        self.entries.refresh_rows(touched)
        groups = {model.group_index(r) for r in touched}
        self.sections.update_counts({g: model.unread_in_group(g) for g in groups if g >= 0})
        self._update_titlebar()

    def action_toggle_read(self) -> None:
        """Mark the story (every report of it) read, or unread if it was read.

        With a selection, the selected stories are marked instead: read,
        unless every one of them already is.
        """
        self._cancel_read_timer()  # the user decided; a pending "after N s" must not undo it
        if self._mark_selection(read=True):
            return
        model, row = self.model, self._current_row()
        if model is None or not model.is_item(row):
            return
        self._mark(model.entry_ids(row), read=not model.flags[row] & READ, rows=[row])

    def action_toggle_star(self) -> None:
        """Star the story, or unstar it (with a selection: every selected story)."""
        if self._mark_selection(starred=True):
            return
        model, row = self.model, self._current_row()
        if model is None or not model.is_item(row):
            return
        self._mark(model.entry_ids(row), starred=not model.flags[row] & STAR, rows=[row])

    def _mark_selection(self, *, read: bool = False, starred: bool = False) -> bool:
        """Toggle a flag on every selected entry; False when nothing is selected."""
        ids = sorted(self.selection.ids)
        if not ids:
            return False
        flags = self.store.flags(ids)
        position = 0 if read else 1
        # Like toggling one story: set the flag unless all already have it.
        value = not all(f[position] for f in flags.values())
        if read:
            self._mark(ids, read=value)
        else:
            self._mark(ids, starred=value)
        what = ("read" if value else "unread") if read else ("starred" if value else "unstarred")
        self.notify(
            f"Marked {len(ids)} selected entries {what}. Press u to undo.", timeout=3, markup=False
        )
        return True

    def action_mark_section_read(self) -> None:
        """Mark every story of the current section read."""
        self._cancel_read_timer()
        model, row = self.model, self._current_row()
        if model is None or row < 0:
            return
        index = model.group_index(row)
        group = model.groups[index]
        ids = model.group_entry_ids(index)
        self._mark(ids, read=True, rows=range(group.header_row + 1, group.end_row))
        self.notify(
            f"Marked {group.size} in “{group.name}” read. Press u to undo.", timeout=3, markup=False
        )

    def action_undo(self) -> None:
        """Restore the flags changed by the last marking."""
        self._cancel_read_timer()
        if not self.undo_stack:
            self.notify("Nothing to undo.", timeout=2)
            return
        previous = self.undo_stack.pop()
        for value in (True, False):
            self.store.set_read([i for i, (r, _s) in previous.items() if r == value], value)
            self.store.set_starred([i for i, (_r, s) in previous.items() if s == value], value)
        self._flags_changed(previous, None)

    # -- selection ----------------------------------------------------------------

    def _selection_changed(self) -> None:
        self.entries.refresh()
        self._update_selection_status()

    def _update_selection_status(self) -> None:
        status = self.query_one("#selection-status", SelectionStatus)
        status.show_count(len(self.selection), self.selection.range_active)

    def action_toggle_select(self) -> None:
        """Select the story under the cursor (every report of it), or deselect it."""
        model, row = self.model, self._current_row()
        reading = self.focused is self.detail and self.opened_row is not None
        if reading:
            row = self.opened_row  # the story being read, wherever the list cursor is
        if model is None or row is None or not model.is_item(row):
            return
        self.selection.end_range()
        self.selection.toggle(model.entry_ids(row))
        self._selection_changed()
        if not reading:
            # Like tagging in mutt: move on, so space space space selects a run.
            self.entries.action_cursor_down()

    def action_select_range(self) -> None:
        """Start a range at the cursor (moving extends it), or end the range."""
        model, row = self.model, self._current_row()
        if self.selection.range_active:
            self.selection.end_range()
        elif model is not None and model.is_item(row):
            self.selection.start_range(row, sticky=True)
            self.selection.extend_to(model, row)
        self._selection_changed()

    def action_extend(self, step: int) -> None:
        """Extend the selection one row down (1) or up (-1), like shift+arrows."""
        model, row = self.model, self._current_row()
        if model is None or not model.is_item(row):
            return
        if not self.selection.range_active:
            self.selection.start_range(row, sticky=False)
        if step > 0:
            self.entries.action_cursor_down()
        else:
            self.entries.action_cursor_up()
        self.selection.extend_to(model, self.entries.cursor)
        self._selection_changed()

    def action_select_section(self) -> None:
        """Select every story of the current section; if all are selected, deselect them."""
        model, row = self.model, self._current_row()
        if model is None or row < 0:
            return
        index = model.group_index(row)
        ids = model.group_entry_ids(index)
        self.selection.end_range()
        self.selection.toggle(ids)
        self._selection_changed()

    def action_clear_selection(self) -> None:
        """Deselect everything."""
        if self.selection.clear():
            self._selection_changed()

    def action_clear_or_back(self) -> None:
        """esc: close the search box or story pane, else clear the selection, else go back."""
        search = self.query_one("#search", Input)
        panes = self.query_one("#panes")
        reading = self.focused is self.detail or (
            panes.has_class("-reading") and panes.has_class("-narrow")
        )
        if search.has_focus or reading or not (self.selection or self.selection.range_active):
            self.action_back()
        else:
            self.action_clear_selection()

    # -- copying ------------------------------------------------------------------

    def _export_ids(self) -> list[int]:
        """The entries to copy: the selection, else the story under the cursor."""
        if self.selection:
            return sorted(self.selection.ids)
        model, row = self.model, self._current_row()
        if self.focused is self.detail and self.opened_id is not None and model is not None:
            opened = model.row_of_entry(self.opened_id)
            if opened is not None:
                return model.entry_ids(opened)
            return [self.opened_id]
        if model is None or not model.is_item(row):
            return []
        return model.entry_ids(row)

    def action_copy(self) -> None:
        """Copy the selection (or the story under the cursor) in the default format."""
        self.action_copy_format(self.config.export.format)

    def action_copy_format(self, fmt: str) -> None:
        """Copy the selection (or the story) as ``fmt``: md, text, links or json."""
        ids = self._export_ids()
        if not ids:
            self.notify("Nothing to copy: move to a story or select some with space.", timeout=3)
            return
        self._copy_worker(ids, fmt)

    def action_copy_as(self) -> None:
        """Choose a format, then copy the selection (or the story under the cursor)."""
        ids = self._export_ids()
        if not ids:
            self.notify("Nothing to copy: move to a story or select some with space.", timeout=3)
            return
        what = f"{len(ids)} selected" if self.selection else "this story"

        def chosen(fmt: str | None) -> None:
            if fmt:
                self._copy_worker(ids, fmt)

        self.push_screen(ExportChooser(what), chosen)

    @work(thread=True, group="copy")
    def _copy_worker(self, ids: list[int], fmt: str) -> None:
        # Clustering a large selection and the copy tool both take time: off the UI thread.
        from briefterm import export
        from briefterm.brief import brief_from_entries

        config = self.config
        try:
            entries = self.store.entries_by_ids(ids, with_content=fmt == "json")
            if not entries:
                self.post_message(Notice("Those stories are no longer in the cache.", "warning"))
                return
            brief = brief_from_entries(
                entries, config, title=config.brief.title, label=selection_label(entries)
            )
            text = export.render(brief, fmt)
        except Exception as exc:  # one sentence, never a traceback
            self.post_message(Notice(f"Could not export the stories: {exc}.", "error"))
            return
        mode = config.export.clipboard
        osc52 = too_large = False
        if mode in ("auto", "osc52"):
            if osc52_fits(text):
                self.post_message(SendToTerminalClipboard(text))
                osc52 = True
            else:
                too_large = True
        native = ""
        if mode in ("auto", "native"):
            try:
                if self.native_copier(text):
                    native = native_tool_name()
            except Exception:  # a broken copy tool is reported as "not found"
                native = ""
        outcome = CopyOutcome(
            stories=len(brief.clusters),
            format_name=FORMAT_NAMES.get(fmt, fmt),
            chars=len(text),
            osc52=osc52,
            osc52_too_large=too_large,
            native=native,
            native_tried=mode in ("auto", "native"),
            in_tmux=bool(os.environ.get("TMUX")),
        )
        self.post_message(
            Notice(
                outcome.message(),
                "information" if outcome.ok else "error",
                timeout=4 if outcome.ok else 8,
            )
        )

    @on(Notice)
    def _on_notice(self, message: Notice) -> None:
        # Never markup: notices carry exception text and feed-derived names.
        self.notify(
            message.text,
            severity=message.severity,  # type: ignore[arg-type]
            timeout=message.timeout,
            markup=False,
        )

    @on(SendToTerminalClipboard)
    def _on_send_to_terminal_clipboard(self, message: SendToTerminalClipboard) -> None:
        self.copy_to_clipboard(message.text)

    # -- links --------------------------------------------------------------------

    def action_open_link(self) -> None:
        """Open the story's link in the browser (http/https only)."""
        model, row = self.model, self._current_row()
        entry_id = self.opened_id if self.focused is self.detail else None
        if entry_id is None and model is not None:
            entry_id = model.lead_id(row)
        if entry_id is None:
            return
        entries = self.store.entries_by_ids([entry_id])
        if entries:
            self._open_url(entries[0].link)

    def _open_url(self, url: str) -> None:
        from briefterm.urls import safe_url

        if not safe_url(url):
            self.notify(
                "Only http and https links can be opened; this one was refused.",
                severity="warning",
                markup=False,
            )
            return
        self._open_in_worker(url)

    @work(thread=True, group="browser")
    def _open_in_worker(self, url: str) -> None:
        # webbrowser may wait for a slow helper; keep it off the UI thread.
        try:
            self.opener(url, self.config.browser)
        except links.BrowserError as exc:
            self.post_message(Notice(str(exc), "error", timeout=8))

    # -- views --------------------------------------------------------------------

    def action_set_view(self, view: str) -> None:
        """Switch to a view: brief, unread, starred, all or feeds."""
        if view not in VIEWS:
            return
        self._hide_search()
        self.view = view
        self.entries.empty_message = "Loading…"
        self.load_view()

    def action_cycle_view(self) -> None:
        """Switch to the next view."""
        index = VIEWS.index(self.view) if self.view in VIEWS else -1
        self.action_set_view(VIEWS[(index + 1) % len(VIEWS)])

    def action_edition(self, step: int) -> None:
        """Show the brief of the previous (-1) or next (1) day."""
        offset = min(0, self.edition_offset + step)
        if offset == self.edition_offset and self.view == VIEW_BRIEF:
            self.notify("This is the latest edition.", timeout=2)
            return
        self.edition_offset = offset
        self.action_set_view(VIEW_BRIEF)

    def action_finish_brief(self) -> None:
        """Finish the brief: the next edition starts with stories arriving from now."""
        from briefterm.brief import finish_brief

        finish_brief(self.store, now=self.clock())
        self.edition_offset = 0
        self.notify("Brief finished. New stories will start the next edition.", timeout=3)
        self.action_set_view(VIEW_BRIEF)

    # -- search -------------------------------------------------------------------

    def action_search(self) -> None:
        """Open the search box; results show as a view while you type."""
        search = self.query_one("#search", Input)
        if self.view != VIEW_SEARCH:
            self.previous_view = self.view
        search.display = True
        search.focus()

    @on(Input.Changed, "#search")
    def _on_search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(0.15, partial(self._run_search, event.value))

    @on(Input.Submitted, "#search")
    def _on_search_submitted(self, event: Input.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._run_search(event.value)
        if not self.search_text:
            self._close_search()  # nothing to search for: do not leave the box open
            return
        self.entries.focus()

    def _run_search(self, text: str) -> None:
        self._search_timer = None
        self.search_text = text.strip()
        if not self.search_text:
            if self.view == VIEW_SEARCH:  # an emptied box shows the view it came from
                self.view = self.previous_view
                self.load_view()
            return
        self.view = VIEW_SEARCH
        self.load_view()

    def _hide_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = False
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None

    def _close_search(self) -> None:
        self._hide_search()
        self.entries.focus()
        if self.view == VIEW_SEARCH:
            self.action_set_view(self.previous_view)

    # -- polling ------------------------------------------------------------------

    def action_poll(self) -> None:
        """Fetch every feed in the background; the view refreshes when done."""
        if self.poll_status:
            self.notify("A refresh is already running.", timeout=2)
            return
        self.poll_status = "polling…"
        self._update_titlebar()
        self._poll_cancel = threading.Event()
        self._poll_worker(self._poll_cancel)

    async def action_quit(self) -> None:
        """Quit, stopping a running refresh first (what it stored so far stays)."""
        self._stop_poll()
        self.exit()

    def on_unmount(self) -> None:
        self._stop_poll()

    def _stop_poll(self) -> None:
        # The poll thread would otherwise keep the process alive until every
        # feed answered or timed out.
        cancel = getattr(self, "_poll_cancel", None)
        if cancel is not None:
            cancel.set()

    @work(thread=True, exclusive=True, group="poll")
    def _poll_worker(self, cancel: threading.Event) -> None:
        poll = self.poller
        if poll is None:
            from briefterm.poller import poll
        total = len(self.config.feeds)
        state = {"done": 0, "new": 0}

        def progress(result: object) -> None:
            state["done"] += 1
            state["new"] += int(getattr(result, "new", 0) or 0)
            self.post_message(
                PollProgress(state["done"], total, state["new"], str(getattr(result, "name", "")))
            )

        try:
            # Everything, not just the due feeds: `r` means "refresh now" (as in
            # newsboat); conditional GET keeps unchanged feeds cheap.
            report = poll(self.store, self.config, progress=progress, force=True, cancel=cancel)
        except Exception as exc:  # reported, never raised into the UI
            self.post_message(PollFinished(None, f"Refresh failed: {exc}."))
            return
        self.post_message(PollFinished(report))

    @on(PollProgress)
    def _on_poll_progress(self, message: PollProgress) -> None:
        self.poll_status = f"polling {message.done}/{message.total} · {message.new} new"
        self._update_titlebar()

    @on(PollFinished)
    def _on_poll_finished(self, message: PollFinished) -> None:
        self.poll_status = ""
        if message.report is None:
            self.notify(message.error or "Refresh failed.", severity="error", markup=False)
        else:
            report = message.report
            new = int(getattr(report, "new", 0))
            failed = list(getattr(report, "failed", []))
            summary = f"{new} new {'story' if new == 1 else 'stories'}"
            if failed:
                first = failed[0]
                summary += f"; {len(failed)} feed(s) failed — {first.name}: {first.error}"
            self.notify(
                summary, severity="warning" if failed else "information", timeout=4, markup=False
            )
        keep = self.model.lead_id(self.entries.cursor) if self.model else None
        self.load_view(keep_entry=keep)

    # -- help and palette -----------------------------------------------------------

    def action_help(self) -> None:
        """Show every key and its action id."""
        groups = [
            ("Reader", [b for b in self.BINDINGS if b not in PANE_BINDINGS]),
            ("Lists", [*CursorList.BINDINGS, *EntryList.BINDINGS]),
            ("Story pane", DetailPane.BINDINGS),
            ("Panes", PANE_BINDINGS),
        ]
        table = help_table(
            [(title, [b for b in group if isinstance(b, Binding)]) for title, group in groups],
            dict(self.config.keymap),
        )
        self.push_screen(HelpScreen(table))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for command in READER_COMMANDS:
            yield SystemCommand(
                command.title, command.help, partial(self.run_action, command.action)
            )


def run_app(config: Config, store: Store) -> int:
    """Run the reader until the user quits; returns the exit status."""
    app = BriefApp(config, store)
    app.run()
    return app.return_code or 0
