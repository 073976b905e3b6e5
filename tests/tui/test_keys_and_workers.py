"""Pilot tests of the reader's shell and workers: help, palette, keymap, theme, layout,
the browser, refreshing, and how failures are reported."""

from __future__ import annotations

import threading
import webbrowser
from datetime import UTC, datetime

import pytest
from rich.table import Table

from briefterm import links
from briefterm.config import Config, UIConfig
from briefterm.errors import BrowserError
from briefterm.models import ParsedEntry
from briefterm.store import Store
from briefterm.tui.screens.help import HelpScreen
from tests.support.sql import entry_ids
from tests.support.tui_data import (
    NOW,
    TECH,
    flags_of,
    focus_of,
    key_of,
    make_config,
    row_of,
    settle,
    until,
)
from tests.tui.conftest import AppFactory

SIZE = (160, 45)
pytestmark = pytest.mark.usefixtures("utc")


def help_table(app: object) -> Table:
    """The table of keys on the help screen that is open."""
    screen = getattr(app, "screen", None)
    assert isinstance(screen, HelpScreen)
    return screen.table


# -- help, palette, keymap, theme, layout -----------------------------------------------


async def test_help_screen_lists_keys_and_ids(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = help_table(app)
        ids = {str(cell) for cell in table.columns[1]._cells}
        for action_id in (
            "next_unread",
            "toggle_read",
            "toggle_star",
            "mark_section_read",
            "undo",
            "poll",
            "open_link",
            "search",
            "cycle_view",
            "view_feeds",
            "prev_edition",
            "finish_brief",
            "down",
            "up",
            "top",
            "bottom",
            "page_down",
            "open",
            "back",
            "help",
            "quit",
        ):
            assert action_id in ids
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_runs_reader_actions(store: Store, make_app: AppFactory) -> None:
    app = make_app(make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Toggle star", "Mark section read", "Finish brief", "Refresh feeds"):
            assert title in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Toggle star")
        await settle(app, pilot)  # the palette searches in workers
        await pilot.press("enter")
        await settle(app, pilot)
        assert flags_of(store, "chip") == (False, True)


async def test_keymap_from_config(store: Store, make_app: AppFactory) -> None:
    config = Config(
        feeds=make_config().feeds,
        ui=UIConfig(mark_read="never"),
        keymap={"next_unread": "x", "down": "ctrl+n", "toggle_star": "S"},
    )
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        assert app.reader.entries.cursor == 2
        await pilot.press("j")  # replaced
        assert app.reader.entries.cursor == 2
        await pilot.press("m", "x")
        assert app.reader.entries.cursor == 4
        await pilot.press("S")
        assert flags_of(store, "chip")[1]
        await pilot.press("question_mark")
        await pilot.pause()
        table = help_table(app)
        rows = list(zip(table.columns[0]._cells, table.columns[1]._cells, strict=True))
        assert ("x", "next_unread") in [(str(a), str(b)) for a, b in rows]


async def test_pane_and_palette_keys_are_remappable(store: Store, make_app: AppFactory) -> None:
    config = Config(
        feeds=make_config().feeds,
        ui=UIConfig(mark_read="never"),
        keymap={"focus_next": "ctrl+o", "command_palette": "ctrl+k"},
    )
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = app.focused
        await pilot.press("ctrl+o")
        assert focus_of(app) is not before
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"


async def test_theme_from_config(store: Store, make_app: AppFactory) -> None:
    app = make_app(make_config(theme="textual-light"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.theme == "textual-light"
    app = make_app(make_config(theme="no-such-theme"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.theme == "textual-dark"
        assert any("Unknown theme" in n.message for n in app._notifications)


async def test_narrow_layout_switches_by_class(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(app, pilot)
        panes = app.query_one("#panes")
        assert app.reader.has_class("-narrow")
        assert not app.reader.detail.display or app.reader.detail.region.height == 0
        await pilot.press("enter")
        await pilot.pause()
        assert panes.has_class("-reading") and app.reader.detail.region.height > 10
        await pilot.press("h")
        await pilot.pause()
        assert not panes.has_class("-reading")
        await pilot.resize_terminal(160, 45)
        await pilot.pause()
        assert not app.reader.has_class("-narrow")
        # Wide, with no story open: no empty story pane, the list takes the width.
        assert not app.reader.detail.display and app.reader.sections.region.width > 20
        await pilot.press("enter")
        await pilot.pause()
        assert app.reader.detail.region.width > 60 and app.reader.sections.region.width > 20


# -- browser ---------------------------------------------------------------------------


async def test_open_link_uses_argv_without_shell(
    store: Store, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[object, dict[str, object]]] = []

    def fake_popen(argv, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((argv, kwargs))

    monkeypatch.setattr("briefterm.links.subprocess.Popen", fake_popen)
    config = Config(feeds=make_config().feeds, browser="firefox --new-tab {url}")
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
    assert len(calls) == 1
    argv, kwargs = calls[0]
    assert argv == ["firefox", "--new-tab", "https://news.example.com/chip"]
    assert kwargs["shell"] is False and kwargs["start_new_session"] is True


async def test_open_link_default_browser_and_javascript_refused(
    store: Store, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    class GraphicalBrowser(webbrowser.BackgroundBrowser):
        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            opened.append(url)
            return True

    monkeypatch.setattr("briefterm.links.webbrowser.get", lambda: GraphicalBrowser("xdg-open"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        assert opened == ["https://news.example.com/chip"]
        app.reader.entries.cursor = row_of(app, entry_ids(store, "js")[0])
        await pilot.press("o")
        await settle(app, pilot)
        assert opened == ["https://news.example.com/chip"]
        assert any("refused" in n.message for n in app._notifications)


def test_console_browser_is_refused_rather_than_run_on_the_readers_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Over SSH, webbrowser falls back to lynx/w3m in the foreground.
    monkeypatch.setattr("briefterm.links.webbrowser.get", lambda: webbrowser.GenericBrowser("w3m"))
    with pytest.raises(BrowserError, match="No graphical web browser"):
        links.open_link("https://news.example.com/chip")


# -- polling -----------------------------------------------------------------------------


async def test_poll_keeps_cursor_on_selected_entry(store: Store, make_app: AppFactory) -> None:
    from briefterm.poller import FeedResult, PollReport

    calls: list[dict[str, object]] = []

    def fake_poll(s: Store, config: Config, *, progress=None, **kw):  # type: ignore[no-untyped-def]
        calls.append(kw)
        feed_id = s.ensure_feed(TECH)
        fresh = ParsedEntry(
            "fresh", title="Fresh story on top", published=datetime.fromtimestamp(NOW + 60, UTC)
        )
        s.upsert_entries(feed_id, [fresh], now=NOW + 60)
        result = FeedResult(TECH, "Tech Daily", "ok", new=1)
        if progress:
            progress(result)
        return PollReport(results=[result])

    app = make_app(make_config(mark_read="never"), poller=fake_poll)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("j", "j")
        selected = key_of(app)
        before = app.reader.entries.cursor
        await pilot.press("r")
        await settle(app, pilot)
        assert key_of(app) == selected
        assert app.reader.entries.cursor == before + 1  # a new row appeared above it
        assert any("1 new story" in n.message for n in app._notifications)
        assert "12 unread / 12" in str(app.query_one("#titlebar").render())
        assert app.reader.poll_status == ""
        assert len(calls) == 1 and calls[0]["force"] is True  # every feed, not only due ones


async def test_poll_failure_is_one_sentence(store: Store, make_app: AppFactory) -> None:
    def broken_poll(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disk on fire")

    app = make_app(poller=broken_poll)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert any("Refresh failed: disk on fire." in n.message for n in app._notifications)
        assert app.is_running


async def test_quit_during_a_refresh_stops_it(store: Store, make_app: AppFactory) -> None:
    from briefterm.poller import PollReport

    stopped: list[bool] = []
    polling = threading.Event()

    def slow_poll(s: Store, config: Config, *, cancel=None, **kw):  # type: ignore[no-untyped-def]
        polling.set()
        stopped.append(cancel.wait(10))  # a poll waiting on slow servers
        return PollReport(results=[])

    app = make_app(poller=slow_poll)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await until(pilot, polling.is_set, "the refresh started")
        await pilot.press("q")
    # True: the poll saw its cancel event set by quitting, not its 10 s wait run out.
    assert stopped == [True]


async def test_quit(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_a_failing_view_or_copy_is_one_sentence(
    store: Store, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> str:
        raise OSError("disk on fire")

    app = make_app(brief_loader=broken)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert "Could not load the view: disk on fire." in messages
        assert "Could not load the view" in "\n".join(app.reader.entries.visible_text())
        await pilot.press("4")  # the other views still load
        await settle(app, pilot)
        assert key_of(app) == "chip"
        monkeypatch.setattr("briefterm.export.render", broken)
        await pilot.press("y")
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert "Could not export the stories: disk on fire." in messages
        assert app.is_running
