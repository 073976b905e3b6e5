"""The first screen from the saved brief: painted at once, replaced by the fresh one in place."""

from __future__ import annotations

import threading

from briefterm.config import Config
from briefterm.models import Brief
from briefterm.store import Store
from briefterm.tui.view_model import saved_edition_key
from tests.support.sql import entry_ids
from tests.support.tui_data import fixture_brief, model_of, row_of
from tests.tui.conftest import AppFactory

SIZE = (120, 40)


def _fresh(store: Store, config: Config, offset: int, now: float) -> Brief:
    """The brief assembled now: the fixture's, without its key stories (rows shift up)."""
    brief = fixture_brief(store, config, offset, now)
    brief.key_stories = []
    return brief


async def test_saved_brief_shows_first_and_the_fresh_one_keeps_the_cursor(
    store: Store, reader_config: Config, make_app: AppFactory
) -> None:
    key = saved_edition_key(store, reader_config, 0)
    assert key is not None
    store.save_brief(key, fixture_brief(store, reader_config, 0, 0.0))
    release = threading.Event()

    def slow_fresh(store: Store, config: Config, offset: int, now: float) -> Brief:
        release.wait(10)  # the test looks at the saved brief meanwhile
        return _fresh(store, config, offset, now)

    app = make_app(brief_loader=slow_fresh)
    (budget,) = entry_ids(store, "budget")
    async with app.run_test(size=SIZE) as pilot:
        while app.reader.model is None:
            await pilot.pause()
        saved = model_of(app)
        assert saved.groups[0].name == "Key stories"  # the saved edition, before the fresh one
        app.reader.entries.move_to(row_of(app, budget))
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        fresh = model_of(app)
        assert fresh is not saved and fresh.groups[0].name == "Technology"
        assert fresh.lead_id(app.reader.entries.cursor) == budget  # the same story
    # What was assembled is saved for the next start.
    again = store.saved_brief(key)
    assert again is not None and again.key_stories == []


async def test_no_saved_brief_builds_as_before(
    store: Store, reader_config: Config, make_app: AppFactory
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert model_of(app).groups[0].name == "Key stories"
    key = saved_edition_key(store, reader_config, 0)
    assert key is not None and store.saved_brief(key) is not None


def test_saved_key_follows_the_last_finished_brief(store: Store, reader_config: Config) -> None:
    from briefterm.brief.editions import LAST_BRIEF_META
    from briefterm.tui import view_model

    assert view_model._LAST_BRIEF_META == LAST_BRIEF_META
    before = saved_edition_key(store, reader_config, 0)
    store.set_meta(LAST_BRIEF_META, "1700000000.0")
    assert saved_edition_key(store, reader_config, 0) not in (before, None)
    assert saved_edition_key(store, reader_config, -1) is None  # only the live edition
