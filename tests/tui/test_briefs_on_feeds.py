"""Pilot tests of briefs on real-shaped feeds (issue 10) in the reader.

Finishing an edition (``F``) says how to undo it, ``u`` undoes it and ``[``
shows the edition just finished; a capped section's "N more" opens in
place; By feed lists failing feeds with their error; ``r`` picks up a feed
subscribed from the CLI; ``y`` on a story copies the story the reader shows.
"""

from __future__ import annotations

import pytest

from briefterm.brief import last_finish
from briefterm.config import Config
from briefterm.store import Store
from briefterm.tui.app import BriefApp
from briefterm.tui.commands import reader_commands
from briefterm.tui.view_model import load_brief
from tests.support.tui_data import NOW, make_config, model_of, settle
from tests.tui.conftest import AppFactory

SIZE = (160, 45)
pytestmark = pytest.mark.usefixtures("utc")


class Clock:
    """A reader clock the test moves on (a frozen clock would finish at "now")."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def toasts(app: BriefApp) -> list[str]:
    return [n.message for n in app._notifications]


def story_titles(app: BriefApp) -> list[str]:
    model = model_of(app)
    return [c.lead.title for c in model.clusters]


async def finish(app: BriefApp, pilot: object, clock: Clock) -> None:
    await pilot.press("F")  # type: ignore[attr-defined]
    clock.now += 60  # the reader reads on a minute later
    app.reader.load_view()
    await settle(app, pilot)  # type: ignore[arg-type]


async def test_finish_then_previous_shows_the_finished_edition(
    store: Store, make_app: AppFactory
) -> None:
    clock = Clock()
    app = make_app(clock=clock, brief_loader=load_brief)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = story_titles(app)
        assert "Parliament passes the digital budget" in before
        await finish(app, pilot, clock)
        assert last_finish(store) == NOW
        assert "u undoes" in toasts(app)[-1] and "[ shows" in toasts(app)[-1]
        assert len(model_of(app)) == 0  # the new edition: nothing arrived since
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert app.reader.edition_offset == -1
        assert story_titles(app) == before  # the edition just finished, with its stories
        assert "finished" in model_of(app).label
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert len(model_of(app)) == 0


async def test_undo_takes_back_the_finish(store: Store, make_app: AppFactory) -> None:
    clock = Clock()
    app = make_app(clock=clock, brief_loader=load_brief)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = story_titles(app)
        assert not app.reader.applies("undo")
        await finish(app, pilot, clock)
        assert app.reader.applies("undo")
        await pilot.press("u")
        await settle(app, pilot)
        assert last_finish(store) is None
        assert story_titles(app) == before  # the edition is live again
        assert toasts(app)[-1] == "Finishing undone: the edition is live again."
        assert not app.reader.applies("undo")


async def test_undo_takes_back_a_later_marking_first(store: Store, make_app: AppFactory) -> None:
    clock = Clock()
    app = make_app(clock=clock, brief_loader=load_brief)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await finish(app, pilot, clock)
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        row = app.reader.entries.cursor
        await pilot.press("s")  # star a story of the finished edition
        await settle(app, pilot)
        assert model_of(app).cluster_at(row) is not None
        lead = model_of(app).lead_id(row)
        assert lead is not None and store.flags([lead])[lead][1]
        await pilot.press("u")  # the star came last
        await settle(app, pilot)
        assert not store.flags([lead])[lead][1] and last_finish(store) == NOW
        await pilot.press("u")  # then the finish
        await settle(app, pilot)
        assert last_finish(store) is None


async def test_copying_a_key_story_keeps_the_story_the_reader_shows(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert model_of(app).cluster_at(app.reader.entries.cursor) is not None
        assert len(model_of(app).entry_ids(app.reader.entries.cursor)) == 3
        await pilot.press("y")  # key story 1: three reports of one story
        await settle(app, pilot)
        text = app.clipboard
        assert text.startswith("# 1 story from the Morning brief, Sunday 22 November 2026\n")
        assert text.count("Chipmaker") == 1 and "(3 sources)" in text
        assert "Key stories" not in text
        assert toasts(app)[-1].startswith("Copied 1 story as Markdown")
        # Three stories selected: three items, titled by what was copied, no key list.
        await pilot.press("space", "J", "J", "space", "space", "y")
        await settle(app, pilot)
        text = app.clipboard
        assert text.startswith("# 3 stories from the Morning brief, Sunday 22 November 2026\n")
        assert "Key stories" not in text and text.count("\n- **") == 3


async def test_by_feed_lists_failing_feeds_with_their_error(
    store: Store, make_app: AppFactory
) -> None:
    policy = next(f for f in store.feeds() if f.title == "Policy Wire")
    store.update_feed(
        policy.id,
        last_attempt=NOW,
        error_count=3,
        last_status=503,
        last_error="Service Unavailable",
    )
    never = store.ensure_feed("https://down.example.com/rss", "Down Under News")
    store.update_feed(
        never,
        last_attempt=NOW,
        error_count=1,
        last_error="could not resolve host down.example.com",
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(app, pilot)
        names = [g.name for g in model_of(app).groups]
        assert names == [
            "Down Under News · failing: could not resolve host down.example.com",
            "Policy Wire · failing: HTTP 503: Service Unavailable",
            "Market Watch",
            "Tech Daily",
        ]
        assert model_of(app).groups[0].size == 0  # never worked: listed all the same
        assert model_of(app).groups[1].size == 3  # its stored entries stay
        assert model_of(app).label == "4 feeds · 2 failing"
        shown = "\n".join(app.reader.entries.visible_text())
        assert "Policy Wire · failing: HTTP 503: Service Unavailable" in shown
        assert [r.name for r in app.reader.sections.rows] == names
        # The cursor starts on the first story, not on the empty group.
        assert model_of(app).lead_id(app.reader.entries.cursor) is not None


async def test_refresh_picks_up_a_feed_added_from_the_cli(
    store: Store, make_app: AppFactory
) -> None:
    from datetime import UTC, datetime

    from briefterm import paths
    from briefterm.config import FeedConfig, add_subscription, load_config, reload_config
    from briefterm.models import ParsedEntry
    from briefterm.poller import FeedResult, PollReport

    config_file = paths.config_path()
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text(
        "".join(
            f'[[feeds]]\nurl = "{f.url}"\nname = "{f.name}"\n'
            + (f'section = "{f.section}"\n' if f.section else "")
            for f in make_config().feeds
        ),
        encoding="utf-8",
    )
    new_url = "https://newsboat-test.example.org/feed.xml"
    polled: list[list[str]] = []

    def poller(store: Store, config: Config, /, **_options: object) -> PollReport:
        polled.append([f.url for f in config.feeds])
        results = []
        if config.feed(new_url) is not None:
            feed_id = store.ensure_feed(new_url, "Newsboat test")
            published = datetime.fromtimestamp(NOW - 1800, UTC)
            entry = ParsedEntry(
                entry_id="nb-1",
                title="Newsboat test post about terminal readers",
                link="https://newsboat-test.example.org/posts/1",
                published=published,
            )
            store.upsert_entries(feed_id, [entry], now=NOW - 60)
            results.append(FeedResult(new_url, "Newsboat test", "ok", new=1))
        return PollReport(results=results)

    app = make_app(
        load_config(), poller=poller, brief_loader=load_brief, config_loader=reload_config
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "Dev" not in [g.name for g in model_of(app).groups]
        # `briefterm add URL --section Dev --name "Newsboat test"` while the reader is open.
        add_subscription(config_file, FeedConfig(url=new_url, name="Newsboat test", section="Dev"))
        await pilot.press("r")
        await settle(app, pilot)
        assert new_url in polled[-1]  # the new feed was polled
        assert app.reader.config.feed(new_url) is not None
        dev = next(g for g in model_of(app).groups if g.name == "Dev")  # not "Other"
        rows = range(dev.header_row + 1, dev.end_row)
        titles = [model_of(app).cluster_at(r).lead.title for r in rows]  # type: ignore[union-attr]
        assert titles == ["Newsboat test post about terminal readers"]
        # A config that no longer loads keeps the one in use, and says so.
        config_file.write_text("[[feeds]\n", encoding="utf-8")
        await pilot.press("r")
        await settle(app, pilot)
        assert "the config was not read again" in toasts(app)[-1]
        assert app.reader.config.feed(new_url) is not None


def capped_config() -> Config:
    """The fixture config with Technology capped at two stories ("N more")."""
    from dataclasses import replace

    from briefterm.config import SectionConfig

    technology = SectionConfig(name="Technology", feeds=("Tech Daily",), limit=2)
    return replace(make_config(), sections=(technology,))


def group_named(app: BriefApp, name: str) -> tuple[int, list[str]]:
    model = model_of(app)
    group = next(g for g in model.groups if g.name == name)
    rows = range(group.header_row + 1, group.end_row)
    return group.hidden, [model.clusters[model.values[r]].lead.entry_key for r in rows]


async def test_n_more_opens_in_place_and_keeps_the_cursor(make_app: AppFactory) -> None:
    app = make_app(capped_config(), brief_loader=load_brief)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        hidden, keys = group_named(app, "Technology")
        assert hidden > 0 and keys
        assert f"{hidden} more" in "\n".join(app.reader.entries.visible_text())
        # The cursor on the section's last shown story (the key stories list it too).
        model = model_of(app)
        group = next(g for g in model.groups if g.name == "Technology")
        app.reader.entries.move_to(group.end_row - 1)
        await pilot.pause()
        lead = model.lead_id(group.end_row - 1)
        assert app.reader.applies("expand_section")
        await pilot.press("plus")
        await settle(app, pilot)
        shown_now, more = group_named(app, "Technology")
        assert shown_now == 0 and more[: len(keys)] == keys and len(more) == len(keys) + hidden
        row = app.reader.entries.cursor
        assert model_of(app).lead_id(row) == lead  # the cursor stayed on its story…
        assert model_of(app).groups[model_of(app).group_index(row)].name == "Technology"
        assert not app.reader.applies("expand_section")
        # …and the section stays open when the view is loaded again (a refresh).
        app.reader.load_view(keep_entry=lead)
        await settle(app, pilot)
        assert group_named(app, "Technology")[0] == 0
        # From the section list (the section's header), through the palette's command.
        await pilot.press("left_square_bracket", "right_square_bracket")
        await settle(app, pilot)
        assert group_named(app, "Technology")[0] == hidden  # another edition starts capped
        app.reader.sections.focus()
        index = next(i for i, g in enumerate(model_of(app).groups) if g.name == "Technology")
        app.reader.sections.cursor = index
        await pilot.pause()
        titles = [c.title for c in reader_commands(app.reader)]
        assert "Show the N more of this section" in titles
        await app.reader.run_action("expand_section")
        await settle(app, pilot)
        assert group_named(app, "Technology")[0] == 0


async def test_undated_stories_say_so_in_the_lists(store: Store, make_app: AppFactory) -> None:
    from tests.support.sql import entry_ids, raw_write
    from tests.support.tui_data import row_of

    with raw_write(store) as db:  # the feed gave no date: filed by when it was first seen
        db.execute("UPDATE entries SET published = NULL WHERE entry_key = 'rates'")
    (rates,) = entry_ids(store, "rates")
    app = make_app(brief_loader=load_brief)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        first = app.reader.entries.row_lines(row_of(app, rates))[0]
        assert "Central bank" in first and first.rstrip().endswith(" seen")  # not "1h"
        await pilot.press("4")
        await settle(app, pilot)
        first = app.reader.entries.row_lines(row_of(app, rates))[0]
        assert "Central bank" in first and first.rstrip().endswith(" seen 22 Nov")
