"""The reader screen: what its keys and messages do.

Layout, state and view loading are :class:`ReaderBase`'s; here are the
handlers of widget and worker messages (one handler reports every worker
failure), :meth:`ReaderScreen.check_action` (what does not apply now is
disabled, and the command palette leaves it out), and the actions behind
the bindings table in ``tui/bindings.py``.
"""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from textual import on
from textual.actions import parse as parse_action
from textual.binding import BindingType
from textual.widgets import Markdown
from textual.worker import Worker, WorkerState

from briefterm.config import Config
from briefterm.errors import BrowserError
from briefterm.models import Brief
from briefterm.store import Store
from briefterm.tui.keys import bindings_for
from briefterm.tui.messages import PollFinished, PollProgress, SendToTerminalClipboard
from briefterm.tui.screens._reader_base import ReaderBase
from briefterm.tui.screens.export import ExportChooser
from briefterm.tui.screens.help import HelpScreen, help_table
from briefterm.tui.view_model import VIEWS, RowModel, View
from briefterm.tui.widgets import EntryList, LinkList, SearchBar, SectionList
from briefterm.wording import stories


class ReaderScreen(ReaderBase):
    """The reader: sections | entries | story, keyboard first."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("reader")

    _finish_undo: tuple[float, object] | None = None
    """The last finish ``u`` can undo, and the top of the marking undo stack then."""

    def __init__(self, config: Config, store: Store, **kwargs: Any) -> None:
        super().__init__(config, store, **kwargs)
        self.expanded: frozenset[str] = frozenset()
        """Sections of this edition whose "N more" are shown (``+``)."""
        self._keep_in_group: tuple[str, int] | None = None  # (group, entry) for the next load
        build = self.brief_loader

        def load_expanded(store: Store, config: Config, offset: int, now: float) -> Brief:
            from briefterm.brief import expand_sections

            return expand_sections(build(store, config, offset, now), self.expanded)

        self.brief_loader = load_expanded

    def _apply_model(
        self, model: RowModel, keep_entry: int | None, *, same_rows: bool = False
    ) -> None:
        super()._apply_model(model, keep_entry, same_rows=same_rows)
        keep, self._keep_in_group = self._keep_in_group, None
        if keep is None:
            return
        # A key story is also listed in its section: stay on the section's row.
        self._move_into_group(*keep)

    @on(EntryList.Highlighted)
    def _on_entry_highlighted(self, message: EntryList.Highlighted) -> None:
        model = self.model
        if model is None or message.row < 0:
            return
        self.sections.follow(model.group_index(message.row))
        selection = self.selection
        # A message that arrives after the cursor moved on (fast autorepeat,
        # batched input over SSH) is stale: acting on it would end a range.
        stale = message.row != self.entries.cursor
        if selection.range_active and not stale and message.row != selection.last_row:
            before = set(selection.ids)
            if selection.sticky:
                selection.extend_to(model, message.row)
            else:  # a plain move ends a shift+arrow range
                selection.end_range()
            self._selection_changed(before ^ selection.ids)
        self.marking.cursor_moved(message.row)
        # An open story pane follows the cursor: it never shows another story.
        following = not stale and self.opened_id is not None and model.is_item(message.row)
        if following and model.lead_id(message.row) != self.opened_id:
            self.open_row(message.row, focus=False)

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

    @on(LinkList.Chosen)
    def _on_link_chosen(self, message: LinkList.Chosen) -> None:
        message.stop()
        self._open_url(message.link.url)

    @on(SearchBar.Query)
    def _on_search_query(self, message: SearchBar.Query) -> None:
        self._run_search(message.text)
        if message.submitted:
            if not self.search_text:
                self._close_search()  # nothing to search for: do not leave the box open
                return
            self.entries.focus()

    @on(PollProgress)
    def _on_poll_progress(self, message: PollProgress) -> None:
        self.poll_status, added = self.polling.progressed(message)
        self._counts_changed(added, added)  # new entries arrive unread

    @on(PollFinished)
    def _on_poll_finished(self, message: PollFinished) -> None:
        # The refresh read the config again: the brief files a feed added
        # from the CLI in its section from now on.
        config = self.polling.config
        if config is not self.config:
            self.config = config
            self.copying.config = config
        self._poll_done(message.report)

    @on(SendToTerminalClipboard)
    def _on_send_to_terminal_clipboard(self, message: SendToTerminalClipboard) -> None:
        self.app.copy_to_clipboard(message.text)

    @on(Worker.StateChanged)
    def _on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's failure is reported: one sentence, never a traceback."""
        worker = event.worker
        if event.state != WorkerState.ERROR:
            return
        error = worker.error
        if worker.group == "load-view":
            if worker is self._view_worker:  # an older request's failure no longer matters
                text = f"Could not load the view: {error}."
                self.entries.empty_message = text
                self.entries.refresh()
                self.tell(text, "error")
        elif worker.group == "poll":
            self._poll_done(None, f"Refresh failed: {error}.")
        elif worker.group == "copy":
            self.tell(f"Could not export the stories: {error}.", "error")
        elif worker.group == "browser":
            # A BrowserError is already the sentence; anything else gets one.
            text = str(error) if isinstance(error, BrowserError) else ""
            self.tell(text or f"Could not open the link: {error}.", "error", 8)
        elif worker.group != "counts":  # a failed count keeps the last counts shown
            self.tell(f"Something went wrong: {error}.", "error")

    # -- what applies now ------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """False for actions that do not apply now (hidden); None while a refresh runs (dimmed)."""
        if action == "undo":
            return self.marking.can_undo or self._finish_is_last()
        if action == "edition" and parameters == (1,):
            return not (self.edition_offset == 0 and self.view == View.BRIEF)
        if action == "expand_section":
            return self.view == View.BRIEF and self._hidden_here() > 0
        if action == "deselect_all":
            return bool(self.selection)
        if action == "poll" and self.polling.running:
            return None
        return True

    def applies(self, action: str) -> bool:
        """True when the action string (as in the bindings table) applies now."""
        _namespace, name, parameters = parse_action(action)
        return bool(self.check_action(name, parameters))

    def action_help(self) -> None:
        """Show every key and its action id."""
        table = help_table(self.config.keymap, self.app.get_key_display)
        self.app.push_screen(HelpScreen(table))

    # -- navigation -----------------------------------------------------------------

    def action_next_section(self) -> None:
        """Jump to the first story of the next section."""
        if self.model is not None and self.entries.cursor >= 0:
            index = self.model.next_group(self.entries.cursor)
            if index is None and self.entries.defer(self.action_next_section):
                return
            self._goto_group(index)

    def action_prev_section(self) -> None:
        """Jump to the first story of this section, or of the previous one."""
        if self.model is not None and self.entries.cursor >= 0:
            self._goto_group(self.model.previous_group(self.entries.cursor))

    def _jump_unread(self, step: int) -> None:
        model = self.model
        if model is None:
            return
        row = model.next_unread(self.entries.cursor, step)
        if row is None and step > 0 and self.entries.defer(partial(self._jump_unread, step)):
            return
        if row is None:
            self.notify("No more unread stories in this view.", timeout=2)
            return
        reading = self._reading()
        self.entries.cursor = row
        if reading:
            self.open_row(row, focus=self.focused is self.detail)

    def action_next_unread(self) -> None:
        """Go to the next unread story (across sections)."""
        self._jump_unread(1)

    def action_prev_unread(self) -> None:
        """Go to the previous unread story."""
        self._jump_unread(-1)

    def action_open_current(self) -> None:
        """Open the story under the cursor."""
        self.open_row(self.entries.cursor)

    def action_back(self) -> None:
        """Leave the detail pane / search, or go to the section list."""
        search = self.search_bar
        if search.has_focus or (search.display and self.focused is not self.detail):
            self._close_search()
            return
        if self._reading():
            self.close_story()
            self.entries.focus()
            return
        if self.focused is self.entries and self.sections.display:
            self.sections.focus()

    def action_quit(self) -> None:
        """Quit, stopping a running refresh first (what it stored so far stays)."""
        self.polling.stop()
        self.app.exit()

    # -- marking --------------------------------------------------------------------

    def action_toggle_read(self) -> None:
        """Mark the story (every report of it) read, or unread if it was read.

        With a selection, the selected stories are marked instead: read,
        unless every one of them already is.
        """
        if self.selection:
            ids = sorted(self.selection.ids)
            said = self.marking.toggle_ids("read", ids, self.selected_stories())
            self.tell(said, "information", 3)
        else:
            self.marking.toggle_row("read", self.entries.cursor)

    def action_toggle_star(self) -> None:
        """Star the story, or unstar it (with a selection: every selected story)."""
        if self.selection:
            ids = sorted(self.selection.ids)
            said = self.marking.toggle_ids("starred", ids, self.selected_stories())
            self.tell(said, "information", 3)
        else:
            self.marking.toggle_row("starred", self.entries.cursor)

    def action_mark_section_read(self) -> None:
        """Mark every story of the current section read."""
        said = self.marking.mark_group_read(self.entries.cursor)
        if said:
            self.tell(said, "information", 3)

    def action_undo(self) -> None:
        """Take back the last marking, or finishing the brief when that came last."""
        if self._finish_is_last():
            self._unfinish()
            return
        self.marking.undo()

    # -- selection ------------------------------------------------------------------

    def action_toggle_select(self) -> None:
        """Select the story under the cursor (every report of it), or deselect it."""
        model, row = self.model, self.entries.cursor
        reading = self.focused is self.detail and self.opened_row is not None
        if reading and self.opened_row is not None:
            row = self.opened_row  # the story being read, wherever the list cursor is
        if model is None or not model.is_item(row):
            return
        self.selection.end_range()
        ids = model.entry_ids(row)
        self.selection.toggle(ids)
        self._selection_changed(ids)
        if not reading:
            # Like tagging in mutt: move on, so space space space selects a run.
            self.entries.action_cursor_down()

    def action_select_range(self) -> None:
        """Start a range at the cursor (moving extends it), or end the range."""
        model, row = self.model, self.entries.cursor
        if self.selection.range_active:
            self.selection.end_range()
        elif model is not None and model.is_item(row):
            self.selection.start_range(row, sticky=True)
            self.selection.extend_to(model, row)
        self._selection_changed()

    def action_extend(self, step: int) -> None:
        """Extend the selection one row down (1) or up (-1), like shift+arrows."""
        model, row = self.model, self.entries.cursor
        if model is None or not model.is_item(row):
            return
        if not self.selection.range_active:
            self.selection.start_range(row, sticky=False)
        if step > 0:
            self.entries.action_cursor_down()
        else:
            self.entries.action_cursor_up()
        before = set(self.selection.ids)
        self.selection.extend_to(model, self.entries.cursor)
        self._selection_changed(before ^ self.selection.ids)

    def action_select_section(self) -> None:
        """Select every story of the current section; if all are selected, deselect them."""
        model, row = self.model, self.entries.cursor
        if model is None or row < 0:
            return
        self.selection.end_range()
        self.selection.toggle(model.group_entry_ids(model.group_index(row)))
        self._selection_changed()

    def action_deselect_all(self) -> None:
        """Deselect everything."""
        if self.selection.clear():
            self._selection_changed()

    def action_clear_selection(self) -> None:
        """esc: close the search box or story pane, else clear the selection, else go back."""
        selecting = bool(self.selection) or self.selection.range_active
        # In the story pane esc closes the story; in the list it clears a selection first.
        if self.search_bar.has_focus or self.focused is self.detail or not selecting:
            self.action_back()
        else:
            self.action_deselect_all()

    # -- copying and links ------------------------------------------------------------

    def action_copy(self) -> None:
        """Copy the selection (or the story under the cursor) in the default format."""
        self.action_copy_format(self.config.export.format)

    def action_copy_format(self, fmt: str) -> None:
        """Copy the selection (or the story) as ``fmt``: md, text, links or json."""
        ids = self._export_ids()
        if not ids:
            self.notify("Nothing to copy: move to a story or select some with space.", timeout=3)
            return
        self._copy_worker(ids, fmt, self._shown_brief())

    def action_copy_as(self) -> None:
        """Choose a format, then copy the selection (or the story under the cursor)."""
        ids = self._export_ids()
        if not ids:
            self.notify("Nothing to copy: move to a story or select some with space.", timeout=3)
            return
        what = f"{self.selected_stories()} selected" if self.selection else "this story"

        def chosen(fmt: str | None) -> None:
            if fmt:
                self._copy_worker(ids, fmt, self._shown_brief())

        self.app.push_screen(ExportChooser(what), chosen)

    def _shown_brief(self) -> Brief | None:
        """The brief on screen, whose stories a copy keeps (None outside the Brief view).

        None too for the saved brief painted first: it lacks the "N more"
        stories, so the copy builds the live edition's, as the fresh one is.
        """
        model = self.model
        return model.brief if model is not None and not model.quick else None

    def action_open_link(self) -> None:
        """Open the story's link in the browser (http/https only)."""
        model = self.model
        entry_id = self.opened_id if self.focused is self.detail else None
        if entry_id is None and model is not None:
            entry_id = model.lead_id(self.entries.cursor)
        entries = self.reads.entries_by_ids([entry_id]) if entry_id is not None else []
        if entries:
            self._open_url(entries[0].link)

    # -- views, editions, search, refresh -------------------------------------------------

    def action_set_view(self, view: str) -> None:
        """Switch to a view: brief, unread, starred, all or feeds."""
        if view in VIEWS:
            self.show_view(View(view))

    def action_cycle_view(self) -> None:
        """Switch to the next view."""
        index = VIEWS.index(self.view) if self.view in VIEWS else -1
        self.show_view(VIEWS[(index + 1) % len(VIEWS)])

    def _current_group(self) -> int:
        """The group the sections list highlights (when focused) or the cursor is in."""
        model = self.model
        if model is None:
            return -1
        if self.focused is self.sections:
            return self.sections.cursor if self.sections.cursor < len(model.groups) else -1
        return model.group_index(self.entries.cursor) if self.entries.cursor >= 0 else -1

    def _hidden_here(self) -> int:
        """How many stories the current section keeps behind "N more" (0: none)."""
        index = self._current_group()
        model = self.model
        return model.groups[index].hidden if model is not None and index >= 0 else 0

    def action_expand_section(self) -> None:
        """Show the "N more" stories of the current section, keeping the cursor where it is."""
        model, index = self.model, self._current_group()
        if model is None or index < 0 or not model.groups[index].hidden:
            self.notify("This section shows all its stories.", timeout=2)
            return
        group = model.groups[index]
        self.expanded = self.expanded | {group.name}
        lead = model.lead_id(self.entries.cursor)
        if lead is not None:
            here = model.groups[model.group_index(self.entries.cursor)].name
            self._keep_in_group = (here, lead)
        self.tell(f"Showing {stories(group.hidden, 'more')} in “{group.name}”.", "information", 3)
        self.load_view(keep_entry=lead)

    def action_edition(self, step: int) -> None:
        """Show the brief of the previous (-1) or next (1) day."""
        self.expanded = frozenset()  # another edition has other sections
        self.edition_offset = min(0, self.edition_offset + step)
        self.show_view(View.BRIEF)

    def action_finish_brief(self) -> None:
        """Finish the brief: the next edition starts now; ``u`` takes it back, ``[`` shows it."""
        from briefterm.brief import finish_brief

        self.expanded = frozenset()
        finished = finish_brief(
            self.store, now=self.clock(), hours=self.config.brief.first_edition_hours
        )
        # Undone by u while no marking came after it (see action_undo).
        stack = self.marking.undo_stack
        self._finish_undo = (finished, stack[-1] if stack else None)
        self.edition_offset = 0
        self.tell(
            "Brief finished: a new edition starts now. [ shows the one you finished; u undoes.",
            "information",
            6,
        )
        self.show_view(View.BRIEF)

    def _finish_is_last(self) -> bool:
        """True when finishing the brief is the last thing ``u`` can take back."""
        if self._finish_undo is None:
            return False
        stack = self.marking.undo_stack
        return (stack[-1] if stack else None) is self._finish_undo[1]

    def _unfinish(self) -> None:
        from briefterm.brief import last_finish, unfinish_brief

        finished, _top = self._finish_undo or (None, None)
        self._finish_undo = None
        if finished is None or last_finish(self.store) != finished:
            # Finished again elsewhere (another reader, a script): leave that alone.
            self.tell("The brief was finished again since; nothing was undone.", "warning", 4)
            return
        unfinish_brief(self.store)
        self.edition_offset = 0
        self.tell("Finishing undone: the edition is live again.", "information", 4)
        self.show_view(View.BRIEF)

    def action_search(self) -> None:
        """Open the search box; results show as a view while you type."""
        if self.view != View.SEARCH:
            self.previous_view = self.view
        self.search_bar.open()

    def action_poll(self) -> None:
        """Fetch every feed in the background; the view refreshes when done."""
        if self.polling.begin():
            self.poll_status = "polling…"
            self._poll_worker()
