"""Pilot tests of selection, copying (y / Y) and the search view."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from textual.widgets import Input, OptionList

from briefterm.config import Config, ExportConfig, UIConfig
from briefterm.export import Format
from briefterm.models import ParsedEntry
from briefterm.store import Store
from briefterm.tui.app import BriefApp
from briefterm.tui.screens.export import ExportChooser
from briefterm.tui.screens.help import HelpScreen
from briefterm.tui.view_model import View
from briefterm.tui.widgets import SelectionStatus
from tests.support.sql import entry_ids
from tests.support.tui_data import (
    NOW,
    focus_of,
    key_of,
    make_config,
    model_of,
    opened_key,
    pending,
    settle,
    view_of,
)
from tests.tui.conftest import AppFactory, FakeNative

SIZE = (160, 45)
pytestmark = pytest.mark.usefixtures("utc")

EXTRA_POLICY = (
    "Senate debates data retention rules",
    "Ministry publishes an open data plan",
    "Court upholds the roaming price cap",
    "Agency fines a telecom over outage",
)


@pytest.fixture
def store(store: Store) -> Store:
    """The filled store plus four older Policy Wire stories (a longer section to select in)."""
    (policy,) = (f.id for f in store.feeds(with_counts=False) if f.title == "Policy Wire")
    published = datetime.fromtimestamp(NOW, UTC)
    store.upsert_entries(
        policy,
        [
            ParsedEntry(
                f"extra{i}",
                title=title,
                link=f"https://policy.example.org/extra{i}",
                summary=f"What happened in case {i}. A second sentence.",
                published=published - timedelta(hours=9 + i),
            )
            for i, title in enumerate(EXTRA_POLICY)
        ],
        now=NOW - 3600,
    )
    return store


@pytest.fixture
def reader_config() -> Config:
    """Marking by hand only: these tests count what is read."""
    return make_config(mark_read="never")


def selected_ids(app: BriefApp) -> set[int]:
    """The selected entry ids."""
    return app.reader.selection.ids


def ids_of(store: Store, *keys: str) -> set[int]:
    return set(entry_ids(store, *keys))


def status_text(app: BriefApp) -> str:
    status = app.reader.selection_status
    assert isinstance(status, SelectionStatus)
    return str(status.render()) if status.display else ""


def top_screen(app: BriefApp) -> object:
    """The screen on top, read afresh."""
    return app.screen


def help_screen(app: BriefApp) -> HelpScreen:
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    return screen


def messages(app: BriefApp) -> list[str]:
    return [n.message for n in app._notifications]


def is_marked(line: str) -> bool:
    """True when a list line shows the selection mark (after the cursor bar's column)."""
    return line[1:2] == "✓"


def no_controls(text: str) -> bool:
    return not any(
        (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in text
    )


async def test_select_across_sections_copy_markdown_and_survive_views(
    store: Store, make_app: AppFactory
) -> None:
    native = FakeNative()
    app = make_app(native_copier=native)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")  # By feed: Market Watch, Policy Wire, Tech Daily
        await settle(app, pilot)
        assert [r.name for r in app.reader.sections.rows] == [
            "Market Watch",
            "Policy Wire",
            "Tech Daily",
        ]
        assert status_text(app) == ""
        await pilot.press("J", "asterisk")  # the whole Policy Wire group: 7 entries
        assert status_text(app) == "7 selected"
        await pilot.press("J")  # Tech Daily, newest first: chip, markup, cjk, emoji…
        assert key_of(app) == "chip"
        await pilot.press("j", "space")  # markup; the cursor moves on to cjk
        assert key_of(app) == "cjk"
        await pilot.press("V", "j")  # a range from cjk to emoji
        assert status_text(app) == "10 selected · range"
        await pilot.press("V")
        assert status_text(app) == "10 selected"
        selected = set(selected_ids(app))
        assert ids_of(store, "markup", "cjk", "emoji") <= selected
        assert not ids_of(store, "chip", "long") & selected
        marked = [line for line in app.reader.entries.visible_text() if is_marked(line)]
        assert len(marked) == 10

        await pilot.press("y")
        await settle(app, pilot)
        text = app.clipboard
        assert native.texts == [text]
        # Titled by what it holds and dated by the copy, not by a range of item dates.
        assert text.startswith("# 10 stories from the Morning brief, Sunday 22 November 2026\n")
        # Ten stories: a key list of five would mostly repeat them (see brief/selection.py).
        assert "## Key stories" not in text
        assert "## Policy" in text and "## Technology" in text
        headlines = [line for line in text.splitlines() if line.startswith("- **")]
        assert len(headlines) == 10
        assert "- **Release notes \\[/\\] for \\[@click=app.quit\\] version 2**" in headlines
        attributions = [line for line in text.splitlines() if line.startswith("  *")]
        assert sum(a.startswith("  *Policy Wire · ") for a in attributions) == 7
        assert sum(a.startswith("  *Tech Daily · ") for a in attributions) == 3
        assert "  What happened in case 0. A second sentence." in text  # summaries
        assert no_controls(text)
        assert any(
            m.startswith("Copied 10 stories as Markdown to the clipboard (OSC 52 + ")
            for m in messages(app)
        )

        # The selection is entry ids: it survives views, editions and searches.
        for key in ("1", "left_square_bracket", "4", "2"):
            await pilot.press(key)
            await settle(app, pilot)
            assert selected_ids(app) == selected
            assert status_text(app) == "10 selected"
        await pilot.press("1")
        await settle(app, pilot)
        lines = app.reader.entries.visible_text()
        assert any(is_marked(line) and "Release notes" in line for line in lines)
        assert not any(is_marked(line) and "Central bank" in line for line in lines)
        await pilot.press("slash", *"budget", "enter")
        await settle(app, pilot)
        assert view_of(app) == View.SEARCH and key_of(app) == "budget"
        assert is_marked(app.reader.entries.visible_text()[1])
        # esc clears the selection first; the next esc leaves the search.
        await pilot.press("escape")
        assert selected_ids(app) == set() and status_text(app) == ""
        assert view_of(app) == View.SEARCH
        await pilot.press("escape")
        await settle(app, pilot)
        assert view_of(app) == "brief"


async def test_copy_as_chooser_links_json_and_cancel(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chip_ids = ids_of(store, "chip", "chip-policy", "stocks")
        # No selection: the story under the cursor (a three-report cluster) is copied.
        await pilot.press("Y")
        await pilot.pause()
        assert isinstance(top_screen(app), ExportChooser)
        await pilot.press("j", "j", "k", "j")
        assert app.screen.query_one(OptionList).highlighted == 2
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(top_screen(app), ExportChooser)
        links = app.clipboard.splitlines()
        # One link per story (export picks each story's lead), from the cluster's reports only.
        chip_links = {
            "https://news.example.com/chip",
            "https://policy.example.org/chip-policy",
            "https://markets.example.net/stocks",
        }
        assert links and set(links) <= chip_links
        assert any("as links" in m for m in messages(app))

        await pilot.press("Y", "4")
        await settle(app, pilot)
        data = json.loads(app.clipboard)
        assert data["schema"] == "briefterm.brief"
        exported = {e["id"] for s in data["sections"] for c in s["clusters"] for e in c["entries"]}
        assert exported == chip_ids
        assert no_controls(app.clipboard)

        before = app.clipboard
        await pilot.press("Y", "escape")
        await settle(app, pilot)
        assert app.clipboard == before and not isinstance(top_screen(app), ExportChooser)

        # Plain text from the chooser, for a selection of two stories.
        await pilot.press("j", "space", "space")
        # Stories, as the rows show them: "markup" and the chip story (3 reports).
        assert status_text(app) == "2 selected"
        await pilot.press("Y", "2")
        await settle(app, pilot)
        assert "Release notes [/] for [@click=app.quit] version 2" in app.clipboard
        # Two stories get no key list that would only repeat them.
        assert "KEY STORIES" not in app.clipboard and no_controls(app.clipboard)


async def test_default_format_and_failed_delivery(store: Store, make_app: AppFactory) -> None:
    config = Config(
        feeds=make_config().feeds,
        ui=UIConfig(mark_read="never"),
        export=ExportConfig(format=Format.LINKS, clipboard="native"),
    )
    app = make_app(config, native_copier=FakeNative(works=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.clipboard == ""  # native only: no OSC 52
        assert any(
            re.match(r"Could not copy \d stor(y|ies): no clipboard tool was found", m)
            for m in messages(app)
        )


async def test_shift_range_star_toggle_and_escape(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("shift+down")  # the key story cluster (3) and "markup"
        assert selected_ids(app) == ids_of(store, "chip", "chip-policy", "stocks", "markup")
        assert status_text(app) == "2 selected · range"  # two stories: 4 entries
        await pilot.press("shift+down", "shift+up")
        assert len(selected_ids(app)) == 4
        await pilot.press("j")  # a plain move ends a shift range and keeps it
        assert status_text(app) == "2 selected"
        await pilot.press("j")
        assert len(selected_ids(app)) == 4
        await pilot.press("escape")
        assert selected_ids(app) == set()
        assert focus_of(app) is app.reader.entries  # esc only cleared the selection
        await pilot.press("J", "asterisk")  # Policy: the two stories shown
        assert selected_ids(app) == ids_of(store, "budget", "privacy")
        await pilot.press("asterisk")  # again: deselect the section
        assert selected_ids(app) == set()
        await pilot.press("space", "k", "space")  # select, move back, deselect
        assert selected_ids(app) == set()
        await pilot.press("escape")  # nothing selected: esc goes back as before
        assert focus_of(app) is app.reader.sections


async def test_search_prefix_cjk_and_actions_in_results(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"chipm", "space", "Y", "y")
        assert app.query_one("#search", Input).value == "chipm Yy"  # typed, not bound
        assert selected_ids(app) == set() and not isinstance(top_screen(app), ExportChooser)
        for _ in range(3):
            await pilot.press("backspace")
        await settle(app, pilot)  # the pause after typing, then the search
        assert view_of(app) == View.SEARCH
        results = model_of(app).item_ids(0, len(model_of(app)))
        assert set(results) == ids_of(store, "chip", "chip-policy")  # not "Chip stocks"
        # esc in the box returns to the previous view.
        await pilot.press("escape")
        await settle(app, pilot)
        assert view_of(app) == "brief" and not app.query_one("#search").display

        await pilot.press("slash")
        app.query_one("#search", Input).value = "芯片"
        await pilot.press("enter")  # runs the search and focuses the results
        await settle(app, pilot)
        assert focus_of(app) is app.reader.entries
        assert key_of(app) == "cjk"
        await pilot.press("s", "m")  # star and mark read work in results
        (cjk,) = ids_of(store, "cjk")
        assert store.flags([cjk])[cjk] == (True, True)
        await pilot.press("space", "y")
        await settle(app, pilot)
        assert "国产芯片出货量创新高" in app.clipboard
        await pilot.press("enter")
        await pilot.pause()
        assert opened_key(app) == "cjk" and focus_of(app) is app.reader.detail
        await pilot.press("space")  # in the story pane: (de)selects the story being read
        assert selected_ids(app) == set()
        await pilot.press("space")
        assert selected_ids(app) == {cjk}
        await pilot.press("escape")  # out of the story pane, back to the results
        assert focus_of(app) is app.reader.entries and view_of(app) == View.SEARCH
        # An emptied search box falls back to the previous view.
        await pilot.press("slash")
        app.query_one("#search", Input).value = ""
        await settle(app, pilot)
        assert view_of(app) == "brief"


async def test_help_and_palette_list_selection_keys(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Clear selection" not in titles  # nothing to clear: not offered
        await pilot.press("space")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Select story", "Range select", "Select section", "Clear selection"} <= titles
        assert {"Copy", "Copy as…", "Copy as JSON", "Copy links"} <= titles
        await pilot.press("question_mark")
        await pilot.pause()
        ids = {str(cell) for cell in help_screen(app).table.columns[1]._cells}
        for action_id in (
            "toggle_select",
            "select_range",
            "extend_down",
            "extend_up",
            "select_section",
            "clear_selection",
            "copy",
            "copy_as",
        ):
            assert action_id in ids
        keys = {str(cell) for cell in help_screen(app).table.columns[0]._cells}
        assert {"space", "V", "*", "y", "Y", "esc"} <= keys


async def test_selection_keys_remappable(store: Store, make_app: AppFactory) -> None:
    config = Config(
        feeds=make_config().feeds,
        ui=UIConfig(mark_read="never"),
        keymap={"toggle_select": "t", "copy": "c"},
    )
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("t", "c")
        await settle(app, pilot)
        assert selected_ids(app) == ids_of(store, "chip", "chip-policy", "stocks")
        assert "https://markets.example.net/stocks" in app.clipboard


async def test_read_and_star_keys_act_on_the_selection(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")  # By feed
        await settle(app, pilot)
        await pilot.press("J", "asterisk")  # every Policy Wire entry
        selected = sorted(selected_ids(app))
        assert len(selected) == 7
        assert not any(read for read, _ in store.flags(selected).values())

        await pilot.press("m")  # read, all of them
        assert all(read for read, _ in store.flags(selected).values())
        assert any("Marked 7 selected stories read" in m for m in messages(app))
        await pilot.press("m")  # all read already: the toggle goes back to unread
        assert not any(read for read, _ in store.flags(selected).values())

        await pilot.press("s")
        assert all(starred for _, starred in store.flags(selected).values())
        await pilot.press("u")  # undo restores the previous flags
        assert not any(starred for _, starred in store.flags(selected).values())

        await pilot.press("escape")  # no selection: keys act on the cursor row again
        assert status_text(app) == ""
        lead = model_of(app).lead_id(app.reader.entries.cursor)
        assert lead is not None
        await pilot.press("s")
        assert store.flags([lead])[lead][1] is True
        assert sum(s for _, s in store.flags(selected).values()) == 1


async def test_empty_search_closes_the_box(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", "enter")
        await settle(app, pilot)
        assert not app.query_one("#search", Input).display
        assert view_of(app) == "brief"


async def test_esc_clears_the_selection_after_reading_in_the_wide_layout(
    store: Store, make_app: AppFactory
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")  # read a story (the wide layout keeps the list visible)
        await settle(app, pilot)
        await pilot.press("shift+tab", "space")  # back to the list with the mouse-less key
        assert selected_ids(app)
        await pilot.press("escape")
        assert selected_ids(app) == set()


async def test_marking_by_hand_cancels_the_delayed_read(store: Store, make_app: AppFactory) -> None:
    # A delay no test run reaches: the timer is driven by hand below, so a
    # loaded machine cannot fire it between the key presses.
    app = make_app(make_config(mark_read="after", mark_read_delay=3600))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        lead = model_of(app).lead_id(app.reader.entries.cursor)
        assert lead is not None
        await pilot.press("enter")
        marking = app.reader.marking
        assert pending(marking)  # the delayed read is pending
        await pilot.press("m", "m")  # read, then unread again: the user's choice
        assert not pending(marking)  # marking by hand cancelled it
        marking.read_after_delay()  # a timer that fired anyway finds nothing to mark
        assert store.flags([lead])[lead][0] is False


async def test_fast_shift_arrows_keep_one_range(store: Store, make_app: AppFactory) -> None:
    from textual import events

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")  # All
        await settle(app, pilot)
        for _ in range(3):  # posted at once, as autorepeat delivers them
            app.post_message(events.Key("shift+down", None))
        await pilot.pause()
        await pilot.press("shift+up")
        assert len(selected_ids(app)) == 3  # the range shrank instead of ending
