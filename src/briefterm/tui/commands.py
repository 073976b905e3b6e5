"""Every reader action for the command palette (ctrl+p).

The palette lists these through ``App.get_system_commands``; each entry runs
the same action as its key, so nothing is reachable only by keyboard.
"""

from __future__ import annotations

from typing import NamedTuple


class ReaderCommand(NamedTuple):
    """One palette entry: title, help line, and the action it runs."""

    title: str
    help: str
    action: str


READER_COMMANDS: tuple[ReaderCommand, ...] = (
    ReaderCommand("View: Brief", "Today's brief: key stories, then sections", "set_view('brief')"),
    ReaderCommand("View: Unread", "Every unread entry, newest first", "set_view('unread')"),
    ReaderCommand("View: Starred", "Starred entries", "set_view('starred')"),
    ReaderCommand("View: All", "Every cached entry, by day", "set_view('all')"),
    ReaderCommand("View: By feed", "Entries grouped by feed", "set_view('feeds')"),
    ReaderCommand("Next view", "Cycle through the views", "cycle_view"),
    ReaderCommand("Search", "Search titles, summaries and authors", "search"),
    ReaderCommand("Open story", "Show the story under the cursor", "open_current"),
    ReaderCommand("Open link in browser", "Open the story's link (http/https only)", "open_link"),
    ReaderCommand("Toggle read", "Mark the story read or unread", "toggle_read"),
    ReaderCommand("Toggle star", "Star or unstar the story", "toggle_star"),
    ReaderCommand("Mark section read", "Mark every story here read", "mark_section_read"),
    ReaderCommand("Undo", "Undo the last marking", "undo"),
    ReaderCommand("Next unread", "Jump to the next unread story", "next_unread"),
    ReaderCommand("Previous unread", "Jump to the previous unread story", "prev_unread"),
    ReaderCommand("Next section", "Jump to the next section", "next_section"),
    ReaderCommand("Previous section", "Jump to the previous section", "prev_section"),
    ReaderCommand("Select story", "Select or deselect the story under the cursor", "toggle_select"),
    ReaderCommand("Range select", "Start or end a range selection at the cursor", "select_range"),
    ReaderCommand("Extend selection down", "Add the next story to the selection", "extend(1)"),
    ReaderCommand("Extend selection up", "Add the previous story to the selection", "extend(-1)"),
    ReaderCommand("Select section", "Select every story of the current section", "select_section"),
    ReaderCommand("Clear selection", "Deselect everything", "clear_selection"),
    ReaderCommand("Copy", "Copy the selection (or story) in the default format", "copy"),
    ReaderCommand("Copy as…", "Choose a format, then copy", "copy_as"),
    ReaderCommand("Copy as Markdown", "Copy the selection as a brief", "copy_format('md')"),
    ReaderCommand("Copy as plain text", "Copy the selection as plain text", "copy_format('text')"),
    ReaderCommand("Copy links", "Copy the selection's links, one per line", "copy_format('links')"),
    ReaderCommand("Copy as JSON", "Copy the selection as JSON", "copy_format('json')"),
    ReaderCommand("Refresh feeds", "Poll every feed now", "poll"),
    ReaderCommand("Previous edition", "The brief of the day before", "edition(-1)"),
    ReaderCommand("Next edition", "The brief of the day after", "edition(1)"),
    ReaderCommand("Finish brief", "Start the next edition from now", "finish_brief"),
    ReaderCommand("Keys", "Every key and its action id", "help"),
)
