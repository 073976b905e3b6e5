"""Snapshot tests of the reader (pytest-textual-snapshot), with a frozen clock and UTC.

Regenerate after an intended visual change with
``.venv/bin/pytest tests/tui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from briefterm.store import Store
from briefterm.tui.app import BriefApp
from tests.support.tui_data import clock, fill_store, fixture_brief, make_config, settle

pytestmark = pytest.mark.usefixtures("utc")


def make_app(**ui: object) -> BriefApp:
    store = Store(":memory:")
    fill_store(store)
    return BriefApp(make_config(**ui), store, clock=clock, brief_loader=fixture_brief)


async def settle_app(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot.app, pilot)


def test_wide_layout(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(mark_read="never"), terminal_size=(160, 45), run_before=settle_app)


def test_narrow_layout(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(mark_read="never"), terminal_size=(80, 40), run_before=settle_app)


def test_detail_open(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def open_story(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle_app(pilot)
        await pilot.press("j", "s", "k", "enter")
        await pilot.pause(0.2)

    assert snap_compare(make_app(), terminal_size=(160, 45), run_before=open_story)


def test_selection_wide(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Selected rows: marker column, tint, the count in the footer; a range being drawn."""

    async def select(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle_app(pilot)
        await pilot.press("J", "j", "space", "j", "V", "j")
        await pilot.pause()

    assert snap_compare(make_app(mark_read="never"), terminal_size=(160, 45), run_before=select)


def test_light_theme_narrow_detail(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def open_story(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle_app(pilot)
        await pilot.press("J", "j", "space", "space", "k", "k")  # two selected rows
        await pilot.press("enter")
        await pilot.pause(0.2)

    app = make_app(theme="textual-light")
    assert snap_compare(app, terminal_size=(80, 40), run_before=open_story)
