"""The bindings table: what it builds, the keymap check, and that it needs no Textual."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from briefterm.tui.bindings import HELP_GROUPS, KEYS, help_rows, keymap_problems, palette_keys

# Modules of tui/ the core may use (config check) or a test may drive without a screen.
TEXTUAL_FREE = [
    "briefterm.tui",
    "briefterm.tui.bindings",
    "briefterm.tui.view_model",
    "briefterm.tui.row_layout",
    "briefterm.tui.story_text",
    "briefterm.tui.article_links",
    "briefterm.tui.selection",
    "briefterm.tui._marking",
    "briefterm.tui._copying",
    "briefterm.tui._heap",
]

_PROBE = """
import importlib, json, sys
leaks = {}
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
    if "textual" in sys.modules and not leaks:
        leaks[name] = True
print(json.dumps(leaks))
"""


def test_textual_free_modules_import_no_textual() -> None:
    # A fresh interpreter: modules other tests imported cannot hide a leak.
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(TEXTUAL_FREE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {}, "the first of these modules to import Textual"


def test_the_default_keymap_has_no_problems() -> None:
    assert keymap_problems({}) == []


def test_unknown_and_palette_only_ids_are_reported() -> None:
    problems = keymap_problems({"nxt_unread": "x", "copy_md": "M", "zzzz": "z"})
    assert problems[0] == "[keymap] nxt_unread is not a binding id; did you mean next_unread?"
    assert problems[1].startswith("[keymap] copy_md: this command has no key to remap")
    assert problems[2] == "[keymap] zzzz is not a binding id; `?` in the reader lists them."
    assert len(problems) == 3


def test_a_key_bound_twice_in_one_place_is_reported_once() -> None:
    # `n` moves down in both lists and the story pane; reported once, where first seen.
    problems = keymap_problems({"down": "n"})
    assert problems == ["[keymap] the key n runs both down and next_unread in the entry list."]
    # "?" is question_mark, the help key.
    assert keymap_problems({"toggle_star": "?"}) == [
        "[keymap] the key question_mark runs both help and toggle_star in the entry list."
    ]


def test_moving_a_key_away_frees_it() -> None:
    assert keymap_problems({"next_unread": "x", "down": "n"}) == []
    # The same key in two screens that are never active together is fine.
    assert keymap_problems({"close_help": "c"}) == []
    # An empty value keeps the default: said, but no clash follows from it.
    assert keymap_problems({"help": ""}) == [
        "[keymap] help gives no key, so its default stays; name a key or remove the line."
    ]


def test_ids_repeat_only_across_scopes_with_the_same_keys() -> None:
    seen: dict[tuple[str, str], str] = {}
    by_id: dict[str, set[str]] = {}
    for key in KEYS:
        assert (key.id, key.scope) not in seen, f"{key.id} twice in {key.scope}"
        seen[(key.id, key.scope)] = key.keys
        by_id.setdefault(key.id, set()).add(key.keys)
        assert key.tooltip and key.label
    # One id moves the same keys wherever it is bound, so [keymap] means one thing.
    assert by_id["down"] == {"j,down", "j"}  # the Copy-as chooser leaves arrows to its list
    assert all(len(keys) == 1 for name, keys in by_id.items() if name not in ("down", "up"))


def test_palette_and_help_come_from_the_table() -> None:
    titles = [key.palette for key in palette_keys()]
    assert len(titles) == len(set(titles))
    for title in ("Toggle star", "Clear selection", "Copy as JSON", "Open story", "Keys"):
        assert title in titles
    reader = dict(HELP_GROUPS)["Reader"]
    rows = help_rows(reader, {"next_unread": "x"})
    assert ("x", "next_unread") in [(keys, key.id) for keys, key in rows]
    assert all(keys for keys, _ in rows)  # palette-only commands have no row


@pytest.mark.parametrize(
    ("widget", "ids"),
    [
        ("briefterm.tui.widgets.cursor_list:CursorList", ["down", "up", "top", "bottom"]),
        ("briefterm.tui.widgets.detail:DetailPane", ["down", "up", "page_down", "page_up"]),
        ("briefterm.tui.widgets.entry_list:EntryList", ["open"]),
        ("briefterm.tui.screens.reader:ReaderScreen", ["quit", "copy", "clear_selection"]),
        ("briefterm.tui.app:BriefApp", ["focus_next", "command_palette"]),
    ],
)
def test_widgets_take_their_bindings_from_the_table(widget: str, ids: list[str]) -> None:
    import importlib

    module, name = widget.split(":")
    cls = getattr(importlib.import_module(module), name)
    bound = {getattr(b, "id", None) for b in cls.BINDINGS}
    assert set(ids) <= bound


def test_every_action_in_the_table_exists() -> None:
    from textual.actions import parse

    from briefterm.tui.app import BriefApp
    from briefterm.tui.screens.export import ExportChooser
    from briefterm.tui.screens.help import HelpScreen
    from briefterm.tui.screens.reader import ReaderScreen
    from briefterm.tui.widgets import DetailPane, EntryList, SectionList

    owners: dict[str, type] = {
        "reader": ReaderScreen,
        "list": EntryList,
        "entries": EntryList,
        "sections": SectionList,
        "story": DetailPane,
        "panes": BriefApp,
        "help": HelpScreen,
        "export": ExportChooser,
    }
    for key in KEYS:
        _namespace, action, _params = parse(key.action)
        assert hasattr(owners[key.scope], f"action_{action}"), f"{key.id}: no action {action}"


def test_config_check_asks_the_readers_theme_and_keymap_tables() -> None:
    from briefterm.tui.config_check import reader_problems

    assert reader_problems("textual-dark", {}) == []
    (problem,) = reader_problems("gruvbx", {})
    assert "did you mean gruvbox?" in problem
    (problem,) = reader_problems("nord", {"nosuch": "x"})
    assert problem.startswith("keymap: [keymap] nosuch is not a binding id")
