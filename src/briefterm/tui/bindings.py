"""Every key of the reader as plain data: the one table behind bindings, palette and help.

Each row says which key(s) run which action where (its *scope*: the reader
screen, the lists, the story pane, …), what the footer calls it, what it
does (the tooltip, also the help text and the palette's help line), and the
title it has in the command palette. ``tui/keys.py`` turns the rows into
Textual ``BINDINGS``; the palette and the help screen read the same rows, so
adding a key is a one-line edit and nothing can drift.

Nothing here imports Textual: ``briefterm config check`` validates
``[keymap]`` with :func:`keymap_problems` without starting the reader.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

Scope = Literal[
    "reader",  # the reader screen: views, marking, selection, copying, polling
    "list",  # both lists (sections and entries): cursor motion
    "entries",  # the entry list
    "sections",  # the section list
    "story",  # the story (detail) pane
    "panes",  # the app: pane focus and the command palette
    "help",  # the help screen
    "export",  # the "Copy as…" chooser
]


@dataclass(frozen=True, slots=True)
class Key:
    """One binding: an id users remap in ``[keymap]``, its keys and action, and its texts."""

    id: str
    keys: str  # Textual key names, comma-separated; "" for a palette-only command
    action: str
    label: str  # the footer's name for it
    tooltip: str  # what it does: footer tooltip, help text, palette help line
    scope: Scope = "reader"
    show: bool = False  # listed in the footer
    palette: str = ""  # title in the command palette; "" keeps it out
    shadows: bool = False  # in its pane it wins over the reader's key (digits open links)


def _motions(
    scope: Scope, what: str, actions: tuple[str, ...], labels: tuple[str, ...]
) -> list[Key]:
    """The six motion keys, shared by the lists and the story pane (same ids, same keys)."""
    moves = (
        ("down", "j,down", "down"),
        ("up", "k,up", "up"),
        ("top", "g,home", "to the top"),
        ("bottom", "G,end", "to the bottom"),
        ("page_down", "pagedown,ctrl+d", "one page down"),
        ("page_up", "pageup,ctrl+u", "one page up"),
    )
    return [
        Key(id, keys, action, label, f"Move {what} {where}", scope)
        for (id, keys, where), action, label in zip(moves, actions, labels, strict=True)
    ]


_LIST_MOTIONS = ("cursor_down", "cursor_up", "cursor_top", "cursor_bottom", "page_down", "page_up")
_STORY_MOTIONS = ("scroll_down", "scroll_up", "scroll_home", "scroll_end", "page_down", "page_up")

# fmt: off
KEYS: tuple[Key, ...] = (
    # The reader screen, in footer order: what a reader does most comes first,
    # so a narrow footer keeps it (the focused pane's own keys stand before these).
    Key("next_unread", "n", "next_unread", "Next unread", "Next unread story, across sections",
        show=True, palette="Next unread"),
    Key("toggle_read", "m", "toggle_read", "Read",
        "Toggle read: the story, or every selected story", show=True, palette="Toggle read"),
    Key("toggle_star", "s", "toggle_star", "Star",
        "Toggle star: the story, or every selected story", show=True, palette="Toggle star"),
    Key("open_link", "o", "open_link", "Browser",
        "Open the story's link in the browser (http(s) only, no shell)", show=True,
        palette="Open link in browser"),
    Key("search", "slash", "search", "Search", "Search titles, summaries and authors",
        show=True, palette="Search"),
    Key("cycle_view", "v", "cycle_view", "View", "Next view: Brief, Unread, Starred, All, By feed",
        show=True, palette="Next view"),
    Key("help", "question_mark", "help", "Keys", "Show this list of keys", show=True,
        palette="Keys"),
    Key("copy", "y", "copy", "Copy", "Copy the selection (or the story) in the default format",
        show=True, palette="Copy"),
    Key("poll", "r", "poll", "Refresh", "Poll every feed now, in the background", show=True,
        palette="Refresh feeds"),
    Key("quit", "q", "quit", "Quit", "Quit briefterm", show=True),
    Key("prev_unread", "p", "prev_unread", "Prev unread",
        "Previous unread story, across sections", palette="Previous unread"),
    Key("next_section", "J", "next_section", "Next section", "Jump to the next section",
        palette="Next section"),
    Key("prev_section", "K", "prev_section", "Prev section", "Jump to the previous section",
        palette="Previous section"),
    Key("back", "h", "back", "Back", "Close the story pane / go back"),
    Key("clear_selection", "escape", "clear_selection", "Clear selection / back",
        "Clear the selection; without one, go back (like h)"),
    Key("open_story", "", "open_current", "Open", "Show the story under the cursor",
        palette="Open story"),
    Key("expand_section", "plus", "expand_section", "More",
        "Show the section's \"N more\" stories (on its header, or a story of it)",
        palette="Show the N more of this section"),
    Key("mark_section_read", "A", "mark_section_read", "Section read",
        "Mark every story of the section read", palette="Mark section read"),
    Key("undo", "u", "undo", "Undo", "Undo the last marking, or finishing the brief",
        palette="Undo"),
    Key("view_brief", "1", "set_view('brief')", "Brief", "Brief: key stories, then sections",
        palette="View: Brief"),
    Key("view_unread", "2", "set_view('unread')", "Unread", "Unread stories by day",
        palette="View: Unread"),
    Key("view_starred", "3", "set_view('starred')", "Starred", "Starred stories by day",
        palette="View: Starred"),
    Key("view_all", "4", "set_view('all')", "All", "All stories by day", palette="View: All"),
    Key("view_feeds", "5", "set_view('feeds')", "By feed", "Stories grouped by feed",
        palette="View: By feed"),
    Key("prev_edition", "left_square_bracket", "edition(-1)", "Prev day",
        "The previous day's edition", palette="Previous edition"),
    Key("next_edition", "right_square_bracket", "edition(1)", "Next day",
        "The next day's edition", palette="Next edition"),
    Key("finish_brief", "F", "finish_brief", "Finish brief",
        "Finish this brief: the next edition starts now", palette="Finish brief"),
    Key("toggle_select", "space", "toggle_select", "Select",
        "Select or deselect the story, then move down", palette="Select story"),
    Key("select_range", "V", "select_range", "Range select",
        "Start a range at the cursor (moving extends it); V again ends it",
        palette="Range select"),
    Key("extend_down", "shift+down", "extend(1)", "Extend down", "Extend the selection down",
        palette="Extend selection down"),
    Key("extend_up", "shift+up", "extend(-1)", "Extend up", "Extend the selection up",
        palette="Extend selection up"),
    Key("select_section", "asterisk", "select_section", "Select section",
        "Select every story of the current section (again: deselect)",
        palette="Select section"),
    Key("deselect_all", "", "deselect_all", "Deselect", "Deselect every story",
        palette="Clear selection"),
    Key("copy_as", "Y", "copy_as", "Copy as…", "Copy as Markdown, plain text, links or JSON",
        palette="Copy as…"),
    Key("copy_md", "", "copy_format('md')", "Copy Markdown", "Copy the selection as a brief",
        palette="Copy as Markdown"),
    Key("copy_text", "", "copy_format('text')", "Copy text",
        "Copy the selection as plain text", palette="Copy as plain text"),
    Key("copy_links", "", "copy_format('links')", "Copy links",
        "Copy the selection's links, one per line", palette="Copy links"),
    Key("copy_json", "", "copy_format('json')", "Copy JSON", "Copy the selection as JSON",
        palette="Copy as JSON"),
    # The lists and the story pane move alike.
    *_motions("list", "the cursor", _LIST_MOTIONS, ("Down", "Up", "Top", "Bottom",
                                                     "Page down", "Page up")),
    Key("open", "enter,l", "select", "Open", "Open the story under the cursor", "entries",
        show=True),
    Key("open", "enter,l", "select", "Go to", "Jump to the section under the cursor",
        "sections", show=True),
    *_motions("story", "the story", _STORY_MOTIONS, ("Scroll", "Scroll", "Top", "Bottom",
                                                      "Page down", "Page up")),
    Key("details", "i", "toggle_details", "Details",
        "Show or hide the story's full attribution (publisher, time, tags, who else)", "story",
        show=True),
    Key("full_text", "f", "full_text", "Full text",
        "Fetch the article from the story's web page (f again: the feed's text)", "story"),
    # In the story pane the digits open its numbered links (as in newsboat);
    # elsewhere they switch views.
    *(Key(f"link_{n}", str(n), f"open_numbered({n})", f"Link {n}",
          f"Open link {n} of the story's list (http(s) only, no shell)", "story",
          shadows=True) for n in range(1, 10)),
    # Textual's own tab / shift+tab / ctrl+p have no ids, so [keymap] could
    # not move them; these give the same actions remappable ids.
    Key("focus_next", "tab", "focus_next", "Next pane", "Focus the next pane", "panes"),
    Key("focus_previous", "shift+tab", "focus_previous", "Previous pane",
        "Focus the previous pane", "panes"),
    Key("command_palette", "ctrl+p", "command_palette", "palette",
        "Open the command palette: every action, searchable", "panes"),
    # The terminal is in raw mode, so ctrl+z arrives as a key, not as SIGTSTP.
    Key("suspend", "ctrl+z", "suspend_process", "Suspend",
        "Suspend briefterm and return to the shell (fg brings it back)", "panes"),
    # The modal screens.
    Key("close_help", "escape,q,question_mark", "dismiss", "Close", "Close the list of keys",
        "help", show=True),
    Key("down", "j,down", "scroll('down')", "Down", "Scroll the list of keys down", "help"),
    Key("up", "k,up", "scroll('up')", "Up", "Scroll the list of keys up", "help"),
    Key("top", "g,home", "scroll('top')", "Top", "Scroll to the top of the list of keys", "help"),
    Key("bottom", "G,end", "scroll('bottom')", "Bottom", "Scroll to the end of the list of keys",
        "help"),
    Key("page_down", "pagedown,ctrl+d", "scroll('page_down')", "Page down",
        "Scroll the list of keys one page down", "help"),
    Key("page_up", "pageup,ctrl+u", "scroll('page_up')", "Page up",
        "Scroll the list of keys one page up", "help"),
    Key("close_export", "escape,q", "dismiss(None)", "Cancel", "Copy nothing", "export",
        show=True),
    Key("down", "j", "move(1)", "Down", "Highlight the next format", "export"),
    Key("up", "k", "move(-1)", "Up", "Highlight the previous format", "export"),
    *(Key(f"pick_{n}", str(n), f"pick({n - 1})", f"Format {n}", f"Copy in format {n}",
          "export") for n in range(1, 5)),
)
# fmt: on

HELP_GROUPS: tuple[tuple[str, tuple[Scope, ...]], ...] = (
    ("Reader", ("reader",)),
    ("Lists", ("list", "entries", "sections")),
    ("Story pane", ("story",)),
    ("Panes", ("panes",)),
)
"""The help screen's sections and the scopes each one lists."""

