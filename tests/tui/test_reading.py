"""Pilot tests of reading: the story pane follows the cursor, numbered links, counts, help, mouse.

The pane is shown only while a story is open and never shows a story
other than the one under the cursor, whatever the reader does next
(going back, other views, other editions, searching, moving, clicking).
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Markdown
from textual.widgets._toast import ToastRack

from briefterm.config import Config
from briefterm.models import ParsedEntry
from briefterm.store import Store
from briefterm.tui.app import BriefApp
from briefterm.tui.screens.help import HelpScreen
from tests.support.sql import entry_ids
from tests.support.tui_data import (
    NOW,
    TECH,
    focus_of,
    key_of,
    make_config,
    model_of,
    opened_key,
    row_of,
    settle,
    shown,
    until,
)
from tests.tui.conftest import AppFactory

SIZE = (160, 45)
pytestmark = pytest.mark.usefixtures("utc")


def pane_is_the_cursors(app: BriefApp) -> bool:
    """The invariant: a visible story pane shows the story under the list's cursor."""
    reader = app.reader
    if not shown(reader.detail):
        return reader.detail.entry is None
    entry = reader.detail.entry
    lead = model_of(app).lead_id(reader.entries.cursor)
    return entry is not None and entry.id == lead


class Opened:
    """Records what the browser was asked to open, through the real safe opener."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.argv: list[list[str]] = []
        self.kwargs: list[dict[str, Any]] = []

        def popen(argv: list[str], **kwargs: Any) -> None:
            self.argv.append(argv)
            self.kwargs.append(kwargs)

        monkeypatch.setattr("briefterm.links.subprocess.Popen", popen)

    @property
    def urls(self) -> list[str]:
        """The URL of every launch (the last argv element)."""
        return [argv[-1] for argv in self.argv]


def browser_config(**ui: object) -> Config:
    config = make_config(**ui)
    return Config(feeds=config.feeds, ui=config.ui, browser="firefox --new-tab {url}")


# -- the story pane ------------------------------------------------------------------


async def test_no_empty_pane_and_it_follows_the_cursor_everywhere(
    store: Store, make_app: AppFactory
) -> None:
    app = make_app(make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        reader = app.reader
        assert not shown(reader.detail)  # nothing open: the list has the width
        assert reader.entries.region.width > 120
        await pilot.press("enter")
        await settle(app, pilot)
        assert shown(reader.detail) and opened_key(app) == "chip"
        assert pane_is_the_cursors(app)
        await pilot.press("h")  # back: the pane goes, and with it the story
        assert not shown(reader.detail) and pane_is_the_cursors(app)

        steps: list[tuple[str, tuple[str, ...]]] = [
            ("another view", ("2",)),
            ("another edition", ("1", "left_square_bracket")),
            ("the live edition again", ("right_square_bracket",)),
            ("a search", ("slash", *"budget", "enter")),
            ("leaving the search", ("escape",)),
        ]
        for what, keys in steps:
            await pilot.press("1") if what == "another view" else None
            await settle(app, pilot)
            await pilot.press("enter")
            await settle(app, pilot)
            assert shown(reader.detail), f"open before {what}"
            await pilot.press(*keys)
            await settle(app, pilot)
            assert pane_is_the_cursors(app), f"stale story pane after {what}"

        # While a story is open, moving in the list (or jumping) shows the new story.
        await pilot.press("1")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("shift+tab")  # back to the list, the story still open
        assert focus_of(app) is reader.entries and shown(reader.detail)
        await pilot.press("j")
        await settle(app, pilot)
        assert opened_key(app) == "markup" and pane_is_the_cursors(app)
        await pilot.press("J")  # the next section
        await settle(app, pilot)
        assert opened_key(app) == key_of(app) and pane_is_the_cursors(app)
        await pilot.press("n")  # the next unread
        await settle(app, pilot)
        assert pane_is_the_cursors(app)


async def test_a_click_on_a_row_shows_that_story(store: Store, make_app: AppFactory) -> None:
    app = make_app(make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        entries = app.reader.entries
        row = row_of(app, entry_ids(store, "cjk")[0])
        line = entries.line_index.start(row) - int(entries.scroll_y)
        assert 0 <= line < entries.size.height
        await pilot.click(entries, offset=(10, line))
        await settle(app, pilot)
        assert key_of(app) == "cjk" and opened_key(app) == "cjk"
        assert pane_is_the_cursors(app)


async def test_at_80x24_the_story_body_starts_on_the_first_screen(
    store: Store, make_app: AppFactory
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        body = app.reader.detail.query_one("#detail-body", Markdown)
        await until(pilot, lambda: body.region.height > 0, "the body is laid out")
        assert body.region.y + 1 < 24 - 1  # a line of it above the footer at least
        screen = "\n".join(
            "".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()
        )
        assert "The new process cuts power use." in " ".join(screen.split())
        # Attribution in one line; the rest is one key away.
        assert "Silicon Gazette via Tech Daily · by Dana Reporter" in screen
        assert "Published" not in screen


# -- links ---------------------------------------------------------------------------


def _add_linked_story(store: Store) -> int:
    """A story whose body has an image, a percent-encoded IRI and a link in code."""
    feed = store.ensure_feed(TECH, "Tech Daily")
    store.upsert_entries(
        feed,
        [
            ParsedEntry(
                "links",
                title="Weekly notes: a door that would not open",
                link="https://notes.example.org/2026/11/weekly-375.html",
                content_html=(
                    "<p>Notes are <a href='https://git.example.org/notes'>open source</a>.</p>"
                    "<p><img src='https://cdn.example.org/cover.webp' alt='The museum roof'></p>"
                    "<p><a href='https://tw.news.example.com/news/%E6%98%94%E6%97%A5%E6%9B%BE"
                    "-012508764.html'>https://tw.news.example.com/news/%E6%98%94%E6%97%A5%E6%9B"
                    "%BE-012508764.html</a></p>"
                    "<p><code>[not](https://not.example.org/a-link)</code></p>"
                    "<p>Again: <a href='https://git.example.org/notes'>the repo</a>.</p>"
                ),
            )
        ],
        now=NOW - 60,
    )
    return entry_ids(store, "links")[0]


async def test_numbered_links_open_through_the_safe_path(
    store: Store, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = _add_linked_story(store)
    opened = Opened(monkeypatch)
    app = make_app(browser_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")  # All
        await settle(app, pilot)
        app.reader.entries.cursor = row_of(app, story)
        await pilot.press("enter")
        await settle(app, pilot)
        detail = app.reader.detail
        links = [(link.number, link.label, link.shown) for link in detail.links]
        assert links == [
            (1, "This story", "https://notes.example.org/2026/11/weekly-375.html"),
            (2, "open source", "https://git.example.org/notes"),
            (3, "image: The museum roof", "https://cdn.example.org/cover.webp"),
            # Shown decoded; what opens is the URL as the feed gave it.
            (4, detail.links[3].url, "https://tw.news.example.com/news/昔日曾-012508764.html"),
        ]
        assert "%E6%98%94" in detail.links[3].url
        body = detail.query_one("#detail-body", Markdown).source
        assert "[open source](https://git.example.org/notes)\\[2\\]" in body
        assert "[\\[image: The museum roof\\]](https://cdn.example.org/cover.webp)\\[3\\]" in body
        assert "[the repo](https://git.example.org/notes)\\[2\\]" in body  # same URL, same number
        assert "`[not](https://not.example.org/a-link)`" in body  # code is left alone

        await pilot.press("2")  # in the story pane the digits open links
        await pilot.press("4")
        await pilot.press("o")  # the story itself
        await pilot.press("9")  # there is no link 9
        await settle(app, pilot)
        assert opened.urls == [
            "https://git.example.org/notes",
            detail.links[3].url,
            "https://notes.example.org/2026/11/weekly-375.html",
        ]
        assert all(argv[:2] == ["firefox", "--new-tab"] and len(argv) == 3 for argv in opened.argv)
        assert all(kw["shell"] is False for kw in opened.kwargs)
        assert any("no link 9" in n.message for n in app._notifications)

        # A click on a link of the list opens it too.
        link_list = detail.link_list
        detail.scroll_end(animate=False)
        await pilot.pause()
        lines = link_list._lines(link_list.content_region.width)
        line = next(y for y, (index, _text) in enumerate(lines) if index == 2)
        await pilot.click(link_list, offset=(8, line))
        await settle(app, pilot)
        assert opened.urls[-1] == "https://cdn.example.org/cover.webp"
        # The digits switch views again once the story pane is left.
        await pilot.press("h", "2")
        await settle(app, pilot)
        assert app.reader.view == "unread"


async def test_a_story_without_a_link_says_so(store: Store, make_app: AppFactory) -> None:
    feed = store.ensure_feed(TECH, "Tech Daily")
    store.upsert_entries(feed, [ParsedEntry("nolink", title="An untitled note")], now=NOW - 60)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        app.reader.entries.cursor = row_of(app, entry_ids(store, "nolink")[0])
        await pilot.press("o")
        await settle(app, pilot)
        assert any(n.message == "This story has no link." for n in app._notifications)


# -- counts ----------------------------------------------------------------------------


async def test_counts_keep_one_meaning_after_marking_a_section(
    store: Store, make_app: AppFactory
) -> None:
    app = make_app(make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        sections = app.reader.sections
        assert [(r.name, r.unread) for r in sections.rows][:2] == [
            ("Key stories", 2),
            ("Technology", 6),
        ]
        await pilot.press("A")  # the key stories, read
        assert sections.rows[0].unread == 0
        # The sidebar still shows the unread count: a dim 0, never the total.
        row = sections.render_row(0, 0, sections.scrollable_content_region.width, False)
        assert row.text.split()[-1] == "0"
        dim = sections.get_component_rich_style("section-list--done-count")
        assert any(seg.text.strip() == "0" and seg.style == dim for seg in row)
        header = app.reader.entries.row_lines(model_of(app).groups[0].header_row)[-1]
        assert "0 of 2 unread" in header
        assert sections.rows[1].unread == 4  # both stories are in Technology too
        title = str(app.query_one("#titlebar").render())
        assert "7 unread / 11" in title


async def test_the_selection_counts_stories_as_they_are_shown(
    store: Store, make_app: AppFactory
) -> None:
    app = make_app(make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        status = app.reader.selection_status
        await pilot.press("space", "space")  # the chip story (3 reports), then "markup"
        assert str(status.render()) == "2 selected"
        await pilot.press("J", "asterisk")  # Policy: two stories
        assert str(status.render()) == "4 selected"
        await pilot.press("Y")
        await pilot.pause()
        title = app.screen.query_one("#export-title")
        assert "Copy 4 selected as…" in str(title.render())
        await pilot.press("escape")
        await pilot.press("5")  # By feed: every entry is a row of its own
        await settle(app, pilot)
        assert str(status.render()) == "6 selected"


# -- help, toasts, mouse ------------------------------------------------------------------


async def test_help_scrolls_to_either_end(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        from textual.containers import VerticalScroll

        scroller = app.screen.query_one(VerticalScroll)
        assert scroller.max_scroll_y > 10
        for key, where in (
            ("G", "end"),
            ("g", "top"),
            ("end", "end"),
            ("home", "top"),
            ("pagedown", "page"),
        ):
            await pilot.press(key)
            await pilot.pause()
            if where == "end":
                assert scroller.scroll_y == scroller.max_scroll_y, key
            elif where == "top":
                assert scroller.scroll_y == 0, key
            else:
                assert 0 < scroller.scroll_y < scroller.max_scroll_y, key


async def test_toasts_wait_until_a_dialog_closes(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        app.notify("This is the latest edition.", timeout=30)
        await pilot.pause()
        rack = app.reader.get_child_by_type(ToastRack)
        assert not rack.display  # not drawn through the dialog's backdrop
        await pilot.press("escape")
        await until(pilot, lambda: bool(rack.display and rack.children), "the toast")


async def test_a_click_on_a_section_jumps_to_it(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.click(app.reader.sections, offset=(3, 2))  # "Policy"
        await settle(app, pilot)
        assert key_of(app) == "budget"
        assert focus_of(app) is app.reader.entries


# -- layout -------------------------------------------------------------------------------


async def test_the_section_strip_takes_only_the_rows_it_needs(
    store: Store, make_app: AppFactory
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(app, pilot)
        sections = app.reader.sections
        assert sections.scrollable_content_region.height == 4  # four groups
        await pilot.press("slash", *"budget", "enter")
        await settle(app, pilot)
        assert sections.scrollable_content_region.height == 1  # one group: no blank rows
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not sections.display  # short: every line goes to the stories
        title = str(app.query_one("#titlebar").render())
        assert title.rstrip().endswith("11 unread / 11")  # never cut mid-count
