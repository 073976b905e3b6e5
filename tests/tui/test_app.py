"""Pilot tests of the reader: every key and view against a realistic store."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from briefterm import links
from briefterm.config_types import Config, UIConfig
from briefterm.models import ParsedEntry
from briefterm.store import Store
from briefterm.tui.app import BriefApp
from briefterm.tui.rows import READ, VIEW_FEEDS, VIEW_SEARCH
from briefterm.tui.screens.help import HelpScreen
from tests.support.sql import entry_ids, raw_write
from tests.support.tui_data import (
    NOW,
    TECH,
    clock,
    fill_store,
    fixture_brief,
    key_of,
    make_config,
    settle,
)

SIZE = (160, 45)
pytestmark = pytest.mark.usefixtures("utc")


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store(":memory:")
    fill_store(s)
    yield s
    s.close()


def make_app(store: Store, config: Config | None = None, **kwargs: object) -> BriefApp:
    kwargs.setdefault("brief_loader", fixture_brief)
    return BriefApp(config or make_config(), store, clock=clock, **kwargs)  # type: ignore[arg-type]


def flags_of(store: Store, key: str) -> tuple[bool, bool]:
    (eid,) = entry_ids(store, key)
    return store.flags([eid])[eid]


# -- rendering ---------------------------------------------------------------------


async def test_brief_rows_render_feed_text_literally(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        lines = app.entries.visible_text()
        text = "\n".join(lines)
        assert "Key stories" in lines[0]
        assert "1. Chipmaker unveils a 2 nm" in lines[1]
        assert "+2" in lines[1]  # three sources: lead plus two
        assert "Silicon Gazette" in lines[1]  # the publisher of a wire item
        assert "Tech Daily" in lines[5]  # the source column: the feed name
        assert "Release notes [/] for [@click=app.q" in text  # literal, cut to the column
        assert "国产芯片出货量创新高" in text
        width = app.entries.scrollable_content_region.width
        assert len(lines) == app.entries.size.height
        from rich.cells import cell_len

        # Every row is exactly one line of the widget's width: no spill, no overflow.
        assert all(cell_len(line) == width for line in lines)
        long_row = next(line for line in lines if "Very long headline" in line)
        assert "…" in long_row
        assert app.is_running  # the [@click=app.quit] title did nothing
        sections = [row.name for row in app.sections.rows]
        assert sections == ["Key stories", "Technology", "Policy", "Markets"]


async def test_escape_sequences_from_feed_never_reach_output(store: Store) -> None:
    feed_id = store.ensure_feed(TECH)
    store.upsert_entries(feed_id, [ParsedEntry("raw", title="x")], now=NOW)
    with raw_write(store) as db:  # bypass sanitize, as a corrupt cache would
        db.execute(
            "UPDATE entries SET title = ?, author = ?, summary = ? WHERE entry_key = 'raw'",
            (
                "Evil \x1b]0;pwned\x07 title \x1b[31mred\x1b[0m \x9b2J end",
                "\x1b[2Jauthor",
                "body \x1b]8;;http://x\x07link",
            ),
        )
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")  # All view lists every entry
        await settle(app, pilot)
        strips = [app.entries.render_line(y) for y in range(app.entries.size.height)]
        rendered = "".join(seg.text for strip in strips for seg in strip)
        assert "Evil" in rendered and "title" in rendered
        assert "\x1b" not in rendered and "\x9b" not in rendered and "\x07" not in rendered
        row = app.model.row_of_entry(entry_ids(store, "raw")[0])
        app.entries.cursor = row
        await pilot.press("enter")
        await pilot.pause()
        detail_text = app.detail.attribution_text + str(
            app.detail.query_one("#detail-title").render()
        )
        assert "\x1b" not in detail_text and "author" in detail_text and "Evil" in detail_text
        # The whole composed screen (list, detail pane, markdown body) is clean too.
        screen_text = "".join(
            seg.text for strip in app.screen._compositor.render_strips() for seg in strip
        )
        assert "Evil" in screen_text and "body" in screen_text
        assert "\x1b" not in screen_text and "\x07" not in screen_text


# -- movement ---------------------------------------------------------------------


async def test_movement_keys_skip_headers(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.entries.cursor == 1  # first story, not the header
        await pilot.press("j")
        assert app.entries.cursor == 2
        await pilot.press("j")
        assert app.entries.cursor == 4  # header of Technology skipped
        await pilot.press("k", "up")
        assert app.entries.cursor == 1
        await pilot.press("down")
        assert app.entries.cursor == 2
        await pilot.press("G")
        assert key_of(app) == "rates"
        await pilot.press("g")
        assert app.entries.cursor == 1
        await pilot.press("end")
        last = app.entries.cursor
        await pilot.press("home")
        assert app.entries.cursor == 1
        await pilot.press("pagedown")
        assert app.entries.cursor == last  # short list: a page reaches the end
        await pilot.press("pageup")
        assert app.entries.cursor == 1
        await pilot.press("ctrl+d")
        assert app.entries.cursor == last
        await pilot.press("ctrl+u")
        assert app.entries.cursor == 1


async def test_cursor_stays_visible_in_a_long_list(store: Store) -> None:
    feed_id = store.ensure_feed(TECH)
    store.upsert_entries(
        feed_id, [ParsedEntry(f"bulk{i}", title=f"Bulk story {i}") for i in range(300)], now=NOW
    )
    app = make_app(store)
    async with app.run_test(size=(100, 16)) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press(*"j" * 25)
        entries = app.entries
        top = int(entries.scroll_y)
        assert top <= entries.cursor < top + entries.scrollable_content_region.height
        await pilot.press("G")
        await pilot.pause()
        top = int(entries.scroll_y)
        assert entries.cursor == len(app.model) - 1
        assert top <= entries.cursor < top + entries.scrollable_content_region.height


async def test_sections_next_previous_and_section_list(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("J")
        assert app.model.groups[app.model.group_index(app.entries.cursor)].name == "Technology"
        assert app.sections.cursor == 1  # the section list follows
        await pilot.press("J")
        assert key_of(app) == "budget"
        await pilot.press("j", "K")
        assert key_of(app) == "budget"  # first K goes to the top of the section
        await pilot.press("K")
        assert app.model.group_index(app.entries.cursor) == 1
        # Tab to the section list, pick Markets, enter jumps there.
        await pilot.press("escape")
        assert app.focused is app.sections
        await pilot.press("G", "enter")
        assert app.focused is app.entries
        assert key_of(app) == "rates"


async def test_next_previous_unread_cross_sections(store: Store) -> None:
    app = make_app(store, make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("G")
        await pilot.press("m")  # rates read
        await pilot.press("g", "n")
        assert app.entries.cursor == 2
        # Mark everything up to "privacy" read; n then crosses sections.
        app.entries.cursor = 4
        await pilot.press("A")
        await pilot.press("g", "n")  # key stories are in Technology: all read
        assert key_of(app) == "budget"
        await pilot.press("n", "n")
        assert key_of(app) == "privacy"  # no unread after it; cursor stays
        await pilot.press("p")
        assert key_of(app) == "budget"


# -- opening, reading, marking -------------------------------------------------------


async def test_open_and_back_and_scroll_detail(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        detail = app.detail
        assert detail.entry is not None and detail.entry.entry_key == "chip"
        assert app.focused is detail
        meta = detail.attribution_text
        assert "Silicon Gazette  via Tech Daily" in meta
        assert "Dana Reporter" in meta
        assert "Sun 22 Nov 2026 08:00 UTC" in meta and "(1 h ago)" in meta
        assert "chips, industry" in meta
        assert "https://cdn.example.com/ep1.mp3" in meta and "audio/mpeg" in meta
        assert "Policy Wire, Market Watch" in meta
        assert "https://news.example.com/chip-policy" in meta
        related = str(detail.query_one("#detail-related").render())
        assert "https://news.example.com/related-1" in related
        await pilot.press("h")
        assert app.focused is app.entries
        # Long body: open the 20k-character title entry and scroll with j/k.
        app.entries.cursor = app.model.row_of_entry(entry_ids(store, "long")[0])
        await pilot.press("l")
        await pilot.pause(0.2)
        assert detail.max_scroll_y > 0
        await pilot.press("j", "j", "j")
        assert detail.scroll_y > 0
        await pilot.press("k", "k", "k")
        assert detail.scroll_y == 0
        await pilot.press("escape")
        assert app.focused is app.entries


async def test_body_uses_markdown_from_html(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        from textual.widgets import Markdown

        body = app.detail.query_one("#detail-body", Markdown)
        assert "**process**" in body.source
        assert "[Spec sheet](https://chips.example.com/spec)" in body.source


async def test_open_marks_cluster_read_on_open(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        for key in ("chip", "chip-policy", "stocks"):
            assert flags_of(store, key) == (True, False)
        # The same story in its section shows read too (key stories repeat).
        assert app.model.flags[4] & READ
        assert app.sections.rows[1].unread == 5


async def test_mark_read_never(store: Store) -> None:
    app = make_app(store, make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        assert flags_of(store, "chip") == (False, False)


async def test_mark_read_after_delay_and_cancel(store: Store) -> None:
    app = make_app(store, make_config(mark_read="after", mark_read_delay=0.6))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        assert flags_of(store, "chip") == (False, False)
        await pilot.pause(0.8)
        assert flags_of(store, "chip") == (True, False)
        # Open another story and move away at once: the timer is cancelled.
        await pilot.press("h", "j", "enter", "h", "j")
        await pilot.pause(0.8)
        assert flags_of(store, "markup") == (False, False)


async def test_toggle_read_star_section_and_undo(store: Store) -> None:
    app = make_app(store, make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        assert all(flags_of(store, k)[0] for k in ("chip", "chip-policy", "stocks"))
        await pilot.press("m")
        assert not flags_of(store, "chip")[0]
        await pilot.press("s")
        assert flags_of(store, "chip") == (False, True)
        line = app.entries.visible_text()[1]
        assert "★" in line
        await pilot.press("J", "A")
        assert all(flags_of(store, k)[0] for k in ("markup", "cjk", "emoji", "long", "js"))
        assert app.sections.rows[1].unread == 0
        assert "0 unread" not in app.entries.visible_text()[3]
        await pilot.press("u")
        assert not any(flags_of(store, k)[0] for k in ("markup", "cjk", "emoji"))
        assert app.sections.rows[1].unread == 6
        await pilot.press("u")  # undo the star
        assert flags_of(store, "chip") == (False, False)
        await pilot.press("u", "u")  # undo the read toggles, then nothing left
        assert flags_of(store, "chip") == (False, False)


async def test_header_counts_update_live(store: Store) -> None:
    app = make_app(store, make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        title = str(app.query_one("#titlebar").render())
        assert "11 unread / 11" in title
        await pilot.press("m")
        title = str(app.query_one("#titlebar").render())
        assert "8 unread / 11" in title
        assert "Morning brief" in title and "Sunday 22 November 2026" in title
        assert title.startswith("◆ briefterm │ Brief · Morning brief")


# -- views --------------------------------------------------------------------------


async def test_views_cycle_and_direct(store: Store) -> None:
    app = make_app(store, make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("s")  # star the key story (3 entries)
        await pilot.press("v")
        await settle(app, pilot)
        assert app.view == "unread"
        assert [r.name for r in app.sections.rows] == ["Today", "Yesterday"]
        assert app.model.unread_rows() == 11
        await pilot.press("v")
        await settle(app, pilot)
        assert app.view == "starred" and len(app.model) - len(app.model.groups) == 3
        await pilot.press("v")
        await settle(app, pilot)
        assert app.view == "all"
        await pilot.press("v")
        await settle(app, pilot)
        assert app.view == VIEW_FEEDS
        assert [r.name for r in app.sections.rows] == ["Market Watch", "Policy Wire", "Tech Daily"]
        await pilot.press("v")
        await settle(app, pilot)
        assert app.view == "brief"
        for key, view in (("3", "starred"), ("5", "feeds"), ("2", "unread"), ("1", "brief")):
            await pilot.press(key)
            await settle(app, pilot)
            assert app.view == view


async def test_search_view_and_escape(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.press(*"budget")
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert app.view == VIEW_SEARCH
        assert key_of(app) == "budget"
        await pilot.press("enter")
        assert app.focused is app.entries
        await pilot.press("enter")  # opens the result
        assert app.detail.entry.entry_key == "budget"
        await pilot.press("escape", "slash", "escape")
        await settle(app, pilot)
        assert app.view == "brief"
        assert not app.query_one("#search").display


async def test_previous_next_edition(store: Store) -> None:
    calls: list[int] = []

    def loader(s, c, offset, now):  # type: ignore[no-untyped-def]
        calls.append(offset)
        return fixture_brief(s, c, offset, now)

    app = make_app(store, brief_loader=loader)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert calls[-1] == -1
        assert "1 day(s) earlier" in str(app.query_one("#titlebar").render())
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert calls[-1] == 0
        await pilot.press("right_square_bracket")  # already the latest
        await settle(app, pilot)
        assert calls[-1] == 0 and app.edition_offset == 0


async def test_finish_brief_starts_next_edition(store: Store) -> None:
    from briefterm.tui.rows import load_brief

    ticks = iter(range(1_000_000))
    app = BriefApp(
        make_config(), store, clock=lambda: NOW + next(ticks) / 1000, brief_loader=load_brief
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        names = [r.name for r in app.sections.rows]
        assert "Technology" in names and "Policy" in names  # real brief.py sections
        await pilot.press("F")
        await settle(app, pilot)
        assert NOW <= float(store.get_meta("last_brief_finished") or 0) < NOW + 60
        assert len(app.model) == 0  # nothing arrived since
        assert "This edition is empty" in "\n".join(app.entries.visible_text())


# -- help, palette, keymap, theme, layout -----------------------------------------------


async def test_help_screen_lists_keys_and_ids(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen._table
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


async def test_command_palette_runs_reader_actions(store: Store) -> None:
    app = make_app(store, make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Toggle star", "Mark section read", "Finish brief", "Refresh feeds"):
            assert title in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Toggle star")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert flags_of(store, "chip") == (False, True)


async def test_keymap_from_config(store: Store) -> None:
    config = Config(
        feeds=make_config().feeds,
        ui=UIConfig(mark_read="never"),
        keymap={"next_unread": "x", "down": "ctrl+n", "toggle_star": "S"},
    )
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        assert app.entries.cursor == 2
        await pilot.press("j")  # replaced
        assert app.entries.cursor == 2
        await pilot.press("m", "x")
        assert app.entries.cursor == 4
        await pilot.press("S")
        assert flags_of(store, "chip")[1]
        await pilot.press("question_mark")
        await pilot.pause()
        table = app.screen._table
        rows = list(zip(table.columns[0]._cells, table.columns[1]._cells, strict=True))
        assert ("x", "next_unread") in [(str(a), str(b)) for a, b in rows]


async def test_pane_and_palette_keys_are_remappable(store: Store) -> None:
    config = Config(
        feeds=make_config().feeds,
        ui=UIConfig(mark_read="never"),
        keymap={"focus_next": "ctrl+o", "command_palette": "ctrl+k"},
    )
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = app.focused
        await pilot.press("ctrl+o")
        assert app.focused is not before
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"


async def test_theme_from_config(store: Store) -> None:
    app = make_app(store, make_config(theme="textual-light"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.theme == "textual-light"
    app = make_app(store, make_config(theme="no-such-theme"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.theme == "textual-dark"
        assert any("Unknown theme" in n.message for n in app._notifications)


async def test_narrow_layout_switches_by_class(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(app, pilot)
        panes = app.query_one("#panes")
        assert panes.has_class("-narrow")
        assert not app.detail.display or app.detail.region.height == 0
        await pilot.press("enter")
        await pilot.pause()
        assert panes.has_class("-reading") and app.detail.region.height > 10
        await pilot.press("h")
        await pilot.pause()
        assert not panes.has_class("-reading")
        await pilot.resize_terminal(160, 45)
        await pilot.pause()
        assert not panes.has_class("-narrow")
        assert app.detail.region.width > 40 and app.sections.region.width > 20


# -- browser ---------------------------------------------------------------------------


async def test_open_link_uses_argv_without_shell(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[object, dict]] = []

    def fake_popen(argv, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((argv, kwargs))

    monkeypatch.setattr(links.subprocess, "Popen", fake_popen)
    config = Config(feeds=make_config().feeds, browser="firefox --new-tab {url}")
    app = make_app(store, config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
    assert len(calls) == 1
    argv, kwargs = calls[0]
    assert argv == ["firefox", "--new-tab", "https://news.example.com/chip"]
    assert kwargs["shell"] is False and kwargs["start_new_session"] is True


async def test_open_link_default_browser_and_javascript_refused(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    class GraphicalBrowser(links.webbrowser.BackgroundBrowser):
        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            opened.append(url)
            return True

    monkeypatch.setattr(links.webbrowser, "get", lambda: GraphicalBrowser("xdg-open"))
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        assert opened == ["https://news.example.com/chip"]
        app.entries.cursor = app.model.row_of_entry(entry_ids(store, "js")[0])
        await pilot.press("o")
        await settle(app, pilot)
        assert opened == ["https://news.example.com/chip"]
        assert any("refused" in n.message for n in app._notifications)


def test_console_browser_is_refused_rather_than_run_on_the_readers_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Over SSH, webbrowser falls back to lynx/w3m in the foreground.
    monkeypatch.setattr(links.webbrowser, "get", lambda: links.webbrowser.GenericBrowser("w3m"))
    with pytest.raises(links.BrowserError, match="No graphical web browser"):
        links.open_link("https://news.example.com/chip")


# -- polling -----------------------------------------------------------------------------


async def test_poll_keeps_cursor_on_selected_entry(store: Store) -> None:
    from briefterm.poller import FeedResult, PollReport

    calls: list[dict] = []

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

    app = make_app(store, make_config(mark_read="never"), poller=fake_poll)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("j", "j")
        selected = key_of(app)
        before = app.entries.cursor
        await pilot.press("r")
        await settle(app, pilot)
        await settle(app, pilot)
        assert key_of(app) == selected
        assert app.entries.cursor == before + 1  # a new row appeared above it
        assert any("1 new story" in n.message for n in app._notifications)
        assert "12 unread / 12" in str(app.query_one("#titlebar").render())
        assert app.poll_status == ""
        assert len(calls) == 1 and calls[0]["force"] is True  # every feed, not only due ones


async def test_poll_failure_is_one_sentence(store: Store) -> None:
    def broken_poll(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disk on fire")

    app = make_app(store, poller=broken_poll)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        await pilot.pause()
        assert any("Refresh failed: disk on fire." in n.message for n in app._notifications)
        assert app.is_running


async def test_quit_during_a_refresh_stops_it(store: Store) -> None:
    from briefterm.poller import PollReport

    stopped: list[bool] = []

    def slow_poll(s: Store, config: Config, *, cancel=None, **kw):  # type: ignore[no-untyped-def]
        stopped.append(cancel.wait(10))  # a poll waiting on slow servers
        return PollReport(results=[])

    app = make_app(store, poller=slow_poll)
    started = time.monotonic()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await pilot.pause(0.2)
        await pilot.press("q")
    assert time.monotonic() - started < 5
    assert stopped == [True]


async def test_quit(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
