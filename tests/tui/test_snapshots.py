"""Snapshot tests of the reader (pytest-textual-snapshot), with a frozen clock and UTC.

Regenerate after an intended visual change with
``.venv/bin/pytest tests/tui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from briefterm.tui.app import BriefApp
from tests.support.tui_data import make_config, settle
from tests.tui.conftest import AppFactory

pytestmark = pytest.mark.usefixtures("utc")


async def settle_app(pilot: Pilot[int]) -> None:
    app = pilot.app
    assert isinstance(app, BriefApp)
    await settle(app, pilot)


def test_wide_layout(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    app = make_app(make_config(mark_read="never"))
    assert snap_compare(app, terminal_size=(160, 45), run_before=settle_app)


def test_narrow_layout(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    app = make_app(make_config(mark_read="never"))
    assert snap_compare(app, terminal_size=(80, 40), run_before=settle_app)


async def open_story(pilot: Pilot[int]) -> None:
    """Open the story under the cursor and let its body render."""
    await pilot.press("enter")
    await settle_app(pilot)  # Markdown mounts the body's blocks in steps
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def test_detail_open(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    async def star_and_open(pilot: Pilot[int]) -> None:
        await settle_app(pilot)
        await pilot.press("j", "s", "k")
        await open_story(pilot)

    assert snap_compare(make_app(), terminal_size=(160, 45), run_before=star_and_open)


def test_selection_wide(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    """Selected rows: marker column, tint, the count in the footer; a range being drawn."""

    async def select(pilot: Pilot[int]) -> None:
        await settle_app(pilot)
        await pilot.press("J", "j", "space", "j", "V", "j")
        await pilot.pause()

    app = make_app(make_config(mark_read="never"))
    assert snap_compare(app, terminal_size=(160, 45), run_before=select)


def test_light_theme_narrow_detail(snap_compare, make_app: AppFactory) -> None:  # type: ignore[no-untyped-def]
    async def select_and_open(pilot: Pilot[int]) -> None:
        await settle_app(pilot)
        await pilot.press("J", "j", "space", "space", "k", "k")  # two selected rows
        await open_story(pilot)

    app = make_app(make_config(theme="textual-light"))
    assert snap_compare(app, terminal_size=(80, 40), run_before=select_and_open)
