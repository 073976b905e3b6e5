"""Pilot tests of briefs on real-shaped feeds (issue 10) in the reader.

Finishing an edition (``F``) says how to undo it, ``u`` undoes it and ``[``
shows the edition just finished; a capped section's "N more" opens in
place; By feed lists failing feeds with their error; ``r`` picks up a feed
subscribed from the CLI; ``y`` on a story copies the story the reader shows.
"""

from __future__ import annotations

import pytest

from briefterm.brief import last_finish
from briefterm.store import Store
from briefterm.tui.app import BriefApp
from briefterm.tui.view_model import load_brief
from tests.support.tui_data import NOW, model_of, settle
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