# Scopes whose bindings are active together: a focused widget's, its
# screen's and the app's (a modal screen stands alone).
_CONTEXTS: dict[str, tuple[Scope, ...]] = {
    "the entry list": ("entries", "list", "reader", "panes"),
    "the section list": ("sections", "list", "reader", "panes"),
    "the story pane": ("story", "reader", "panes"),
    "the help screen": ("help",),
    "the Copy as… chooser": ("export",),
}


def in_scope(*scopes: Scope) -> list[Key]:
    """The rows of these scopes that have keys, in table order."""
    return [key for key in KEYS if key.scope in scopes and key.keys]


def palette_keys() -> list[Key]:
    """The rows the command palette offers (before filtering by what applies now)."""
    return [key for key in KEYS if key.palette]


def help_rows(
    scopes: Iterable[Scope], keymap: Mapping[str, str] | None = None
) -> list[tuple[str, Key]]:
    """``(keys, row)`` for one help group: keys after ``keymap``, each id listed once."""
    keymap = keymap or {}
    seen: set[str] = set()
    rows: list[tuple[str, Key]] = []
    for key in in_scope(*scopes):
        if key.id not in seen:
            seen.add(key.id)
            rows.append((keymap.get(key.id) or key.keys, key))
    return rows


def _normal(key: str) -> str:
    """A key as Textual names it: "?" is "question_mark", "/" is "slash"."""
    key = key.strip()
    if len(key) != 1 or key.isalnum():
        return key
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return key
    return {"solidus": "slash", "hyphen_minus": "minus", "plus_sign": "plus"}.get(name, name)


