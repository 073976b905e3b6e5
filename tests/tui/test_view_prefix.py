"""Large entry views: their newest days are shown first, then every row, in place."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from briefterm.store import Store
from briefterm.tui import _view_loading
from briefterm.tui.app import BriefApp
from briefterm.tui.view_model import RowModel, View
from tests.support.tui_data import model_of
from tests.tui.conftest import AppFactory

SIZE = (120, 40)


@pytest.fixture
def release(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Views show one day first; the whole view is built once the test sets the event."""
    release = threading.Event()
    from briefterm.tui.view_model import build_entry_model as build

    def held(store: Store, view: View, now: float, **kwargs: Any) -> RowModel:
        if kwargs.get("first") is None:
            release.wait(10)  # the test looks at the first version meanwhile
        return build(store, view, now, **kwargs)

    monkeypatch.setattr(_view_loading, "FIRST_ROWS", 1)
    monkeypatch.setattr(_view_loading, "build_entry_model", held)
    return release


async def _first_version(app: BriefApp, pilot: Any, key: str) -> RowModel:
    await app.workers.wait_for_complete()
    await pilot.press(key)
    while app.reader.model is None or not app.reader.model.prefix:
        await pilot.pause()
    return model_of(app)


async def test_all_shows_its_newest_day_then_every_row_keeping_the_cursor(
    make_app: AppFactory, release: threading.Event
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        first = await _first_version(app, pilot, "4")
        assert [g.name for g in first.groups] == ["Today"]
        await pilot.press("j", "j")
        row = app.reader.entries.cursor
        entry = first.lead_id(row)
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        whole = model_of(app)
        assert not whole.prefix and [g.name for g in whole.groups] == ["Today", "Yesterday"]
        assert whole.lead_id(app.reader.entries.cursor) == entry  # the same story, same row
        assert app.reader.entries.cursor == row


async def test_a_move_past_the_first_version_is_made_in_the_whole_view(
    make_app: AppFactory, release: threading.Event
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        first = await _first_version(app, pilot, "4")
        await pilot.press("G")  # the last row is not loaded yet
        assert app.reader.entries.cursor == 1 and app.reader.entries.deferred
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        whole = model_of(app)
        assert len(whole) > len(first)
        assert app.reader.entries.cursor == len(whole) - 1
        assert not app.reader.entries.deferred


async def test_a_small_view_is_built_once(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        model = model_of(app)
        assert model.view == View.ALL and not model.prefix
        assert [g.name for g in model.groups] == ["Today", "Yesterday"]
