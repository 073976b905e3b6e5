"""Pilot tests of the reader: rendering, moving, reading, marking and views on a realistic store.

The shell around them (help, palette, keymap, layout, browser, refreshing)
is in test_keys_and_workers.py."""

from __future__ import annotations

import pytest

from briefterm.models import ParsedEntry
from briefterm.store import Store
from briefterm.tui.view_model import READ, View, load_brief
from tests.support.sql import entry_ids, raw_write
from tests.support.tui_data import (
    NOW,
    TECH,
    fixture_brief,
    flags_of,
    focus_of,
    key_of,
    make_config,
    model_of,
    opened_key,
    pending,
    row_of,
    settle,
    shown,
    until,
    view_of,
)
from tests.tui.conftest import AppFactory

SIZE = (160, 45)
pytestmark = pytest.mark.usefixtures("utc")


# -- rendering ---------------------------------------------------------------------


async def test_brief_rows_render_feed_text_literally(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        entries = app.reader.entries
        lines = entries.visible_text()
        text = "\n".join(lines)
        # The lede names the top stories, then the key stories stand under it.
        assert lines[0].startswith(" Chipmaker unveils a 2 nm process for phones; Release notes")
        assert "Key stories" in lines[2] and "2 of 2 unread" in lines[2]
        first = entries.row_lines(1)
        assert "1. Chipmaker unveils a 2 nm process for phones" in first[0]
        assert first[0].rstrip().endswith("1h")  # the age at the right of the headline
        # The dateline leads the dek: the publisher of a wire item, two more outlets.
        assert first[0].startswith("▌")  # the cursor's bar, down every line of the story
        assert first[1].strip("▌ ") == "Silicon Gazette via Tech Daily +2 — Summary of chip."
        assert first[-1].strip() == "" and len(first) == 3  # a blank line ends each story
        assert "Release notes [/] for [@click=app.quit] version 2" in text  # literal, whole
        assert "国产芯片出货量创新高" in text
        width = entries.scrollable_content_region.width
        assert len(lines) == entries.size.height
        from rich.cells import cell_len

        # Every line is exactly the widget's width: no spill, no overflow.
        assert all(cell_len(line) == width for line in lines)
        long_row = entries.row_lines(row_of(app, entry_ids(store, "long")[0]))
        assert "Very long headline" in long_row[0] and long_row[1].rstrip().endswith("…")
        assert all(cell_len(line) == width for line in long_row)
        assert app.is_running  # the [@click=app.quit] title did nothing
        sections = [row.name for row in app.reader.sections.rows]
        assert sections == ["Key stories", "Technology", "Policy", "Markets"]


async def test_escape_sequences_from_feed_never_reach_output(
    store: Store, make_app: AppFactory
) -> None:
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
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")  # All view lists every entry
        await settle(app, pilot)
        strips = [app.reader.entries.render_line(y) for y in range(app.reader.entries.size.height)]
        rendered = "".join(seg.text for strip in strips for seg in strip)
        assert "Evil" in rendered and "title" in rendered
        assert "\x1b" not in rendered and "\x9b" not in rendered and "\x07" not in rendered
        row = row_of(app, entry_ids(store, "raw")[0])
        app.reader.entries.cursor = row
        await pilot.press("enter")
        await pilot.pause()
        detail_text = app.reader.detail.attribution_text + str(
            app.reader.detail.query_one("#detail-title").render()
        )
        assert "\x1b" not in detail_text and "author" in detail_text and "Evil" in detail_text
        # The whole composed screen (list, detail pane, markdown body) is clean too.
        screen_text = "".join(
            seg.text for strip in app.screen._compositor.render_strips() for seg in strip
        )
        assert "Evil" in screen_text and "body" in screen_text
        assert "\x1b" not in screen_text and "\x07" not in screen_text


# -- movement ---------------------------------------------------------------------


async def test_movement_keys_skip_headers(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.reader.entries.cursor == 1  # first story, not the header
        await pilot.press("j")
        assert app.reader.entries.cursor == 2
        await pilot.press("j")
        assert app.reader.entries.cursor == 4  # header of Technology skipped
        await pilot.press("k", "up")
        assert app.reader.entries.cursor == 1
        await pilot.press("down")
        assert app.reader.entries.cursor == 2
        await pilot.press("G")
        assert key_of(app) == "rates"
        await pilot.press("g")
        assert app.reader.entries.cursor == 1
        await pilot.press("end")
        last = app.reader.entries.cursor
        await pilot.press("home")
        assert app.reader.entries.cursor == 1
        await pilot.press("pagedown")
        assert app.reader.entries.cursor == last  # short list: a page reaches the end
        await pilot.press("pageup")
        assert app.reader.entries.cursor == 1
        await pilot.press("ctrl+d")
        assert app.reader.entries.cursor == last
        await pilot.press("ctrl+u")
        assert app.reader.entries.cursor == 1


async def test_cursor_stays_visible_in_a_long_list(store: Store, make_app: AppFactory) -> None:
    feed_id = store.ensure_feed(TECH)
    store.upsert_entries(
        feed_id, [ParsedEntry(f"bulk{i}", title=f"Bulk story {i}") for i in range(300)], now=NOW
    )
    app = make_app()
    async with app.run_test(size=(100, 16)) as pilot:
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press(*"j" * 25)
        entries = app.reader.entries
        top = int(entries.scroll_y)
        assert top <= entries.cursor < top + entries.scrollable_content_region.height
        await pilot.press("G")
        await pilot.pause()
        top = int(entries.scroll_y)
        assert entries.cursor == len(model_of(app)) - 1
        assert top <= entries.cursor < top + entries.scrollable_content_region.height


async def test_sections_next_previous_and_section_list(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("J")
        assert (
            model_of(app).groups[model_of(app).group_index(app.reader.entries.cursor)].name
            == "Technology"
        )
        assert app.reader.sections.cursor == 1  # the section list follows
        await pilot.press("J")
        assert key_of(app) == "budget"
        await pilot.press("j", "K")
        assert key_of(app) == "budget"  # first K goes to the top of the section
        await pilot.press("K")
        assert model_of(app).group_index(app.reader.entries.cursor) == 1
        # Tab to the section list, pick Markets, enter jumps there.
        await pilot.press("escape")
        assert focus_of(app) is app.reader.sections
        await pilot.press("G", "enter")
        assert focus_of(app) is app.reader.entries
        assert key_of(app) == "rates"


async def test_next_previous_unread_cross_sections(store: Store, make_app: AppFactory) -> None:
    app = make_app(make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("G")
        await pilot.press("m")  # rates read
        await pilot.press("g", "n")
        assert app.reader.entries.cursor == 2
        # Mark everything up to "privacy" read; n then crosses sections.
        app.reader.entries.cursor = 4
        await pilot.press("A")
        await pilot.press("g", "n")  # key stories are in Technology: all read
        assert key_of(app) == "budget"
        await pilot.press("n", "n")
        assert key_of(app) == "privacy"  # no unread after it; cursor stays
        await pilot.press("p")
        assert key_of(app) == "budget"


# -- opening, reading, marking -------------------------------------------------------


async def test_open_and_back_and_scroll_detail(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        detail = app.reader.detail
        assert detail.entry is not None and detail.entry.entry_key == "chip"
        assert focus_of(app) is detail
        # One line of attribution above the body; the rest on demand (i).
        assert detail.byline == (
            "Silicon Gazette via Tech Daily · by Dana Reporter · 1 h ago · +2 outlets"
        )
        meta_block = detail.query_one("#detail-meta")
        assert not shown(meta_block)
        await pilot.press("i")
        assert shown(meta_block)
        meta = detail.attribution_text
        assert "Silicon Gazette  via Tech Daily" in meta
        assert "Dana Reporter" in meta
        assert "Sun 22 Nov 2026 08:00 UTC" in meta and "(1 h ago)" in meta
        assert "chips, industry" in meta
        assert "audio/mpeg, 2.0 MB" in meta
        assert "Policy Wire, Market Watch" in meta
        assert "https://" not in meta  # every link is in the numbered list instead
        links = [(link.label, link.url) for link in detail.links]
        assert links == [
            ("This story", "https://news.example.com/chip"),
            ("Spec sheet", "https://chips.example.com/spec"),
            ("Attachment (audio/mpeg, 2.0 MB)", "https://cdn.example.com/ep1.mp3"),
            ("Related", "https://news.example.com/related-1"),
            ("Also reported by Policy Wire", "https://policy.example.org/chip-policy"),
            ("Also reported by Market Watch", "https://markets.example.net/stocks"),
        ]
        await pilot.press("i")  # hidden again
        assert not shown(meta_block)
        await pilot.press("h")
        assert focus_of(app) is app.reader.entries
        # Long body: open the 20k-character title entry and scroll with j/k.
        app.reader.entries.cursor = row_of(app, entry_ids(store, "long")[0])
        await pilot.press("l")
        await until(pilot, lambda: detail.max_scroll_y > 0, "the long story scrolls")
        await pilot.press("j", "j", "j")
        assert detail.scroll_y > 0
        await pilot.press("k", "k", "k")
        assert detail.scroll_y == 0
        await pilot.press("escape")
        assert focus_of(app) is app.reader.entries


async def test_body_uses_markdown_from_html(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        from textual.widgets import Markdown

        body = app.reader.detail.query_one("#detail-body", Markdown)
        assert "**process**" in body.source
        # The body's link keeps its place in the list: [1] is the story itself.
        assert "[Spec sheet](https://chips.example.com/spec)\\[2\\]" in body.source


async def test_open_marks_cluster_read_on_open(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        for key in ("chip", "chip-policy", "stocks"):
            assert flags_of(store, key) == (True, False)
        # The same story in its section shows read too (key stories repeat).
        assert model_of(app).flags[4] & READ
        assert app.reader.sections.rows[1].unread == 5


async def test_mark_read_never(store: Store, make_app: AppFactory) -> None:
    app = make_app(make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        detail = app.reader.detail
        assert detail.entry is not None and detail.entry.entry_key == "chip"  # it was opened
        assert focus_of(app) is detail
        assert flags_of(store, "chip") == (False, False)
        assert not pending(app.reader.marking)  # and no read is pending


async def test_mark_read_after_delay_and_cancel(store: Store, make_app: AppFactory) -> None:
    # A delay no test run reaches: the test fires the timer itself, so a
    # loaded machine cannot change the outcome.
    app = make_app(make_config(mark_read="after", mark_read_delay=3600))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        marking = app.reader.marking
        await pilot.press("enter")
        assert flags_of(store, "chip") == (False, False)
        assert pending(marking)  # the delayed read is pending
        marking.read_after_delay()  # the delay is over
        assert flags_of(store, "chip") == (True, False)
        # Open another story and move away at once: the timer is cancelled.
        await pilot.press("h", "j", "enter")
        assert pending(marking)
        await pilot.press("h", "j")
        assert not pending(marking)
        marking.read_after_delay()  # a timer that fired anyway finds nothing to mark
        assert flags_of(store, "markup") == (False, False)


async def test_toggle_read_star_section_and_undo(store: Store, make_app: AppFactory) -> None:
    app = make_app(make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        assert all(flags_of(store, k)[0] for k in ("chip", "chip-policy", "stocks"))
        await pilot.press("m")
        assert not flags_of(store, "chip")[0]
        await pilot.press("s")
        assert flags_of(store, "chip") == (False, True)
        assert "★" in app.reader.entries.row_lines(1)[0]
        await pilot.press("J", "A")
        assert all(flags_of(store, k)[0] for k in ("markup", "cjk", "emoji", "long", "js"))
        assert app.reader.sections.rows[1].unread == 0
        # Counts keep one meaning: unread, now none of six.
        header = model_of(app).groups[1].header_row
        assert "0 of 6 unread" in app.reader.entries.row_lines(header)[0]
        await pilot.press("u")
        assert not any(flags_of(store, k)[0] for k in ("markup", "cjk", "emoji"))
        assert app.reader.sections.rows[1].unread == 6
        await pilot.press("u")  # undo the star
        assert flags_of(store, "chip") == (False, False)
        await pilot.press("u", "u")  # undo the read toggles, then nothing left
        assert flags_of(store, "chip") == (False, False)


async def test_header_counts_update_live(store: Store, make_app: AppFactory) -> None:
    app = make_app(make_config(mark_read="never"))
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


async def test_views_cycle_and_direct(store: Store, make_app: AppFactory) -> None:
    app = make_app(make_config(mark_read="never"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("s")  # star the key story (3 entries)
        await pilot.press("v")
        await settle(app, pilot)
        assert view_of(app) == "unread"
        assert [r.name for r in app.reader.sections.rows] == ["Today", "Yesterday"]
        model = model_of(app)
        assert sum(model.unread_in_group(i) for i in range(len(model.groups))) == 11
        await pilot.press("v")
        await settle(app, pilot)
        assert view_of(app) == "starred" and len(model_of(app)) - len(model_of(app).groups) == 3
        await pilot.press("v")
        await settle(app, pilot)
        assert view_of(app) == "all"
        await pilot.press("v")
        await settle(app, pilot)
        assert view_of(app) == View.FEEDS
        assert [r.name for r in app.reader.sections.rows] == [
            "Market Watch",
            "Policy Wire",
            "Tech Daily",
        ]
        await pilot.press("v")
        await settle(app, pilot)
        assert view_of(app) == "brief"
        for key, view in (("3", "starred"), ("5", "feeds"), ("2", "unread"), ("1", "brief")):
            await pilot.press(key)
            await settle(app, pilot)
            assert view_of(app) == view


async def test_search_view_and_escape(store: Store, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.press(*"budget")
        await settle(app, pilot)  # the pause after typing, then the search
        assert view_of(app) == View.SEARCH
        assert key_of(app) == "budget"
        await pilot.press("enter")
        assert focus_of(app) is app.reader.entries
        await pilot.press("enter")  # opens the result
        assert opened_key(app) == "budget"
        await pilot.press("escape", "slash", "escape")
        await settle(app, pilot)
        assert view_of(app) == "brief"
        assert not app.query_one("#search").display


async def test_previous_next_edition(store: Store, make_app: AppFactory) -> None:
    calls: list[int] = []

    def loader(s, c, offset, now):  # type: ignore[no-untyped-def]
        calls.append(offset)
        return fixture_brief(s, c, offset, now)

    app = make_app(brief_loader=loader)
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
        assert calls[-1] == 0 and app.reader.edition_offset == 0


async def test_finish_brief_starts_next_edition(store: Store, make_app: AppFactory) -> None:
    ticks = iter(range(1_000_000))
    app = make_app(clock=lambda: NOW + next(ticks) / 1000, brief_loader=load_brief)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        names = [r.name for r in app.reader.sections.rows]
        assert "Technology" in names and "Policy" in names  # real brief.py sections
        await pilot.press("F")
        await settle(app, pilot)
        assert NOW <= float(store.get_meta("last_brief_finished") or 0) < NOW + 60
        assert len(model_of(app)) == 0  # nothing arrived since
        assert "This edition is empty" in "\n".join(app.reader.entries.visible_text())