def keymap_problems(keymap: Mapping[str, str]) -> list[str]:
    """One sentence per problem in a ``[keymap]`` table; empty when it is fine.

    Reported: ids that name no binding (with a suggestion), ids of
    palette-only commands (they have no key to move), empty key lists, and
    a key that, once the keymap is applied, runs two different bindings in
    the same place (say ``down`` and ``next_unread`` in the entry list).
    """
    problems: list[str] = []
    bound = {key.id for key in KEYS if key.keys}
    palette_only = {key.id for key in KEYS if not key.keys}
    for binding_id, keys in keymap.items():
        if binding_id in palette_only:
            problems.append(
                f"[keymap] {binding_id}: this command has no key to remap; "
                "it is only in the command palette (ctrl+p)."
            )
        elif binding_id not in bound:
            close = difflib.get_close_matches(binding_id, sorted(bound), n=1)
            hint = f"; did you mean {close[0]}?" if close else "; `?` in the reader lists them."
            problems.append(f"[keymap] {binding_id} is not a binding id{hint}")
        elif not [k for k in keys.split(",") if k.strip()]:
            problems.append(
                f"[keymap] {binding_id} gives no key, so its default stays; name a key or "
                "remove the line."
            )
    reported: set[tuple[str, frozenset[str]]] = set()
    for place, scopes in _CONTEXTS.items():
        # A pane's shadowing keys (the story pane's digits) win over the
        # reader's there by design; they clash only with each other.
        users: dict[str, set[str]] = {}
        shadowing: dict[str, set[str]] = {}
        for key in in_scope(*scopes):
            # An empty value leaves the default in place (as Textual does).
            for name in (keymap.get(key.id) or key.keys).split(","):
                if name.strip():
                    (shadowing if key.shadows else users).setdefault(_normal(name), set()).add(
                        key.id
                    )
        for name, ids in [*users.items(), *shadowing.items()]:
            clash = (name, frozenset(ids))
            if len(ids) > 1 and clash not in reported:
                reported.add(clash)
                listed = " and ".join(sorted(ids))
                problems.append(f"[keymap] the key {name} runs both {listed} in {place}.")
    return problems
